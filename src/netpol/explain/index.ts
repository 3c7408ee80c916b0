/**
 * A NetworkPolicy in plain words: which pods it selects, which directions it isolates and why,
 * who may connect on which ports (with the AND/OR reading of peers spelled out), what the API
 * server's defaulting changes, and what is denied as a consequence. Pure; never throws.
 *
 * The explanation describes the object as the API server would store it (after defaulting), and
 * uses the object as submitted to say what was inferred. The result is plain data, so `-o json`
 * prints it as is; the field names in ./types.ts are part of the CLI's output contract.
 */
import type { NetworkPolicy } from '../../k8s/types.js';
import { admitNetworkPolicy } from '../admit.js';
import { byPatchPath, defaultingChange } from './defaulting.js';
import { directionOf } from './directions.js';
import { decodeConsequence, namespaceOf } from './problems.js';
import { selectionOf } from './selectors.js';
import {
  EXPLANATION_SCHEMA_VERSION,
  type DirectionExplanation,
  type ExplainOptions,
  type Explanation,
  type NamespaceExplanation,
  type Problem,
  type Selection,
} from './types.js';

export { explainSelector } from './selectors.js';
export {
  EXPLANATION_SCHEMA_VERSION,
  type ClusterExplanation,
  type PeerInCluster,
  type PodSample,
  type RuleInCluster,
  type DefaultingChange,
  type DirectionExplanation,
  type ExplainOptions,
  type Explanation,
  type NamespaceExplanation,
  type PeerExplanation,
  type PortExplanation,
  type Problem,
  type RequirementExplanation,
  type RuleExplanation,
  type Selection,
  type SelectorExplanation,
} from './types.js';

/** Explains a NetworkPolicy as submitted (a JSON value, e.g. one YAML document). Never throws. */
export function explainNetworkPolicy(submitted: unknown, opts: ExplainOptions = {}): Explanation {
  try {
    return explain(submitted, opts);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return undecoded(null, namespaceOf(undefined, opts), [
      { kind: 'invalid-type', field: '', message: `cannot explain this object: ${message}`, consequence: 'Nothing can be said about it.' },
    ]);
  }
}

function explain(submitted: unknown, opts: ExplainOptions): Explanation {
  const verdict = admitNetworkPolicy({ operation: 'CREATE', object: submitted, ...(opts.namespace ? { namespace: opts.namespace } : {}) });
  const np = verdict.defaulted;
  const ns = namespaceOf(verdict.submitted ?? np ?? rawMetadata(submitted), opts);
  const problems: Problem[] = verdict.decodeIssues.map((i) => ({
    kind: i.kind,
    field: i.field,
    message: i.message,
    consequence: decodeConsequence(i.kind, i.field),
  }));
  for (const e of verdict.fieldErrors) {
    // Without a namespace in the object or the request, kubectl fills in its current one.
    if (ns.source === 'current' && e.field === 'metadata.namespace' && e.type === 'FieldValueRequired') continue;
    problems.push({ kind: 'invalid', field: e.field, message: e.toString(), consequence: 'The API server rejects the policy (422 Invalid).' });
  }
  const own = verdict.submitted?.metadata?.namespace;
  if (own && opts.namespace && own !== opts.namespace) {
    problems.push({
      kind: 'namespace-mismatch',
      field: 'metadata.namespace',
      message: `metadata.namespace is ${own}, but namespace ${opts.namespace} was asked for`,
      consequence: `kubectl refuses to apply it ("the namespace from the provided object does not match"); this explanation uses ${own}.`,
    });
  }
  if (!np || problems.some((p) => p.kind === 'invalid-type')) {
    return undecoded(np?.metadata?.name ?? rawMetadata(submitted).metadata?.name ?? null, ns, problems);
  }
  const sub = verdict.submitted ?? {};
  const selects = selectionOf(np.spec?.podSelector, ns);
  const ingress = directionOf(np, sub, 'ingress', ns);
  const egress = directionOf(np, sub, 'egress', ns);
  return {
    schemaVersion: EXPLANATION_SCHEMA_VERSION,
    name: np.metadata?.name ?? null,
    namespace: ns,
    decoded: true,
    problems,
    summary: summaryOf(selects, ingress, egress, problems),
    selects,
    ingress,
    egress,
    defaulting: [...verdict.patch].sort(byPatchPath).map((op) => defaultingChange(op, sub)),
    notes: notesOf(ingress, egress),
  };
}

/** Name and namespace of an object that does not decode, where they are at least strings. */
function rawMetadata(value: unknown): NetworkPolicy {
  const meta = (value as { metadata?: unknown } | null | undefined)?.metadata;
  if (meta === null || typeof meta !== 'object') return {};
  const { name, namespace } = meta as { name?: unknown; namespace?: unknown };
  return {
    metadata: { ...(typeof name === 'string' ? { name } : {}), ...(typeof namespace === 'string' ? { namespace } : {}) },
  };
}

function undecoded(name: string | null, ns: NamespaceExplanation, problems: Problem[]): Explanation {
  return {
    schemaVersion: EXPLANATION_SCHEMA_VERSION,
    name,
    namespace: ns,
    decoded: false,
    problems,
    summary: 'This object cannot be read as a NetworkPolicy, so the API server would reject it; see the problems.',
    selects: null,
    ingress: null,
    egress: null,
    defaulting: [],
    notes: [],
  };
}

function directionSummary(d: DirectionExplanation): string {
  const name = d.direction === 'ingress' ? 'Ingress' : 'Egress';
  if (!d.isolated) return `${name}: not restricted by this policy.`;
  if (d.allowsEverything) return `${name}: everything allowed.`;
  if (d.rules.length === 0) return `${name}: everything denied.`;
  return `${name}: only what ${d.rules.length === 1 ? 'its rule allows' : `its ${d.rules.length} rules allow`}.`;
}

function summaryOf(selects: Selection, ingress: DirectionExplanation, egress: DirectionExplanation, problems: readonly Problem[]): string {
  const rejected = problems.length > 0 ? ' The API server would not accept it as written; see the problems.' : '';
  return `Applies to ${selects.text}. ${directionSummary(ingress)} ${directionSummary(egress)}${rejected}`;
}

function notesOf(ingress: DirectionExplanation, egress: DirectionExplanation): string[] {
  const notes: string[] = [];
  const isolated = [ingress, egress].filter((d) => d.isolated);
  if (isolated.length > 0) {
    notes.push('Policies are additive: other policies that select the same pods may allow more, and no policy can take away what this one allows.');
  }
  const rules = isolated.flatMap((d) => d.rules);
  const peers = rules.flatMap((r) => r.peers);
  if (rules.some((r) => r.everyPeer) || peers.some((p) => p.kind !== 'ip-block')) {
    notes.push(
      "A connection between pods needs both ends to allow it: the sender's egress and the receiver's ingress, wherever those are isolated.",
    );
  }
  if (rules.some((r) => r.ports.some((p) => typeof p.port === 'string'))) {
    notes.push('A named port is looked up on each pod: a pod that declares no container port by that name (for that protocol) gets nothing from the rule.');
  }
  if (peers.some((p) => p.ipBlock)) {
    notes.push("ipBlock is meant for addresses outside the cluster; whether it matches pod IPs depends on the network plugin, and pod IPs change when pods restart.");
  }
  if (peers.some((p) => (p.ipBlock?.except.length ?? 0) > 0)) {
    notes.push('except only narrows its own ipBlock; it is not a deny, so another rule or policy can still allow those addresses.');
  }
  return notes;
}

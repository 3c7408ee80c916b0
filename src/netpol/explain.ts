/**
 * A NetworkPolicy in plain words: which pods it selects, which directions it isolates and why,
 * who may connect on which ports (with the AND/OR reading of peers spelled out), what the API
 * server's defaulting changes, and what is denied as a consequence. Pure; never throws.
 *
 * The explanation describes the object as the API server would store it (after defaulting), and
 * uses the object as submitted to say what was inferred. The result is plain data, so `-o json`
 * prints it as is; the field names below are part of the CLI's output contract.
 */
import { FieldPath } from '../k8s/field.js';
import type { LabelSelector, LabelSelectorRequirement, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../k8s/types.js';
import { allowsDns } from '../rules/egress-without-dns.js';
import { type Direction, type RuleAt, isolates, rulesOf } from '../rules/walk.js';
import { admitNetworkPolicy } from './admit.js';
import type { PatchOperation } from './defaults.js';

/** Version of the Explanation structure; bumped when a field changes meaning or disappears. */
export const EXPLANATION_SCHEMA_VERSION = 1;

export interface ExplainOptions {
  /** The namespace the policy will be created in when the object names none (kubectl's `-n`). */
  readonly namespace?: string;
}

export interface Explanation {
  readonly schemaVersion: typeof EXPLANATION_SCHEMA_VERSION;
  /** metadata.name; null when the object has none. */
  readonly name: string | null;
  readonly namespace: NamespaceExplanation;
  /** False when the object could not be read as a NetworkPolicy: only `problems` says anything then. */
  readonly decoded: boolean;
  /** Why the API server would refuse the object, or parts of it: decode issues and validation errors. */
  readonly problems: readonly Problem[];
  /** Two or three sentences: what is selected and what each direction amounts to. */
  readonly summary: string;
  /** The pods the policy applies to (spec.podSelector); null when the object did not decode. */
  readonly selects: Selection | null;
  /** Connections to the selected pods; null when the object did not decode. */
  readonly ingress: DirectionExplanation | null;
  /** Connections from the selected pods; null when the object did not decode. */
  readonly egress: DirectionExplanation | null;
  /** What the API server's defaulting adds to the object (the mutating webhook's patch). */
  readonly defaulting: readonly DefaultingChange[];
  /** Facts that hold for this policy as a whole: policies are additive, named ports, ipBlock caveats. */
  readonly notes: readonly string[];
}

export interface NamespaceExplanation {
  /** The namespace the policy lives in; null when it is left to kubectl's current namespace. */
  readonly name: string | null;
  /**
   * `object`: metadata.namespace; `assumed`: the object names none and the caller's namespace
   * was assumed; `current`: neither, so kubectl's current namespace will be used.
   */
  readonly source: 'object' | 'assumed' | 'current';
  /** "namespace database", or what will decide it. */
  readonly text: string;
}

export interface Problem {
  /**
   * `unknown-field`: strict field validation rejects it, lenient clients drop it (it is ignored
   * here); `invalid-type`: the value cannot be decoded; `invalid-kind`: not networking.k8s.io/v1
   * NetworkPolicy; `invalid`: the API server's validation rejects the object (422 Invalid);
   * `namespace-mismatch`: metadata.namespace differs from the namespace asked for (kubectl refuses).
   */
  readonly kind: 'unknown-field' | 'invalid-type' | 'invalid-kind' | 'invalid' | 'namespace-mismatch';
  /** API-server notation: `spec.ingress[0].ports[0].port`; empty for the whole object. */
  readonly field: string;
  readonly message: string;
  /** What happens because of it, and the likely fix. */
  readonly consequence: string;
}

export interface Selection {
  readonly selector: SelectorExplanation;
  /** "pods labelled app=web in namespace default". */
  readonly text: string;
}

export interface SelectorExplanation {
  /** True for `{}`: every pod (or namespace) in scope. */
  readonly matchesAll: boolean;
  /** matchLabels entries (as `In` with one value) followed by matchExpressions, all ANDed. */
  readonly requirements: readonly RequirementExplanation[];
  /**
   * The qualifier after "pods" or "namespaces": "labelled app=web and tier!=db" (NotIn, like
   * kubectl's `!=`, also matches objects without the label); empty when matchesAll. Ends in a
   * comma when it has with/without clauses, so that a following "in ..." reads apart.
   */
  readonly text: string;
}

export interface RequirementExplanation {
  readonly key: string;
  /** In, NotIn, Exists, DoesNotExist (matchLabels entries are In). */
  readonly operator: string;
  readonly values: readonly string[];
  /** "app=web", "env=prod or env=staging", "tier!=db", "with a label release", "without a label canary". */
  readonly text: string;
}

export interface DirectionExplanation {
  readonly direction: Direction;
  /** Whether the selected pods are isolated in this direction by this policy (policyTypes after defaulting). */
  readonly isolated: boolean;
  /** `explicit`: policyTypes was written; `inferred`: it was omitted (or empty) and the API server filled it in. */
  readonly policyTypes: 'explicit' | 'inferred';
  /** Why the direction is or is not isolated. */
  readonly reason: string;
  readonly rules: readonly RuleExplanation[];
  /** True when the direction is isolated and some rule allows every peer on every port. */
  readonly allowsEverything: boolean;
  /** What is denied as a consequence, or why nothing is. */
  readonly consequence: string;
}

export interface RuleExplanation {
  /** `spec.ingress[0]`. */
  readonly field: string;
  /** 1-based, as the text says "rule 1". */
  readonly number: number;
  /** True when from/to is omitted or empty: every source or destination, outside the cluster included. */
  readonly everyPeer: boolean;
  /** The items of from/to; ORed with each other. */
  readonly peers: readonly PeerExplanation[];
  /** True when ports is omitted or empty: every port of every protocol. */
  readonly everyPort: boolean;
  /** The items of ports; ORed, and each applies to every peer of the rule. */
  readonly ports: readonly PortExplanation[];
  /**
   * Who: "from any of these 2 sources", the one peer's text ("to pods labelled app=db in this
   * policy's own namespace (default)"), or "from every source, including addresses outside the cluster".
   */
  readonly peersText: string;
  /** "on TCP 5432", "on every port and protocol". */
  readonly portsText: string;
  /** How the list reads: ORed items, ports applying to each; empty when there is nothing to add. */
  readonly reading: string;
  /** The whole rule in one sentence. */
  readonly text: string;
}

export interface PeerExplanation {
  /** `spec.ingress[0].from[1]`. */
  readonly field: string;
  /**
   * `pods`: podSelector alone (the policy's own namespace); `namespaces`: namespaceSelector
   * alone (every pod in them); `pods-in-namespaces`: both in one item (AND); `ip-block`;
   * `invalid`: a combination the API server rejects.
   */
  readonly kind: 'pods' | 'namespaces' | 'pods-in-namespaces' | 'ip-block' | 'invalid';
  /** "pods labelled role=frontend in namespaces labelled team=a". */
  readonly text: string;
  /** How the item's fields combine, when that is worth saying (the AND of two selectors); else empty. */
  readonly reading: string;
  readonly podSelector: SelectorExplanation | null;
  readonly namespaceSelector: SelectorExplanation | null;
  readonly ipBlock: { readonly cidr: string; readonly except: readonly string[] } | null;
}

export interface PortExplanation {
  /** `spec.ingress[0].ports[0]`. */
  readonly field: string;
  /** After defaulting: TCP when the entry gave none. */
  readonly protocol: string;
  /** True when the entry had no protocol and the API server set TCP. */
  readonly protocolDefaulted: boolean;
  /** A number, a container port name, or null for every port of the protocol. */
  readonly port: number | string | null;
  readonly endPort: number | null;
  /** "TCP 5432", "TCP ports 30000-32767", "every UDP port", "the selected pods' TCP container port named http". */
  readonly text: string;
}

export interface DefaultingChange {
  /** The patch operation, as the mutating webhook returns it. */
  readonly op: string;
  /** JSON pointer of the patch: `/spec/ingress/0/ports/0/protocol`. */
  readonly path: string;
  /** The same place in API-server notation: `spec.ingress[0].ports[0].protocol`. */
  readonly field: string;
  readonly value: unknown;
  readonly text: string;
}

const DNS_PORT_NAMES = ['dns', 'dns-tcp'];

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

// ---------------------------------------------------------------------------------------------
// Namespace and problems

function namespaceOf(np: NetworkPolicy | undefined, opts: ExplainOptions): NamespaceExplanation {
  const own = np?.metadata?.namespace;
  if (own) return { name: own, source: 'object', text: `namespace ${own}` };
  if (opts.namespace) {
    return { name: opts.namespace, source: 'assumed', text: `namespace ${opts.namespace} (assumed: the object names no namespace)` };
  }
  return { name: null, source: 'current', text: "kubectl's current namespace (the object names no namespace)" };
}

const KNOWN_FIELDS = [
  'apiVersion', 'kind', 'metadata', 'spec', 'name', 'namespace', 'labels', 'annotations', 'podSelector', 'namespaceSelector',
  'ingress', 'egress', 'policyTypes', 'from', 'to', 'ports', 'protocol', 'port', 'endPort', 'ipBlock', 'cidr', 'except',
  'matchLabels', 'matchExpressions', 'key', 'operator', 'values',
];

/** The field a misspelt key was probably meant to be: same letters in another case, or a missing plural `s`. */
function meantField(key: string): string | undefined {
  return KNOWN_FIELDS.find((f) => f !== key && (f.toLowerCase() === key.toLowerCase() || f === `${key}s`));
}

function decodeConsequence(kind: Problem['kind'], field: string): string {
  if (kind === 'unknown-field') {
    const key = field.slice(Math.max(field.lastIndexOf('.'), field.lastIndexOf(']')) + 1);
    const meant = meantField(key);
    const hint = meant ? ` Field names are case-sensitive and exact: did you mean "${meant}"?` : '';
    return `kubectl's default (strict) field validation rejects the object; lenient clients drop the field. It is ignored below.${hint}`;
  }
  if (kind === 'invalid-kind') {
    return 'The API server has no such resource, so kubectl fails ("no matches for kind"). The rest is explained as a networking.k8s.io/v1 NetworkPolicy.';
  }
  return 'The API server cannot decode the object and rejects it (400 Bad Request).';
}

// ---------------------------------------------------------------------------------------------
// Selectors and peers

function labelValue(key: string, value: string): string {
  return `${key}=${value === '' ? '""' : value}`;
}

function requirementOf(r: LabelSelectorRequirement): RequirementExplanation {
  const values = r.values ?? [];
  let text: string;
  switch (r.operator) {
    case 'In':
      text = values.length === 0 ? `${r.key} in an empty set (matches nothing)` : values.map((v) => labelValue(r.key, v)).join(' or ');
      break;
    case 'NotIn':
      text = values.map((v) => `${r.key}!=${v === '' ? '""' : v}`).join(' and ');
      break;
    case 'Exists':
      text = `with a label ${r.key} (any value)`;
      break;
    case 'DoesNotExist':
      text = `without a label ${r.key}`;
      break;
    default:
      text = `${r.key} ${r.operator} (${values.join(', ')})`;
  }
  return { key: r.key, operator: r.operator, values, text };
}

/** The qualifier that follows "pods" or "namespaces". */
export function explainSelector(selector: LabelSelector): SelectorExplanation {
  const requirements: RequirementExplanation[] = [
    ...Object.entries(selector.matchLabels ?? {}).map(([key, value]) => ({ key, operator: 'In', values: [value], text: labelValue(key, value) })),
    ...(selector.matchExpressions ?? []).map(requirementOf),
  ];
  if (requirements.length === 0) return { matchesAll: true, requirements, text: '' };
  const several = requirements.length > 1;
  const labelled: string[] = [];
  const others: string[] = [];
  for (const r of requirements) {
    if (r.operator === 'Exists' || r.operator === 'DoesNotExist') others.push(r.text);
    else labelled.push(several && r.values.length > 1 ? `(${r.text})` : r.text);
  }
  const clauses = [...(labelled.length > 0 ? [`labelled ${labelled.join(' and ')}`] : []), ...others];
  const text = clauses.length <= 2 ? clauses.join(' and ') : `${clauses.slice(0, -1).join(', ')}, and ${clauses[clauses.length - 1]}`;
  // "without a label canary in namespace x" would read as a label in a namespace: close the clause.
  return { matchesAll: false, requirements, text: others.length > 0 ? `${text},` : text };
}

function selectionOf(selector: LabelSelector | undefined, ns: NamespaceExplanation): Selection {
  const s = explainSelector(selector ?? {});
  const where = ns.name === null ? "kubectl's current namespace" : `namespace ${ns.name}`;
  return { selector: s, text: s.matchesAll ? `every pod in ${where}` : `pods ${s.text} in ${where}` };
}

function ownNamespace(ns: NamespaceExplanation): string {
  return ns.name ? `this policy's own namespace (${ns.name})` : "this policy's own namespace";
}

function describeCidr(cidr: string): string {
  if (cidr === '0.0.0.0/0') return '0.0.0.0/0 (every IPv4 address)';
  if (cidr === '::/0') return '::/0 (every IPv6 address)';
  return cidr;
}

function peerOf(peer: NetworkPolicyPeer, field: string, ns: NamespaceExplanation): PeerExplanation {
  const e = describePeer(peer, field, ns);
  // A selector with with/without clauses ends in a comma; at the end of a peer it is not needed.
  return { ...e, text: e.text.replace(/,$/, '') };
}

function describePeer(peer: NetworkPolicyPeer, field: string, ns: NamespaceExplanation): PeerExplanation {
  const pod = peer.podSelector ? explainSelector(peer.podSelector) : null;
  const nsSel = peer.namespaceSelector ? explainSelector(peer.namespaceSelector) : null;
  const ipBlock = peer.ipBlock ? { cidr: peer.ipBlock.cidr, except: peer.ipBlock.except ?? [] } : null;
  const make = (kind: PeerExplanation['kind'], text: string, reading = ''): PeerExplanation => ({
    field,
    kind,
    text,
    reading,
    podSelector: pod,
    namespaceSelector: nsSel,
    ipBlock,
  });
  const pods = pod === null || pod.matchesAll ? 'every pod' : `pods ${pod.text}`;
  const namespaces = nsSel === null || nsSel.matchesAll ? 'every namespace' : `namespaces ${nsSel.text}`;
  if (ipBlock && (pod || nsSel)) {
    return make('invalid', 'an item combining ipBlock with a selector', 'The API server rejects an ipBlock combined with podSelector or namespaceSelector in one item.');
  }
  if (ipBlock) {
    const except = ipBlock.except.length > 0 ? ` except ${joinAnd(ipBlock.except)}` : '';
    return make('ip-block', `addresses in ${describeCidr(ipBlock.cidr)}${except}`);
  }
  if (pod && nsSel) {
    let reading = '';
    if (!pod.matchesAll && !nsSel.matchesAll) {
      reading = `Both selectors are in one item, so they are ANDed: only ${pods.replace(/,$/, '')}, and only in ${namespaces.replace(/,$/, '')}. Written as two items, they would be ORed.`;
    } else if (nsSel.matchesAll && !pod.matchesAll) {
      reading = `namespaceSelector {} means every namespace: anyone who can create a pod ${pod.text.replace(/,$/, '')} in any namespace gets this access.`;
    }
    return make('pods-in-namespaces', `${pods} in ${namespaces}`, reading);
  }
  if (nsSel) return make('namespaces', `every pod in ${namespaces}`);
  if (pod) return make('pods', `${pods} in ${ownNamespace(ns)}`);
  return make('invalid', 'an empty item', 'The API server rejects an item with no podSelector, namespaceSelector or ipBlock.');
}

function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

// ---------------------------------------------------------------------------------------------
// Ports and rules

function portOf(port: NetworkPolicyPort, submitted: NetworkPolicyPort | undefined, field: string, direction: Direction): PortExplanation {
  const protocol = port.protocol ?? 'TCP';
  const base = {
    field,
    protocol,
    protocolDefaulted: submitted !== undefined && submitted.protocol === undefined,
    port: port.port ?? null,
    endPort: port.endPort ?? null,
  };
  let text: string;
  if (port.port === undefined) text = `every ${protocol} port`;
  else if (typeof port.port === 'string') {
    text = `${direction === 'ingress' ? "the selected pods'" : "the destination pods'"} ${protocol} container port named ${port.port}`;
  } else if (port.endPort !== undefined) text = `${protocol} ports ${port.port}-${port.endPort}`;
  else text = `${protocol} ${port.port}`;
  return { ...base, text };
}

function ruleOf(rule: RuleAt, submittedRule: RuleAt | undefined, ns: NamespaceExplanation): RuleExplanation {
  const field = rule.path.toString();
  const peerList = rule.peers ?? [];
  const portList = rule.ports ?? [];
  const peers = peerList.map((p, j) => peerOf(p, rule.path.child(rule.peersField).index(j).toString(), ns));
  const ports = portList.map((p, j) => portOf(p, submittedRule?.ports?.[j], rule.path.child('ports').index(j).toString(), rule.direction));
  const everyPeer = peers.length === 0;
  const everyPort = ports.length === 0;
  const ingress = rule.direction === 'ingress';
  const noun = ingress ? 'source' : 'destination';
  const prep = ingress ? 'from' : 'to';
  const peersText = everyPeer
    ? `${prep} every ${noun}, including addresses outside the cluster`
    : peers.length === 1
      ? `${prep} ${peers[0]?.text}`
      : `${prep} any of these ${peers.length} ${noun}s`;
  const portsText = everyPort ? 'on every port and protocol' : `on ${ports.map((p) => p.text).join(' or ')}`;
  const readings: string[] = [];
  if (peers.length > 1) readings.push(`The items are ORed: matching any one of them is enough.`);
  if (peers.length > 1 && !everyPort) readings.push(`The ports apply to every ${noun} of the rule.`);
  const nsOnly = peers.some((p) => p.kind === 'namespaces');
  const podOnly = peers.some((p) => p.kind === 'pods');
  if (nsOnly && podOnly) {
    readings.push(
      'A namespaceSelector item and a podSelector item written as two list items are separate (OR); to allow only those pods inside those namespaces, put both selectors in one item.',
    );
  }
  if (rule.peers?.length === 0) readings.push(`\`${rule.peersField}: []\` is an empty list, which means every ${noun}.`);
  if (rule.ports?.length === 0) readings.push('`ports: []` is an empty list, which means every port.');
  const number = rule.index + 1;
  let text = `Rule ${number} allows connections ${peersText}, ${portsText}`;
  if (peers.length > 1) text += `: ${peers.map((p, i) => `(${i + 1}) ${p.text}`).join('; ')}`;
  return { field, number, everyPeer, peers, everyPort, ports, peersText, portsText, reading: readings.join(' '), text: `${text}.` };
}

// ---------------------------------------------------------------------------------------------
// Directions

function typesWritten(sub: NetworkPolicy): boolean {
  return (sub.spec?.policyTypes?.length ?? 0) > 0;
}

function reasonOf(np: NetworkPolicy, sub: NetworkPolicy, direction: Direction, isolated: boolean): string {
  const type = direction === 'ingress' ? 'Ingress' : 'Egress';
  if (typesWritten(sub)) return isolated ? `policyTypes lists ${type}.` : `policyTypes does not list ${type}.`;
  const omitted = sub.spec?.policyTypes === undefined ? 'policyTypes was omitted' : 'policyTypes was empty';
  if (direction === 'ingress') {
    const egressOnly = (np.spec?.ingress?.length ?? 0) === 0 && (np.spec?.egress?.length ?? 0) > 0;
    const hint = egressOnly
      ? ' This policy has no ingress rules, so it denies all ingress to these pods; if only egress was meant, write policyTypes: [Egress].'
      : '';
    return `${omitted}, and the API server always infers Ingress.${hint}`;
  }
  if (isolated) return `${omitted}, and the API server inferred Egress because the policy has egress rules.`;
  if (sub.spec?.egress !== undefined) {
    return `${omitted}, and \`egress: []\` is an empty list: Egress is inferred only when egress rules exist, so it isolates nothing. To deny all egress, write policyTypes: [Ingress, Egress].`;
  }
  return `${omitted}, and the policy has no egress rules, so Egress was not inferred.`;
}

function directionOf(np: NetworkPolicy, sub: NetworkPolicy, direction: Direction, ns: NamespaceExplanation): DirectionExplanation {
  const isolated = isolates(np, direction);
  const subRules = rulesOf(sub, direction);
  const rules = rulesOf(np, direction).map((r, i) => ruleOf(r, subRules[i], ns));
  const allowAll = rules.find((r) => r.everyPeer && r.everyPort);
  const base = {
    direction,
    isolated,
    policyTypes: typesWritten(sub) ? ('explicit' as const) : ('inferred' as const),
    reason: reasonOf(np, sub, direction, isolated),
    rules,
    allowsEverything: isolated && allowAll !== undefined,
  };
  const to = direction === 'ingress' ? 'ingress to these pods' : 'egress from these pods';
  if (!isolated) {
    const unused = rules.length > 0 ? ` Its ${rules.length} ${direction} rule${rules.length === 1 ? ' has' : 's have'} no effect.` : '';
    return { ...base, consequence: `This policy does not restrict ${to}.${unused}` };
  }
  if (allowAll) {
    return {
      ...base,
      consequence: `Nothing is denied: rule ${allowAll.number} allows every ${direction === 'ingress' ? 'source' : 'destination'} on every port, so all ${to} is allowed, whatever other policies that select these pods say.`,
    };
  }
  const prefix = rules.length === 0 ? `All ${to} is denied` : `All other ${to} is denied`;
  if (direction === 'ingress') return { ...base, consequence: `${prefix}.` };
  const namespace = ns.name ?? '';
  const udp = allowsDns(np, 'UDP', DNS_PORT_NAMES, namespace);
  const tcp = allowsDns(np, 'TCP', DNS_PORT_NAMES, namespace);
  let dns = '';
  if (!udp && !tcp) dns = rules.length === 0 ? ', DNS lookups included' : ', DNS lookups included: no rule allows port 53 to where the cluster DNS runs';
  else if (!udp || !tcp) dns = `, including DNS over ${udp ? 'TCP' : 'UDP'}: port 53 is allowed over ${udp ? 'UDP' : 'TCP'} only`;
  return { ...base, consequence: `${prefix}${dns}.` };
}

// ---------------------------------------------------------------------------------------------
// Defaulting, summary, notes

/** `/spec/ingress/0/ports/1/protocol` → `spec.ingress[0].ports[1].protocol`. */
function fieldOfPointer(pointer: string): string {
  const path: (string | number)[] = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const [first, ...rest] = path;
  if (first === undefined) return '';
  let p = FieldPath.root(String(first));
  for (const s of rest) p = typeof s === 'number' ? p.index(s) : p.child(s);
  return p.toString();
}

/** policyTypes (and a missing spec) first, then the port entries in document order. */
function byPatchPath(a: PatchOperation, b: PatchOperation): number {
  const rank = (op: PatchOperation): number => (op.path === '/spec' || op.path.startsWith('/spec/policyTypes') ? 0 : 1);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  const sa = a.path.split('/');
  const sb = b.path.split('/');
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const x = sa[i] as string;
    const y = sb[i] as string;
    if (x === y) continue;
    if (/^\d+$/.test(x) && /^\d+$/.test(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return sa.length - sb.length;
}

function showTypes(value: unknown): string {
  return Array.isArray(value) ? `[${value.join(', ')}]` : JSON.stringify(value);
}

function policyTypesText(value: unknown, sub: NetworkPolicy): string {
  const types = Array.isArray(value) ? value : [];
  const why = types.includes('Egress')
    ? 'Ingress always, Egress because the policy has egress rules'
    : sub.spec?.egress !== undefined
      ? 'Ingress always; not Egress, because `egress: []` holds no rules'
      : 'Ingress always; not Egress, because the policy has no egress rules';
  return `policyTypes was not given: the API server sets it to ${showTypes(value)} (${why}).`;
}

function defaultingChange(op: PatchOperation, sub: NetworkPolicy): DefaultingChange {
  const value = 'value' in op ? (op.value as unknown) : undefined;
  const field = fieldOfPointer(op.path);
  const base = { op: op.op, path: op.path, field, value: value ?? null };
  if (op.path === '/spec') {
    return {
      ...base,
      text: `spec is missing: the API server reads it as an empty spec, whose empty podSelector selects every pod, and sets policyTypes to ${showTypes((value as { policyTypes?: unknown } | undefined)?.policyTypes)}, so all ingress to every pod in the namespace is denied.`,
    };
  }
  if (op.path === '/spec/policyTypes') return { ...base, text: policyTypesText(value, sub) };
  if (op.path.startsWith('/spec/policyTypes/')) {
    const why = value === 'Ingress' ? 'Ingress is always inferred' : 'Egress is inferred because the policy has egress rules';
    return { ...base, text: `policyTypes is an empty list, which counts as not given: the API server adds ${String(value)} (${why}).` };
  }
  const port = /^\/spec\/(ingress|egress)\/(\d+)\/ports\/(\d+)(\/protocol)?$/.exec(op.path);
  if (port) {
    const entry = field.replace(/\.protocol$/, '');
    const written = sub.spec?.[port[1] as Direction]?.[Number(port[2])]?.ports?.[Number(port[3])];
    const what = written?.port !== undefined ? ` (port ${written.port})` : '';
    const dns = written?.port === 53 && port[1] === 'egress' ? ' Port 53 over TCP only: DNS lookups start over UDP.' : '';
    if (!port[4]) return { ...base, text: `${entry} is null: the API server reads it as an entry for every TCP port.` };
    return { ...base, text: `protocol TCP added to ${entry}${what}, because the entry gives no protocol.${dns}` };
  }
  return { ...base, text: `${op.op} ${field}: ${JSON.stringify(value)}` };
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

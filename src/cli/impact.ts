/**
 * `netpol-guard impact`: what a change of NetworkPolicies does to traffic between the pods of a
 * cluster, before it is applied: flows lost and gained, pods newly isolated or open.
 */
import { ConnectivityModel, snapshotFromClusterView, type Probe, type Protocol } from '../connectivity/index.js';
import { NpgError } from '../errors.js';
import { policyKey } from '../connectivity/index.js';
import { analyzeImpact, expandImpact } from '../impact/compute.js';
import type { ImpactAnalysis, ImpactReport, PolicyChange } from '../impact/types.js';
import type { PodIdentity } from '../impact/workloads.js';
import { admitNetworkPolicy } from '../netpol/admit.js';
import { lineOf } from '../yaml/locate.js';
import { parseCommandOrHelp } from './args.js';
import { isNetworkPolicyDocument } from './check-report.js';
import { openClusterInput } from './cluster-input.js';
import { type FormatTable, defaultFormat, rendererFor } from './formats.js';
import { renderImpactJson, renderImpactText } from './impact-render.js';
import { type InputObject, readInputs } from './inputs.js';

export const IMPACT_USAGE = `Usage: netpol-guard impact (--cluster-state PATH | --kubeconfig PATH) [FILES...]
                           [--delete NS/NAME]... [--port PORT[/PROTO]]... [-o text|json]

Says what a change of NetworkPolicies does to traffic between the pods of a cluster, before it is
applied: the flows (pod pairs, per port and protocol) it stops and starts allowing, and the pods
it newly isolates or leaves open. FILES hold the proposed NetworkPolicies (created, or replacing
the one with the same namespace/name); --delete removes one.

Options:
  --cluster-state PATH  manifests of the cluster (Namespaces, Pods with status.podIP, NetworkPolicies...)
  --kubeconfig PATH     read the cluster live instead (list only; nothing is changed)
  --delete NS/NAME      a NetworkPolicy to delete (repeatable)
  --port PORT[/PROTO]   compare on this port only (repeatable): 80, 53/UDP, or a container port name;
                        default: each destination pod's declared container ports
  --namespace NS        namespace for objects in FILES without one (default: "default")
  -o, --output FORMAT   text (default) or json

Exit codes: 0 the impact was computed, 2 usage or input errors (other inputs still used).
`;

/** What the renderers are given: the report, and who each pod key of it is. */
interface ImpactOutput {
  readonly analysis: ImpactAnalysis;
  readonly report: ImpactReport;
  readonly identify: (key: string) => PodIdentity | undefined;
}

const IMPACT_FORMATS: FormatTable<ImpactOutput> = {
  text: ({ analysis, report, identify }) => renderImpactText(analysis, report, identify),
  json: ({ report }) => renderImpactJson(report),
};
const PROTOCOLS = new Set(['TCP', 'UDP', 'SCTP']);

/** `80`, `80/udp`, `serve-80-tcp`, `dns/UDP`. */
export function parsePortOption(text: string): Probe {
  const [port = '', proto, extra] = text.split('/');
  const protocol = (proto ?? 'TCP').toUpperCase();
  if (extra !== undefined || !PROTOCOLS.has(protocol)) throw new NpgError('NPG_OPTION_INVALID', `--port ${JSON.stringify(text)}: expected PORT or PORT/PROTOCOL with TCP, UDP or SCTP`);
  if (/^[0-9]+$/.test(port)) {
    const n = Number(port);
    if (n < 1 || n > 65535) throw new NpgError('NPG_OPTION_INVALID', `--port ${JSON.stringify(text)}: a port number is 1-65535`);
    return { port: n, protocol: protocol as Protocol };
  }
  if (!/^[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?$/.test(port)) throw new NpgError('NPG_OPTION_INVALID', `--port ${JSON.stringify(text)}: not a port number or a container port name`);
  return { port, protocol: protocol as Protocol };
}

function where(o: InputObject): string {
  const line = lineOf(o.located, o.prefix);
  return `${o.file}${line ? `:${line}` : ''}`;
}

export async function runImpact(argv: string[]): Promise<number> {
  const parsed = parseCommandOrHelp(
    argv,
    {
      'cluster-state': { type: 'string', multiple: true },
      kubeconfig: { type: 'string' },
      delete: { type: 'string', multiple: true },
      port: { type: 'string', multiple: true },
      namespace: { type: 'string', default: 'default' },
      output: { type: 'string', short: 'o', default: defaultFormat(IMPACT_FORMATS) },
    },
    IMPACT_USAGE,
  );
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  const render = rendererFor(IMPACT_FORMATS, values.output);
  const probes = values.port?.map(parsePortOption);
  const deletes = values.delete ?? [];
  if (positionals.length === 0 && deletes.length === 0) throw new NpgError('NPG_OPTION_INVALID', `no change given: FILES or --delete\n\n${IMPACT_USAGE}`);

  let opened;
  try {
    opened = await openClusterInput({ ...(values['cluster-state'] ? { clusterState: values['cluster-state'] } : {}), ...(values.kubeconfig !== undefined ? { kubeconfig: values.kubeconfig } : {}) }, IMPACT_USAGE);
  } catch (err) {
    // An unreadable or invalid cluster is an input error (exit 2), as for the other inputs.
    if (!(err instanceof NpgError) || err.code === 'NPG_OPTION_INVALID') throw err;
    process.stderr.write(`netpol-guard: ${err.toString()}\n`);
    return 2;
  }
  const { view, close } = opened;
  let snapshot;
  const pods = new Map<string, PodIdentity>();
  try {
    snapshot = snapshotFromClusterView(view);
    for (const p of view.pods()) pods.set(`${p.namespace}/${p.name}`, p);
  } finally {
    await close();
  }

  let problems = 0;
  const complain = (text: string) => {
    problems++;
    process.stderr.write(`netpol-guard: ${text}\n`);
  };
  const stored = new Map(snapshot.networkPolicies.map((np) => [policyKey(np), np]));
  const changes: PolicyChange[] = [];
  const { objects, errors } = await readInputs(positionals);
  for (const e of errors) complain(`${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}`);
  for (const o of objects) {
    if (!isNetworkPolicyDocument(o.value)) continue;
    const meta = (o.value as { metadata?: { namespace?: unknown; name?: unknown } }).metadata;
    const namespace = typeof meta?.namespace === 'string' && meta.namespace ? meta.namespace : values.namespace;
    const old = stored.get(`${namespace}/${typeof meta?.name === 'string' ? meta.name : ''}`);
    // Validated as a new object: a file holds the desired state (as for `kubectl apply`), not an
    // update carrying the stored resourceVersion.
    const verdict = admitNetworkPolicy({ operation: 'CREATE', object: o.value, namespace, warnings: false });
    const fatal = verdict.decodeIssues.filter((i) => i.kind !== 'unknown-field');
    if (!verdict.defaulted || fatal.length > 0 || verdict.fieldErrors.length > 0) {
      const why = [...fatal.map((i) => i.message), ...verdict.fieldErrors.map((e) => e.toString())].join('; ') || 'not a NetworkPolicy';
      complain(`${where(o)}: the API server would reject this NetworkPolicy, left out: ${why}`);
      continue;
    }
    const policy = { ...verdict.defaulted, metadata: { ...verdict.defaulted.metadata, namespace } };
    changes.push({ operation: old ? 'UPDATE' : 'CREATE', policy });
  }
  for (const target of deletes) {
    const key = target.includes('/') ? target : `${values.namespace}/${target}`;
    if (!stored.has(key)) complain(`--delete ${target}: no NetworkPolicy ${key} in the cluster, nothing to delete`);
    else changes.push({ operation: 'DELETE', key });
  }
  if (changes.length === 0) {
    complain('no NetworkPolicy to create, replace or delete in the inputs');
    return 2;
  }

  const analysis = analyzeImpact(ConnectivityModel.build(snapshot), changes, probes ? { probes } : {}) as ImpactAnalysis;
  process.stdout.write(render({ analysis, report: expandImpact(analysis), identify: (key) => pods.get(key) }));
  return problems > 0 ? 2 : 0;
}

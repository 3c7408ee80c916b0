/**
 * `netpol-guard simulate`: what the policies in force allow between pods (and outside addresses),
 * from the connectivity model. Policies in force are those of the cluster state plus FILES.
 */
import { ConnectivityModel, type Endpoint, type Matrix, type Probe, type SnapshotPod, connectivityMatrix, podKey } from '../connectivity/index.js';
import { compileSelector } from '../k8s/label-matchers.js';
import { NpgError } from '../errors.js';
import { parseCommandOrHelp } from './args.js';
import { type EndpointSelector, parseEndpointSelector, parsePort } from './simulate-args.js';
import { renderTables, renderWhy, writeJson } from './simulate-render.js';
import { loadSimulateState } from './simulate-state.js';

export const SIMULATE_USAGE = `Usage: netpol-guard simulate [FILES...] (--cluster-state PATH | --kubeconfig PATH)
                            [--namespace NS]... [--from SEL]... [--to SEL]... [--port PORT[/PROTO]]...
                            [-o table|json]

Which flows the policies in force allow, and why: those of the cluster state plus the
NetworkPolicies and ClusterNetworkPolicies in FILES (an object in FILES replaces the one with the
same namespace/name; Namespaces and Pods in FILES join the cluster state).

Options:
  --cluster-state PATH   manifests of the cluster (Namespaces, Pods with status.podIP, NetworkPolicies,
                         ClusterNetworkPolicies...), as for check; repeatable
  --kubeconfig PATH      list them from a live cluster instead (read-only)
  --namespace NS         pods in scope: those of NS (repeatable; default every namespace)
  --from SEL, --to SEL   sources / destinations (repeatable; default every pod in scope):
                           NS/POD, NS/*, a label selector (app=web,tier!=db; NS/app=web),
                           or cidr:203.0.113.0/24 for addresses outside the pods
  --port PORT[/PROTO]    80, 80/UDP, serve-80-tcp (a container port name, resolved per destination);
                         repeatable; default: every port each destination pod declares
  -o, --output FORMAT    table (default) or json; one source and one destination print the why
  --max-pods N           refuse a cluster state with more pods (default 200000)
  --max-flows N          refuse a question with more flows (default 2000000)

Exit codes: 0 answered; 2 usage or input errors (the answer is still printed for what could be read).
`;

function positiveInt(text: string, flag: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new NpgError('NPG_OPTION_INVALID', `${flag} must be a positive integer, got ${JSON.stringify(text)}`);
  return Number(text);
}

function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The endpoints a list of selectors names among `pods` (in scope), in a stable order. */
function endpointsOf(selectors: readonly EndpointSelector[], pods: readonly SnapshotPod[], model: ConnectivityModel): Endpoint[] {
  if (selectors.length === 0) return pods.map((p) => ({ pod: podKey(p) }));
  const keys = new Set<string>();
  const externals: Endpoint[] = [];
  for (const s of selectors) {
    switch (s.kind) {
      case 'external':
        externals.push({ external: s.address });
        break;
      case 'pod':
        // A pod named outright is in scope even outside --namespace; unknown ones are reported.
        keys.add(s.key);
        break;
      case 'namespace':
        for (const p of pods) if (p.namespace === s.namespace) keys.add(podKey(p));
        break;
      case 'labels': {
        const matches = compileSelector(s.selector);
        for (const p of pods) if ((!s.namespace || p.namespace === s.namespace) && matches(p.labels)) keys.add(podKey(p));
        break;
      }
    }
  }
  const order = new Map(model.pods.map((p, i) => [podKey(p), i]));
  const sorted = [...keys].sort((a, b) => (order.get(a) ?? Infinity) - (order.get(b) ?? Infinity) || byKey(a, b));
  return [...sorted.map((pod) => ({ pod })), ...externals];
}

/** `ns/workload`: the label people name a workload by, else the pod name without its generated suffixes. */
function workloadOf(pod: SnapshotPod): string {
  const l = pod.labels;
  const name = l['app.kubernetes.io/name'] ?? l.app ?? l['k8s-app'] ?? pod.name.replace(/(-[a-z0-9]{5})?(-[a-f0-9]{8,10})?$/, '').replace(/-\d+$/, '');
  return `${pod.namespace}/${name}`;
}

function groupLabeler(model: ConnectivityModel): (e: string) => string {
  const labels = new Map<number, string>();
  const used = new Map<string, number>();
  return (e) => {
    if (e.startsWith('cidr:')) return e;
    const cls = model.classOf(e);
    const pod = model.pod(e);
    if (!cls || !pod) return e;
    let label = labels.get(cls.id);
    if (!label) {
      const base = workloadOf(pod);
      const n = (used.get(base) ?? 0) + 1;
      used.set(base, n);
      label = n > 1 ? `${base}#${n}` : base;
      labels.set(cls.id, label);
    }
    return label;
  };
}

export async function runSimulate(argv: string[]): Promise<number> {
  const parsed = parseCommandOrHelp(
    argv,
    {
      'cluster-state': { type: 'string', multiple: true },
      kubeconfig: { type: 'string' },
      namespace: { type: 'string', multiple: true },
      from: { type: 'string', multiple: true },
      to: { type: 'string', multiple: true },
      port: { type: 'string', multiple: true },
      output: { type: 'string', short: 'o', default: 'table' },
      'max-pods': { type: 'string', default: '200000' },
      'max-flows': { type: 'string', default: '2000000' },
    },
    SIMULATE_USAGE,
  );
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (!['table', 'json'].includes(values.output)) throw new NpgError('NPG_OPTION_INVALID', `-o must be table or json, got ${JSON.stringify(values.output)}`);
  if (values['cluster-state'] && values.kubeconfig !== undefined) throw new NpgError('NPG_OPTION_INVALID', `give --cluster-state or --kubeconfig, not both\n\n${SIMULATE_USAGE}`);
  if (!values['cluster-state'] && values.kubeconfig === undefined && positionals.length === 0) {
    throw new NpgError('NPG_OPTION_INVALID', `nothing to simulate: give --cluster-state PATH or --kubeconfig PATH (and FILES)\n\n${SIMULATE_USAGE}`);
  }
  const maxPods = positiveInt(values['max-pods'], '--max-pods');
  const maxFlows = positiveInt(values['max-flows'], '--max-flows');
  const probes: Probe[] | undefined = values.port ? values.port.map(parsePort) : undefined;
  const fromSel = (values.from ?? []).map((s) => parseEndpointSelector(s, '--from'));
  const toSel = (values.to ?? []).map((s) => parseEndpointSelector(s, '--to'));

  const state = await loadSimulateState({
    ...(values['cluster-state'] ? { clusterState: values['cluster-state'] } : {}),
    ...(values.kubeconfig !== undefined ? { kubeconfig: values.kubeconfig } : {}),
    files: positionals,
    requestTimeoutMs: 30_000,
  });
  for (const e of state.errors) process.stderr.write(`netpol-guard: ${e.code}: ${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}\n`);
  if (state.snapshot.pods.length > maxPods) {
    throw new NpgError('NPG_INPUT_TOO_LARGE', `the cluster state holds ${state.snapshot.pods.length} pods, more than --max-pods ${maxPods}; raise the limit if the machine has the memory`);
  }

  const model = ConnectivityModel.build(state.snapshot);
  const namespaces = values.namespace ? new Set(values.namespace) : undefined;
  const inScope = model.pods.filter((p) => !namespaces || namespaces.has(p.namespace));
  const from = endpointsOf(fromSel, inScope, model);
  const to = endpointsOf(toSel, inScope, model);
  const perDestination = probes ? probes.length : Math.max(1, ...to.map((e) => ('pod' in e ? (model.classOf(e.pod)?.ports.length ?? 0) : 0)));
  const bound = from.length * to.length * perDestination;
  if (bound > maxFlows) {
    throw new NpgError('NPG_INPUT_TOO_LARGE', `${from.length} sources × ${to.length} destinations × ${perDestination} ports is up to ${bound} flows, more than --max-flows ${maxFlows}; narrow it with --namespace, --from, --to or --port`);
  }
  const matrix: Matrix = connectivityMatrix(model, { from, to, ...(probes ? { probes } : {}) });
  for (const u of matrix.unknown) process.stderr.write(`netpol-guard: ${u}: no such running pod in the cluster state\n`);

  if (values.output === 'json') {
    writeJson(matrix, state.errors, (chunk) => process.stdout.write(chunk));
  } else if (from.length === 1 && to.length === 1) {
    process.stdout.write(renderWhy(matrix) || 'no flow: the source and the destination are the same pod, or no port to probe\n');
  } else {
    const text = (e: Endpoint) => ('pod' in e ? e.pod : `cidr:${e.external}`);
    process.stdout.write(`${renderTables(matrix, from.map(text), to.map(text), groupLabeler(model))}\n`);
  }
  return state.errors.length > 0 || matrix.unknown.length > 0 ? 2 : 0;
}

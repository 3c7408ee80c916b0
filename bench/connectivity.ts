/**
 * The connectivity model on the simulate issue's scenario: 10,000 pods in 1,000 namespaces (a few
 * hundred workloads with replicas, realistic label sets), 2,000 NetworkPolicies. Measures, in one
 * process: building the model, the full matrix of one namespace's pods against every pod on
 * their declared ports, one flow with its reason, RSS; and the naive pair-by-pair evaluator of
 * the tests (test/connectivity/naive.ts) on the same matrix, timed on a random sample of its
 * flows (it is far too slow to run whole) and checked against the model on that sample.
 *
 *   npm run build && node --expose-gc --import tsx bench/connectivity.ts
 */
import type { ConnectivityModel as ConnectivityModelType, ConnectivitySnapshot, Endpoint, Matrix, SnapshotNamespace, SnapshotPod } from '../src/connectivity/index.js';
import type { NetworkPolicy } from '../src/k8s/types.js';
import { naiveAllowed } from '../test/connectivity/naive.js';
import { fromDist } from './lib/dist.js';
import { machine, machineLine, median, num, savePart, table } from './lib/report.js';

const { ConnectivityModel, connectivityMatrix } = await fromDist<typeof import('../src/connectivity/index.js')>('connectivity/index.js');

const gc = (globalThis as { gc?: () => void }).gc;
const rss = () => {
  for (let i = 0; i < 3; i++) gc?.();
  return process.memoryUsage().rss;
};

/** Deterministic pseudo-random numbers, so every run benches the same cluster. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

interface Workload {
  readonly app: string;
  readonly tier: 'frontend' | 'api' | 'db' | 'worker';
  readonly ports: SnapshotPod['ports'];
}

const TIER_PORTS: Record<Workload['tier'], SnapshotPod['ports']> = {
  frontend: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'metrics', containerPort: 9090, protocol: 'TCP' }],
  api: [{ name: 'http', containerPort: 8000, protocol: 'TCP' }, { name: 'grpc', containerPort: 9000, protocol: 'TCP' }],
  db: [{ name: 'postgres', containerPort: 5432, protocol: 'TCP' }],
  worker: [],
};

export interface ScenarioOptions {
  /**
   * Pods of team-0 (its three workloads share them out); the last namespaces give up as many
   * pods, so the cluster keeps 10,000. Default 10, like every namespace.
   */
  readonly firstNamespacePods?: number;
}

/** 300 workloads, 1,000 namespaces of 3 workloads each (10 pods: replicas 4+3+3), 2 policies per namespace. */
export function scenario(options: ScenarioOptions = {}): ConnectivitySnapshot {
  const first = options.firstNamespacePods ?? 10;
  const firstReplicas = [first - 2 * Math.floor(first * 0.3), Math.floor(first * 0.3), Math.floor(first * 0.3)];
  const r = rng(20261201);
  const tiers: Workload['tier'][] = ['frontend', 'api', 'db', 'worker'];
  const workloads: Workload[] = Array.from({ length: 300 }, (_, i) => {
    const tier = tiers[i % 4] as Workload['tier'];
    return { app: `app-${i}`, tier, ports: TIER_PORTS[tier] };
  });
  const namespaces: SnapshotNamespace[] = [];
  const pods: SnapshotPod[] = [];
  const policies: NetworkPolicy[] = [];
  let ip = 0;
  for (let n = 0; n < 1000; n++) {
    const name = `team-${n}`;
    const team = `t${n % 60}`;
    namespaces.push({ name, labels: { 'kubernetes.io/metadata.name': name, team, env: n % 3 === 0 ? 'prod' : 'staging' } });
    const here = [0, 1, 2].map(() => workloads[Math.floor(r() * workloads.length)] as Workload);
    here.forEach((w, k) => {
      const replicas = n === 0 ? (firstReplicas[k] as number) : k === 0 ? 4 : 3;
      const hash = `${(n * 7 + k).toString(16).padStart(6, '0')}f9`;
      for (let p = 0; p < replicas; p++) {
        ip++;
        pods.push({
          namespace: name,
          name: `${w.app}-${hash}-${p.toString(36).padStart(5, 'x')}`,
          labels: { app: w.app, tier: w.tier, 'app.kubernetes.io/part-of': team, 'pod-template-hash': hash },
          ips: [`10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}`],
          hostNetwork: false,
          node: `node-${ip % 50}`,
          ports: w.ports,
        });
      }
    });
    const meta = (suffix: string) => ({ name: `${name}-${suffix}`, namespace: name });
    // Half the namespaces deny ingress by default and let their own namespace and the ingress team in.
    if (n % 2 === 0) {
      policies.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: meta('default'),
        spec: {
          podSelector: {},
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ podSelector: {} }, { namespaceSelector: { matchLabels: { team: 't0' } }, podSelector: { matchLabels: { tier: 'frontend' } } }] }],
        },
      });
    } else {
      // The others restrict egress: DNS, the database tier of the same team on its named port, the outside world but the metadata address.
      policies.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: meta('egress'),
        spec: {
          podSelector: { matchLabels: { tier: 'api' } },
          policyTypes: ['Egress'],
          egress: [
            { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }] },
            { to: [{ namespaceSelector: { matchLabels: { team } }, podSelector: { matchLabels: { tier: 'db' } } }], ports: [{ port: 'postgres' }] },
            { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '169.254.169.254/32'] } }], ports: [{ port: 443 }] },
          ],
        },
      });
    }
    // Every namespace: its databases take connections from its api tier and from the team's other namespaces.
    policies.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: meta('db'),
      spec: {
        podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }] },
        ingress: [{ from: [{ podSelector: { matchLabels: { tier: 'api' } } }, { namespaceSelector: { matchLabels: { team } } }], ports: [{ port: 5432 }, { port: 9100, endPort: 9200 }] }],
      },
    });
  }
  return { namespaces, pods: pods.slice(0, 10000), networkPolicies: policies, clusterNetworkPolicies: [] };
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = process.hrtime.bigint();
  const value = fn();
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, value };
}

async function main(): Promise<void> {
  const m = machine();
  const before = rss();
  const snap = scenario();
  const withSnapshot = rss();

  // Each build is dropped before the next, so the last one alone is measured for memory.
  const buildTimes: number[] = [];
  let model!: ConnectivityModelType;
  for (let i = 0; i < 3; i++) {
    model = undefined as never;
    rss();
    const b = time(() => ConnectivityModel.build(snap));
    buildTimes.push(b.ms);
    model = b.value;
  }
  const afterBuild = rss();
  const buildMs = median(buildTimes);

  const ns = 'team-0';
  const from: Endpoint[] = model.pods.filter((p) => p.namespace === ns).map((p) => ({ pod: `${p.namespace}/${p.name}` }));
  const to: Endpoint[] = model.pods.map((p) => ({ pod: `${p.namespace}/${p.name}` }));
  const matrixTimes: number[] = [];
  let matrix!: Matrix;
  for (let i = 0; i < 3; i++) {
    matrix = undefined as never;
    rss();
    const x = time(() => connectivityMatrix(model, { from, to }));
    matrixTimes.push(x.ms);
    matrix = x.value;
  }
  const matrixMs = median(matrixTimes);
  const flows = matrix.probes.reduce((n, p) => n + p.flows.length, 0);
  const allowed = matrix.probes.reduce((n, p) => n + p.flows.filter((f) => f.verdict.allowed).length, 0);
  const afterMatrix = rss();

  // One flow with its reason: random pairs and ports, each a fresh question (no cache exists).
  const r = rng(7);
  const pick = () => model.pods[Math.floor(r() * model.pods.length)]!;
  const singles: number[] = [];
  for (let round = 0; round < 5; round++) {
    const questions = Array.from({ length: 2000 }, () => {
      const a = pick();
      const b = pick();
      return { from: { pod: `${a.namespace}/${a.name}` }, to: { pod: `${b.namespace}/${b.name}` }, port: b.ports[0]?.containerPort ?? 80, protocol: 'TCP' as const };
    });
    const t = time(() => {
      let n = 0;
      for (const q of questions) if (model.verdict(q).allowed) n++;
      return n;
    });
    singles.push(t.ms / questions.length);
  }
  const singleMs = median(singles);

  // The naive evaluator on a random sample of the same matrix's flows, checked against it.
  const sample = matrix.probes.flatMap((p) => p.flows.map((f) => ({ p, f }))).filter(() => r() < 3000 / flows);
  const byKey = new Map(snap.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
  const naive = time(() => sample.map(({ p, f }) => naiveAllowed(snap, { pod: byKey.get(f.from)! }, { pod: byKey.get(f.to)! }, p.port, p.protocol)));
  const disagreements = sample.filter(({ f }, i) => naive.value[i] !== f.verdict.allowed).length;
  const naivePerFlowMs = naive.ms / sample.length;
  const naiveMatrixMs = naivePerFlowMs * flows;
  const speedup = naiveMatrixMs / matrixMs;

  const classes = model.classes.length;
  const rows = [
    ['Snapshot', `${num(snap.pods.length)} pods, ${num(snap.namespaces.length)} namespaces, ${num(snap.networkPolicies.length)} NetworkPolicies; ${num(classes)} classes`, '', ''],
    ['Build the model (median of 3)', `${num(buildMs)} ms`, '< 2 s', buildMs < 2000 ? 'met' : 'MISSED'],
    [`Full matrix: ${ns} (${from.length} pods) → all pods, declared ports (median of 3)`, `${num(matrixMs)} ms for ${num(flows)} flows (${num(allowed)} allowed)`, '< 1 s', matrixMs < 1000 ? 'met' : 'MISSED'],
    ['One flow with its reason (median of 5 × 2,000)', `${num(singleMs * 1000, 1)} µs`, '< 1 ms', singleMs < 1 ? 'met' : 'MISSED'],
    ['RSS after build + matrix (process)', `${num(afterMatrix / 1e6, 1)} MB (snapshot ${num((withSnapshot - before) / 1e6, 1)} MB, model +${num((afterBuild - withSnapshot) / 1e6, 1)} MB)`, '< 300 MB', afterMatrix < 300e6 ? 'met' : 'MISSED'],
    [
      'Naive pair-by-pair evaluator, same matrix',
      `${num(naivePerFlowMs * 1000, 1)} µs/flow on ${num(sample.length)} sampled flows (${disagreements} disagreements) → ${num(naiveMatrixMs / 1000, 1)} s for the matrix`,
      '',
      '',
    ],
    ['Model vs naive on the full-namespace matrix', `${num(speedup)}× faster`, '≥ 20×', speedup >= 20 ? 'met' : 'MISSED'],
  ];
  const markdown = [
    '### Connectivity model (bench/connectivity.ts)',
    '',
    machineLine(m),
    '',
    table(['measure', 'result', 'goal', ''], rows),
    '',
    '- The scenario (`scenario()` in bench/connectivity.ts): 300 workloads (frontend, api, db, worker tiers with their named ports), 3 per namespace with 4+3+3 replicas sharing a pod-template-hash; namespaces labelled by team (60 teams) and env. Policies: half the namespaces deny ingress but from their own pods and the ingress team\'s frontends; the other half restrict the api tier\'s egress to DNS, the team\'s databases on the named port `postgres`, and 443 outside 10.0.0.0/8 and the metadata address; every namespace guards its databases (matchExpressions, a port range).',
    '- The model groups pods into classes (namespace, labels, ports, address blocks): the matrix decides once per pair of classes. The naive evaluator (test/connectivity/naive.ts, the property test\'s reference) re-reads every policy for every flow; it runs on a random sample of the matrix\'s flows and its time is scaled to the whole matrix. Its answers are checked against the model on that sample.',
    '- RSS is the whole process with GC run (the snapshot objects included); times are wall-clock medians on a shared machine.',
  ].join('\n');
  savePart({ part: 'connectivity', machine: m, markdown, raw: { buildMs, matrixMs, flows, allowed, singleMs, rss: { before, withSnapshot, afterBuild, afterMatrix }, naive: { sample: sample.length, perFlowMs: naivePerFlowMs, matrixMs: naiveMatrixMs, disagreements }, speedup, classes } });
}

/** The scenario as the manifests `--cluster-state` would read (the audit benches load it so). */
export function scenarioManifests(snap: ConnectivitySnapshot): unknown[] {
  return [
    ...snap.namespaces.map((n) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n.name, labels: n.labels } })),
    ...snap.pods.map((p) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: p.name, namespace: p.namespace, labels: p.labels },
      spec: { nodeName: p.node, containers: [{ name: 'c', ports: p.ports.map((x) => ({ name: x.name, containerPort: x.containerPort, protocol: x.protocol })) }] },
      status: { phase: 'Running', podIP: p.ips[0] },
    })),
    ...snap.networkPolicies,
  ];
}

if (process.argv[1]?.endsWith("connectivity.ts")) await main();

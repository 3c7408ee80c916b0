/**
 * Impact at admission on the connectivity scenario (bench/connectivity.ts: 10,000 pods, 1,000
 * namespaces, 2,000 NetworkPolicies), with team-0 grown to 50 pods (the last namespaces give up
 * as many, so the cluster keeps 10,000) so that its namespace-wide policy selects 50 pods.
 *
 * Part 1, inside the webhook's code path: the static ClusterView of the scenario (the projection
 * the informers use), a LiveImpact over it, and LiveImpact.assess (what a review calls) for four
 * changes in team-0 (three to its 50-pod policy, a default-deny of both directions); median and
 * p99. Then what keeping the model current costs: bringing it up to date after one pod event and
 * after a rollout (derived), against building it.
 *
 * Part 2, through HTTPS: `node dist/main.js serve` with its informers on a stand-in API server
 * (test/cluster/fake-apiserver.ts) holding the scenario, POST /validate of the same changes at a
 * fixed 100 reviews/s (open loop), impact on and off (--impact-budget 0).
 *
 * Writes its section under "Recorded runs" in bench/results.md.
 *
 *   npm run build && npx tsx bench/impact.ts   (BENCH_IMPACT_RUNS=200 BENCH_IMPACT_SECONDS=30)
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Request } from 'autocannon';
import type { ClusterView } from '../src/cluster/view.js';
import type { ConnectivitySnapshot } from '../src/connectivity/index.js';
import type { ImpactAnalysis, PolicyChange } from '../src/impact/types.js';
import type { NetworkPolicy } from '../src/k8s/types.js';
import { FakeApiServer } from '../test/cluster/fake-apiserver.js';
import { admissionReview } from '../test/helpers/server.js';
import { scenario } from './connectivity.js';
import { fromDist } from './lib/dist.js';
import { openLoop, verifyTlsWith } from './lib/load.js';
import { WORK } from './lib/paths.js';
import { envNumber, machine, machineLine, median, num, savePart, table } from './lib/report.js';
import { writeRecordedSection } from './lib/recorded.js';
import { cpuSeconds, ensureCertificates, startGuard } from './lib/servers.js';

const { staticClusterView } = await fromDist<typeof import('../src/cluster/static.js')>('cluster/static.js');
const { LiveImpact } = await fromDist<typeof import('../src/impact/live.js')>('impact/live.js');
const { ConnectivityModel, snapshotFromClusterView } = await fromDist<typeof import('../src/connectivity/index.js')>('connectivity/index.js');
const { ClusterStore, clusterViewOf } = await fromDist<typeof import('../src/cluster/store.js')>('cluster/store.js');
const { projectorFor } = await fromDist<typeof import('../src/cluster/projection.js')>('cluster/projection.js');

const RUNS = envNumber('BENCH_IMPACT_RUNS', 200);
const SECONDS = envNumber('BENCH_IMPACT_SECONDS', 30);
const RATE = 100;

function percentile(values: readonly number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}

/** The scenario as the API server would hold it: Namespaces, Pods (owned by their ReplicaSet, IPs in status), NetworkPolicies. */
function manifests(snap: ConnectivitySnapshot): { namespaces: object[]; pods: object[]; policies: NetworkPolicy[] } {
  return {
    namespaces: snap.namespaces.map((n) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: n.name, labels: n.labels } })),
    pods: snap.pods.map((p, i) => {
      const rs = `${p.labels.app}-${p.labels['pod-template-hash']}`;
      return {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: p.name, namespace: p.namespace, labels: p.labels, uid: `00000000-0000-4000-8000-${i.toString().padStart(12, '0')}`, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, uid: `rs-${rs}`, controller: true }] },
        spec: { nodeName: p.node, containers: [{ name: 'main', image: 'example/app:1', ports: p.ports.map((q) => ({ ...(q.name ? { name: q.name } : {}), containerPort: q.containerPort, protocol: q.protocol })) }] },
        status: { phase: 'Running', podIP: p.ips[0], podIPs: p.ips.map((ip) => ({ ip })) },
      };
    }),
    policies: snap.networkPolicies as NetworkPolicy[],
  };
}

interface Change {
  readonly name: string;
  readonly change: PolicyChange;
  readonly old?: NetworkPolicy;
}

/** Three changes to team-0's namespace-wide policy, which selects its 50 pods, and a default-deny of both directions there. */
function changes(policies: readonly NetworkPolicy[]): Change[] {
  // As stored: an UPDATE carries the stored resourceVersion (without it the API server's
  // validation rejects the update, and an invalid object has no impact).
  const found = policies.find((p) => p.metadata?.name === 'team-0-default')!;
  const def: NetworkPolicy = { ...found, metadata: { ...found.metadata, resourceVersion: '4242', uid: '6a1f3e52-0000-4000-8000-0000000000aa' } };
  const admitTeam = structuredClone(def);
  admitTeam.spec!.ingress![0]!.from!.push({ namespaceSelector: { matchLabels: { team: 't1' } } });
  const dropFrontends = structuredClone(def);
  dropFrontends.spec!.ingress![0]!.from = [{ podSelector: {} }];
  // A default-deny of both directions: the 50 pods lose their egress to every pod as well.
  const denyAll: NetworkPolicy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: 'team-0', name: 'default-deny-all' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
  return [
    { name: "UPDATE: also admit team t1's 17 namespaces", change: { operation: 'UPDATE', policy: admitTeam }, old: def },
    { name: "UPDATE: stop admitting team t0's frontends", change: { operation: 'UPDATE', policy: dropFrontends }, old: def },
    { name: 'DELETE: the 50 pods open to every pod', change: { operation: 'DELETE', key: 'team-0/team-0-default' }, old: def },
    { name: 'CREATE: a default-deny of ingress and egress', change: { operation: 'CREATE', policy: denyAll } },
  ];
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

type Projectable = Parameters<typeof projectorFor>[0];

/**
 * The objects in the informers' store, behind the view the webhook reads: an event changes one
 * entry, and the store's lists change identity only for the namespace it touched, as they do
 * when the informers apply a watch event.
 */
function storeView(objects: ReturnType<typeof manifests>): { view: ClusterView; put(resource: Projectable, object: object): void; remove(resource: Projectable, namespace: string, name: string): void } {
  const store = new ClusterStore();
  const put = (resource: Projectable, object: object) => {
    const projected = projectorFor(resource, store.intern)(object);
    if (!projected.ok || projected.value === undefined) throw new Error(`${resource}: ${projected.ok ? 'left out' : projected.reason}`);
    (store.indexes[resource] as { set(ns: string, name: string, v: unknown): void }).set(projected.namespace, projected.name, projected.value);
  };
  for (const n of objects.namespaces) put('namespaces', n);
  for (const p of objects.pods) put('pods', p);
  for (const p of objects.policies) put('networkpolicies', p);
  const view = clusterViewOf(store, { source: 'bench', ready: () => true, status: () => ({ synced: true, ageSeconds: 0, counts: store.counts() }) });
  return { view, put, remove: (resource, namespace, name) => void store.indexes[resource].delete(namespace, name) };
}

async function part1(objects: ReturnType<typeof manifests>) {
  const view = staticClusterView([...objects.namespaces, ...objects.pods, ...objects.policies], 'bench');
  const live = new LiveImpact(view, { now: () => performance.now() });
  const build = time(() => live.sync());
  const list = changes(objects.policies);
  const times = new Map<string, number[]>(list.map((c) => [c.name, []]));
  const cpu = new Map<string, number[]>(list.map((c) => [c.name, []]));
  const analyses = new Map<string, ImpactAnalysis>();
  for (let round = 0; round < RUNS + 10; round++) {
    for (const c of list) {
      const used = process.cpuUsage();
      const t = time(() => live.assess(c.change, 10_000));
      const spent = process.cpuUsage(used);
      if (!('analysis' in t.value)) throw new Error(`${c.name}: ${t.value.detail}`);
      analyses.set(c.name, t.value.analysis);
      if (round >= 10) {
        times.get(c.name)!.push(t.ms);
        cpu.get(c.name)!.push((spent.user + spent.system) / 1000);
      }
    }
  }
  const rows = list.map((c) => {
    const ms = times.get(c.name)!;
    const a = analyses.get(c.name)!;
    const med = median(ms);
    const p99 = percentile(ms, 99);
    const c99 = percentile(cpu.get(c.name)!, 99);
    return [c.name, `${num(a.lostCount)} lost, ${num(a.gainedCount)} gained`, `${num(med, 2)} ms`, `${num(p99, 2)} ms`, `${num(median(cpu.get(c.name)!), 2)} / ${num(c99, 2)} ms`, med < 10 && p99 < 50 ? 'met' : 'MISSED'];
  });

  // Keeping the model current: one pod event, a rollout of 30 pods, against a build from scratch.
  const fed = storeView(objects);
  const sync = new LiveImpact(fed.view, { now: () => performance.now() });
  sync.sync();
  const pods = objects.pods as { metadata: { name: string; namespace: string }; status: { podIP: string; podIPs: { ip: string }[] } }[];
  const oneEvent: number[] = [];
  const rollout: number[] = [];
  for (let i = 0; i < 30; i++) {
    const victim = pods[(i * 331) % pods.length]!;
    fed.put('pods', { ...victim, status: { ...victim.status, podIP: `10.250.0.${i}`, podIPs: [{ ip: `10.250.0.${i}` }] } });
    const used = process.cpuUsage();
    const one = sync.sync();
    const spent = process.cpuUsage(used);
    if (one.kind !== 'derived') throw new Error(`a pod event: ${one.kind}`);
    oneEvent.push((spent.user + spent.system) / 1000);
    const start = (i * 97) % (pods.length - 30);
    for (const [j, p] of pods.slice(start, start + 30).entries()) {
      fed.remove('pods', p.metadata.namespace, p.metadata.name);
      const ip = `10.251.${i}.${j}`;
      fed.put('pods', { ...p, metadata: { ...p.metadata, name: `${p.metadata.name}-r${i}` }, status: { ...p.status, podIP: ip, podIPs: [{ ip }] } });
    }
    const used2 = process.cpuUsage();
    sync.sync();
    const spent2 = process.cpuUsage(used2);
    rollout.push((spent2.user + spent2.system) / 1000);
  }
  const rebuilds: number[] = [];
  for (let i = 0; i < 3; i++) {
    const used = process.cpuUsage();
    ConnectivityModel.build(snapshotFromClusterView(view));
    const spent = process.cpuUsage(used);
    rebuilds.push((spent.user + spent.system) / 1000);
  }
  if (sync.builds !== 1) throw new Error(`pod events caused ${sync.builds - 1} builds from scratch`);
  const upkeep = [
    ['One pod event (a pod readdressed): bring the model up to date (median of 30)', `${num(median(oneEvent), 2)} ms CPU`],
    ['A rollout: 30 pods gone, 30 new (median of 30)', `${num(median(rollout), 2)} ms CPU`],
    ['Build from scratch, for comparison (median of 3)', `${num(median(rebuilds))} ms CPU`],
  ];
  return { rows, upkeep, buildMs: build.ms, classes: live.model!.classes.length, raw: { times: Object.fromEntries(times), oneEvent, rollout, rebuilds } };
}

async function waitForLog(file: string, text: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (existsSync(file) && readFileSync(file, 'utf8').includes(text)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${file}: no "${text}" within ${timeoutMs / 1000}s`);
}

async function part2(objects: ReturnType<typeof manifests>) {
  await ensureCertificates();
  const fake = await FakeApiServer.start();
  for (const n of objects.namespaces) fake.put('namespaces', n as never);
  for (const p of objects.pods) fake.put('pods', p as never);
  for (const p of objects.policies) fake.put('networkpolicies', p as never);
  await mkdir(join(WORK, 'impact'), { recursive: true });
  const kubeconfig = await fake.writeKubeconfig(join(WORK, 'impact', 'kubeconfig'));
  const requests: Request[] = changes(objects.policies).map((c, i) => {
    const body =
      c.change.operation === 'DELETE'
        ? admissionReview(null, { operation: 'DELETE', oldObject: c.old, namespace: 'team-0', uid: `00000000-0000-4000-8000-00000000010${i}` })
        : admissionReview(c.change.policy, { operation: c.change.operation, ...(c.old ? { oldObject: c.old } : {}), uid: `00000000-0000-4000-8000-00000000010${i}` });
    return { method: 'POST', path: '/validate', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
  });
  const results: { impact: string; p50: number; p99: number; max: number; sent: number; errors: number; warned: string; cpuMsPerReview: number }[] = [];
  try {
    for (const budget of ['500', '0']) {
      const guard = await startGuard({ name: `impact-${budget}`, kubeconfig, extraArgs: ['--impact-budget', budget], readyTimeoutMs: 180_000 });
      try {
        if (budget !== '0') await waitForLog(guard.logFile, 'connectivity model built', 180_000);
        const ca = readFileSync(guard.caFile, 'utf8');
        verifyTlsWith(ca);
        // One review to check the impact is in the answer (or not), a few rounds of the four
        // (as part 1 warms up: the first of each fills the caches a model keeps), then the fixed rate.
        const probe = await fetchWarnings(guard.webhookUrl, String(requests[0]!.body), ca);
        await warmUp(guard.webhookUrl, requests, ca);
        const cpuBefore = cpuSeconds(guard.pid);
        const r = await openLoop({ url: guard.webhookUrl, requests, rate: RATE, seconds: SECONDS, connections: 10, ca });
        const cpuMsPerReview = ((cpuSeconds(guard.pid) - cpuBefore) * 1000) / r.sent;
        results.push({ impact: budget === '0' ? 'off (--impact-budget 0)' : 'on (--impact-budget 500)', p50: r.p50, p99: r.p99, max: r.max, sent: r.sent, errors: r.errors, warned: probe, cpuMsPerReview });
      } finally {
        await guard.stop();
      }
    }
  } finally {
    await fake.close();
  }
  return results;
}

async function warmUp(url: string, requests: readonly Request[], ca: string): Promise<void> {
  const { post } = await import('./lib/load.js');
  for (let round = 0; round < 5; round++) for (const r of requests) await post(`${url}/validate`, String(r.body), ca);
}

async function fetchWarnings(url: string, body: string, ca: string): Promise<string> {
  const { post } = await import('./lib/load.js');
  const a = await post(`${url}/validate`, body, ca);
  const warnings = ((a.json as { response?: { warnings?: string[] } }).response?.warnings ?? []).filter((w) => w.includes('[impact]'));
  return warnings[0] ?? '(no impact line)';
}

async function main(): Promise<void> {
  const m = machine();
  const snap = scenario({ firstNamespacePods: 50 });
  const objects = manifests(snap);
  const one = await part1(objects);
  const two = await part2(objects);
  const after = machine();
  const body = [
    machineLine(m),
    `Load average at the end: ${after.loadAverage}, CPU pressure ${after.cpuPressure}.`,
    '',
    `The connectivity scenario (${num(snap.pods.length)} pods, ${num(snap.namespaces.length)} namespaces, ${num(snap.networkPolicies.length)} NetworkPolicies; ${num(one.classes)} classes) with team-0 at 50 pods; its policy team-0-default selects all 50. The model is built once (${num(one.buildMs)} ms), then each change is assessed as a review does it (LiveImpact.assess: the model brought up to date, the model after derived, the flows that change found by groups); ${RUNS} rounds after 10 of warm-up, the changes interleaved.`,
    '',
    table(['change in team-0 (50 pods)', 'flows', 'median', 'p99', 'CPU median / p99', 'goal: < 10 ms / < 50 ms (wall)'], one.rows),
    '',
    'Keeping the model current (LiveImpact.sync after the view changed, as before each review and every second), in CPU time of this process:',
    '',
    table(['event', 'time'], one.upkeep),
    '',
    `/validate through HTTPS at a fixed ${RATE} reviews/s for ${SECONDS} s (open loop, 10 keep-alive connections, latency from when each request was due), the changes in turn; the server's informers read the scenario from a stand-in API server (test/cluster/fake-apiserver.ts) on loopback:`,
    '',
    table(
      ['impact', 'p50 ms', 'p99 ms', 'max ms', 'server CPU ms/review', 'reviews', 'errors', 'goal: p99 < 60 ms'],
      two.map((r) => [r.impact, num(r.p50, 2), num(r.p99, 2), num(r.max, 1), num(r.cpuMsPerReview, 2), num(r.sent), num(r.errors), r.impact.startsWith('on') ? (r.p99 < 60 ? 'met' : 'MISSED') : '']),
    ),
    '',
    `First impact line of the first change, as the server answered it: \`${two[0]?.warned ?? ''}\``,
  ].join('\n');
  const title = 'Impact at admission (bench/impact.ts)';
  savePart({ part: 'impact', machine: m, markdown: `### ${title}\n\n${body}`, raw: { part1: one.raw, part2: two, endLoad: after.loadAverage } });
  writeRecordedSection(title, body);
}

await main();

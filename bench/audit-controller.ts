/**
 * What the audit controller costs admission, on the simulate issue's scenario (10,000 pods in
 * 1,000 namespaces, 2,000 NetworkPolicies): the main thread keeps reviewing NetworkPolicies (one
 * every 2 ms, against the cluster view, as the webhook does) while the controller's steps run:
 *
 * - the steps on the main thread, each timed alone: taking the view's lists (viewData), the
 *   structured clone postMessage makes of them, and planning the writes (planSync) against the
 *   reports of the previous audit;
 * - review latency (from when the review was due to its answer, so event-loop stalls count) and
 *   event-loop delay, for 10 s without an audit and during a whole audit in the worker thread.
 *
 *   node --import tsx bench/audit-controller.ts
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ConnectivitySnapshot } from '../src/connectivity/index.js';
import { staticClusterView } from '../src/cluster/static.js';
import { viewData } from '../src/cluster/data-view.js';
import { builtinPolicy } from '../src/policy/parse.js';
import { planSync, planSyncInTurns, type ExistingReport } from '../src/reports/plan.js';
import { reviewNetworkPolicy } from '../src/review.js';
import { AuditThread } from '../src/server/audit-thread.js';
import type { NetworkPolicy } from '../src/k8s/types.js';

const scenarioModule = './connectivity.ts';
const { scenario, scenarioManifests } = (await import(new URL(scenarioModule, import.meta.url).href)) as {
  scenario: () => ConnectivitySnapshot;
  scenarioManifests: (snap: ConnectivitySnapshot) => unknown[];
};


const view = staticClusterView(scenarioManifests(scenario()), 'bench');
const policy = builtinPolicy();
const nps = view.networkPolicies();

function timed<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const v = f();
  return [v, performance.now() - t0];
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0;
};

/** Reviews one policy every 2 ms until `until` resolves; latency from when each was due. */
async function reviewLoad(until: Promise<unknown>): Promise<{ latencies: number[]; loopP99: number; loopMax: number }> {
  const latencies: number[] = [];
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  let done = false;
  void until.then(() => (done = true));
  let i = 0;
  let due = performance.now();
  while (!done) {
    due += 2;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    else await new Promise((r) => setImmediate(r));
    const np = nps[i++ % nps.length] as NetworkPolicy;
    reviewNetworkPolicy({ operation: 'CREATE', object: np, namespace: np.metadata?.namespace ?? 'default', strictFields: false, includeApiWarnings: false }, { policy, cluster: view });
    latencies.push(performance.now() - due);
    if (performance.now() - due > 2) due = performance.now(); // do not replay a backlog as a burst
  }
  h.disable();
  return { latencies, loopP99: h.percentile(99) / 1e6, loopMax: h.max / 1e6 };
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;
const line = (what: string, r: { latencies: number[]; loopP99: number; loopMax: number }) =>
  `${what}: ${r.latencies.length} reviews, latency p50 ${fmt(pct(r.latencies, 50))}, p99 ${fmt(pct(r.latencies, 99))}, max ${fmt(Math.max(...r.latencies))}; event-loop delay p99 ${fmt(r.loopP99)}, max ${fmt(r.loopMax)}`;

console.log(`cluster: ${view.pods().length} pods, ${view.namespaces().length} namespaces, ${nps.length} NetworkPolicies`);

// Main-thread steps, alone (best of 5).
const best = (f: () => unknown) => Math.min(...Array.from({ length: 5 }, () => timed(f)[1]));
const data = viewData(view);
console.log(`viewData (take the lists): ${fmt(best(() => viewData(view)))}`);
console.log(`structured clone of them in one message (what the transfer would cost without slices): ${fmt(best(() => structuredClone(data)))}`);
console.log(`structured clone of one slice of 500 pods (what each turn costs): ${fmt(best(() => structuredClone(data.pods.slice(0, 500))))}`);

const thread = new AuditThread();
const job = { data, policySource: 'builtin', api: 'wgpolicyk8s.io/v1alpha2' as const, maxResults: 1000, now: Date.now() };
// Warm the worker (module loading) outside the measurement.
const first = await thread.run(job);
const reports = first.outcome.reports;
const existing = [...reports.namespaced, reports.cluster] as unknown as ExistingReport[];
console.log(`audit in the worker: ${(first.elapsedMs / 1000).toFixed(1)} s; ${reports.namespaced.length} namespace reports, ${reports.namespaced.reduce((n, r) => n + r.results.length, 0) + reports.cluster.results.length} results`);
console.log(`structured clone of all reports in one message (without slices): ${fmt(best(() => structuredClone(first.outcome)))}; of one slice of 50: ${fmt(best(() => structuredClone(reports.namespaced.slice(0, 50))))}`);
console.log(`planSync against the previous audit's reports (all unchanged), in one go: ${fmt(best(() => planSync(existing, reports)))}; planSyncInTurns gives the loop a turn every 50 reports`);
const planned = await reviewLoad(planSyncInTurns(existing, reports).then(() => sleep(2000)));
console.log(line('while planning in turns (and 2 s after)', planned));

const idle = await reviewLoad(sleep(10_000));
console.log(line('no audit, 10 s', idle));
const during = await reviewLoad(thread.run({ ...job, now: Date.now() }));
console.log(line('during an audit in the worker', during));
await thread.close();

/**
 * Scenario 7, the Kubernetes API goes away. The server watches a fake API server
 * (test/cluster/fake-apiserver.ts, seeded with the test cluster's namespaces, pods, services,
 * nodes) through --kubeconfig, with --resync-seconds 10. An open loop sends 20 reviews/s of a
 * policy whose podSelector matches no pod, which the cluster-aware rule
 * pod-selector-matches-nothing flags. The fake is then made unreachable (connections dropped,
 * new ones refused), then hung (connections accepted, never answered), then brought back.
 *
 * The view turns stale 120 s after the last word from the API server (the informers' default
 * staleAfterSeconds; `serve` has no flag for it), so the outage lasts until staleness has shown
 * in the answers for 10 s: about 2.5 minutes.
 *
 * Each answer either ran the cluster-aware rule (its warning is there) or says it could not
 * ("netpol-guard: cluster state not synced; rules not run: ..." and the skipped-rules audit
 * annotation); one that does neither is a silent gap.
 *
 * Goal: every review answered, within the deadline (2000 ms); no silent gaps; staleness shown
 * while the API is gone, the cluster-aware warning back after it returns; /readyz and
 * netpol_guard_cluster_synced say the same at each step.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Collection, FakeApiServer } from '../../../../test/cluster/fake-apiserver.js';
import { SHOP } from '../../../../test/cluster/manifests.js';
import { DIST } from '../../dist.js';
import { envNumber, num } from '../../report.js';
import { onCleanUp, tempDir } from '../cleanup.js';
import type { FaultContext } from '../context.js';
import { type Timed, openLoop, percentile, waitFor } from '../drivers.js';
import { type Guard, keepLogsIfFailed, launchGuard } from '../guard.js';
import { metrics, readyz, sample } from '../health.js';
import { type Outcome, type ScenarioRun, check, figure, ms, newOutcome, seconds } from '../outcome.js';
import { callReview, errorSummary } from '../review-call.js';

const RATE = 20;
const DEADLINE_MS = 2000;
const HEALTHY_S = 5;
/** The informers' fixed staleness bound (src/cluster/informers.ts DEFAULT_STALE_AFTER_SECONDS). */
const STALE_AFTER_S = 120;
const STALE_SHOWN_S = 10;
const RECOVERY_CAP_S = 90;
const NOT_SYNCED = 'netpol-guard: cluster state not synced; rules not run:';
const CLUSTER_RULE = '[pod-selector-matches-nothing]';

const COLLECTION_OF: Record<string, Collection> = { Namespace: 'namespaces', Pod: 'pods', Service: 'services', Node: 'nodes', DaemonSet: 'daemonsets' };

/** A policy in `default` selecting pods labelled app=no-such-app: there are none. */
const SELECTS_NOTHING = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'selects-nothing', namespace: 'default' },
  spec: {
    podSelector: { matchLabels: { app: 'no-such-app' } },
    policyTypes: ['Ingress'],
    ingress: [{ from: [{ podSelector: { matchLabels: { app: 'balance' } } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
  },
};

type Verdict = 'checked' | 'not synced, said so' | 'silent';

function verdictOf(t: Timed): Verdict | undefined {
  const a = t.call.answer;
  if (!a) return undefined;
  if (a.warnings.some((w) => w.startsWith(CLUSTER_RULE))) return 'checked';
  if (a.warnings.some((w) => w.startsWith(NOT_SYNCED))) return 'not synced, said so';
  return 'silent';
}

function skippedAnnotated(t: Timed): boolean {
  return (t.call.answer?.auditAnnotations['skipped-rules'] ?? '').includes('cluster state not synced');
}

interface HealthSample {
  readonly at: number;
  readonly synced?: number;
  readonly ageSeconds?: number;
  readonly detail?: string;
}

async function fakeCluster(): Promise<FakeApiServer> {
  const fake = await FakeApiServer.start();
  for (const o of SHOP as { kind: string }[]) {
    const collection = COLLECTION_OF[o.kind];
    if (collection) fake.put(collection, structuredClone(o) as never);
  }
  return fake;
}

/** When each phase of the outage began (performance.now()). */
interface Timeline {
  readonly pausedAt: number;
  readonly hungAt: number;
  readonly backAt: number;
}

/**
 * Healthy, unreachable for `unreachableS`, hung until the answers have said "not synced" for a
 * while, back until the cluster-aware warning returns. Stops waiting once the server is gone.
 */
async function driveOutage(fake: FakeApiServer, guard: Guard, answers: readonly Timed[], unreachableS: number): Promise<Timeline> {
  const seen = (since: number, verdict: Verdict) => !guard.running() || answers.some((t) => t.call.startedAt > since && verdictOf(t) === verdict);
  await sleep(HEALTHY_S * 1000);
  const pausedAt = performance.now();
  await fake.pause();
  await sleep(unreachableS * 1000);
  const hungAt = performance.now();
  fake.hang = true;
  await fake.resume();
  await waitFor(() => seen(pausedAt, 'not synced, said so'), Math.max(0, pausedAt + (STALE_AFTER_S + 60) * 1000 - performance.now()), 200);
  await sleep(STALE_SHOWN_S * 1000);
  const backAt = performance.now();
  await fake.pause(); // drops the hung connections, as a restarted API server would
  fake.hang = false;
  await fake.resume();
  await waitFor(() => seen(backAt, 'checked'), RECOVERY_CAP_S * 1000, 200);
  await sleep(5000);
  return { pausedAt, hungAt, backAt };
}

/** /metrics and /readyz every 500 ms until stopped. */
function watchHealth(guard: Guard): { stop(): Promise<HealthSample[]> } {
  const samples: HealthSample[] = [];
  let watching = true;
  const loop = (async () => {
    while (watching) {
      const [text, ready] = await Promise.all([metrics(guard.healthUrl), readyz(guard.healthUrl)]);
      samples.push({
        at: performance.now(),
        synced: text === undefined ? undefined : sample(text, 'netpol_guard_cluster_synced'),
        ageSeconds: text === undefined ? undefined : sample(text, 'netpol_guard_cluster_cache_age_seconds'),
        detail: ready?.checks.cluster?.detail,
      });
      await sleep(500);
    }
  })();
  return {
    async stop() {
      watching = false;
      await loop;
      return samples;
    },
  };
}

function judge(o: Outcome, timed: readonly Timed[], health: readonly HealthSample[], { pausedAt, hungAt, backAt }: Timeline): void {
  const failures = timed.filter((t) => t.call.kind !== 'answered');
  const latencies = timed.map((t) => t.latencyMs);
  const maxLatency = Math.max(...latencies);
  const firstAfter = (since: number, v: Verdict) => timed.find((t) => t.call.startedAt > since && verdictOf(t) === v);
  const firstStale = firstAfter(pausedAt, 'not synced, said so');
  const firstBack = firstAfter(backAt, 'checked');
  const stale = timed.filter((t) => verdictOf(t) === 'not synced, said so');
  const annotated = stale.filter(skippedAnnotated).length;
  const silent = timed.filter((t) => verdictOf(t) === 'silent');
  const uncheckedAfterRecovery = firstBack ? timed.filter((t) => t.call.startedAt > firstBack.call.endedAt && verdictOf(t) !== 'checked') : [];
  const healthAfter = (since: number, ok: (h: HealthSample) => boolean) => health.find((h) => h.at > since && ok(h));
  const readyStale = healthAfter(pausedAt, (h) => /^stale:/.test(h.detail ?? ''));
  const readyBack = healthAfter(backAt, (h) => /^synced from/.test(h.detail ?? ''));
  const metricZero = healthAfter(pausedAt, (h) => h.synced === 0);
  const metricOne = metricZero ? healthAfter(Math.max(backAt, metricZero.at), (h) => h.synced === 1) : undefined;
  const maxAge = Math.max(...health.filter((h) => h.at > pausedAt && h.at < backAt).map((h) => h.ageSeconds ?? 0));
  const count = (v: Verdict, from: number, to: number) => timed.filter((t) => t.call.startedAt >= from && t.call.startedAt < to && verdictOf(t) === v).length;
  const after = (t: { at: number } | undefined, since: number) => seconds(t && t.at - since);
  const staleAfter = firstStale && firstStale.call.startedAt - pausedAt;
  const backAfter = firstBack && firstBack.call.startedAt - backAt;

  figure(o, 'reviews answered / failed', `${num(timed.length - failures.length)} / ${failures.length}`);
  figure(o, 'latency from due: p50 / p99 / max', `${ms(percentile(latencies, 50))} / ${ms(percentile(latencies, 99))} / ${ms(maxLatency)}`);
  figure(o, 'healthy: answers with the cluster-aware warning', `${count('checked', 0, pausedAt)} of ${timed.filter((t) => t.call.startedAt < pausedAt).length}`);
  figure(o, 'API gone, view not yet stale: answers judged on the cached state', num(count('checked', pausedAt, backAt)));
  figure(o, 'API gone → first answer saying "cluster state not synced"', seconds(staleAfter));
  figure(o, 'API gone → /readyz cluster detail "stale: ..."', after(readyStale, pausedAt));
  figure(o, 'API gone → netpol_guard_cluster_synced 0', metricZero ? after(metricZero, pausedAt) : `never (stayed 1; netpol_guard_cluster_cache_age_seconds reached ${num(maxAge)})`);
  figure(o, 'answers saying "not synced" / of them with the skipped-rules annotation', `${num(stale.length)} / ${num(annotated)}`);
  figure(o, 'hung from → back at (after the outage began)', `${seconds(hungAt - pausedAt)} → ${seconds(backAt - pausedAt)}`);
  figure(o, 'API back → first answer with the cluster-aware warning again', seconds(backAfter));
  figure(o, 'API back → /readyz "synced from ..."; → metric 1', `${after(readyBack, backAt)}; ${metricOne ? after(metricOne, backAt) : 'n/a (never 0)'}`);
  check(o, `every review answered, within the deadline (${num(DEADLINE_MS)} ms)`, failures.length === 0 && maxLatency < DEADLINE_MS, `${failures.length} failed${failures.length ? ` (${errorSummary(failures.map((f) => f.call))})` : ''}; max ${ms(maxLatency)}`);
  check(o, 'no silent answer (each either ran the cluster-aware rule or said it could not)', silent.length === 0, `${silent.length} silent of ${num(timed.length)}`);
  check(o, 'while the API is gone, answers say "cluster state not synced" (+ skipped-rules annotation)', stale.length > 0 && annotated === stale.length, firstStale ? `from ${seconds(staleAfter)} after it went (staleness bound ${STALE_AFTER_S} s); ${num(stale.length)} answers, ${num(annotated)} annotated` : 'never');
  check(o, 'after the API is back, the cluster-aware warning returns and stays', firstBack !== undefined && uncheckedAfterRecovery.length === 0, firstBack ? `after ${seconds(backAfter)}; ${uncheckedAfterRecovery.length} unchecked answers after that` : `not within ${RECOVERY_CAP_S} s`);
  check(o, '/readyz cluster detail: stale while gone, synced after', readyStale !== undefined && readyBack !== undefined, `stale after ${after(readyStale, pausedAt)}, synced ${after(readyBack, backAt)} after the return`);
  check(
    o,
    'netpol_guard_cluster_synced: 0 while stale, 1 after',
    metricZero !== undefined && metricOne !== undefined,
    metricZero
      ? `0 after ${after(metricZero, pausedAt)}, 1 ${after(metricOne, backAt)} after the return`
      : firstStale && readyStale
        ? `stayed 1 throughout, while answers said "not synced" for ${seconds(backAt - firstStale.call.startedAt)} and /readyz said stale`
        : 'never 0',
  );
  if (!metricZero && readyStale) {
    o.notes.push(
      'netpol_guard_cluster_synced is documented as "1 when every cluster cache has synced and is fresh, 0 when not" (src/server/metrics.ts; docs/operations.md names "netpol_guard_cluster_synced 0" as the signal of this failure), but it is set from ClusterStatus.synced, which only says every resource was listed once (sticky; src/cluster/informers.ts status()), not from the view\'s freshness (view.ready). So it never drops while the cluster is unreachable.',
    );
  }
  o.headline = `${failures.length} failed of ${num(timed.length)}, max ${ms(maxLatency)}; "not synced" shown ${seconds(staleAfter)} after the API went, cluster warning back ${seconds(backAfter)} after it returned; cluster_synced metric ${metricZero ? 'followed' : 'stayed 1'}`;
  o.raw.cluster = { staleAfterMs: staleAfter, recoveredAfterMs: backAfter, readyStaleMs: readyStale && readyStale.at - pausedAt, metricZeroMs: metricZero && metricZero.at - pausedAt, maxLatencyMs: maxLatency, answers: timed.length, stale: stale.length, silent: silent.length };
}

export async function clusterUnreachable(ctx: FaultContext): Promise<ScenarioRun> {
  if (!readFileSync(join(DIST, 'review.js'), 'utf8').includes('cluster state not synced; rules not run')) {
    throw new Error(`${DIST}/review.js predates the "cluster state not synced" warning: rebuild (npx tsc -p tsconfig.build.json)`);
  }
  const unreachableS = envNumber('BENCH_FAULTS_UNREACHABLE_SECONDS', 60);
  const o = newOutcome(
    'cluster-unreachable',
    'The Kubernetes API unreachable, then hung, then back',
    `--kubeconfig to a fake API server, --resync-seconds 10, --deadline ${DEADLINE_MS}; ${RATE} reviews/s (open loop) of a policy whose podSelector matches no pod; ${HEALTHY_S} s healthy, ${unreachableS} s unreachable (refused), then hung (accepts, never answers) until staleness has shown for ${STALE_SHOWN_S} s, then back`,
  );
  const fake = await fakeCluster();
  const unregister = onCleanUp(() => fake.close());
  const guards: Guard[] = [];
  const agent = new https.Agent({ keepAlive: true, maxSockets: 4, ca: ctx.caPem });
  let completed = false;
  try {
    const kubeconfig = await fake.writeKubeconfig(join(tempDir('kubeconfig'), 'kubeconfig'));
    const guard = await launchGuard({
      name: 'cluster-unreachable',
      ...ctx.serving,
      flags: ['--kubeconfig', kubeconfig, '--resync-seconds', '10', '--deadline', String(DEADLINE_MS), '--shutdown-delay', '0'],
    });
    guards.push(guard);
    const reviews = openLoop(RATE, () => callReview({ url: `${guard.webhookUrl}/validate`, object: SELECTS_NOTHING, ca: ctx.caPem, agent, timeoutMs: 10_000 }));
    const health = watchHealth(guard);
    const timeline = await driveOutage(fake, guard, reviews.records, unreachableS);
    reviews.stop();
    judge(o, await reviews.done, await health.stop(), timeline);
    completed = true;
    return { outcome: o };
  } finally {
    agent.destroy();
    await Promise.all(guards.map((g) => g.stop()));
    await fake.close();
    unregister();
    keepLogsIfFailed(o, guards, completed);
  }
}

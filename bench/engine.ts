/**
 * Part 1, the engine: reviews per second of reviewNetworkPolicy (built, dist/) on one thread, no HTTP.
 * Each case: warm up, then time a fixed number of reviews, five times; the median is reported.
 *
 *   npx tsx bench/engine.ts
 */
import { performance } from 'node:perf_hooks';
import type { ClusterView } from '../src/cluster/view.js';
import type { OrgPolicy } from '../src/policy/types.js';
import type { ReviewContext } from '../src/review.js';
import { storedPoliciesState } from './lib/cluster-fixtures.js';
import { fromDist } from './lib/dist.js';
import { deniedPolicy, manyPeersPolicy, seedPolicy } from './lib/fixtures.js';
import { envNumber, machine, machineLine, median, num, savePart, table } from './lib/report.js';

// The built code, as the server runs it (npm run bench builds first).
const { staticClusterView } = await fromDist<typeof import('../src/cluster/static.js')>('cluster/static.js');
const { builtinPolicy, parsePolicy } = await fromDist<typeof import('../src/policy/parse.js')>('policy/parse.js');
const { reviewNetworkPolicy } = await fromDist<typeof import('../src/review.js')>('review.js');
const { ALL_RULES } = await fromDist<typeof import('../src/rules/index.js')>('rules/index.js');

const REPEATS = 5;
/** Scales every iteration count (BENCH_SCALE=0.2 for a quick look). */
const SCALE = envNumber('BENCH_SCALE', 1);

/** The org policy with every rule off: what is left is decoding, defaulting and API validation. */
function rulesOffPolicy(): OrgPolicy {
  const rules = ALL_RULES.map((r) => `  ${r.id}: {action: off}`).join('\n');
  return parsePolicy(`apiVersion: netpol-guard.io/v1alpha1\nkind: OrgPolicy\nmode: enforce\nrules:\n${rules}\n`, 'rules-off');
}

/** The cluster-aware rule that reads every stored policy of the namespace, if the catalogue has one. */
function crossPolicyDnsRule(): string | undefined {
  const rule = ALL_RULES.find((r) => r.id === 'egress-without-dns' && r.cluster !== 'none');
  return rule?.id;
}

interface Case {
  readonly name: string;
  readonly object: Record<string, unknown>;
  readonly policy: OrgPolicy;
  readonly cluster?: ClusterView;
  readonly iterations: number;
  readonly warmup: number;
  readonly goal?: string;
}

interface CaseResult {
  readonly name: string;
  readonly verdict: string;
  readonly findings: number;
  readonly iterations: number;
  readonly perSecond: readonly number[];
  readonly medianPerSecond: number;
  readonly medianMs: number;
  readonly goal?: string;
}

function runCase(c: Case): CaseResult {
  // A pool of copies, as each request brings a freshly parsed object.
  const pool = Array.from({ length: 64 }, () => structuredClone(c.object));
  const ctx: ReviewContext = { policy: c.policy, ...(c.cluster ? { cluster: c.cluster } : {}) };
  const review = (i: number) =>
    reviewNetworkPolicy(
      { operation: 'CREATE', object: pool[i & 63], namespace: 'default', userInfo: { username: 'alice', groups: ['system:authenticated'] }, strictFields: false, includeApiWarnings: false },
      ctx,
    );
  const first = review(0);
  let sink = 0;
  for (let i = 0; i < c.warmup; i++) sink += review(i).warnings.length;
  const perSecond: number[] = [];
  for (let rep = 0; rep < REPEATS; rep++) {
    const t0 = performance.now();
    for (let i = 0; i < c.iterations; i++) sink += review(i).warnings.length;
    const ms = performance.now() - t0;
    perSecond.push((c.iterations / ms) * 1000);
  }
  if (sink < 0) console.log(sink); // keeps the results alive
  const med = median(perSecond);
  return {
    name: c.name,
    verdict: first.verdict,
    findings: first.evaluation.findings.length,
    iterations: c.iterations,
    perSecond,
    medianPerSecond: med,
    medianMs: 1000 / med,
    ...(c.goal ? { goal: c.goal } : {}),
  };
}

function main(): void {
  const m = machine();
  const off = rulesOffPolicy();
  const builtin = builtinPolicy();
  const n = (x: number) => Math.max(10, Math.round(x * SCALE));
  const dnsRule = crossPolicyDnsRule();
  const cases: Case[] = [
    { name: 'seed-001 policy, org rules off', object: seedPolicy(), policy: off, iterations: n(50_000), warmup: n(20_000), goal: '≥ 50,000/s' },
    { name: 'seed-001 policy, default org policy', object: seedPolicy(), policy: builtin, iterations: n(30_000), warmup: n(10_000), goal: '≥ 50,000/s' },
    { name: 'seed-001 + metadata egress (denied 403), default org policy', object: deniedPolicy(), policy: builtin, iterations: n(30_000), warmup: n(10_000) },
    { name: '1,000 peers, org rules off', object: manyPeersPolicy(), policy: off, iterations: n(300), warmup: n(100) },
    { name: '1,000 peers, default org policy', object: manyPeersPolicy(), policy: builtin, iterations: n(300), warmup: n(100), goal: '< 5 ms' },
  ];
  if (dnsRule) {
    cases.push(
      { name: 'seed-001, cluster view with 0 stored policies', object: seedPolicy(), policy: builtin, cluster: staticClusterView(storedPoliciesState(0), 'bench'), iterations: n(10_000), warmup: n(3_000) },
      { name: 'seed-001, cluster view with 500 stored policies', object: seedPolicy(), policy: builtin, cluster: staticClusterView(storedPoliciesState(500), 'bench'), iterations: n(300), warmup: n(100) },
    );
  }
  const results: CaseResult[] = [];
  for (const c of cases) {
    const r = runCase(c);
    results.push(r);
    process.stderr.write(`engine: ${r.name}: ${num(r.medianPerSecond)}/s (${r.perSecond.map((x) => num(x)).join(', ')})\n`);
  }
  const rows = results.map((r) => [
    r.name,
    r.verdict,
    num(r.medianPerSecond),
    r.medianMs < 0.1 ? `${num(r.medianMs * 1000, 1)} µs` : `${num(r.medianMs, 2)} ms`,
    `${num(Math.min(...r.perSecond))}–${num(Math.max(...r.perSecond))}`,
    r.goal ?? '',
    r.goal ? (r.goal.startsWith('<') ? (r.medianMs < 5 ? 'met' : 'MISSED') : r.medianPerSecond >= 50_000 ? 'met' : 'MISSED') : '',
  ]);
  const notes = [
    `One thread, in-process, reviewNetworkPolicy (CREATE, namespace default) over a pool of 64 copies of the object; ${REPEATS} timed repeats after a warm-up; the median is reported.`,
    '"org rules off": an org policy with every rule `off` (decode, defaults, API-server validation only). Cluster-aware rules run only in the cluster-view cases.',
    dnsRule
      ? `Cross-policy DNS rule: \`${dnsRule}\` (declares usesCluster, reads networkPolicies() of the namespace). Cluster view: the static ClusterView (dist/cluster/static.js) with 62 pods (20 selected by the seed policy), 2 DNS pods, and 0 or 500 stored egress-isolating policies in namespace default; every cluster-aware rule runs.`
      : 'No rule reads networkPolicies(): the 500-policy case is not applicable.',
  ];
  const markdown = [
    '### 1. Engine (reviewNetworkPolicy, one thread)',
    '',
    machineLine(m),
    '',
    table(['case', 'verdict', 'reviews/s (median)', 'per review', 'range of 5', 'goal', ''], rows),
    '',
    ...notes.map((l) => `- ${l}`),
  ].join('\n');
  savePart({ part: 'engine', machine: m, markdown, raw: results });
}

main();

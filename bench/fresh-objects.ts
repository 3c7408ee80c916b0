/**
 * The review in a loop, fed as the server feeds it or not: does an object fresh from JSON.parse
 * cost the review more than one it has seen before? And what does each step the server adds
 * around the review cost, without HTTP? One thread, in-process, the built code (dist/), the
 * seed-001 AdmissionReview. Cases run in alternating order, 5 times each; medians of ns/op, and
 * the time spent in garbage collection (PerformanceObserver 'gc' entries) per op.
 *
 *   npm run build && npx tsx bench/fresh-objects.ts [--ops 100000] [--json]
 *
 * Cases:
 *   reused      reviewNetworkPolicy over 64 objects parsed once (what bench/engine.ts does)
 *   parse       JSON.parse of the body alone
 *   fresh       JSON.parse + parseAdmissionReview + reviewNetworkPolicy, a new object every time
 *   answer      fresh + the AdmissionReview answer (allow / deny) + JSON.stringify of it
 *   route       answer + metrics + the info log line into a pino destination on /dev/null
 */
import { openSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { fromDist } from './lib/dist.js';
import { reviewBody, seedPolicy } from './lib/fixtures.js';
import { machine, machineLine, median, num, table } from './lib/report.js';

const { values: args } = parseArgs({ options: { ops: { type: 'string', default: '100000' }, json: { type: 'boolean', default: false } } });
const OPS = Number(args.ops);
const REPEATS = 5;

const { reviewNetworkPolicy } = await fromDist<typeof import('../src/review.js')>('review.js');
const { parseAdmissionReview } = await fromDist<typeof import('../src/admission/parse.js')>('admission/parse.js');
const { allow, deny } = await fromDist<typeof import('../src/admission/respond.js')>('admission/respond.js');
const { builtinPolicy } = await fromDist<typeof import('../src/policy/parse.js')>('policy/parse.js');
const { Metrics } = await fromDist<typeof import('../src/server/metrics.js')>('server/metrics.js');
const { internalErrorStatus } = await fromDist<typeof import('../src/k8s/status.js')>('k8s/status.js');

type AdmissionRequest = import('../src/admission/types.js').AdmissionRequest;

const body = reviewBody(seedPolicy());
const ctx = { policy: builtinPolicy() };
const metrics = new Metrics('bench');
const log = pino({ level: 'info' }, pino.destination({ dest: openSync('/dev/null', 'w'), sync: false }));

function review(req: AdmissionRequest) {
  return reviewNetworkPolicy(
    { operation: req.operation, object: req.object, oldObject: req.oldObject, namespace: req.namespace, userInfo: req.userInfo, strictFields: false, includeApiWarnings: false },
    ctx,
  );
}

function parsed(text: string): AdmissionRequest {
  const p = parseAdmissionReview(JSON.parse(text));
  if (!p.ok) throw new Error(p.problem);
  return p.request;
}

const pool = Array.from({ length: 64 }, () => parsed(body));

const CASES: Record<string, (i: number) => number> = {
  reused: (i) => review(pool[i & 63]!).warnings.length,
  parse: () => (JSON.parse(body) as { kind: string }).kind.length,
  fresh: () => review(parsed(body)).warnings.length,
  answer: () => {
    const req = parsed(body);
    const r = review(req);
    const extras = { warnings: r.warnings, auditAnnotations: r.auditAnnotations };
    const answer = r.allowed ? allow('admission.k8s.io/v1', req.uid, extras) : deny('admission.k8s.io/v1', req.uid, r.status ?? internalErrorStatus('denied'), extras);
    return JSON.stringify(answer).length;
  },
  route: () => {
    const started = performance.now();
    const req = parsed(body);
    const r = review(req);
    const seconds = (performance.now() - started) / 1000;
    metrics.recordReview('validate', req.operation, r.verdict, seconds, r);
    const rules = [...new Set(r.evaluation.findings.map((f) => f.rule))];
    log.info({ endpoint: 'validate', uid: req.uid, namespace: req.namespace ?? '', name: req.name ?? '', operation: req.operation, dryRun: req.dryRun === true, verdict: r.verdict, durationMs: seconds * 1000, ...(rules.length ? { rules } : {}) }, 'admission review');
    const extras = { warnings: r.warnings, auditAnnotations: r.auditAnnotations };
    const answer = r.allowed ? allow('admission.k8s.io/v1', req.uid, extras) : deny('admission.k8s.io/v1', req.uid, r.status ?? internalErrorStatus('denied'), extras);
    return JSON.stringify(answer).length;
  },
};

let gcMs = 0;
let gcCount = 0;
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    gcMs += e.duration;
    gcCount++;
  }
});
observer.observe({ entryTypes: ['gc'] });

/** GC entries are delivered asynchronously: a turn of the event loop lets the pending ones in. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

async function timeCase(fn: (i: number) => number): Promise<{ nsPerOp: number; gcNsPerOp: number; gcPer10k: number }> {
  let sink = 0;
  for (let i = 0; i < OPS / 10; i++) sink += fn(i);
  await settle();
  const gc0 = gcMs;
  const n0 = gcCount;
  const t0 = performance.now();
  for (let i = 0; i < OPS; i++) sink += fn(i);
  const ms = performance.now() - t0;
  await settle();
  if (sink < 0) console.log(sink);
  return { nsPerOp: (ms * 1e6) / OPS, gcNsPerOp: ((gcMs - gc0) * 1e6) / OPS, gcPer10k: ((gcCount - n0) * 10_000) / OPS };
}

const names = Object.keys(CASES);
const results: Record<string, { ns: number[]; gc: number[]; gcCount: number[] }> = Object.fromEntries(names.map((n) => [n, { ns: [], gc: [], gcCount: [] }]));
for (let rep = 0; rep < REPEATS; rep++) {
  const order = rep % 2 === 0 ? names : [...names].reverse();
  for (const name of order) {
    const r = await timeCase(CASES[name]!);
    results[name]!.ns.push(r.nsPerOp);
    results[name]!.gc.push(r.gcNsPerOp);
    results[name]!.gcCount.push(r.gcPer10k);
  }
}
observer.disconnect();
log.flush();

const med = (n: string) => median(results[n]!.ns);
const rows = names.map((n) => [n, num(med(n) / 1000, 2), num(median(results[n]!.gc) / 1000, 2), num(median(results[n]!.gcCount), 1), results[n]!.ns.map((x) => num(x / 1000, 1)).join(', ')]);
const markdown = [
  machineLine(machine()),
  '',
  `${num(OPS)} ops per run, ${REPEATS} runs per case in alternating order; µs per op (median) and garbage collection per op.`,
  '',
  table(['case', 'µs/op', 'GC µs/op', 'GCs per 10k ops', 'runs (µs/op)'], rows),
  '',
  `- the review on a freshly parsed object: ${num((med('fresh') - med('parse')) / 1000, 2)} µs (fresh − parse) vs ${num(med('reused') / 1000, 2)} µs on reused objects`,
  `- the answer and its serialisation: ${num((med('answer') - med('fresh')) / 1000, 2)} µs; metrics + log line: ${num((med('route') - med('answer')) / 1000, 2)} µs`,
].join('\n');
process.stdout.write(args.json ? `${JSON.stringify(results)}\n` : `${markdown}\n`);

/**
 * Where the review's CPU goes inside the server: the shipped build against the same build with
 * only its decision function changed (bench/lib/ablation-hooks.mjs), side by side in one run
 * with the bare node:https server and fastify answering a canned AdmissionReview.
 *
 *   npm run build && npx tsx bench/ablation.ts [--runs 3] [--seconds 8] [--no-write]
 *
 * Servers (POST /validate, the seed-001 AdmissionReview, 10 keep-alive TLS connections):
 *   bare            bench/bare-server.ts: parses the body, answers a canned allow
 *   fastify         bench/fastify-server.ts canned: fastify, pino at warn, three no-op hooks
 *   shipped         node dist/main.js serve, as released
 *   kept            the review's result kept from the first request: the same answer, log line and
 *                   metrics, without the review's work
 *   kept + busy     kept, plus a busy-wait as long as the review takes in a loop (measured here)
 *   kept + alloc    kept, plus as many bytes of small objects as a review allocates (measured here)
 *   twice           the review run twice per request
 *
 * Before the servers, in this process: the review's cost in a loop on freshly parsed objects, the
 * bytes it allocates (V8's sampling heap profiler, collected objects included), the loop again
 * while a second process allocates on the other core, and the review alone after 4 and 32 MiB of
 * other memory were touched (its code and data no longer in the caches).
 *
 * The section "Per-request cost: where the review's CPU goes" of bench/results.md is rewritten.
 */
import { spawn } from 'node:child_process';
import { Session } from 'node:inspector/promises';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Request } from 'autocannon';
import { DIST, fromDist } from './lib/dist.js';
import { reviewBody, seedPolicy } from './lib/fixtures.js';
import { JSON_HEADERS, type LoadRun, type LoadTarget, closedLoop, post, verifyTlsWith } from './lib/load.js';
import { ROOT } from './lib/paths.js';
import { writeRecordedSection } from './lib/recorded.js';
import { machine, machineLine, median, num, table } from './lib/report.js';
import { CERT_DIR, type RunningProcess, ensureCertificates, startBare, startGuard, startScriptServer } from './lib/servers.js';

const { values: args } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '8' },
    'no-write': { type: 'boolean', default: false },
  },
});
const RUNS = Number(args.runs);
const SECONDS = Number(args.seconds);
const CONNECTIONS = 10;
const SECTION = "Per-request cost: where the review's CPU goes (bench/ablation.ts)";

const { reviewNetworkPolicy } = await fromDist<typeof import('../src/review.js')>('review.js');
const { parseAdmissionReview } = await fromDist<typeof import('../src/admission/parse.js')>('admission/parse.js');
const { builtinPolicy } = await fromDist<typeof import('../src/policy/parse.js')>('policy/parse.js');
type AdmissionRequest = import('../src/admission/types.js').AdmissionRequest;

const body = reviewBody(seedPolicy());
const context = { policy: builtinPolicy() };

function parsed(): AdmissionRequest {
  const p = parseAdmissionReview(JSON.parse(body));
  if (!p.ok) throw new Error(p.problem);
  return p.request;
}

function review(req: AdmissionRequest): number {
  const r = reviewNetworkPolicy(
    { operation: req.operation, object: req.object, oldObject: req.oldObject, namespace: req.namespace, userInfo: req.userInfo, strictFields: false, includeApiWarnings: false },
    context,
  );
  return r.warnings.length;
}

const LOOP_OPS = 50_000;

/** µs per op of `fn` over LOOP_OPS ops, the median of 5 after a warm-up. */
function perOp(fn: () => number): number {
  let sink = 0;
  for (let i = 0; i < LOOP_OPS / 5; i++) sink += fn();
  const times: number[] = [];
  for (let rep = 0; rep < 5; rep++) {
    const t0 = performance.now();
    for (let i = 0; i < LOOP_OPS; i++) sink += fn();
    times.push(((performance.now() - t0) * 1000) / LOOP_OPS);
  }
  if (sink < 0) process.stdout.write('');
  return median(times);
}

/** The review's own cost in a loop: parse and review, less parse alone (objects fresh each time). */
function reviewMicros(): number {
  return perOp(() => review(parsed())) - perOp(() => parsed().uid.length);
}

/**
 * The review's cost when the caches are cold: before each review, `mib` MiB of other memory is
 * read and written (more than the core's L2 cache at 4 MiB, about the L3 at 32 MiB), as the TLS
 * layer, the HTTP parser, the kernel and the load generator do between two reviews in the server.
 * Only the review is timed.
 */
function coldReviewMicros(mib: number): number {
  const other = new Float64Array((mib * 1024 * 1024) / 8);
  const touch = () => {
    let s = 0;
    // One access per 64-byte cache line.
    for (let i = 0; i < other.length; i += 8) {
      s += other[i]!;
      other[i] = s;
    }
  };
  const ops = 2000;
  const times: number[] = [];
  for (let rep = 0; rep < 3; rep++) {
    let total = 0;
    for (let i = 0; i < ops; i++) {
      const req = parsed();
      touch();
      const t0 = performance.now();
      review(req);
      total += performance.now() - t0;
    }
    times.push((total * 1000) / ops);
  }
  return median(times);
}

/** Bytes allocated per op (sampled; objects the scavenger already freed included). */
async function allocatedBytes(fn: () => number, ops: number): Promise<number> {
  const session = new Session();
  session.connect();
  await session.post('HeapProfiler.startSampling', { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true } as never);
  let sink = 0;
  for (let i = 0; i < ops; i++) sink += fn();
  const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: SampleNode } };
  session.disconnect();
  if (sink < 0) process.stdout.write('');
  let total = 0;
  const walk = (n: SampleNode) => {
    total += n.selfSize;
    for (const c of n.children) walk(c);
  };
  walk(profile.head);
  return total / ops;
}

let dropped: unknown;

/** One object of the shape the allocation variant makes (bench/lib/ablation-hooks.mjs), dropped at once. */
function smallObject(): number {
  dropped = { next: null, i: 1, a: undefined, b: undefined };
  return 1;
}

interface SampleNode {
  readonly selfSize: number;
  readonly children: readonly SampleNode[];
}

/** A second process allocating in a loop on the other core, as the load generator does. */
function busyNeighbour(): RunningProcess {
  const child = spawn(process.execPath, ['-e', 'let a = []; for (;;) { a.push({ x: a.length }); if (a.length > 1e5) a = []; }'], { stdio: 'ignore' });
  return {
    pid: child.pid!,
    child,
    stop: async () => {
      child.kill('SIGKILL');
    },
  };
}

interface Target extends LoadTarget {
  readonly label: string;
}

const throughput = (t: Target, requests: Request[], seconds: number): Promise<LoadRun> => closedLoop(t, requests, seconds, CONNECTIONS);

const processes: RunningProcess[] = [];
try {
  const at = machine();

  // 1. In this process, no load.
  const loopMicros = reviewMicros();
  const reviewBytes = (await allocatedBytes(() => review(parsed()), 20_000)) - (await allocatedBytes(() => parsed().uid.length, 20_000));
  const neighbour = busyNeighbour();
  await new Promise((r) => setTimeout(r, 500));
  const loopMicrosBusy = reviewMicros();
  await neighbour.stop();
  const cold4 = coldReviewMicros(4);
  const cold32 = coldReviewMicros(32);
  process.stderr.write(`review in a loop: ${num(loopMicros, 2)} µs, ${num(loopMicrosBusy, 2)} µs beside a busy process, ${num(cold4, 2)} / ${num(cold32, 2)} µs after 4 / 32 MiB touched; ${num(reviewBytes)} bytes allocated\n`);

  // 2. The servers.
  await ensureCertificates();
  const cert = join(CERT_DIR, 'tls.crt');
  const key = join(CERT_DIR, 'tls.key');
  const dist = resolve(DIST);
  const register = join(ROOT, 'bench', 'lib', 'ablation-register.mjs');
  // The allocation variant makes objects of one small shape, as many as make the review's bytes.
  const objects = Math.round(reviewBytes / (await allocatedBytes(smallObject, 200_000)));
  const variants = [
    { name: 'kept', label: 'netpol-guard, review kept', settings: { variant: 'kept' } },
    { name: 'kept-busy', label: `netpol-guard, review kept + ${num(loopMicros, 1)} µs busy-wait`, settings: { variant: 'kept-busy', busyMicros: loopMicros } },
    { name: 'kept-alloc', label: `netpol-guard, review kept + ${num(reviewBytes / 1024, 1)} KiB allocated`, settings: { variant: 'kept-alloc', objects } },
    { name: 'twice', label: 'netpol-guard, review run twice', settings: { variant: 'twice' } },
  ];
  const bare = await startBare(cert, key);
  processes.push(bare);
  const fastify = await startScriptServer('fastify-server.ts', ['canned', cert, key]);
  processes.push(fastify);
  const shipped = await startGuard({ name: 'ablation-shipped' });
  processes.push(shipped);
  const targets: Target[] = [
    { name: 'bare', label: 'bare node:https', url: bare.url, pid: bare.pid },
    { name: 'fastify', label: 'fastify, canned answer', url: fastify.url, pid: fastify.pid },
    { name: 'shipped', label: 'netpol-guard as shipped', url: shipped.webhookUrl, pid: shipped.pid },
  ];
  for (const v of variants) {
    const g = await startGuard({
      name: `ablation-${v.name}`,
      nodeArgs: ['--import', register],
      env: { NETPOL_GUARD_ABLATION: JSON.stringify({ ...v.settings, dist }) },
    });
    processes.push(g);
    targets.push({ name: v.name, label: v.label, url: g.webhookUrl, pid: g.pid });
  }
  const ca = readFileSync(shipped.caFile, 'utf8');
  verifyTlsWith(ca);

  // Every variant of netpol-guard answers exactly as the shipped build (twice: the second answer,
  // once the kept review is in place).
  const expected = JSON.stringify((await post(`${shipped.webhookUrl}/validate`, body, ca)).json);
  for (const t of targets.filter((x) => variants.some((v) => v.name === x.name))) {
    for (let i = 0; i < 2; i++) {
      const got = JSON.stringify((await post(`${t.url}/validate`, body, ca)).json);
      if (got !== expected) throw new Error(`${t.name} answers differently from the shipped build:\n${got}\n${expected}`);
    }
  }

  const requests: Request[] = [{ method: 'POST', path: '/validate', headers: JSON_HEADERS, body }];
  for (const t of targets) await throughput(t, requests, 2);
  const runs = new Map<string, LoadRun[]>(targets.map((t) => [t.name, []]));
  for (let run = 0; run < RUNS; run++) {
    const order = targets.map((_, i) => targets[(i + run) % targets.length]!);
    for (const t of order) {
      const r = await throughput(t, requests, SECONDS);
      runs.get(t.name)!.push(r);
      process.stderr.write(`run ${run + 1} ${t.name}: ${num(r.perSecond)}/s, ${num(r.cpuMicros, 1)} µs CPU/request\n`);
    }
  }

  const bareRuns = runs.get('bare')!;
  const cpu = (name: string) => median(runs.get(name)!.map((r) => r.cpuMicros));
  /** The median over runs of the difference within each run: drift between runs cancels. */
  const delta = (name: string, from: string) => median(runs.get(name)!.map((r, i) => r.cpuMicros - runs.get(from)![i]!.cpuMicros));
  const signed = (n: number) => `${n >= 0 ? '+' : ''}${num(n, 1)}`;
  const rows = targets.map((t) => {
    const rs = runs.get(t.name)!;
    const ratio = median(rs.map((r, i) => r.perSecond / bareRuns[i]!.perSecond));
    return [
      t.label,
      num(median(rs.map((r) => r.perSecond))),
      t.name === 'bare' ? '1' : num(ratio, 2),
      num(cpu(t.name), 1),
      t.name === 'bare' || t.name === 'fastify' || t.name === 'kept' ? '' : signed(delta(t.name, 'kept')),
      rs.map((r, i) => (t.name === 'bare' ? num(r.perSecond) : num(r.perSecond / bareRuns[i]!.perSecond, 2))).join(', '),
    ];
  });
  const markdown = [
    machineLine(at),
    '',
    `\`npx tsx bench/ablation.ts --runs ${RUNS} --seconds ${SECONDS}\`: POST /validate with the seed-001 AdmissionReview, ${CONNECTIONS} keep-alive TLS connections, ${RUNS} runs of ${SECONDS} s per server, order rotated every run; ratio = median of the per-run ratios to the bare server; CPU = the server process's user + system time per answer (all its threads). The netpol-guard variants run the shipped build with only \`reviewNetworkPolicy\` replaced (bench/lib/ablation-hooks.mjs) and answer byte for byte as it does.`,
    '',
    `In this process, without load: the review costs ${num(loopMicros, 2)} µs in a loop on freshly parsed objects (${num(loopMicrosBusy, 2)} µs while a second process allocates on the other core) and allocates ${num(reviewBytes)} bytes. With the caches made cold before each review (4 MiB of other memory read and written first, more than a core's L2 cache): ${num(cold4, 2)} µs; with 32 MiB (about the L3): ${num(cold32, 2)} µs.`,
    '',
    table(['server', 'req/s', 'ratio to bare', 'CPU µs/req', 'CPU vs review kept', 'per run (req/s or ratio)'], rows),
    '',
    'Differences of CPU are medians of the differences within each run (drift between runs cancels):',
    '',
    `- The review's cost to the server: ${signed(delta('shipped', 'kept'))} µs of CPU per request (shipped − kept), ${num(delta('shipped', 'kept') / loopMicros, 1)} × its cost in a loop; a second review in the same request: ${signed(delta('twice', 'shipped'))} µs.`,
    `- A busy-wait of the review's loop time: ${signed(delta('kept-busy', 'kept'))} µs; allocating what the review allocates: ${signed(delta('kept-alloc', 'kept'))} µs.`,
    `- Everything but the review (fastify, the AdmissionReview checks, the answer with its warnings, the log line, the metrics): ${signed(delta('kept', 'bare'))} µs over the bare server, of which fastify with a canned answer ${signed(delta('fastify', 'bare'))} µs.`,
  ].join('\n');
  process.stdout.write(`${markdown}\n`);
  if (!args['no-write']) writeRecordedSection(SECTION, markdown);
} finally {
  for (const p of processes) await p.stop();
}

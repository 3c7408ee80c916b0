/**
 * Part 2, the HTTPS round trip: netpol-guard (`node dist/main.js serve`) next to a bare
 * node:https server with the same certificate (bench/bare-server.ts), each in its own process,
 * driven from this process over keep-alive TLS with certificate verification on.
 *
 * - throughput: autocannon, same connections and duration for both; plus the server's CPU time
 *   per request from /proc (steadier than req/s on a shared machine);
 * - latency at a fixed 1,000 requests/s: autocannon `overallRate`, and an open-loop client
 *   (bench/lib/load.ts) measuring from the moment each request was due.
 * Scenarios: /validate with the seed-001 policy, /mutate with a policy that needs defaulting,
 * /validate with 50% of bodies denied by the org policy, and /validate with --log-level warn.
 * Runs alternate between the servers; the median of 3 is reported.
 *
 *   npx tsx bench/http.ts   (BENCH_DURATION=10 BENCH_RUNS=3 BENCH_CONNECTIONS=10)
 */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { Request } from 'autocannon';
import { deniedPolicy, reviewBody, seedPolicy, undefaultedPolicy } from './lib/fixtures.js';
import { JSON_HEADERS, cannon, checkVerification, openLoop, post, verifyTlsWith } from './lib/load.js';
import { envNumber, machine, machineLine, median, num, savePart, table } from './lib/report.js';
import { type GuardServer, type RunningProcess, cpuSeconds, ensureCertificates, runQueueWaitSeconds, startBare, startGuard } from './lib/servers.js';

const DURATION = envNumber('BENCH_DURATION', 10);
const RUNS = envNumber('BENCH_RUNS', 3);
const CONNECTIONS = envNumber('BENCH_CONNECTIONS', 10);
const RATE = 1000;

interface Target {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
}

interface Scenario {
  readonly name: string;
  readonly requests: Request[];
  /** Which netpol-guard process serves it. */
  readonly guard: 'info' | 'warn';
  /** Also measure latency at the fixed rate. */
  readonly latency: boolean;
}

interface ThroughputRun {
  readonly perSecond: number;
  readonly cpuMicrosPerRequest: number;
  readonly p50: number;
  readonly p99: number;
  readonly waitMsPerSecond: number;
  readonly errors: number;
}

interface LatencyRun {
  readonly cannonP50: number;
  readonly cannonP99: number;
  readonly openP50: number;
  readonly openP90: number;
  readonly openP99: number;
  readonly openMax: number;
  readonly sentP50: number;
  readonly sentP99: number;
  /** Milliseconds per second the server's event-loop thread waited for a CPU during the open-loop run. */
  readonly waitMsPerSecond: number;
  readonly errors: number;
}

function requests(path: string, bodies: readonly string[]): Request[] {
  return bodies.map((body) => ({ method: 'POST', path, headers: JSON_HEADERS, body }));
}

async function throughput(target: Target, scenario: Scenario, seconds: number): Promise<ThroughputRun> {
  const cpu0 = cpuSeconds(target.pid);
  const wait0 = runQueueWaitSeconds(target.pid);
  const r = await cannon({ url: `${target.url}${scenario.requests[0]!.path}`, connections: CONNECTIONS, duration: seconds, requests: scenario.requests });
  const cpu = cpuSeconds(target.pid) - cpu0;
  const wait = runQueueWaitSeconds(target.pid) - wait0;
  const answered = r['2xx'];
  return {
    perSecond: answered / (r.duration || seconds),
    cpuMicrosPerRequest: answered ? (cpu / answered) * 1e6 : NaN,
    p50: r.latency.p50,
    p99: r.latency.p99,
    waitMsPerSecond: (wait / (r.duration || seconds)) * 1000,
    errors: r.errors + r.timeouts + r.non2xx,
  };
}

async function latency(target: Target, scenario: Scenario, ca: string): Promise<LatencyRun> {
  const c = await cannon({ url: `${target.url}${scenario.requests[0]!.path}`, connections: CONNECTIONS, duration: DURATION, overallRate: RATE, requests: scenario.requests });
  const wait0 = runQueueWaitSeconds(target.pid);
  const o = await openLoop({ url: target.url, requests: scenario.requests, rate: RATE, seconds: DURATION, connections: CONNECTIONS, ca });
  const waitMsPerSecond = ((runQueueWaitSeconds(target.pid) - wait0) / DURATION) * 1000;
  return {
    cannonP50: c.latency.p50,
    cannonP99: c.latency.p99,
    openP50: o.p50,
    openP90: o.p90,
    openP99: o.p99,
    openMax: o.max,
    sentP50: o.sentP50,
    sentP99: o.sentP99,
    waitMsPerSecond,
    errors: c.errors + c.timeouts + c.non2xx + o.errors,
  };
}

/** What the guard answers each body with, so the figures are known to be for the intended verdicts. */
async function verdicts(guard: GuardServer, scenario: Scenario, ca: string): Promise<string> {
  const out: string[] = [];
  for (const r of scenario.requests) {
    const a = await post(`${guard.webhookUrl}${r.path}`, String(r.body), ca);
    const resp = (a.json as { response?: { allowed?: boolean; status?: { code?: number }; patch?: string; warnings?: string[] } }).response;
    out.push(
      resp?.allowed
        ? `allowed${resp.patch ? ' + patch' : ''}${resp.warnings?.length ? ` (${resp.warnings.length} warnings)` : ''}`
        : `denied ${resp?.status?.code ?? '?'}`,
    );
  }
  return out.join(' / ');
}

async function main(): Promise<void> {
  const m = machine();
  await ensureCertificates();
  const processes: RunningProcess[] = [];
  try {
    const guards = { info: await startGuard({ name: 'http-info' }), warn: await startGuard({ name: 'http-warn', logLevel: 'warn' }) };
    processes.push(guards.info, guards.warn);
    const bare = await startBare(guards.info.certFile, guards.info.keyFile);
    processes.push(bare);
    const ca = readFileSync(guards.info.caFile, 'utf8');
    verifyTlsWith(ca);
    const seed = reviewBody(seedPolicy());
    const denied = reviewBody(deniedPolicy());
    const undefaulted = reviewBody(undefaultedPolicy());
    const verification = await checkVerification(guards.info.webhookUrl, rootCertificates.join('\n'), seed);
    if (verification.ok > 0 || verification.errors === 0) throw new Error('TLS verification is not in effect: a client without the CA got answers');

    const scenarios: Scenario[] = [
      { name: '/validate, seed-001 policy', requests: requests('/validate', [seed]), guard: 'info', latency: true },
      { name: '/mutate, seed-001 without defaults', requests: requests('/mutate', [undefaulted]), guard: 'info', latency: true },
      { name: '/validate, 50% denied (403)', requests: requests('/validate', [seed, denied]), guard: 'info', latency: true },
      { name: '/validate, seed-001, --log-level warn', requests: requests('/validate', [seed]), guard: 'warn', latency: false },
    ];
    const bareTarget: Target = { name: 'bare node:https', url: bare.url, pid: bare.pid };
    const guardTarget = (s: Scenario): Target => ({ name: 'netpol-guard', url: guards[s.guard].webhookUrl, pid: guards[s.guard].pid });
    const answers = new Map<string, string>();
    for (const s of scenarios) answers.set(s.name, await verdicts(guards[s.guard], s, ca));

    // Warm-up: JIT both servers on every body.
    for (const s of scenarios) {
      await throughput(guardTarget(s), s, 3);
      if (s.guard === 'info') await throughput(bareTarget, s, 2);
    }

    const tp = new Map<string, { guard: ThroughputRun[]; bare: ThroughputRun[] }>();
    const lat = new Map<string, { guard: LatencyRun[]; bare: LatencyRun[] }>();
    for (const s of scenarios) tp.set(s.name, { guard: [], bare: [] });
    for (const s of scenarios.filter((x) => x.latency)) lat.set(s.name, { guard: [], bare: [] });
    for (let run = 0; run < RUNS; run++) {
      for (const s of scenarios) {
        // Alternate which server goes first, so a drift in the machine's load hits both alike.
        const order = run % 2 === 0 ? (['guard', 'bare'] as const) : (['bare', 'guard'] as const);
        for (const who of order) {
          const target = who === 'guard' ? guardTarget(s) : bareTarget;
          const r = await throughput(target, s, DURATION);
          tp.get(s.name)![who].push(r);
          process.stderr.write(`http run ${run + 1}: ${s.name}: ${target.name}: ${num(r.perSecond)}/s, ${num(r.cpuMicrosPerRequest)} µs CPU/request\n`);
        }
        if (!s.latency) continue;
        for (const who of order) {
          const target = who === 'guard' ? guardTarget(s) : bareTarget;
          const r = await latency(target, s, ca);
          lat.get(s.name)![who].push(r);
          process.stderr.write(`http run ${run + 1}: ${s.name}: ${target.name} at ${RATE}/s: p50 ${num(r.openP50, 2)} p99 ${num(r.openP99, 2)} ms (autocannon ${r.cannonP50}/${r.cannonP99}), CPU wait ${num(r.waitMsPerSecond)} ms/s\n`);
        }
      }
    }

    const med = (runs: readonly ThroughputRun[], key: keyof ThroughputRun) => median(runs.map((r) => r[key]));
    const medL = (runs: readonly LatencyRun[], key: keyof LatencyRun) => median(runs.map((r) => r[key]));
    const tpRows = scenarios.map((s) => {
      const { guard, bare: b } = tp.get(s.name)!;
      const g = med(guard, 'perSecond');
      const bb = med(b, 'perSecond');
      const ratio = median(guard.map((r, i) => r.perSecond / b[i]!.perSecond));
      return [
        s.name,
        answers.get(s.name)!,
        num(g),
        num(bb),
        `${num(ratio, 2)}${ratio >= 0.7 ? '' : ' (goal ≥ 0.7: MISSED)'}`,
        `${num(med(guard, 'cpuMicrosPerRequest'))} / ${num(med(b, 'cpuMicrosPerRequest'))}`,
        `${num(med(guard, 'p50'))} / ${num(med(guard, 'p99'))}`,
        `${num(med(guard, 'waitMsPerSecond'))} / ${num(med(b, 'waitMsPerSecond'))}`,
        String(guard.reduce((a, r) => a + r.errors, 0) + b.reduce((a, r) => a + r.errors, 0)),
      ];
    });
    const latRows: string[][] = [];
    for (const s of scenarios.filter((x) => x.latency)) {
      const { guard, bare: b } = lat.get(s.name)!;
      for (const [who, runs] of [['netpol-guard', guard], ['bare node:https', b]] as const) {
        const p99 = medL(runs, 'openP99');
        latRows.push([
          s.name,
          who,
          num(medL(runs, 'openP50'), 2),
          num(medL(runs, 'openP90'), 2),
          `${num(p99, 2)}${who === 'netpol-guard' ? (p99 < 5 ? ' (met)' : ' (goal < 5: MISSED)') : ''}`,
          num(medL(runs, 'openMax'), 1),
          `${num(medL(runs, 'sentP50'), 2)} / ${num(medL(runs, 'sentP99'), 2)}`,
          num(medL(runs, 'waitMsPerSecond'), 0),
          `${num(medL(runs, 'cannonP50'))} / ${num(medL(runs, 'cannonP99'))}`,
          String(runs.reduce((a, r) => a + r.errors, 0)),
        ]);
      }
    }
    const markdown = [
      '### 2. HTTPS round trip: netpol-guard vs a bare node:https server',
      '',
      machineLine(m),
      '',
      `Throughput: autocannon, ${CONNECTIONS} keep-alive TLS connections, ${DURATION}s per run, ${RUNS} runs alternating between the servers, medians. CPU/request: the server process's user+system CPU time (/proc) divided by answers.`,
      '',
      table(['scenario', 'netpol-guard answers', 'guard req/s', 'bare req/s', 'ratio', 'CPU µs/req guard / bare', 'guard p50 / p99 ms at saturation', 'CPU wait ms/s guard / bare', 'errors'], tpRows),
      '',
      `Latency at a fixed ${num(RATE)} requests/s (${DURATION}s, up to ${CONNECTIONS} connections, medians of ${RUNS}). Open loop (node:https client): requests sent on schedule, latency from when each was due (so queueing behind a stall counts), exact percentiles; "from send" starts the clock when the client actually issued the request (the client's timer granularity is up to 1 ms). CPU wait: how long per second the server's event loop was runnable but had no CPU (/proc/PID/schedstat), i.e. taken by other processes on this shared machine. autocannon overallRate: bursts each connection's share at the start of every second and records whole milliseconds, so its figures are coarse.`,
      '',
      table(['scenario', 'server', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'from send p50 / p99 ms', 'CPU wait ms/s', 'autocannon p50 / p99 ms', 'errors'], latRows),
      '',
      `- TLS: both servers use the certificate netpol-guard generated in bench/.work/certs; every client verifies it against that CA and the host name. Check: autocannon trusting only Node's public root CAs got ${verification.errors} errors and ${verification.ok} answers.`,
      '- Bodies: the AdmissionReview of test/helpers/server.ts (CREATE in namespace default). "50% denied": the seed policy alternating with the seed policy plus egress to 169.254.169.254/32 (cloud-metadata-egress: deny).',
      '- netpol-guard logs one JSON line per review at info (its default), to a file as a container runtime would collect it; the --log-level warn row is a second process without those lines.',
      '- Load generator and servers share the 2 cores: at saturation the bare server is partly bounded by the client, so the ratio understates what netpol-guard would get against a faster client; CPU µs/request does not depend on the client.',
    ].join('\n');
    savePart({ part: 'http', machine: m, markdown, raw: { verification, answers: Object.fromEntries(answers), throughput: Object.fromEntries(tp), latency: Object.fromEntries(lat) } });
  } finally {
    for (const p of processes) await p.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

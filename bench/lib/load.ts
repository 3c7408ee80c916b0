/**
 * Load generation with certificate verification on.
 *
 * autocannon 8 connects with `{ ...tlsOptions, rejectUnauthorized: false }` (lib/httpClient.js),
 * so passing the CA alone would not make it verify anything. `verifyTlsWith(ca)` wraps
 * tls.connect in this process so every connection (autocannon's included) verifies the server
 * against the generated CA and the host name; `checkVerification` proves it by expecting a
 * client without the CA to fail.
 *
 * `openLoop` is a fixed-rate client for latency: requests are sent on a schedule (one every
 * 1000/rate ms), whatever happened to the previous ones, and each latency is measured from the
 * moment the request was due, so a stalled server cannot hide its queue (no coordinated
 * omission), with microsecond resolution.
 */
import https from 'node:https';
import tls from 'node:tls';
import { performance } from 'node:perf_hooks';
import autocannon, { type Options, type Request, type Result } from 'autocannon';
import { request } from '../../test/helpers/server.js';
import { cpuSeconds, writeCalls } from './servers.js';

let trusted: string | undefined;
let installed = false;

export function verifyTlsWith(ca: string): void {
  trusted = ca;
  if (installed) return;
  installed = true;
  const original = tls.connect;
  const wrapped = function (this: unknown, ...args: unknown[]) {
    const last = args.length - 1;
    if (typeof args[last] === 'object' && args[last] !== null) {
      const opts = args[last] as tls.ConnectionOptions;
      args[last] = { ...opts, ca: opts.ca ?? trusted, rejectUnauthorized: true };
    }
    return (original as (...a: unknown[]) => tls.TLSSocket).apply(this, args);
  };
  (tls as { connect: unknown }).connect = wrapped;
}

export const JSON_HEADERS = { 'content-type': 'application/json' };

export async function cannon(opts: Options): Promise<Result> {
  return autocannon({ timeout: 10, ...opts });
}

/** A server process under test: where to send requests, and which process to read /proc of. */
export interface LoadTarget {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
}

/** One closed-loop run against one server: its rate and what each answer cost its process. */
export interface LoadRun {
  readonly perSecond: number;
  /** The server process's user + system CPU (all threads) per answer. */
  readonly cpuMicros: number;
  /** Write system calls per answer (socket and log). */
  readonly writes: number;
}

/**
 * `connections` keep-alive connections send `requests` as fast as they are answered for
 * `seconds`; any error, timeout or non-2xx answer fails the run (the figures would be of
 * something else).
 */
export async function closedLoop(t: LoadTarget, requests: Request[], seconds: number, connections: number): Promise<LoadRun> {
  const cpu0 = cpuSeconds(t.pid);
  const writes0 = writeCalls(t.pid);
  const r = await cannon({ url: `${t.url}${requests[0]!.path}`, connections, duration: seconds, requests });
  const cpu = cpuSeconds(t.pid) - cpu0;
  const writes = writeCalls(t.pid) - writes0;
  if (r.errors || r.non2xx || r.timeouts) throw new Error(`${t.name}: ${r.errors} errors, ${r.non2xx} non-2xx, ${r.timeouts} timeouts`);
  const answered = r['2xx'];
  return { perSecond: answered / (r.duration || seconds), cpuMicros: (cpu / answered) * 1e6, writes: writes / answered };
}

/** Proves verification is on: a client trusting a different CA gets only errors, no answers. */
export async function checkVerification(url: string, otherCa: string, body: string): Promise<{ errors: number; ok: number }> {
  const r = await autocannon({ url: `${url}/validate`, method: 'POST', headers: JSON_HEADERS, body, amount: 5, connections: 1, timeout: 2, tlsOptions: { ca: otherCa } });
  return { errors: r.errors, ok: r['2xx'] };
}

export interface Answer {
  readonly status: number;
  readonly json: unknown;
}

/** POSTs a JSON body; the answer's JSON, or its text when it is not JSON. */
export async function post(url: string, body: string, ca: string, agent?: https.Agent): Promise<Answer> {
  const res = await request(url, { ca, body, headers: JSON_HEADERS, ...(agent ? { agent } : {}) });
  return { status: res.status, json: res.json ?? res.text };
}

export function get(url: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    import('node:http')
      .then(({ default: http }) => {
        const req = http.get(url, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        });
        req.on('error', reject);
      })
      .catch(reject);
  });
}

export interface OpenLoopResult {
  readonly sent: number;
  readonly ok: number;
  readonly errors: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  /** p50 and p99 measured from when the request was actually handed to the client, not when it was due. */
  readonly sentP50: number;
  readonly sentP99: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** `rate` requests per second for `seconds`, cycling through `requests`, over up to `connections` keep-alive connections. */
export async function openLoop(opts: {
  url: string;
  requests: readonly Request[];
  rate: number;
  seconds: number;
  connections: number;
  ca: string;
}): Promise<OpenLoopResult> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: opts.connections, ca: opts.ca });
  const total = Math.round(opts.rate * opts.seconds);
  const interval = 1000 / opts.rate;
  const latencies: number[] = [];
  const fromSend: number[] = [];
  let errors = 0;
  let ok = 0;
  let sent = 0;
  const pending = new Set<Promise<void>>();
  const start = performance.now() + 5;
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && start + sent * interval <= now) {
        const due = start + sent * interval;
        const r = opts.requests[sent % opts.requests.length]!;
        sent++;
        const at = performance.now();
        const p = post(`${opts.url}${r.path ?? '/validate'}`, String(r.body ?? ''), opts.ca, agent)
          .then((a) => {
            if (a.status === 200) ok++;
            else errors++;
            const end = performance.now();
            latencies.push(end - due);
            fromSend.push(end - at);
          })
          .catch(() => {
            errors++;
          })
          .finally(() => pending.delete(p));
        pending.add(p);
      }
      if (sent < total) setTimeout(tick, Math.max(0, start + sent * interval - performance.now() - 0.5));
      else done();
    };
    setTimeout(tick, 5);
  });
  await Promise.all(pending);
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  const sortedSend = fromSend.sort((a, b) => a - b);
  return {
    sent,
    ok,
    errors,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? NaN,
    sentP50: percentile(sortedSend, 50),
    sentP99: percentile(sortedSend, 99),
  };
}

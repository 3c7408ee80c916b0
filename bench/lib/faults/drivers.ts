/**
 * Two ways to keep calls going while a fault happens:
 *
 * - closedLoop: N workers, each sending its next call as soon as the last one ended, until told to
 *   stop or until the worker decides it is done (pressure, as many clients hammering at once);
 * - openLoop: calls due on a fixed schedule whatever happened to earlier ones, each kept with its
 *   latency from the moment it was due, so a server that stalls cannot hide it (unlike load.ts's
 *   openLoop, every call is kept: the scenarios look at what each answer said and when).
 */
import { performance } from 'node:perf_hooks';
import type { Call } from './review-call.js';

export interface Running<T> {
  /** What has been recorded so far (in completion order), for looking while it runs. */
  readonly records: readonly T[];
  stop(): void;
  /** Resolves when every worker or pending call has ended, with everything recorded. */
  readonly done: Promise<T[]>;
}

/** `send` returns the call and whether this worker should go on. */
export function closedLoop<T>(workers: number, send: (worker: number) => Promise<{ record: T; more: boolean }>): Running<T> {
  const records: T[] = [];
  let stopped = false;
  const worker = async (i: number) => {
    while (!stopped) {
      const { record, more } = await send(i);
      records.push(record);
      if (!more) return;
    }
  };
  const done = Promise.all(Array.from({ length: workers }, (_, i) => worker(i))).then(() => records);
  return { records, stop: () => void (stopped = true), done };
}

export interface Timed {
  /** When the call was due (performance.now()). */
  readonly dueAt: number;
  /** From due to answer or error. */
  readonly latencyMs: number;
  readonly call: Call;
}

export function openLoop(ratePerSecond: number, send: () => Promise<Call>): Running<Timed> {
  const records: Timed[] = [];
  const pending = new Set<Promise<void>>();
  const interval = 1000 / ratePerSecond;
  const start = performance.now();
  let sent = 0;
  let timer: NodeJS.Timeout | undefined;
  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  const tick = () => {
    const now = performance.now();
    while (start + sent * interval <= now) {
      const dueAt = start + sent * interval;
      sent++;
      const p = send().then((call) => {
        records.push({ dueAt, latencyMs: call.endedAt - dueAt, call });
      });
      pending.add(p);
      void p.finally(() => pending.delete(p));
    }
    timer = setTimeout(tick, Math.max(0, start + sent * interval - performance.now()));
  };
  tick();
  const done = stopped.then(async () => {
    while (pending.size) await Promise.all(pending);
    return records.sort((a, b) => a.dueAt - b.dueAt);
  });
  return {
    records,
    stop: () => {
      clearTimeout(timer);
      resolveStopped();
    },
    done,
  };
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** Polls `probe` every `everyMs` until it is true; the elapsed ms, or undefined at the timeout. */
export async function waitFor(probe: () => boolean | Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<number | undefined> {
  const start = performance.now();
  while (performance.now() - start < timeoutMs) {
    if (await probe()) return performance.now() - start;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  return undefined;
}

/**
 * A fleet of keep-alive TLS connections, each used by turns: every connection has an agent of its
 * own (one socket), so request k goes out on connection k mod N and every connection really
 * carries traffic, not just the few an agent would pick. autocannon cannot do this: with a rate
 * it opens only as many connections as requests per second, and it sends each second's requests
 * in a burst.
 *
 * Connections are opened in batches (a first review on each), so the measure is the server
 * holding them, not the kernel's listen queue absorbing thousands of SYNs at once.
 */
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { type Timed, openLoop } from './drivers.js';
import { type Call, callReview } from './review-call.js';

export interface Fleet {
  readonly size: number;
  /** How long opening every connection (and its first review) took. */
  readonly openedInMs: number;
  /** First reviews that failed (their connection is then retried by the next call). */
  readonly failedOpens: readonly Call[];
  /** `rate` reviews per second, spread over the connections in turn, for `seconds`. */
  pace(rate: number, seconds: number): Promise<Timed[]>;
  close(): void;
}

export async function openFleet(opts: { url: string; ca: string; object: unknown; connections: number; batch: number }): Promise<Fleet> {
  const agents = Array.from({ length: opts.connections }, () => new https.Agent({ keepAlive: true, maxSockets: 1, ca: opts.ca }));
  const call = (i: number) => callReview({ url: `${opts.url}/validate`, object: opts.object, ca: opts.ca, agent: agents[i]! });
  const started = performance.now();
  const failedOpens: Call[] = [];
  for (let first = 0; first < agents.length; first += opts.batch) {
    const batch = agents.slice(first, first + opts.batch).map((_, j) => call(first + j));
    for (const c of await Promise.all(batch)) if (c.kind !== 'answered') failedOpens.push(c);
  }
  const openedInMs = performance.now() - started;
  return {
    size: agents.length,
    openedInMs,
    failedOpens,
    async pace(rate, seconds) {
      let next = 0;
      const loop = openLoop(rate, () => call(next++ % agents.length));
      await new Promise((r) => setTimeout(r, seconds * 1000));
      loop.stop();
      return loop.done;
    },
    close() {
      for (const a of agents) a.destroy();
    },
  };
}

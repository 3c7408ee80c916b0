/**
 * Scenario 4, slow clients. Normal traffic at a fixed 200 reviews/s (load.ts's openLoop: latency
 * from when each request was due) is measured without, then with, 500 connections that never
 * finish: 300 TLS connections trickling their request head one byte per second, 100 announcing a
 * 100 KB body and sending 1 KiB of it, 100 TCP connections that never start TLS
 * (slow-connections.ts). Then the server is left to close them, each timed from when it
 * started stalling.
 *
 * The server's limits (src/server/webhook-app.ts): headersTimeout 10 s and requestTimeout 30 s,
 * which node enforces on a 30 s sweep (connectionsCheckingInterval), and connectionTimeout 60 s
 * of inactivity; a TLS handshake that never starts is node's handshakeTimeout (120 s by default,
 * not set by the server). The last closings take about two minutes, so that wait is the
 * scenario's finish(), which faults.ts runs while later scenarios go on.
 *
 * Goal: 0 failed normal requests in both phases; their p99 with the slow connections open
 * within twice the p99 without them, plus 5 ms; every slow connection closed by the server.
 */
import { performance } from 'node:perf_hooks';
import { reviewBody, seedPolicy } from '../../fixtures.js';
import { JSON_HEADERS, type OpenLoopResult, openLoop } from '../../load.js';
import { num } from '../../report.js';
import { onCleanUp } from '../cleanup.js';
import type { FaultContext } from '../context.js';
import { percentile } from '../drivers.js';
import { keepLogsIfFailed, launchGuard, openSockets } from '../guard.js';
import { type Outcome, type ScenarioRun, check, figure, ms, newOutcome, seconds } from '../outcome.js';
import { type SlowConnection, type SlowGroup, type SlowKind, silentTcp, stuckBodies, tricklingHeads } from '../slow-connections.js';

const RATE = 200;
const TRICKLING = 300;
const STUCK = 100;
const SILENT = 100;
const STUCK_BODY_BYTES = 100_000;
/** Long enough for node's 120 s handshake timeout, with room. */
const CLOSE_WAIT_MS = 150_000;

/** What the server's configuration says each kind should be closed by. */
const EXPECTED: Record<SlowKind, string> = {
  trickling: 'headersTimeout 10 s (+ up to 30 s for the sweep)',
  'stuck body': 'requestTimeout 30 s (+ up to 30 s for the sweep)',
  'no handshake': "node's default TLS handshakeTimeout, 120 s (connectionTimeout 60 s applies only after the handshake)",
};

function normalTraffic(o: Outcome, label: string, r: OpenLoopResult): number {
  const failed = r.sent - r.ok;
  figure(o, `normal traffic ${label}: sent / failed`, `${num(r.sent)} / ${failed}`);
  figure(o, `normal traffic ${label}: p50 / p99 / max`, `${ms(r.p50)} / ${ms(r.p99)} / ${ms(r.max)}`);
  return failed;
}

function describeClosings(o: Outcome, all: readonly SlowConnection[]): boolean {
  let everyOneClosed = true;
  for (const kind of Object.keys(EXPECTED) as SlowKind[]) {
    const mine = all.filter((c) => c.kind === kind);
    const closed = mine.filter((c) => c.closedAt !== undefined);
    const after = closed.map((c) => c.closedAt! - c.stallingSince);
    const answers = new Map<string, number>();
    for (const c of closed) answers.set(c.answer ?? 'nothing', (answers.get(c.answer ?? 'nothing') ?? 0) + 1);
    figure(
      o,
      `${kind}: closed by the server after (min / median / max)`,
      `${closed.length} of ${mine.length}: ${seconds(Math.min(...after))} / ${seconds(percentile(after, 50))} / ${seconds(Math.max(...after))}; answered ${[...answers].map(([a, n]) => `${a} ×${n}`).join(', ')}`,
    );
    const ok = closed.length === mine.length;
    everyOneClosed &&= ok;
    check(o, `${kind}: every connection closed by the server (${EXPECTED[kind]})`, ok, `${closed.length} of ${mine.length}, the last after ${seconds(Math.max(...after))}`);
  }
  return everyOneClosed;
}

export async function slowClients(ctx: FaultContext): Promise<ScenarioRun> {
  const phaseSeconds = Math.max(5, Math.round(ctx.seconds / 2));
  const o = newOutcome(
    'slow-clients',
    'Slow clients beside normal traffic',
    `normal traffic ${RATE} reviews/s (open loop, 10 keep-alive connections) for ${phaseSeconds} s without, then ${phaseSeconds} s with ${TRICKLING} TLS connections trickling their request head 1 byte/s, ${STUCK} sending 1 KiB of an announced ${num(STUCK_BODY_BYTES)}-byte body, ${SILENT} TCP connections never starting TLS; then the server is left to close them`,
  );
  const guard = await launchGuard({ name: 'slow-clients', ...ctx.serving, flags: ['--no-cluster', '--shutdown-delay', '0'] });
  const groups: SlowGroup[] = [];
  const unregister = onCleanUp(async () => groups.forEach((g) => g.close()));
  let measured = false;
  try {
    const traffic = () => openLoop({ url: guard.webhookUrl, requests: [{ method: 'POST', path: '/validate', headers: JSON_HEADERS, body: reviewBody(seedPolicy()) }], rate: RATE, seconds: phaseSeconds, connections: 10, ca: ctx.caPem });
    const without = await traffic();
    const socketsBefore = openSockets(guard.pid);
    groups.push(await tricklingHeads(guard.webhookUrl, ctx.caPem, TRICKLING), await stuckBodies(guard.webhookUrl, ctx.caPem, STUCK, STUCK_BODY_BYTES), await silentTcp(guard.webhookUrl, SILENT));
    const slowOpenedAt = performance.now();
    const socketsWith = openSockets(guard.pid);
    const withSlow = await traffic();

    const failed = normalTraffic(o, 'without slow connections', without) + normalTraffic(o, 'with them open', withSlow);
    figure(o, 'server sockets (listeners included, one sample) before / just after opening the slow connections', `${num(socketsBefore)} / ${num(socketsWith)}`);
    const p99Bound = 2 * without.p99 + 5;
    check(o, '0 failed normal requests', failed === 0, `${failed} of ${num(without.sent + withSlow.sent)}`);
    check(o, 'normal p99 with the slow connections ≤ 2 × p99 without + 5 ms', withSlow.p99 <= p99Bound, `${ms(withSlow.p99)} vs ${ms(without.p99)} (bound ${ms(p99Bound)})`);
    o.raw.traffic = { without, withSlow, socketsBefore, socketsWith };
    measured = true;
    const finish = async () => {
      let completed = false;
      try {
        await Promise.all(groups.map((g) => g.allClosed(Math.max(0, slowOpenedAt + CLOSE_WAIT_MS - performance.now()))));
        const all = groups.flatMap((g) => g.connections);
        const everyOneClosed = describeClosings(o, all);
        // A server that died would close every connection at once: the closings are its timeouts only if it is still up.
        check(o, 'the server stayed up while closing them', guard.running(), guard.running() ? 'running' : `exited (${guard.child.exitCode ?? guard.child.signalCode})`);
        o.raw.closings = all.map((c) => ({ kind: c.kind, afterMs: c.closedAt === undefined ? null : c.closedAt - c.stallingSince, answer: c.answer ?? null }));
        o.headline = `${failed} failed of ${num(without.sent + withSlow.sent)} normal requests; p99 ${ms(without.p99)} without, ${ms(withSlow.p99)} with ${TRICKLING + STUCK + SILENT} slow connections; ${everyOneClosed ? 'all' : 'not all'} closed, the last after ${seconds(Math.max(...all.map((c) => (c.closedAt ?? NaN) - c.stallingSince)))}`;
        completed = true;
      } finally {
        groups.forEach((g) => g.close());
        unregister();
        await guard.stop();
        keepLogsIfFailed(o, [guard], completed);
      }
    };
    return { outcome: o, finish };
  } finally {
    if (!measured) {
      groups.forEach((g) => g.close());
      unregister();
      await guard.stop();
      keepLogsIfFailed(o, [guard], false);
    }
  }
}

/**
 * Scenario 2, SIGTERM under load. 64 clients send /validate back to back over keep-alive
 * connections; after 3 s the server gets SIGTERM (--shutdown-delay 2000 --shutdown-timeout
 * 10000, as in a rolling update). Every request is classified (review-call.ts); a client stops
 * at its first refused connection, as an API server would move on to another replica.
 *
 * Two runs, each on a fresh server:
 * - rolling update: the clients stop sending at the end of the delay, as the API server does once
 *   the endpoints controller has taken the pod out of the Service;
 * - never lets up: the clients keep sending until the process is gone (worst case: the pod stays
 *   in rotation, or a client ignores `Connection: close`).
 *
 * Goal, for both: 0 lost (nor reset before being sent, nor a malformed answer), exit code 0,
 * SIGTERM → exit within shutdown-delay + shutdown-timeout, answers still given during the delay.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { seedPolicy } from '../../fixtures.js';
import { num } from '../../report.js';
import type { FaultContext } from '../context.js';
import { closedLoop } from '../drivers.js';
import { type Exit, type Guard, keepLogsIfFailed, launchGuard } from '../guard.js';
import { type Outcome, type ScenarioRun, check, figure, ms, newOutcome } from '../outcome.js';
import { type Call, type CallKind, callReview, errorSummary, tally } from '../review-call.js';

const DELAY_MS = 2000;
const TIMEOUT_MS = 10_000;
const SIGNAL_AFTER_MS = 3000;
/** Answers this soon after the signal may have been on their way before the server saw it. */
const IN_FLIGHT_GRACE_MS = 100;

export interface SigtermOptions {
  readonly clients?: number;
  /** SIGKILL makes a control run: the classification must then count lost requests. */
  readonly signal?: 'SIGTERM' | 'SIGKILL';
}

type Variant = 'rolling update' | 'never lets up';

interface Shutdown {
  readonly variant: Variant;
  readonly calls: readonly Call[];
  readonly kinds: Record<CallKind, number>;
  readonly exit: Exit;
  readonly exitMs: number;
  readonly answered: { before: number; delay: number; after: number };
  /** Signal sent → the server logged that it is shutting down (a busy event loop sees it late). */
  readonly handledAfterMs: number;
  /** Answers ending past IN_FLIGHT_GRACE_MS after the server began draining, and those of them saying Connection: close. */
  readonly draining: { answers: number; closing: number };
}

async function shutDownUnderLoad(ctx: FaultContext, guard: Guard, variant: Variant, clients: number, signal: NodeJS.Signals): Promise<Shutdown> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: clients, ca: ctx.caPem });
  let signalledAt = Infinity;
  let exited = false;
  const clientsMoveOn = () => variant === 'rolling update' && performance.now() >= signalledAt + DELAY_MS;
  const load = closedLoop<Call>(clients, async () => {
    const call = await callReview({ url: `${guard.webhookUrl}/validate`, object: seedPolicy(), ca: ctx.caPem, agent });
    return { record: call, more: call.kind !== 'refused' && !exited && !clientsMoveOn() };
  });
  await sleep(SIGNAL_AFTER_MS);
  signalledAt = performance.now();
  guard.child.kill(signal);
  const exit = await guard.exit;
  exited = true;
  const calls = await load.done;
  agent.destroy();

  const answered = { before: 0, delay: 0, after: 0 };
  const draining = { answers: 0, closing: 0 };
  const drainingFrom = drainBegan(guard.logFile) ?? signalledAt;
  for (const c of calls) {
    if (c.kind !== 'answered') continue;
    answered[c.endedAt < signalledAt ? 'before' : c.endedAt <= signalledAt + DELAY_MS ? 'delay' : 'after']++;
    if (c.endedAt > drainingFrom + IN_FLIGHT_GRACE_MS) {
      draining.answers++;
      if (c.closing) draining.closing++;
    }
  }
  return { variant, calls, kinds: tally(calls), exit, exitMs: exit.at - signalledAt, answered, handledAfterMs: drainingFrom - signalledAt, draining };
}

/**
 * When the server began draining, on this process's performance clock: the `time` (epoch ms) of
 * its "shutting down" log line. Answers it had already sent before then cannot say Connection: close.
 */
function drainBegan(logFile: string): number | undefined {
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('shutting down: no longer ready')) continue;
    const time = (JSON.parse(line) as { time?: number }).time;
    return typeof time === 'number' ? time - performance.timeOrigin : undefined;
  }
  return undefined;
}

function judge(o: Outcome, s: Shutdown): void {
  const { kinds, answered, draining, exit } = s;
  const failed = kinds.lost + kinds['reset-before-send'] + kinds['bad-answer'];
  const v = s.variant;
  figure(o, `${v}: requests; refused at connect (not failures)`, `${num(s.calls.length)}; ${num(kinds.refused)}`);
  figure(o, `${v}: answered before the signal / during the delay / after it`, `${num(answered.before)} / ${num(answered.delay)} / ${num(answered.after)}`);
  figure(o, `${v}: signal → the server began draining (its log line)`, ms(s.handledAfterMs));
  figure(o, `${v}: answers > ${IN_FLIGHT_GRACE_MS} ms after draining began saying Connection: close`, `${num(draining.closing)} of ${num(draining.answers)}`);
  figure(o, `${v}: lost / reset before sent / malformed`, `${kinds.lost} / ${kinds['reset-before-send']} / ${kinds['bad-answer']}`);
  figure(o, `${v}: signal → exit; exit code`, `${ms(s.exitMs)}; ${exit.code ?? exit.signal}`);
  check(o, `${v}: 0 lost, 0 reset before sent, 0 malformed`, failed === 0, `${kinds.lost} / ${kinds['reset-before-send']} / ${kinds['bad-answer']} of ${num(s.calls.length)}${failed ? ` (${errorSummary(s.calls)})` : ''}`);
  check(o, `${v}: exit code 0`, exit.code === 0, String(exit.code ?? exit.signal));
  check(o, `${v}: signal → exit within delay + timeout (${num(DELAY_MS + TIMEOUT_MS)} ms)`, s.exitMs <= DELAY_MS + TIMEOUT_MS, ms(s.exitMs));
  check(o, `${v}: answers keep coming during the delay`, answered.delay > 0, `${num(answered.delay)} answered`);
  check(o, `${v}: every draining answer says Connection: close`, draining.closing === draining.answers, `${num(draining.closing)} of ${num(draining.answers)}`);
  o.raw[v] = { kinds, answered, draining, exitMs: s.exitMs, exitCode: exit.code, lostOnReusedSockets: s.calls.filter((c) => c.kind === 'lost' && c.reusedSocket).length };
}

/** The server logs why it stopped late; quote it next to the miss. */
function explainOvershoot(o: Outcome, s: Shutdown | undefined, logFile: string): void {
  if (!s || s.exitMs <= DELAY_MS + TIMEOUT_MS) return;
  const log = readFileSync(logFile, 'utf8');
  const cut = log.includes('connections still open at the end of the shutdown bound') ? ' Connections still open at the end of the bound were cut (logged).' : '';
  o.notes.push(
    `${s.variant}: exit came ${ms(s.exitMs - DELAY_MS - TIMEOUT_MS)} past delay + timeout. The drain stops waiting for a quiet moment when only the close reserve (review deadline + 500 ms) is left of --shutdown-timeout, and cuts what is still open ${250} ms before the bound; the rest is process exit under CPU pressure.${cut}`,
  );
}

export async function sigtermUnderLoad(ctx: FaultContext, opts: SigtermOptions = {}): Promise<ScenarioRun> {
  const clients = opts.clients ?? 64;
  const signal = opts.signal ?? 'SIGTERM';
  const o = newOutcome(
    'sigterm-under-load',
    'SIGTERM under continuous load',
    `${clients} clients sending /validate back to back over keep-alive; ${signal} after ${SIGNAL_AFTER_MS / 1000} s; --shutdown-delay ${DELAY_MS} --shutdown-timeout ${TIMEOUT_MS}; twice: clients stop at the end of the delay (rolling update), and clients never let up`,
  );
  const shutdowns: Shutdown[] = [];
  for (const variant of ['rolling update', 'never lets up'] as const) {
    const guard = await launchGuard({
      name: `sigterm-${variant.replace(/ /g, '-')}`,
      ...ctx.serving,
      flags: ['--no-cluster', '--shutdown-delay', String(DELAY_MS), '--shutdown-timeout', String(TIMEOUT_MS)],
    });
    let completed = false;
    try {
      const shutdown = await shutDownUnderLoad(ctx, guard, variant, clients, signal);
      shutdowns.push(shutdown);
      judge(o, shutdown);
      completed = true;
    } finally {
      await guard.stop();
      explainOvershoot(o, shutdowns.at(-1), guard.logFile);
      keepLogsIfFailed(o, [guard], completed);
    }
  }
  o.headline = shutdowns
    .map((s) => `${s.variant}: ${s.kinds.lost} lost of ${num(s.calls.length)}, ${num(s.answered.delay)} answered during the delay, exit ${s.exit.code ?? s.exit.signal} after ${ms(s.exitMs)}`)
    .join('; ');
  return { outcome: o };
}

/**
 * Scenario 1, certificate rotation under load. Two servers with --tls-cert/--tls-key, one whose
 * files are rewritten in place and one laid out as a Kubernetes Secret volume (..data swap): one
 * process cannot be given both layouts, so the styles alternate across the pair, a rotation every
 * second overall and every 2 s per server. Each server carries keep-alive load (autocannon) and a
 * client that opens a new connection, hence a new TLS handshake, for every request. After each
 * rotation a prober handshakes until the new certificate is served.
 *
 * Goal: 0 failed requests (non-2xx, errors, timeouts) on either server; every rotation reloaded
 * (netpol_guard_certificate_reloads_total) and served; new handshakes after the last rotation get
 * the last certificate.
 */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Result } from 'autocannon';
import { reviewBody, seedPolicy } from '../../fixtures.js';
import { JSON_HEADERS, cannon } from '../../load.js';
import { num } from '../../report.js';
import { type CertificateOnDisk, inPlaceFiles, secretVolumeFiles } from '../cert-layouts.js';
import { tempDir } from '../cleanup.js';
import type { FaultContext } from '../context.js';
import { closedLoop, percentile } from '../drivers.js';
import { type Guard, keepLogsIfFailed, launchGuard } from '../guard.js';
import { metric } from '../health.js';
import { type Outcome, type ScenarioRun, check, figure, ms, newOutcome } from '../outcome.js';
import { type Call, callReview, errorSummary, tally } from '../review-call.js';
import { type Pair, fingerprint, mintServing, servedFingerprint } from '../tls-material.js';

const ROTATE_EVERY_MS = 1000;
const KEEP_ALIVE_CONNECTIONS = 20;
const NEW_CONNECTION_CLIENTS = 4;

interface Rotation {
  readonly at: number;
  readonly fingerprint: string;
  /** From the publish to the first fresh handshake that was served it; undefined if never before the next. */
  servedAfterMs?: number;
}

interface Target {
  readonly disk: CertificateOnDisk;
  readonly guard: Guard;
  readonly rotations: Rotation[];
}

/** Handshakes every 20 ms until `expected` is served or `untilAt` passes. */
async function timeToServe(url: string, ca: string, expected: string, since: number, untilAt: number): Promise<number | undefined> {
  while (performance.now() < untilAt) {
    const served = await servedFingerprint(url, ca).catch(() => undefined);
    if (served === expected) return performance.now() - since;
    await sleep(20);
  }
  return undefined;
}

interface Judged {
  readonly requests: number;
  readonly failures: number;
  readonly line: string;
}

/** Figures and checks for one server once its load and rotations are over. */
async function judge(o: Outcome, t: Target, load: Result, calls: readonly Call[], ca: string): Promise<Judged> {
  const style = t.disk.style;
  const kinds = tally(calls);
  const freshFailures = calls.length - kinds.answered;
  const keepAliveFailures = load.non2xx + load.errors + load.timeouts;
  const requests = load['2xx'] + keepAliveFailures + calls.length;
  const reloads = (await metric(t.guard.healthUrl, 'netpol_guard_certificate_reloads_total', { result: 'success' })) ?? NaN;
  const rejected = (await metric(t.guard.healthUrl, 'netpol_guard_certificate_reloads_total', { result: 'failure' })) ?? 0;
  const last = t.rotations[t.rotations.length - 1]!;
  const servedNow = await servedFingerprint(t.guard.webhookUrl, ca).catch((e: Error) => `error: ${e.message}`);
  const served = t.rotations.map((r) => r.servedAfterMs).filter((v): v is number => v !== undefined);
  figure(o, `${style}: requests answered (keep-alive / new connection)`, `${num(load['2xx'])} / ${num(kinds.answered)}`);
  figure(o, `${style}: failed requests (keep-alive / new connection)`, `${num(keepAliveFailures)} / ${num(freshFailures)}`);
  figure(o, `${style}: rotations / reloads (metric success, failure)`, `${t.rotations.length} / ${reloads}, ${rejected}`);
  figure(o, `${style}: file written → served to new handshakes (median / max)`, `${ms(percentile(served, 50))} / ${ms(Math.max(...served))}`);
  check(o, `${style}: 0 failed requests`, keepAliveFailures + freshFailures === 0, `${keepAliveFailures + freshFailures} of ${num(requests)}${freshFailures ? ` (${errorSummary(calls)})` : ''}`);
  check(o, `${style}: every rotation reloaded once, none rejected`, reloads === t.rotations.length && rejected === 0, `${reloads} reloads, ${rejected} rejected, ${t.rotations.length} rotations`);
  check(o, `${style}: every rotation served to new handshakes`, served.length === t.rotations.length, `${served.length} of ${t.rotations.length}`);
  const lastServed = servedNow === last.fingerprint;
  check(
    o,
    `${style}: new handshakes after the last rotation get the last certificate`,
    lastServed,
    lastServed ? `yes (${servedNow.slice(0, 11)}…), ${ms(last.servedAfterMs)} after the write` : `served ${servedNow.slice(0, 23)}…, expected ${last.fingerprint.slice(0, 23)}…`,
  );
  o.raw[style] = { keepAlive: { ok: load['2xx'], non2xx: load.non2xx, errors: load.errors, timeouts: load.timeouts, p99: load.latency.p99 }, fresh: kinds, rotations: t.rotations, reloads, rejected };
  return {
    requests,
    failures: keepAliveFailures + freshFailures,
    line: `${style}: ${t.rotations.length} rotations, ${reloads} reloads, last certificate served ${ms(last.servedAfterMs)} after its write`,
  };
}

export async function certRotation(ctx: FaultContext): Promise<ScenarioRun> {
  const seconds = ctx.seconds;
  const o = newOutcome(
    'cert-rotation',
    'Certificate rotation under load',
    `2 servers (files rewritten in place; Secret-volume ..data swap), each: ${KEEP_ALIVE_CONNECTIONS} keep-alive connections + ${NEW_CONNECTION_CLIENTS} clients with a new TLS connection per request, ${seconds} s; a rotation every ${ROTATE_EVERY_MS / 1000} s, alternating between the two`,
  );
  const rotationCount = Math.max(2, Math.floor((seconds * 1000 - 1500) / ROTATE_EVERY_MS));
  // Minted before the load starts, so key generation does not compete with it.
  const pairs: Pair[] = [];
  for (let i = 0; i < rotationCount + 2; i++) pairs.push(await mintServing(ctx.ca, `rotation-${i}.localhost`));
  const disks = [inPlaceFiles(tempDir('rotate-in-place'), pairs[0]!), await secretVolumeFiles(tempDir('rotate-secret'), pairs[1]!)];
  const targets: Target[] = [];
  let completed = false;
  try {
    for (const disk of disks) {
      const guard = await launchGuard({
        name: `cert-rotation-${disk.style.replace(' ', '-').toLowerCase()}`,
        certFile: disk.certFile,
        keyFile: disk.keyFile,
        flags: ['--no-cluster', '--shutdown-delay', '0'],
      });
      targets.push({ disk, guard, rotations: [] });
    }
    const body = reviewBody(seedPolicy());
    const keepAlive = targets.map((t) =>
      cannon({ url: `${t.guard.webhookUrl}/validate`, method: 'POST', headers: JSON_HEADERS, body, connections: KEEP_ALIVE_CONNECTIONS, duration: seconds }),
    );
    const fresh = targets.map((t) =>
      closedLoop(NEW_CONNECTION_CLIENTS, async () => ({
        record: await callReview({ url: `${t.guard.webhookUrl}/validate`, object: seedPolicy(), ca: ctx.caPem, agent: false }),
        more: true,
      })),
    );
    const started = performance.now();
    const probes: Promise<void>[] = [];
    for (let i = 0; i < rotationCount; i++) {
      await sleep(Math.max(0, started + (i + 1) * ROTATE_EVERY_MS - performance.now()));
      const target = targets[i % targets.length]!;
      const pair = pairs[i + 2]!;
      await target.disk.publish(pair);
      const rotation: Rotation = { at: performance.now(), fingerprint: fingerprint(pair.certPem) };
      target.rotations.push(rotation);
      // Probed until this server's next rotation; the last one longer (polling is the fallback).
      const isLast = i + targets.length >= rotationCount;
      const until = rotation.at + (isLast ? 15_000 : targets.length * ROTATE_EVERY_MS);
      probes.push(
        timeToServe(target.guard.webhookUrl, ctx.caPem, rotation.fingerprint, rotation.at, until).then((t) => {
          rotation.servedAfterMs = t;
        }),
      );
    }
    const loads = await Promise.all(keepAlive);
    for (const f of fresh) f.stop();
    const freshCalls = await Promise.all(fresh.map((f) => f.done));
    await Promise.all(probes);

    const judged: Judged[] = [];
    for (const [i, t] of targets.entries()) judged.push(await judge(o, t, loads[i]!, freshCalls[i]!, ctx.caPem));
    const requests = judged.reduce((n, j) => n + j.requests, 0);
    const failures = judged.reduce((n, j) => n + j.failures, 0);
    o.headline = `${num(failures)} failed of ${num(requests)} requests; ${judged.map((j) => j.line).join('; ')}`;
    completed = true;
    return { outcome: o };
  } finally {
    await Promise.all(targets.map((t) => t.guard.stop()));
    keepLogsIfFailed(o, targets.map((t) => t.guard), completed);
  }
}

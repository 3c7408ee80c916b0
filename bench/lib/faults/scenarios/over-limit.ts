/**
 * Scenario 6, bodies over the 3 MiB limit under load. autocannon keeps normal reviews going while
 * three rounds of oversized uploads go out at once: 3 MiB + 1, 10 MiB and 50 MiB with a
 * Content-Length, and 8 MiB chunked (no length to refuse it by up front), each sent by curl both
 * streaming and with `Expect: 100-continue` (curl-upload.ts). The server's RSS is sampled every
 * 100 ms.
 *
 * Goal: every oversized upload answered HTTP 413 with the JSON error, read by the client (not a
 * reset); 0 errors in the normal load; RSS while they arrive under the load-only peak + 64 MB
 * (each round carries 142 MiB of bodies: holding any large one whole would show; the 3 MiB each
 * request may buffer up to the limit would not).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { reviewBody, seedPolicy } from '../../fixtures.js';
import { JSON_HEADERS, cannon } from '../../load.js';
import { mb, num } from '../../report.js';
import { tempDir } from '../cleanup.js';
import type { FaultContext } from '../context.js';
import { type UploadResult, curlUpload } from '../curl-upload.js';
import { keepLogsIfFailed, launchGuard, residentMemory } from '../guard.js';
import { metric } from '../health.js';
import { type Outcome, type ScenarioRun, check, figure, ms, newOutcome } from '../outcome.js';

const MiB = 1024 * 1024;
const BODIES = [
  { size: 3 * MiB + 1, chunked: false },
  { size: 10 * MiB, chunked: false },
  { size: 50 * MiB, chunked: false },
  { size: 8 * MiB, chunked: true },
] as const;
const ROUNDS = 3;
const LOAD_ONLY_S = 4;
const SECONDS = 14;
const RSS_MARGIN = 64e6;

type Body = (typeof BODIES)[number];

function label(b: { size: number; chunked: boolean }): string {
  const size = b.size % MiB === 0 ? `${b.size / MiB} MiB` : `${Math.floor(b.size / MiB)} MiB + ${b.size % MiB}`;
  return b.chunked ? `${size} chunked` : `${size} with Content-Length`;
}

function way(streaming: boolean): string {
  return streaming ? 'streaming' : 'Expect: 100-continue';
}

function refused(r: UploadResult): boolean {
  return r.status === 413 && r.json?.error === 'RequestEntityTooLarge';
}

function bodyFiles(): Map<Body, string> {
  const dir = tempDir('bodies');
  return new Map(BODIES.map((b, i) => {
    const file = join(dir, `body-${i}`);
    writeFileSync(file, Buffer.alloc(b.size, 0x20));
    return [b, file];
  }));
}

function describeUploads(o: Outcome, results: readonly UploadResult[]): void {
  for (const streaming of [true, false]) {
    for (const b of BODIES) {
      const mine = results.filter((r) => r.size === b.size && r.chunked === b.chunked && r.streaming === streaming);
      const ok = mine.filter(refused);
      const failures = [...new Set(mine.filter((r) => !refused(r)).map((r) => `${r.status || 'no answer'}${r.curlError ? ` (${r.curlError.replace(/^curl: /, '')})` : ''}`))];
      figure(
        o,
        `${way(streaming)}, ${label(b)}`,
        `${ok.length} of ${mine.length} read 413 ${ok[0]?.json?.error ?? ''} (≤ ${mb(Math.max(...ok.map((r) => r.uploaded), 0))} sent, ≤ ${ms(Math.max(...ok.map((r) => r.totalMs), 0))})${failures.length ? `; others: ${failures.join(', ')}` : ''}`,
      );
    }
  }
}

export async function overLimitBodies(ctx: FaultContext): Promise<ScenarioRun> {
  const o = newOutcome(
    'over-limit-bodies',
    'Bodies over the 3 MiB limit under load',
    `autocannon, 10 connections, /validate for ${SECONDS} s; from ${LOAD_ONLY_S} s, ${ROUNDS} rounds of ${BODIES.map(label).join(', ')}, each uploaded by curl streaming and with Expect: 100-continue, a round's 8 uploads at once`,
  );
  const files = bodyFiles();
  const guard = await launchGuard({ name: 'over-limit', ...ctx.serving, flags: ['--no-cluster', '--shutdown-delay', '0'] });
  let completed = false;
  try {
    const idleRss = residentMemory(guard.pid).rss;
    const rss = { loadOnly: 0, bodies: 0 };
    let phase: keyof typeof rss = 'loadOnly';
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        rss[phase] = Math.max(rss[phase], residentMemory(guard.pid).rss);
        await sleep(100);
      }
    })();
    const load = cannon({ url: `${guard.webhookUrl}/validate`, method: 'POST', headers: JSON_HEADERS, body: reviewBody(seedPolicy()), connections: 10, duration: SECONDS });
    await sleep(LOAD_ONLY_S * 1000);
    phase = 'bodies';
    const results: UploadResult[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const uploads = [true, false].flatMap((streaming) => BODIES.map((b) => curlUpload({ url: guard.webhookUrl, caFile: ctx.caFile, file: files.get(b)!, ...b, streaming })));
      results.push(...(await Promise.all(uploads)));
    }
    const r = await load;
    sampling = false;
    await sampler;
    const { peak } = residentMemory(guard.pid);
    const counted = await metric(guard.healthUrl, 'netpol_guard_bad_requests_total', { reason: 'FST_ERR_CTP_BODY_TOO_LARGE' });

    describeUploads(o, results);
    const loadFailures = r.non2xx + r.errors + r.timeouts;
    figure(o, 'the server counted (netpol_guard_bad_requests_total{reason="FST_ERR_CTP_BODY_TOO_LARGE"})', `${counted ?? 'absent'} of ${results.length}`);
    figure(o, 'normal load: answered / non-2xx, errors, timeouts', `${num(r['2xx'])} / ${loadFailures}`);
    figure(o, 'server RSS idle / load-only peak / peak while oversized bodies arrived / VmHWM', `${mb(idleRss)} / ${mb(rss.loadOnly)} / ${mb(rss.bodies)} / ${mb(peak)}`);
    for (const streaming of [true, false]) {
      const mine = results.filter((x) => x.streaming === streaming);
      const read = mine.filter(refused).length;
      check(o, `${way(streaming)}: every oversized upload gets HTTP 413 with the JSON error, read by curl`, read === mine.length, `${read} of ${mine.length}`);
    }
    check(o, 'normal load: 0 errors', loadFailures === 0, `${loadFailures} of ${num(r['2xx'] + loadFailures)}`);
    check(o, 'RSS while oversized bodies arrive ≤ load-only peak + 64 MB', rss.bodies <= rss.loadOnly + RSS_MARGIN, `${mb(rss.bodies)} vs ${mb(rss.loadOnly)} (${rss.bodies >= rss.loadOnly ? '+' : ''}${mb(rss.bodies - rss.loadOnly)})`);
    const lost = results.filter((x) => !refused(x));
    if (lost.some((x) => x.streaming)) {
      const example = lost.find((x) => x.streaming)!;
      o.notes.push(
        `A streaming upload that got no answer: the server did answer (it counted ${counted} refusals for ${results.length} uploads) and then closed the connection with the rest of the body unread, which makes the kernel reset it; curl, still sending, fails its next write ("${example.curlError ?? 'no answer'}") before it reads the answer. Reproduce against an idle server with a 10 MiB body.json: \`curl --cacert ca.crt -H 'Content-Type: application/json' -H 'Expect:' --data-binary @body.json https://127.0.0.1:8443/validate\` prints the 413 some of the time and "curl: (55) Send failure: Broken pipe" the rest. HTTP/1.1 (RFC 9112 §9.6) asks a server closing a connection with unread input for a lingering close: shut down its sending side, then keep reading and discarding for a while.`,
      );
    }
    o.headline = `${results.filter(refused).length} of ${results.length} oversized uploads read their 413 (streaming ${results.filter((x) => x.streaming && refused(x)).length}/${results.length / 2}); ${loadFailures} errors in ${num(r['2xx'] + loadFailures)} normal reviews; RSS ${mb(rss.bodies)} (load alone ${mb(rss.loadOnly)})`;
    o.raw.bodies = { results, rss: { idle: idleRss, ...rss, hwm: peak }, counted };
    completed = true;
    return { outcome: o };
  } finally {
    await guard.stop();
    keepLogsIfFailed(o, [guard], completed);
  }
}

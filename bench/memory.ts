/**
 * Part 3, memory and start-up of `node dist/main.js serve --no-cluster`:
 * - start-up: from spawn to the first /readyz 200 (polled every 5 ms), with the certificates
 *   already generated (median of 5), and once with an empty certificate directory;
 * - idle RSS: 2 s after ready, in each of those 5 processes (median);
 * - RSS after 1,000,000 reviews (autocannon, /validate, half of them denied), sampled every
 *   100,000, plus what /metrics says;
 * - RSS with a cluster view of 10k pods / 1k namespaces / 2k services, in-process (the server
 *   cannot load a cluster-state file; see bench/cluster-memory.ts).
 *
 *   npx tsx bench/memory.ts   (BENCH_MEMORY_REVIEWS=1000000)
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { deniedPolicy, reviewBody, seedPolicy } from './lib/fixtures.js';
import { ROOT } from './lib/paths.js';
import { JSON_HEADERS, cannon, get, verifyTlsWith } from './lib/load.js';
import { envNumber, machine, machineLine, mb, median, num, savePart, table } from './lib/report.js';
import { CERT_DIR, ensureCertificates, freePort, guardCommand, memory, startGuard, waitReady } from './lib/servers.js';

const REVIEWS = envNumber('BENCH_MEMORY_REVIEWS', 1_000_000);
const STARTS = 5;

/** Spawn → /readyz 200 in ms, and RSS 2 s later. */
async function startOnce(certDir: string): Promise<{ readyMs: number; idleRss: number }> {
  const port = await freePort();
  const healthPort = await freePort();
  const args = guardCommand({ listen: `127.0.0.1:${port}`, healthListen: `127.0.0.1:${healthPort}` }).map((a) => (a === CERT_DIR ? certDir : a));
  const t0 = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'ignore' });
  const ok = await waitReady(child, `http://127.0.0.1:${healthPort}`, 30_000, 5);
  const readyMs = performance.now() - t0;
  if (!ok) {
    child.kill('SIGKILL');
    throw new Error('netpol-guard did not become ready');
  }
  await sleep(2000);
  const idleRss = memory(child.pid!).rss;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
  return { readyMs, idleRss };
}

function metric(text: string, name: string): number {
  const m = new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+]+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

async function main(): Promise<void> {
  const m = machine();
  await ensureCertificates();

  // Start-up without certificates: the first start generates a CA and a serving certificate.
  const empty = mkdtempSync(join(tmpdir(), 'netpol-guard-certs-'));
  const cold = await startOnce(join(empty, 'certs'));
  rmSync(empty, { recursive: true, force: true });
  const starts: { readyMs: number; idleRss: number }[] = [];
  for (let i = 0; i < STARTS; i++) {
    starts.push(await startOnce(CERT_DIR));
    process.stderr.write(`memory: start ${i + 1}: ready in ${num(starts[i]!.readyMs)} ms, idle RSS ${mb(starts[i]!.idleRss)}\n`);
  }

  // A million reviews in chunks, RSS after each.
  const server = await startGuard({ name: 'memory' });
  const samples: { reviews: number; rss: number }[] = [];
  let metricsText = '';
  let done = 0;
  let errors = 0;
  try {
    verifyTlsWith(readFileSync(server.caFile, 'utf8'));
    const bodies = [reviewBody(seedPolicy()), reviewBody(deniedPolicy())];
    samples.push({ reviews: 0, rss: memory(server.pid).rss });
    const chunk = Math.min(100_000, REVIEWS);
    while (done < REVIEWS) {
      const r = await cannon({
        url: `${server.webhookUrl}/validate`,
        connections: 10,
        amount: chunk,
        requests: bodies.map((body) => ({ method: 'POST', path: '/validate', headers: JSON_HEADERS, body })),
      });
      done += r['2xx'];
      errors += r.errors + r.non2xx + r.timeouts;
      samples.push({ reviews: done, rss: memory(server.pid).rss });
      process.stderr.write(`memory: ${num(done)} reviews, RSS ${mb(samples[samples.length - 1]!.rss)}\n`);
    }
    await sleep(5000);
    samples.push({ reviews: done, rss: memory(server.pid).rss });
    metricsText = (await get(`${server.healthUrl}/metrics`)).text;
  } finally {
    await server.stop();
  }
  const peak = Math.max(...samples.map((s) => s.rss));
  const afterIdle = samples[samples.length - 1]!.rss;
  const metricsRss = metric(metricsText, 'netpol_guard_process_resident_memory_bytes');
  const heapUsed = metric(metricsText, 'netpol_guard_nodejs_heap_size_used_bytes');
  const heapTotal = metric(metricsText, 'netpol_guard_nodejs_heap_size_total_bytes');

  // The cluster view, in-process.
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(ROOT, 'bench', 'cluster-memory.ts'), CERT_DIR], { cwd: ROOT, encoding: 'utf8' });
  const cluster = JSON.parse(out.trim().split('\n').pop()!) as {
    before: { rss: number; heapUsed: number };
    after: { rss: number; heapUsed: number };
    withObjects: number;
    counts: Record<string, number>;
  };
  const idle = median(starts.map((s) => s.idleRss));
  const clusterDelta = cluster.after.rss - cluster.before.rss;
  const ready = median(starts.map((s) => s.readyMs));
  const rows = [
    ['start-up, spawn → /readyz 200, certificates present (median of 5)', `${num(ready)} ms`, `${starts.map((s) => num(s.readyMs)).join(', ')} ms`, '< 1 s', ready < 1000 ? 'met' : 'MISSED'],
    ['start-up with an empty certificate directory (generates CA + certificate; 1 run)', `${num(cold.readyMs)} ms`, '', '', ''],
    ['RSS idle, 2 s after ready (median of 5)', mb(idle), starts.map((s) => mb(s.idleRss)).join(', '), '< 100 MB', idle < 100e6 ? 'met' : 'MISSED'],
    [`RSS after ${num(done)} reviews (5 s idle after the last)`, mb(afterIdle), `peak while sampling ${mb(peak)}; /metrics RSS ${mb(metricsRss)}, heap used ${mb(heapUsed)} of ${mb(heapTotal)}`, '', ''],
    [
      'RSS with 10k pods / 1k namespaces / 2k services in the cluster view (in-process, see note)',
      `${mb(idle + clusterDelta)}`,
      `view adds ${mb(clusterDelta)} RSS, ${mb(cluster.after.heapUsed - cluster.before.heapUsed)} heap; the measuring process ${mb(cluster.before.rss)} → ${mb(cluster.after.rss)}, ${mb(cluster.withObjects)} while the manifests were still held`,
      '< 250 MB',
      idle + clusterDelta < 250e6 ? 'met' : 'MISSED',
    ],
  ];
  const growth = samples.map((s) => `${num(s.reviews / 1000)}k: ${num(s.rss / 1e6, 0)}`).join(', ');
  const markdown = [
    '### 3. Memory and start-up (node dist/main.js serve --no-cluster)',
    '',
    machineLine(m),
    '',
    table(['measure', 'value', 'detail', 'goal', ''], rows),
    '',
    `- RSS from /proc/PID/status (VmRSS); MB = 10^6 bytes. RSS (MB) by reviews answered: ${growth}. ${errors} errors.`,
    `- The reviews: autocannon, 10 connections, /validate alternating the seed-001 policy (allowed) and its metadata-egress variant (denied); logging at info, to a file.`,
    '- Cluster view: `serve` has no way to load cluster state without a cluster, so bench/cluster-memory.ts runs startServer and builds the static ClusterView (cluster/static.js of the build: the projection and store the informers also use) in one process under tsx, and reports the growth after GC; the row adds that growth to the idle RSS above. The informer view holds the same projected objects; a relist also holds the raw list response while it is projected.',
  ].join('\n');
  savePart({ part: 'memory', machine: m, markdown, raw: { starts, cold, samples, metricsRss, heapUsed, heapTotal, cluster, errors } });
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

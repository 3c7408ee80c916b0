/**
 * Runs the benchmark parts, each in a fresh process, then writes bench/results.md (a summary
 * against the goals, then every part's tables) and prints the summary.
 *
 *   npm run bench                      all parts (builds first; about 25 minutes)
 *   npx tsx bench/run.ts engine http   only those parts, then reassemble results.md
 *   npx tsx bench/run.ts --assemble    reassemble results.md from bench/.work/results
 *
 * Parts: engine (bench/engine.ts), http (bench/http.ts), memory (bench/memory.ts), profile
 * (bench/profile.ts). Environment: BENCH_SCALE, BENCH_DURATION, BENCH_RUNS, BENCH_CONNECTIONS,
 * BENCH_MEMORY_REVIEWS (see each part).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { distBuiltAt } from './lib/dist.js';
import { ROOT, WORK } from './lib/paths.js';
import { recordedPart } from './lib/recorded.js';
import { type PartResult, codeIdentity, loadPart, machineLine, median, num, table } from './lib/report.js';

const PARTS = ['engine', 'http', 'memory', 'profile', 'connectivity'] as const;
type Part = (typeof PARTS)[number];

function runPart(part: Part, dist: string, code: string): void {
  process.stderr.write(`\n== ${part} ==\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(ROOT, 'bench', `${part}.ts`)], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, BENCH_DIST: dist, BENCH_CODE: code },
  });
  if (r.status !== 0) throw new Error(`bench/${part}.ts failed (exit ${r.status ?? r.signal})`);
}

type Row = [string, string, string, string];

function verdict(ok: boolean): string {
  return ok ? 'met' : 'MISSED';
}

function engineRows(p: PartResult | undefined): Row[] {
  if (!p) return [];
  const raw = p.raw as { name: string; medianPerSecond: number; medianMs: number }[];
  const find = (prefix: string) => raw.find((r) => r.name.startsWith(prefix));
  const rows: Row[] = [];
  const off = find('seed-001 policy, org rules off');
  const on = find('seed-001 policy, default');
  const peers = find('1,000 peers, default');
  const stored = find('seed-001, cluster view with 500');
  if (off) rows.push(['Engine: seed-001, org rules off', `${num(off.medianPerSecond)} reviews/s`, '≥ 50,000/s', verdict(off.medianPerSecond >= 50_000)]);
  if (on) rows.push(['Engine: seed-001, default org policy', `${num(on.medianPerSecond)} reviews/s`, '≥ 50,000/s', verdict(on.medianPerSecond >= 50_000)]);
  if (peers) rows.push(['Engine: 1,000 peers, default org policy', `${num(peers.medianMs, 2)} ms/review`, '< 5 ms', verdict(peers.medianMs < 5)]);
  if (stored) rows.push(['Engine: 500 stored policies (cross-policy DNS)', `${num(stored.medianMs, 2)} ms/review`, '', '']);
  return rows;
}

interface HttpRaw {
  throughput: Record<string, { guard: { perSecond: number; cpuMicrosPerRequest: number }[]; bare: { perSecond: number; cpuMicrosPerRequest: number }[] }>;
  latency: Record<string, { guard: { openP50: number; openP99: number }[]; bare: { openP50: number; openP99: number }[] }>;
}

function httpRows(p: PartResult | undefined): Row[] {
  if (!p) return [];
  const raw = p.raw as HttpRaw;
  const rows: Row[] = [];
  for (const [name, t] of Object.entries(raw.throughput)) {
    const ratio = median(t.guard.map((g, i) => g.perSecond / t.bare[i]!.perSecond));
    rows.push([
      `HTTPS ${name}: guard / bare req/s`,
      `${num(median(t.guard.map((r) => r.perSecond)))} / ${num(median(t.bare.map((r) => r.perSecond)))} = ${num(ratio, 2)}`,
      '≥ 0.7',
      verdict(ratio >= 0.7),
    ]);
  }
  for (const [name, l] of Object.entries(raw.latency)) {
    const p99 = median(l.guard.map((r) => r.openP99));
    rows.push([
      `HTTPS ${name} at 1,000/s: guard p50 / p99 (bare p99)`,
      `${num(median(l.guard.map((r) => r.openP50)), 2)} / ${num(p99, 2)} ms (${num(median(l.bare.map((r) => r.openP99)), 2)} ms)`,
      'p99 < 5 ms',
      verdict(p99 < 5),
    ]);
  }
  return rows;
}

interface MemoryRaw {
  starts: { readyMs: number; idleRss: number }[];
  samples: { reviews: number; rss: number }[];
  cluster: { before: { rss: number }; after: { rss: number } };
}

function memoryRows(p: PartResult | undefined): Row[] {
  if (!p) return [];
  const raw = p.raw as MemoryRaw;
  const idle = median(raw.starts.map((s) => s.idleRss));
  const last = raw.samples[raw.samples.length - 1]!;
  const withView = idle + raw.cluster.after.rss - raw.cluster.before.rss;
  const ready = median(raw.starts.map((s) => s.readyMs));
  return [
    ['RSS idle', `${num(idle / 1e6, 1)} MB`, '< 100 MB', verdict(idle < 100e6)],
    [`RSS after ${num(last.reviews)} reviews`, `${num(last.rss / 1e6, 1)} MB`, '', ''],
    ['RSS with 10k pods / 1k ns / 2k svc view', `${num(withView / 1e6, 1)} MB`, '< 250 MB', verdict(withView < 250e6)],
    ['Start-up to /readyz 200 (no cluster)', `${num(ready)} ms`, '< 1 s', verdict(ready < 1000)],
  ];
}

function profileRows(p: PartResult | undefined): Row[] {
  if (!p) return [];
  const raw = p.raw as { summary: { functions: { name: string; where: string; selfPct: number }[] } };
  const top = raw.summary.functions.slice(0, 3).map((f) => `${f.name} ${num(f.selfPct, 1)}%`);
  return [['Profile: top 3 by self time', top.join('; '), '', '']];
}

interface ConnectivityRaw {
  buildMs: number;
  matrixMs: number;
  flows: number;
  singleMs: number;
  rss: { afterMatrix: number };
  speedup: number;
}

function connectivityRows(p: PartResult | undefined): Row[] {
  if (!p) return [];
  const raw = p.raw as ConnectivityRaw;
  return [
    ['Connectivity: build the model, 10k pods / 1k ns / 2k policies', `${num(raw.buildMs)} ms`, '< 2 s', verdict(raw.buildMs < 2000)],
    [`Connectivity: one namespace against all pods (${num(raw.flows)} flows)`, `${num(raw.matrixMs)} ms`, '< 1 s', verdict(raw.matrixMs < 1000)],
    ['Connectivity: one flow with its reason', `${num(raw.singleMs * 1000, 1)} µs`, '< 1 ms', verdict(raw.singleMs < 1)],
    ['Connectivity: RSS with the model', `${num(raw.rss.afterMatrix / 1e6, 1)} MB`, '< 300 MB', verdict(raw.rss.afterMatrix < 300e6)],
    ['Connectivity: model vs naive pair-by-pair evaluator', `${num(raw.speedup)}×`, '≥ 20×', verdict(raw.speedup >= 20)],
  ];
}

function assemble(note?: string): string {
  const parts = Object.fromEntries(PARTS.map((p) => [p, loadPart(p)])) as Record<Part, PartResult | undefined>;
  const rows = [...engineRows(parts.engine), ...httpRows(parts.http), ...memoryRows(parts.memory), ...profileRows(parts.profile), ...connectivityRows(parts.connectivity)];
  const first = PARTS.map((p) => parts[p]).find((p) => p !== undefined);
  const summary = table(['measure', 'result (medians)', 'goal', ''], rows);
  const md = [
    '# netpol-guard benchmarks',
    '',
    'Produced by `npm run bench` (bench/run.ts); each part also runs alone: `npx tsx bench/engine.ts`, `bench/http.ts`, `bench/memory.ts`, `bench/profile.ts`, `bench/connectivity.ts`.',
    'Each table names the machine and the code it ran on; on a shared machine compare ratios and CPU time per request rather than absolute rates.',
    ...(note ? ['', `**${note}**`] : []),
    '',
    '## Summary',
    '',
    first ? machineLine(first.machine) : '',
    '',
    summary,
    '',
    '## Details',
    '',
    ...PARTS.flatMap((p) => (parts[p] ? [parts[p].markdown, ''] : [`### ${p}: not run`, ''])),
  ].join('\n');
  // Sections written by standalone benchmarks (bench/lib/recorded.ts) stay.
  const file = join(ROOT, 'bench', 'results.md');
  const recorded = existsSync(file) ? recordedPart(readFileSync(file, 'utf8')) : '';
  writeFileSync(file, recorded ? `${md.trimEnd()}\n\n${recorded}` : md);
  return summary;
}

function main(): void {
  const args = process.argv.slice(2);
  if (!args.includes('--assemble')) {
    if (!existsSync(join(ROOT, 'dist', 'main.js'))) throw new Error('dist/main.js is missing: run npm run build first');
    rmSync(join(WORK, 'logs'), { recursive: true, force: true });
    // Every part measures this copy of the build, even if dist/ is rebuilt meanwhile.
    const snapshot = join(WORK, 'dist');
    rmSync(snapshot, { recursive: true, force: true });
    cpSync(join(ROOT, 'dist'), snapshot, { recursive: true, preserveTimestamps: true });
    process.env.BENCH_DIST = snapshot;
    const code = codeIdentity();
    process.stderr.write(`measuring the build of ${distBuiltAt(snapshot)?.toISOString()} (copied to ${snapshot}); code: ${code}\n`);
    const chosen = args.length ? args.filter((a): a is Part => (PARTS as readonly string[]).includes(a)) : [...PARTS];
    for (const part of chosen) runPart(part, snapshot, code);
  }
  const parts = PARTS.map((p) => loadPart(p)).filter((p): p is PartResult => p !== undefined);
  const codes = new Set(parts.map((p) => p.machine.code));
  const note = codes.size > 1 ? 'The parts ran on different builds (see each part\'s "code"): rerun them together for comparable figures.' : undefined;
  const summary = assemble(note);
  if (note) process.stderr.write(`\nwarning: ${note}\n`);
  process.stdout.write(`\n${summary}\n\nWritten: bench/results.md\n`);
}

main();

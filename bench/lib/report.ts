/**
 * What every part shares: the machine description, medians, markdown tables, and the JSON file
 * each part leaves in bench/.work/results for run.ts to assemble into bench/results.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { distBuiltAt } from './dist.js';
import { ROOT, WORK } from './paths.js';

export interface Machine {
  readonly cores: number;
  readonly cpu: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly os: string;
  readonly date: string;
  readonly loadAverage: string;
  /** /proc/pressure/cpu: share of time some runnable task waited for a CPU (avg10/avg60). */
  readonly cpuPressure: string;
  /** The commit, whether the tree had uncommitted changes, and when dist/ was built. */
  readonly code: string;
}

export function cpuPressure(): string {
  try {
    const some = /^some avg10=([\d.]+) avg60=([\d.]+)/m.exec(readFileSync('/proc/pressure/cpu', 'utf8'));
    return some ? `${some[1]}% / ${some[2]}%` : 'n/a';
  } catch {
    return 'n/a';
  }
}

/** The commit, whether the tree had changes, and the build time; run.ts fixes it for all parts (BENCH_CODE). */
export function codeIdentity(): string {
  if (process.env.BENCH_CODE) return process.env.BENCH_CODE;
  let commit = 'unknown commit';
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    commit = `${head}${dirty ? ' + uncommitted changes' : ''}`;
  } catch {
    // not a git checkout
  }
  const built = distBuiltAt();
  return `${commit}, dist built ${built ? built.toISOString() : 'never'}`;
}

export function machine(): Machine {
  let os = `${process.platform} ${process.arch}`;
  try {
    os = execFileSync('uname', ['-srm'], { encoding: 'utf8' }).trim();
  } catch {
    // uname is missing on some systems; the platform is enough
  }
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    os,
    date: new Date().toISOString(),
    loadAverage: loadavg().map((l) => l.toFixed(2)).join(' '),
    cpuPressure: cpuPressure(),
    code: codeIdentity(),
  };
}

export function machineLine(m: Machine): string {
  return `Machine: ${m.cores} cores, ${m.cpu}, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; ${m.date}; load average at start ${m.loadAverage}, CPU pressure (some, avg10/avg60) ${m.cpuPressure}; code: ${m.code}`;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** 12345.6 → "12,346"; small numbers keep `digits` decimals. */
export function num(n: number, digits = 0): string {
  if (!Number.isFinite(n)) return 'n/a';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** Megabytes of 10^6 bytes, the unit of the goals. */
export function mb(bytes: number): string {
  return `${num(bytes / 1e6, 1)} MB`;
}

/** A part's outcome: its markdown section and raw figures. */
export interface PartResult {
  readonly part: string;
  readonly machine: Machine;
  readonly markdown: string;
  readonly raw: unknown;
}

export const RESULTS_DIR = join(WORK, 'results');

export function savePart(result: PartResult): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${result.part}.json`), `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`\n${result.markdown}\n`);
}

export function loadPart(part: string): PartResult | undefined {
  try {
    return JSON.parse(readFileSync(join(RESULTS_DIR, `${part}.json`), 'utf8')) as PartResult;
  } catch {
    return undefined;
  }
}

/** Numbers from the environment, for shorter or longer runs (BENCH_DURATION=5 npm run bench). */
export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? NaN : Number(raw);
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

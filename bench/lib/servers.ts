/**
 * Servers under test, each in a process of its own: the built netpol-guard (`node dist/main.js
 * serve`) and the bare node:https baseline. Plus what /proc says about a process: CPU time and
 * resident memory.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { DIST } from './dist.js';
import { ROOT, WORK } from './paths.js';

export const CERT_DIR = join(WORK, 'certs');
export const LOG_DIR = join(WORK, 'logs');

export interface RunningProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Sends SIGTERM and waits for the exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

export interface GuardServer extends RunningProcess {
  readonly webhookUrl: string;
  readonly healthUrl: string;
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  readonly logFile: string;
}

export interface BareServer extends RunningProcess {
  readonly url: string;
}

function stopper(child: ChildProcess): (graceMs?: number) => Promise<void> {
  return async (graceMs = 10_000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
}

/** A port free right now on 127.0.0.1 (for start-up timing, where the port must be known up front). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface GuardOptions {
  readonly logLevel?: string;
  /** Node flags, e.g. --cpu-prof. */
  readonly nodeArgs?: readonly string[];
  readonly listen?: string;
  readonly healthListen?: string;
  readonly name?: string;
  /** Where stdout and stderr go (default: a log file in bench/.work/logs). */
  readonly logTo?: string;
  /** Another build to run (a dist/ directory), e.g. a copy of the one before a change. */
  readonly dist?: string;
  /** Watch a cluster through this kubeconfig (default --no-cluster). */
  readonly kubeconfig?: string;
  /** More serve flags, after the others. */
  readonly extraArgs?: readonly string[];
  /** How long to wait for /readyz (default 30 s; a large cluster view takes longer to list). */
  readonly readyTimeoutMs?: number;
  /** More environment variables for the process (added to this one's). */
  readonly env?: Readonly<Record<string, string>>;
}

export function guardCommand(opts: GuardOptions = {}): string[] {
  return [
    ...(opts.nodeArgs ?? []),
    join(opts.dist ?? DIST, 'main.js'),
    'serve',
    '--listen',
    opts.listen ?? '127.0.0.1:0',
    '--health-listen',
    opts.healthListen ?? '127.0.0.1:0',
    '--cert-dir',
    CERT_DIR,
    ...(opts.kubeconfig ? ['--kubeconfig', opts.kubeconfig] : ['--no-cluster']),
    '--shutdown-delay',
    '0',
    '--log-level',
    opts.logLevel ?? 'info',
    ...(opts.extraArgs ?? []),
  ];
}

/**
 * Starts `node dist/main.js serve` on ports chosen up front, with stdout and stderr going to a
 * log file (as a container runtime would collect them), and waits until /readyz answers 200.
 * The URL is known without reading the log, so any --log-level works.
 */
export async function startGuard(opts: GuardOptions = {}): Promise<GuardServer> {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = opts.logTo ?? join(LOG_DIR, `${opts.name ?? 'guard'}-${Date.now()}.log`);
  const port = await freePort();
  const healthPort = await freePort();
  const out = openSync(logFile, 'w');
  const child = spawn(process.execPath, guardCommand({ ...opts, listen: `127.0.0.1:${port}`, healthListen: `127.0.0.1:${healthPort}` }), {
    cwd: ROOT,
    stdio: ['ignore', out, out],
    env: opts.env ? { ...process.env, ...opts.env } : process.env,
  });
  closeSync(out);
  const healthUrl = `http://127.0.0.1:${healthPort}`;
  const readyMs = opts.readyTimeoutMs ?? 30_000;
  const ready = await waitReady(child, healthUrl, readyMs);
  if (!ready) {
    child.kill('SIGKILL');
    throw new Error(`netpol-guard was not ready within ${readyMs / 1000}s${child.exitCode !== null ? ` (exited with ${child.exitCode})` : ''}; see ${logFile}`);
  }
  return {
    pid: child.pid!,
    child,
    webhookUrl: `https://127.0.0.1:${port}`,
    healthUrl,
    caFile: join(CERT_DIR, 'ca.crt'),
    certFile: join(CERT_DIR, 'tls.crt'),
    keyFile: join(CERT_DIR, 'tls.key'),
    logFile,
    stop: async (graceMs?: number) => {
      await stopper(child)(graceMs);
      // A million reviews log about 700 MB; keep the file only when asked (BENCH_KEEP_LOGS=1).
      if (!process.env.BENCH_KEEP_LOGS && !opts.logTo && child.exitCode === 0) rmSync(logFile, { force: true });
    },
  };
}

function readyz(healthUrl: string): Promise<number> {
  return new Promise((resolve) => {
    const req = http.get(`${healthUrl}/readyz`, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(1000, () => req.destroy());
  });
}

/** Polls /readyz every `everyMs` until 200; false when the process exits or time runs out. */
export async function waitReady(child: ChildProcess, healthUrl: string, timeoutMs: number, everyMs = 5): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    if ((await readyz(healthUrl)) === 200) return true;
    await sleep(everyMs);
  }
  return false;
}

/**
 * Starts a reference server script of bench/ under tsx (bare-server.ts, fastify-server.ts) and
 * waits for the `{"port": N}` line it prints once it listens on 127.0.0.1.
 */
export async function startScriptServer(script: string, args: readonly string[], nodeArgs: readonly string[] = []): Promise<BareServer> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', join(ROOT, 'bench', script), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (c: Buffer) => {
      buffered += c.toString();
      const nl = buffered.indexOf('\n');
      if (nl >= 0) resolve((JSON.parse(buffered.slice(0, nl)) as { port: number }).port);
    });
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
  });
  return { pid: child.pid!, child, url: `https://127.0.0.1:${port}`, stop: stopper(child) };
}

/** Starts bench/bare-server.ts with the webhook's certificate (and Node flags such as --cpu-prof; canned answers from a file). */
export function startBare(certFile: string, keyFile: string, nodeArgs: readonly string[] = [], answersFile?: string): Promise<BareServer> {
  return startScriptServer('bare-server.ts', [certFile, keyFile, ...(answersFile ? [answersFile] : [])], nodeArgs);
}

let clockTicks: number | undefined;

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at state, field 3.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicks;
}

/**
 * Write system calls the process has made, all threads (/proc/PID/io syscw): socket writes and
 * log writes alike. Per answer, it shows how many writes each review costs, free of the noise
 * that other work on a shared machine puts into time.
 */
export function writeCalls(pid: number): number {
  const m = /^syscw: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
  return m ? Number(m[1]) : Number.NaN;
}

/**
 * Seconds the process's main thread (the event loop) has spent runnable but waiting for a CPU
 * (/proc/PID/schedstat): on a shared machine, time other processes took from it.
 */
export function runQueueWaitSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/schedstat`, 'utf8').trim().split(/\s+/);
  return Number(fields[1]) / 1e9;
}

/** Resident memory now (VmRSS) and at its peak (VmHWM), in bytes. */
export function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Makes sure the development certificates exist (the first start generates them). */
export async function ensureCertificates(): Promise<void> {
  if (existsSync(join(CERT_DIR, 'tls.crt')) && existsSync(join(CERT_DIR, 'ca.crt'))) return;
  const s = await startGuard({ name: 'certs' });
  await s.stop();
}

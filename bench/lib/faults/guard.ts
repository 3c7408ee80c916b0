/**
 * The built server (`node dist/main.js serve`) in a process of its own, started with the flags a
 * scenario needs. servers.ts's startGuard always adds --no-cluster and generated certificates;
 * these scenarios bring their own certificates, cluster and shutdown settings, so the argument
 * list is built here, from the same building blocks (freePort, waitReady).
 *
 * The listen addresses are 127.0.0.1 with ports chosen up front, so the URLs are known without
 * reading the log. stdout and stderr go to a log file in bench/.work/logs, kept when the scenario
 * fails (or with BENCH_KEEP_LOGS=1) and removed otherwise.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DIST } from '../dist.js';
import { ROOT } from '../paths.js';
import { LOG_DIR, cpuSeconds, freePort, memory, waitReady } from '../servers.js';
import { trackChild } from './cleanup.js';
import { type Outcome, passed } from './outcome.js';

export interface GuardLaunch {
  /** Names the log file. */
  readonly name: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** Everything after the listen and TLS flags, e.g. ['--no-cluster', '--shutdown-delay', '0']. */
  readonly flags: readonly string[];
  /** The process's open-file limit, raised with `ulimit -n` in a shell when above the inherited one. */
  readonly openFiles?: number;
  readonly readyTimeoutMs?: number;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** performance.now() when this process saw the exit. */
  readonly at: number;
}

export interface Guard {
  readonly pid: number;
  readonly child: ChildProcess;
  readonly webhookUrl: string;
  readonly webhookPort: number;
  readonly healthUrl: string;
  readonly logFile: string;
  readonly exit: Promise<Exit>;
  running(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves at the exit. */
  stop(graceMs?: number): Promise<Exit>;
}

/**
 * A control run, to see that every failure counter can count: BENCH_FAULTS_KILL_AFTER_MS=N kills
 * each server with SIGKILL N ms after it is ready. Every scenario should then FAIL.
 */
export function controlKillAfterMs(): number | undefined {
  const n = Number(process.env.BENCH_FAULTS_KILL_AFTER_MS);
  return Number.isFinite(n) && n > 0 ? n : undefined;
}

/** The soft and hard open-file limits of a process, from /proc. */
export function openFileLimits(pid: number | 'self'): { soft: number; hard: number } {
  const line = /^Max open files\s+(\S+)\s+(\S+)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  const parse = (v: string | undefined) => (v === 'unlimited' ? Infinity : Number(v));
  return { soft: parse(line?.[1]), hard: parse(line?.[2]) };
}

function command(launch: GuardLaunch, port: number, healthPort: number): { file: string; args: string[] } {
  const node = [
    join(DIST, 'main.js'),
    'serve',
    '--listen',
    `127.0.0.1:${port}`,
    '--health-listen',
    `127.0.0.1:${healthPort}`,
    '--tls-cert',
    launch.certFile,
    '--tls-key',
    launch.keyFile,
    ...launch.flags,
  ];
  const inherited = openFileLimits('self').soft;
  if (launch.openFiles === undefined || launch.openFiles <= inherited) return { file: process.execPath, args: node };
  // `exec` keeps the pid: the shell becomes the server, so signals and /proc reach node itself.
  const quoted = [process.execPath, ...node].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return { file: '/bin/sh', args: ['-c', `ulimit -n ${launch.openFiles} && exec ${quoted}`] };
}

export async function launchGuard(launch: GuardLaunch): Promise<Guard> {
  mkdirSync(LOG_DIR, { recursive: true });
  const logFile = join(LOG_DIR, `faults-${launch.name}-${Date.now()}.log`);
  const port = await freePort();
  const healthPort = await freePort();
  const { file, args } = command(launch, port, healthPort);
  const out = openSync(logFile, 'w');
  const child = spawn(file, args, { cwd: ROOT, stdio: ['ignore', out, out] });
  closeSync(out);
  trackChild(child);
  const exit = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() })));
  const healthUrl = `http://127.0.0.1:${healthPort}`;
  const timeoutMs = launch.readyTimeoutMs ?? 30_000;
  if (!(await waitReady(child, healthUrl, timeoutMs, 20))) {
    child.kill('SIGKILL');
    const tail = readFileSync(logFile, 'utf8').split('\n').slice(-5).join('\n');
    throw new Error(`netpol-guard (${launch.name}) was not ready within ${timeoutMs / 1000}s; ${logFile} ends with:\n${tail}`);
  }
  const running = () => child.exitCode === null && child.signalCode === null;
  const killAfter = controlKillAfterMs();
  if (killAfter !== undefined) setTimeout(() => running() && child.kill('SIGKILL'), killAfter).unref();
  return {
    pid: child.pid!,
    child,
    webhookUrl: `https://127.0.0.1:${port}`,
    webhookPort: port,
    healthUrl,
    logFile,
    exit,
    running,
    async stop(graceMs = 15_000) {
      if (running()) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exit;
        clearTimeout(timer);
      }
      return exit;
    },
  };
}

/**
 * Removes the servers' logs once a scenario has completed and passed (unless BENCH_KEEP_LOGS is
 * set); otherwise lists them in the outcome, for whoever looks into the failure.
 */
export function keepLogsIfFailed(o: Outcome, guards: readonly Guard[], completed: boolean): void {
  for (const guard of guards) {
    if (completed && passed(o) && !process.env.BENCH_KEEP_LOGS) rmSync(guard.logFile, { force: true });
    else o.logs.push(guard.logFile);
  }
}

/** Resident memory now and at its peak (servers.ts memory()), or zeros once the process is gone. */
export function residentMemory(pid: number): { rss: number; peak: number } {
  try {
    return memory(pid);
  } catch {
    return { rss: 0, peak: 0 };
  }
}

/** CPU seconds the process has used (servers.ts cpuSeconds()), or NaN once it is gone. */
export function cpuSecondsUsed(pid: number): number {
  try {
    return cpuSeconds(pid);
  } catch {
    return NaN;
  }
}

/** Sockets the process holds open right now (its fds that are sockets). */
export function openSockets(pid: number): number {
  try {
    const out = execFileSync('find', [`/proc/${pid}/fd`, '-lname', 'socket:*'], { encoding: 'utf8' });
    return out.split('\n').filter(Boolean).length;
  } catch {
    return NaN;
  }
}

/**
 * Long-running child processes (etcd, kube-apiserver) that must never outlive the test run.
 *
 * Three layers, because a test process can end in three ways:
 *   - normally: the test calls stop() (SIGTERM, then SIGKILL after a bound);
 *   - through process.exit() or a fatal signal: hooks below SIGKILL what is still running;
 *   - by SIGKILL or a crash of node itself, where no hook runs: on Linux each child is started
 *     through `setpriv --pdeathsig KILL`, so the kernel kills it when node goes away.
 * Signals only ever go to the ChildProcess objects we spawned, never to a PID found by name.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, openSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartProcessOptions {
  /** Short name for messages: "etcd", "kube-apiserver". */
  name: string;
  command: string;
  args: string[];
  /** stdout and stderr are appended here; the file survives the process for post-mortems. */
  logFile: string;
  cwd?: string;
}

const SETPRIV = '/usr/bin/setpriv';
const hasSetpriv = (() => {
  try {
    accessSync(SETPRIV, constants.X_OK);
    return process.platform === 'linux';
  } catch {
    return false;
  }
})();

export class ManagedProcess {
  readonly name: string;
  readonly logFile: string;
  readonly pid: number;
  /** Resolves once the process has exited (or failed to spawn); never rejects. */
  readonly exited: Promise<ExitStatus>;
  private readonly child: ChildProcess;
  private status: ExitStatus | undefined;
  private stopping: Promise<ExitStatus> | undefined;
  private spawnError: Error | undefined;

  constructor(options: StartProcessOptions) {
    this.name = options.name;
    this.logFile = options.logFile;
    const log = openSync(options.logFile, 'a');
    try {
      const [command, args] = hasSetpriv
        ? [SETPRIV, ['--pdeathsig', 'KILL', '--', options.command, ...options.args]]
        : [options.command, options.args];
      this.child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', log, log] });
    } finally {
      closeSync(log); // the child has its own copy of the descriptor
    }
    this.exited = new Promise<ExitStatus>((resolve) => {
      this.child.once('exit', (code, signal) => resolve((this.status = { code, signal })));
      this.child.once('error', (error) => {
        // A spawn failure (ENOENT, EACCES) has no 'exit' event.
        if (!this.status) resolve((this.status = { code: null, signal: null }));
        this.spawnError = error;
      });
    });
    this.pid = this.child.pid ?? -1;
    // A forgotten stop() must not keep node alive for ever; the exit hook cleans up instead.
    this.child.unref();
    track(this);
    void this.exited.then(() => untrack(this));
  }

  get running(): boolean {
    return this.status === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** How it ended, or undefined while it runs. */
  get exitStatus(): ExitStatus | undefined {
    return this.status;
  }

  describeExit(): string {
    if (this.spawnError) return `could not be started: ${this.spawnError.message}`;
    const s = this.status;
    if (!s) return 'is running';
    return s.signal ? `was killed by ${s.signal}` : `exited with code ${s.code}`;
  }

  /**
   * SIGTERM, then SIGKILL if it has not exited after `graceMs`. Safe to call more than once and
   * after the process died on its own. Rejects only if even SIGKILL did not end it.
   */
  stop(graceMs = 10_000, killWaitMs = 5_000): Promise<ExitStatus> {
    this.stopping ??= (async () => {
      if (!this.running) return this.exited;
      this.child.kill('SIGTERM');
      if (await settlesWithin(this.exited, graceMs)) return this.exited;
      this.child.kill('SIGKILL');
      if (await settlesWithin(this.exited, killWaitMs)) return this.exited;
      throw new Error(`${this.name} (pid ${this.pid}) did not exit ${killWaitMs} ms after SIGKILL`);
    })();
    return this.stopping;
  }

  /** For the exit hooks: no waiting is possible there. */
  killNow(): void {
    if (this.running) this.child.kill('SIGKILL');
  }
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  // A referenced timer: the children are unref'd, so this is what keeps node alive meanwhile.
  const ac = new AbortController();
  const timeout = sleep(ms, false, { signal: ac.signal }).catch(() => false);
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    ac.abort();
  }
}

// --- exit hooks ---------------------------------------------------------------------------------
// Installed while at least one process runs, removed after the last one ends, so a test process
// without a live cluster behaves exactly as if this module were not loaded.

const live = new Set<ManagedProcess>();
const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function killAll(): void {
  for (const p of live) p.killNow();
}

function onSignal(signal: NodeJS.Signals): void {
  killAll();
  removeHooks();
  // Re-raise so that whatever would have happened without us (the default action, or another
  // listener such as tap's signal-exit, which stands back while other listeners exist) happens.
  process.kill(process.pid, signal);
}

function track(p: ManagedProcess): void {
  if (live.size === 0) {
    process.on('exit', killAll);
    for (const s of SIGNALS) process.on(s, onSignal);
  }
  live.add(p);
}

function untrack(p: ManagedProcess): void {
  live.delete(p);
  if (live.size === 0) removeHooks();
}

function removeHooks(): void {
  process.removeListener('exit', killAll);
  for (const s of SIGNALS) process.removeListener(s, onSignal);
}

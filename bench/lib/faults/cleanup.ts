/**
 * Everything a fault run starts, recorded so that it is undone however the run ends: server
 * processes (killed by their own pid, never by name), temporary directories, and in-process
 * servers or sockets that need closing. cleanUp() is called at the end of a run and on an
 * exception; installCleanup() also covers Ctrl-C, SIGTERM and a plain exit.
 */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const children = new Set<ChildProcess>();
const directories = new Set<string>();
const closers = new Set<() => Promise<unknown>>();

function alive(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

export function trackChild(child: ChildProcess): void {
  children.add(child);
  child.once('exit', () => children.delete(child));
}

/** A fresh directory under the system temp dir, removed by cleanUp(). */
export function tempDir(purpose: string): string {
  const dir = mkdtempSync(join(tmpdir(), `netpol-guard-faults-${purpose}-`));
  directories.add(dir);
  return dir;
}

export function removeTempDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  directories.delete(dir);
}

/** Registers something to close at clean-up; returns a function that unregisters it. */
export function onCleanUp(close: () => Promise<unknown>): () => void {
  closers.add(close);
  return () => closers.delete(close);
}

function killAndRemoveSync(): void {
  for (const child of children) if (alive(child)) child.kill('SIGKILL');
  for (const dir of directories) rmSync(dir, { recursive: true, force: true });
  directories.clear();
}

export async function cleanUp(): Promise<void> {
  const pending = [...closers];
  closers.clear();
  // A closer that hangs (a socket that never ends) must not keep the run alive.
  await Promise.race([Promise.allSettled(pending.map((close) => close())), new Promise((r) => setTimeout(r, 5000).unref())]);
  const exits = [...children].filter(alive).map((child) => new Promise((r) => child.once('exit', r)));
  killAndRemoveSync();
  await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 5000).unref())]);
}

export function installCleanup(): void {
  process.once('exit', killAndRemoveSync);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping the servers and removing temporary files\n`);
      killAndRemoveSync();
      process.exit(130);
    });
  }
}

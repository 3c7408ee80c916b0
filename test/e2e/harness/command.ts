/** Runs a short-lived command (kubectl, helm) and collects its output. */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export interface CommandResult {
  /** Exit code; 128 + signal number if a signal ended it (as a shell reports it). */
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Written to standard input, which is then closed (for `apply -f -`). */
  input?: string;
  /** Added to the environment the cluster sets up (KUBECONFIG and friends). */
  env?: NodeJS.ProcessEnv;
  /** Kill the command and throw after this long. Default 60 s. */
  timeoutMs?: number;
  /** Throw, with the command and its output, unless it exits 0. For setup steps. */
  check?: boolean;
}

export function formatCommand(command: string, args: readonly string[]): string {
  return [command, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

export function runCommand(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: RunOptions = {},
): Promise<CommandResult> {
  const { input, timeoutMs = 60_000, check = false } = options;
  const shown = formatCommand(command, args);
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const text = () => ({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`${shown}: could not be started: ${error.message}`));
    });
    child.on('close', (exitCode, signal) => {
      clearTimeout(timer);
      const result: CommandResult = { code: exitCode ?? 128 + (signal ? constants.signals[signal] : 0), ...text() };
      if (timedOut) {
        reject(new Error(`${shown}: killed after ${timeoutMs} ms\n${describeOutput(result)}`));
      } else if (check && result.code !== 0) {
        reject(new Error(`${shown}: exited with code ${result.code}\n${describeOutput(result)}`));
      } else {
        resolve(result);
      }
    });
    // A command that exits without reading its input makes the write fail with EPIPE; the exit
    // code tells the story, so that error is not worth a rejection of its own.
    child.stdin.on('error', () => {});
    child.stdin.end(input ?? '');
  });
}

function describeOutput({ stdout, stderr }: CommandResult): string {
  return `--- stdout ---\n${stdout.trimEnd()}\n--- stderr ---\n${stderr.trimEnd()}`;
}

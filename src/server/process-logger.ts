/**
 * The process logger: JSON lines on stdout, for the container runtime to collect.
 *
 * Written asynchronously, so that a review never waits for a write (a slow log collector would
 * otherwise stall admission), and gathered: lines go out together once LOG_BUFFER_BYTES have
 * built up, and at the latest every LOG_FLUSH_MS. One write per line cost a system call and a
 * hand-off to libuv's thread pool for every review, more than the line itself (bench/results.md).
 *
 * No line is lost on an orderly stop: the server flushes on shutdown, and pino writes whatever is
 * still buffered synchronously when the process exits, by any path (exit code, process.exit, an
 * uncaught error). Only a process killed outright (SIGKILL, the OOM killer) loses its buffer: at
 * most LOG_FLUSH_MS worth of lines, and never more than LOG_BUFFER_BYTES.
 */
import { type Logger, pino } from 'pino';

/** About ten review lines. */
export const LOG_BUFFER_BYTES = 4096;
/** The longest a line waits in the buffer when traffic is light. */
export const LOG_FLUSH_MS = 500;

export function processLogger(level: string): Logger {
  return pino({ level }, pino.destination({ dest: 1, sync: false, minLength: LOG_BUFFER_BYTES, periodicFlush: LOG_FLUSH_MS }));
}

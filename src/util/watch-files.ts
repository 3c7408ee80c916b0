/**
 * Calls a check whenever some files may have changed: a directory watch (which also sees the
 * `..data` symlink swap of a Kubernetes Secret or ConfigMap volume), debounced because a rotation
 * is several renames, plus a poll as the fallback where watching is unreliable. Checks never
 * overlap; a change during a check runs it once more.
 */
import { type FSWatcher, watch } from 'node:fs';
import { dirname } from 'node:path';
import { describeError } from '../errors.js';

export interface WatchLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export interface FileWatchOptions {
  readonly files: readonly string[];
  /** Called on every (debounced) change and poll; must do its own change detection. */
  readonly check: () => Promise<void>;
  readonly logger: WatchLogger;
  /** What is being watched, for log lines. */
  readonly what: string;
  /** Poll interval; 0 turns polling off. */
  readonly pollIntervalMs: number;
  /** Watch the files' directories. */
  readonly watch: boolean;
  readonly debounceMs: number;
}

export class FileWatch {
  private readonly watchers: FSWatcher[] = [];
  private pollTimer?: NodeJS.Timeout;
  private debounceTimer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private rerun = false;
  private closed = false;

  constructor(private readonly options: FileWatchOptions) {
    if (options.watch) {
      for (const dir of new Set(options.files.map((f) => dirname(f)))) this.watchDirectory(dir);
    }
    if (options.pollIntervalMs > 0) {
      this.pollTimer = setInterval(() => void this.trigger(), options.pollIntervalMs);
      this.pollTimer.unref();
    }
  }

  /** Runs the check now (or once more after the running one). Resolves when it is done. */
  trigger(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.running) {
      this.rerun = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.rerun = false;
        await this.options.check().catch((error: unknown) => this.options.logger.error({ err: describeError(error) }, `${this.options.what} check failed`));
      } while (this.rerun && !this.closed);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.watchers) w.close();
    clearInterval(this.pollTimer);
    clearTimeout(this.debounceTimer);
    await this.running;
  }

  private watchDirectory(dir: string): void {
    const fallback = (error: unknown) =>
      this.options.logger.warn({ dir, err: describeError(error) }, `cannot watch the ${this.options.what} directory; relying on polling`);
    try {
      const watcher = watch(dir, { persistent: false }, () => this.debounce());
      watcher.on('error', (error) => {
        fallback(error);
        watcher.close();
      });
      this.watchers.push(watcher);
    } catch (error) {
      fallback(error);
    }
  }

  private debounce(): void {
    if (this.closed) return;
    clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => void this.trigger(), this.options.debounceMs);
    this.debounceTimer.unref();
  }
}

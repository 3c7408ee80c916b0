/**
 * The org policy in force: the built-in one, or a file that is watched and reloaded. A broken
 * file keeps the last good policy serving; the problem is logged, counted and shown in /readyz
 * until a good version arrives.
 */
import { createHash } from 'node:crypto';
import { describeError } from '../errors.js';
import { readPolicyText } from '../policy/load.js';
import { builtinPolicy, parsePolicy } from '../policy/parse.js';
import type { OrgPolicy } from '../policy/types.js';
import { FileWatch, type WatchLogger } from '../util/watch-files.js';
import type { CheckResult } from './readiness.js';

export interface PolicyLogger extends WatchLogger {
  info(obj: Record<string, unknown>, msg: string): void;
}

export interface PolicySourceEvents {
  onReload?: (ok: boolean) => void;
}

export interface PolicyState {
  readonly source: string;
  readonly loadedAt: Date;
  readonly reloads: number;
  readonly failures: number;
  /** Set while the file on disk is broken and the previous policy serves. */
  readonly lastError?: string;
}

export class PolicySource {
  private current: OrgPolicy;
  /** The text `current` was compiled from (undefined: built-in), for the audit worker, which compiles it again. */
  private currentText: string | undefined;
  private hash = '';
  private loadedAt = new Date();
  private reloads = 0;
  private failures = 0;
  private lastError?: string;
  private watcher?: FileWatch;

  private constructor(
    initial: OrgPolicy,
    private readonly path: string | undefined,
    private readonly log: PolicyLogger,
    private readonly events: PolicySourceEvents,
  ) {
    this.current = initial;
  }

  /** The built-in policy, or the file's (throwing NpgError when it cannot be read or is invalid). */
  static async open(
    path: string | undefined,
    log: PolicyLogger,
    opts: PolicySourceEvents & { pollIntervalMs?: number; debounceMs?: number } = {},
  ): Promise<PolicySource> {
    if (path === undefined) {
      const source = new PolicySource(builtinPolicy(), undefined, log, opts);
      log.info({ policy: 'builtin', mode: source.current.mode }, 'org policy loaded');
      return source;
    }
    const text = await readPolicyText(path);
    const source = new PolicySource(parsePolicy(text, path), path, log, opts);
    source.currentText = text;
    source.hash = digest(text);
    log.info({ policy: path, mode: source.current.mode }, 'org policy loaded');
    source.watcher = new FileWatch({
      files: [path],
      check: () => source.reload(),
      logger: log,
      what: 'org policy',
      pollIntervalMs: opts.pollIntervalMs ?? 10_000,
      watch: true,
      debounceMs: opts.debounceMs ?? 200,
    });
    return source;
  }

  policy(): OrgPolicy {
    return this.current;
  }

  /** The policy in force as text (undefined for the built-in one) and where it came from. */
  policyText(): { text?: string; source: string } {
    return { ...(this.currentText !== undefined ? { text: this.currentText } : {}), source: this.current.source };
  }

  state(): PolicyState {
    return {
      source: this.current.source,
      loadedAt: this.loadedAt,
      reloads: this.reloads,
      failures: this.failures,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Ready whenever a policy is loaded; degraded (still ready, last good serving) when the file broke. */
  readiness(): CheckResult {
    const what = this.path ? `${this.path} (mode ${this.current.mode})` : `built-in (mode ${this.current.mode})`;
    if (this.lastError) return { ok: true, detail: `serving the last good policy from ${what}; the file is broken: ${this.lastError}` };
    return { ok: true, detail: what };
  }

  /** Re-reads the file now (also done on change). */
  check(): Promise<void> {
    return this.watcher?.trigger() ?? Promise.resolve();
  }

  async close(): Promise<void> {
    await this.watcher?.close();
  }

  private async reload(): Promise<void> {
    if (!this.path) return;
    let text: string;
    try {
      text = await readPolicyText(this.path);
    } catch (err) {
      return this.fail(describeError(err), '');
    }
    const hash = digest(text);
    if (hash === this.hash) return;
    try {
      this.current = parsePolicy(text, this.path);
      this.currentText = text;
    } catch (err) {
      return this.fail(describeError(err), hash);
    }
    this.hash = hash;
    this.loadedAt = new Date();
    this.reloads++;
    this.lastError = undefined;
    this.log.info({ policy: this.path, mode: this.current.mode }, 'org policy reloaded');
    this.events.onReload?.(true);
  }

  private fail(message: string, hash: string): void {
    if (message === this.lastError) return; // the same broken file is reported once
    this.failures++;
    this.lastError = message;
    if (hash) this.hash = hash;
    this.log.error({ policy: this.path, err: message }, 'org policy reload failed; the last good policy stays in force');
    this.events.onReload?.(false);
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

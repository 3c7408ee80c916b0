/**
 * Brings the cluster's reports to the desired ones: lists ours (one request per kind), plans the
 * difference (plan.ts), and makes only those writes, one at a time so that a large cluster's
 * first sync does not flood the API server. Each write is retried with jittered exponential
 * backoff on conflicts (re-reading the report first), throttling and server errors; every
 * outcome is logged and counted. Writing stops at once when this replica stops leading.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { type ExistingReport, keyOf, planOne, planSyncInTurns, type WriteOp } from './plan.js';
import type { DesiredReports, ReportObject } from './types.js';

/** The API calls the writer makes; errors carry the HTTP status as `code`. */
export interface ReportStore {
  /** Our reports (label selector), namespaced and cluster ones together. */
  list(): Promise<ExistingReport[]>;
  get(namespace: string | undefined, name: string): Promise<ExistingReport | undefined>;
  create(report: ReportObject): Promise<void>;
  replace(report: ReportObject, resourceVersion: string): Promise<void>;
  delete(namespace: string | undefined, name: string): Promise<void>;
}

export type WriteOutcome = 'success' | 'conflict' | 'error';

export interface WriterEvents {
  /** Every attempt's outcome, for the metrics: a conflict that a retry resolves counts once as conflict, then success. */
  onWrite(op: WriteOp['op'], outcome: WriteOutcome): void;
}

export interface WriterLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  debug(obj: Record<string, unknown>, msg: string): void;
}

export interface WriterOptions {
  readonly store: ReportStore;
  readonly logger: WriterLogger;
  readonly events: WriterEvents;
  /** Attempts per write before the pass gives it up (the next pass tries again). Default 5. */
  readonly attempts?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** Checked before every write: false once this replica stops leading. */
  readonly mayWrite: () => boolean;
}

export interface SyncResult {
  readonly created: number;
  readonly updated: number;
  readonly deleted: number;
  readonly unchanged: number;
  /** Writes given up after their attempts (or not made because leadership was lost). */
  readonly failed: number;
}

function codeOf(err: unknown): number | undefined {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'number' ? c : undefined;
}

/** A short reason: the Status message of an API error when there is one. */
export function describeWriteError(err: unknown): string {
  const code = codeOf(err);
  const body = (err as { body?: unknown } | null)?.body;
  let detail = '';
  if (typeof body === 'string') {
    try {
      detail = (JSON.parse(body) as { message?: string }).message ?? body;
    } catch {
      detail = body;
    }
  } else if (body && typeof body === 'object') detail = String((body as { message?: unknown }).message ?? '');
  const text = detail || (err instanceof Error ? err.message : String(err));
  return code !== undefined ? `HTTP ${code}: ${text.split('\n')[0]}` : text.split('\n')[0]!;
}

/** Worth another attempt: a lost race, throttling, a server error, or no answer at all. */
function retryable(err: unknown): boolean {
  const code = codeOf(err);
  return code === undefined || code === 409 || code === 429 || code >= 500;
}

export class ReportWriter {
  private readonly attempts: number;
  private readonly base: number;
  private readonly max: number;

  constructor(private readonly opts: WriterOptions) {
    this.attempts = opts.attempts ?? 5;
    this.base = opts.backoffBaseMs ?? 200;
    this.max = opts.backoffMaxMs ?? 5000;
  }

  private backoff(attempt: number): number {
    const cap = Math.min(this.max, this.base * 2 ** attempt);
    return cap / 2 + Math.random() * (cap / 2);
  }

  async sync(desired: DesiredReports): Promise<SyncResult> {
    const existing = await this.opts.store.list();
    const plan = await planSyncInTurns(existing, desired);
    const result = { created: 0, updated: 0, deleted: 0, unchanged: plan.unchanged, failed: 0 };
    for (const op of plan.ops) {
      if (!this.opts.mayWrite()) {
        result.failed++;
        continue;
      }
      const done = await this.apply(op);
      if (done === 'failed') result.failed++;
      else if (done === 'unchanged') result.unchanged++;
      else result[done]++;
    }
    return result;
  }

  private where(op: WriteOp): string {
    return op.op === 'delete' ? keyOf(op.namespace, op.name) : keyOf(op.report.metadata.namespace, op.report.metadata.name);
  }

  /** One write, retried; a conflict re-reads the report and plans that one write again. */
  private async apply(first: WriteOp): Promise<'created' | 'updated' | 'deleted' | 'unchanged' | 'failed'> {
    const { store, events, logger } = this.opts;
    let op: WriteOp | undefined = first;
    for (let attempt = 0; attempt < this.attempts; attempt++) {
      if (!op) return 'unchanged';
      if (!this.opts.mayWrite()) return 'failed';
      try {
        if (op.op === 'create') await store.create(op.report);
        else if (op.op === 'update') await store.replace(op.report, op.resourceVersion);
        else await store.delete(op.namespace, op.name);
        events.onWrite(op.op, 'success');
        logger.debug({ report: this.where(op), op: op.op }, 'audit report written');
        return op.op === 'create' ? 'created' : op.op === 'update' ? 'updated' : 'deleted';
      } catch (err) {
        const code = codeOf(err);
        if (op.op === 'delete' && code === 404) {
          events.onWrite(op.op, 'success'); // already gone: what we wanted
          return 'deleted';
        }
        const conflict = code === 409;
        events.onWrite(op.op, conflict ? 'conflict' : 'error');
        const last = attempt === this.attempts - 1 || !retryable(err);
        logger.warn(
          { report: this.where(op), op: op.op, attempt: attempt + 1, of: this.attempts, err: describeWriteError(err), willRetry: !last },
          conflict ? 'audit report write conflicted; re-reading it' : 'audit report write failed',
        );
        if (last) return 'failed';
        await sleep(this.backoff(attempt));
        if (conflict || op.op === 'create') { const current: WriteOp = op; op = await this.replan(current).catch(() => current); }
      }
    }
    return 'failed';
  }

  /** After a conflict: the same write against the report as it is now (or nothing, if it already matches). */
  private async replan(op: WriteOp): Promise<WriteOp | undefined> {
    if (op.op === 'delete') return op;
    const { namespace, name } = op.report.metadata;
    const now = await this.opts.store.get(namespace, name);
    return planOne(now, op.report);
  }
}

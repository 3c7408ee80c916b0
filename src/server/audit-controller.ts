/**
 * Keeps the cluster's audit reports current while this replica leads.
 *
 * When to audit. The informers bump a revision on every change; a tick (every `tickMs`) notes
 * when it last moved. An audit starts once the cluster has been quiet for `debounceMs`, at most
 * once per `minIntervalMs`, and at the latest `maxDelayMs` after the first unaudited change (a
 * cluster that never stops churning is still audited). A burst of pod events is one audit, not
 * one per event. An org-policy reload, becoming leader, and a failed audit (after a backoff)
 * mark the state unaudited too. Nothing runs while the cluster view is not ready.
 *
 * What runs where. The main thread, which answers admission reviews, only takes the view's
 * frozen lists and posts them to the worker thread (the one step proportional to the cluster,
 * measured in bench/audit-controller.ts), then makes the report writes (I/O). The audit itself
 * (connectivity model, rules, reports) runs in the worker.
 */
import { viewData } from '../cluster/data-view.js';
import type { ClusterView } from '../cluster/view.js';
import { describeError } from '../errors.js';
import type { ReportApiName } from '../reports/api.js';
import type { AuditJob, AuditOutcome } from '../reports/compute.js';
import type { OwnerReference } from '../reports/types.js';
import type { ReportWriter, SyncResult } from '../reports/writer.js';
import type { AuditResult } from './audit-thread.js';
import type { Metrics } from './metrics.js';

export interface AuditControllerLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
  debug(obj: Record<string, unknown>, msg: string): void;
}

export interface AuditTiming {
  readonly tickMs: number;
  readonly debounceMs: number;
  readonly minIntervalMs: number;
  readonly maxDelayMs: number;
  /** First retry after a failed audit; doubles up to maxDelayMs. */
  readonly retryBaseMs: number;
}

export const DEFAULT_AUDIT_TIMING: AuditTiming = { tickMs: 500, debounceMs: 5_000, minIntervalMs: 30_000, maxDelayMs: 120_000, retryBaseMs: 5_000 };

export interface AuditControllerOptions {
  readonly view: ClusterView;
  /** Goes up with every change of the view (InformerClusterView.revision). */
  readonly revision: () => number;
  /** The org policy in force, as text (undefined: built-in) and where it came from. */
  readonly policy: () => { readonly text?: string; readonly source: string };
  /** Runs one audit off the main thread (AuditThread.run). */
  readonly compute: (job: AuditJob) => Promise<AuditResult>;
  readonly writer: ReportWriter;
  readonly api: ReportApiName;
  /** The owner of the reports, looked up when leading starts; undefined: reports without owner. */
  readonly owner: () => Promise<OwnerReference | undefined>;
  readonly maxResults: number;
  readonly metrics: Metrics;
  readonly logger: AuditControllerLogger;
  readonly timing?: Partial<AuditTiming>;
  readonly now?: () => number;
}

export interface AuditState {
  readonly leading: boolean;
  readonly lastSuccessAt?: number;
  readonly lastError?: string;
  readonly runs: number;
  readonly lastSync?: SyncResult;
}

export class AuditController {
  private readonly timing: AuditTiming;
  private readonly now: () => number;
  private leading = false;
  private seenRevision = -1;
  private lastChangeAt = 0;
  /** When the oldest unaudited change happened; undefined when the reports are current. */
  private dirtySince: number | undefined;
  private lastRunEndedAt = -Infinity;
  private notBefore = 0;
  private failures = 0;
  private running: Promise<void> | undefined;
  private timer?: NodeJS.Timeout;
  private owner: OwnerReference | undefined;
  private ownerKnown = false;
  private state: { lastSuccessAt?: number; lastError?: string; runs: number; lastSync?: SyncResult } = { runs: 0 };

  constructor(private readonly opts: AuditControllerOptions) {
    this.timing = { ...DEFAULT_AUDIT_TIMING, ...opts.timing };
    this.now = opts.now ?? Date.now;
    // What is there now is audited when leading starts (setLeading marks it); only later
    // changes count as changes.
    this.seenRevision = opts.revision();
    opts.metrics.enableAudit();
    opts.metrics.auditLeader.set(0);
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), this.timing.tickMs);
    this.timer.unref();
  }

  /** Called by the elector: only the leader audits and writes. */
  setLeading(leading: boolean): void {
    this.leading = leading;
    this.opts.metrics.auditLeader.set(leading ? 1 : 0);
    if (leading) {
      // Whatever the previous leader left, check it all now.
      this.markDirty();
      this.ownerKnown = false;
    }
  }

  get isLeading(): boolean {
    return this.leading;
  }

  /** The org policy was reloaded: its findings may differ. */
  policyChanged(): void {
    this.markDirty();
  }

  snapshot(): AuditState {
    return { leading: this.leading, ...this.state };
  }

  private markDirty(): void {
    const now = this.now();
    this.dirtySince ??= now;
    this.lastChangeAt = now;
  }

  /** One look at the clock and the revision; starts an audit when one is due. Exposed for tests. */
  tick(): Promise<void> | undefined {
    const now = this.now();
    const rev = this.opts.revision();
    if (rev !== this.seenRevision) {
      this.seenRevision = rev;
      this.markDirty();
    }
    if (!this.leading || this.running || this.dirtySince === undefined || !this.opts.view.ready) return undefined;
    if (now < this.notBefore) return undefined;
    const quiet = now - this.lastChangeAt >= this.timing.debounceMs;
    const overdue = now - this.dirtySince >= this.timing.maxDelayMs;
    const spaced = now - this.lastRunEndedAt >= this.timing.minIntervalMs;
    if (!(spaced && (quiet || overdue))) return undefined;
    this.running = this.runOnce().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async resolveOwner(): Promise<void> {
    if (this.ownerKnown) return;
    this.owner = await this.opts.owner();
    this.ownerKnown = true;
  }

  private async runOnce(): Promise<void> {
    const { metrics, logger } = this.opts;
    const startedAt = this.now();
    // Changes from now on are after this audit's picture: they leave the state dirty again.
    const dirtyBefore = this.dirtySince;
    this.dirtySince = undefined;
    try {
      await this.resolveOwner();
      const policy = this.opts.policy();
      const job: AuditJob = {
        data: viewData(this.opts.view),
        ...(policy.text !== undefined ? { policyText: policy.text } : {}),
        policySource: policy.source,
        api: this.opts.api,
        ...(this.owner ? { owner: this.owner } : {}),
        maxResults: this.opts.maxResults,
        now: startedAt,
      };
      const { outcome, elapsedMs } = await this.opts.compute(job);
      metrics.auditDuration.observe({ stage: 'compute' }, elapsedMs / 1000);
      if (!this.leading) throw new Error('stopped leading during the audit; reports left to the new leader');
      const writeStart = this.now();
      const sync = await this.opts.writer.sync(outcome.reports);
      metrics.auditDuration.observe({ stage: 'write' }, (this.now() - writeStart) / 1000);
      this.state.lastSync = sync;
      this.recordFindings(outcome);
      if (sync.failed > 0) throw new Error(`${sync.failed} report writes failed (see the warnings before)`);
      this.failures = 0;
      this.state.lastSuccessAt = this.now();
      this.state.lastError = undefined;
      metrics.auditLastSuccess.set(this.state.lastSuccessAt / 1000);
      metrics.auditRuns.inc({ result: 'success' });
      logger.info(
        { namespaces: outcome.reports.namespaced.length, created: sync.created, updated: sync.updated, deleted: sync.deleted, unchanged: sync.unchanged, computeMs: Math.round(elapsedMs), notJudged: outcome.notJudged },
        'audit reports current',
      );
    } catch (err) {
      this.failures++;
      const message = describeError(err);
      this.state.lastError = message;
      metrics.auditRuns.inc({ result: 'failure' });
      const retryInMs = Math.min(this.timing.maxDelayMs, this.timing.retryBaseMs * 2 ** (this.failures - 1));
      this.notBefore = this.now() + retryInMs;
      this.dirtySince ??= dirtyBefore ?? this.now();
      logger.warn({ err: message, failures: this.failures, retryInMs }, 'audit failed; retrying');
    } finally {
      this.state.runs++;
      this.lastRunEndedAt = this.now();
    }
  }

  private recordFindings(outcome: AuditOutcome): void {
    const g = this.opts.metrics.auditFindings;
    // Reset first: a rule whose findings went away must not keep its old count.
    g.reset();
    for (const f of outcome.findings) g.set({ rule: f.rule, result: f.result, severity: f.severity }, f.count);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.leading = false;
    await this.running;
  }
}

/**
 * The webhook's impact provider: one LiveImpact (impact/live.ts) per cluster view, brought up to
 * date on a timer as well as before each review, so the first build of a large cluster and the
 * occasional rebuild (ClusterNetworkPolicies changed, a relist) happen off the review path, and a
 * review usually finds the model current and only derives it by the last few changes.
 */
import { performance } from 'node:perf_hooks';
import type { FastifyBaseLogger } from 'fastify';
import type { ClusterView } from '../cluster/view.js';
import { LiveImpact, type SyncResult } from '../impact/live.js';
import type { ImpactAssessment, ImpactProvider, ImpactSkip, PolicyChange } from '../impact/types.js';
import type { Metrics } from './metrics.js';

/** How often the model is brought up to date between reviews. */
export const IMPACT_SYNC_INTERVAL_MS = 1000;

export class ImpactSource implements ImpactProvider {
  private readonly live: LiveImpact;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly view: ClusterView,
    private readonly log: Pick<FastifyBaseLogger, 'info' | 'debug' | 'warn'>,
    private readonly metrics: Metrics,
    intervalMs = IMPACT_SYNC_INTERVAL_MS,
  ) {
    // Every update is counted and logged, whether the timer or a review made it: a review that
    // finds the view changed since the last tick brings the model up to date itself.
    this.live = new LiveImpact(view, { now: () => performance.now(), firstBuildInReview: false, onUpdate: (r) => this.record(r) });
    this.timer = setInterval(() => this.sync(), intervalMs);
    this.timer.unref();
  }

  /** Brings the model up to date when the view is ready. */
  sync(): void {
    if (!this.view.ready) return;
    try {
      this.live.sync();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'connectivity model not updated');
    }
  }

  private record(r: SyncResult): void {
    this.metrics.modelUpdates.inc({ kind: r.kind });
    const model = this.live.model;
    const fields = { ms: Math.round(r.ms * 10) / 10, pods: model?.pods.length, classes: model?.classes.length, ...(r.changed !== undefined ? { changed: r.changed } : {}) };
    if (r.kind === 'built') this.log.info(fields, 'connectivity model built');
    else this.log.debug(fields, 'connectivity model updated');
  }

  assess(change: PolicyChange, budgetMs: number): ImpactAssessment | ImpactSkip {
    const started = performance.now();
    const out = this.live.assess(change, budgetMs);
    if ('analysis' in out) this.metrics.impactDuration.observe((performance.now() - started) / 1000);
    return out;
  }

  close(): void {
    clearInterval(this.timer);
  }
}

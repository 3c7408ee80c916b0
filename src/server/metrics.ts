/**
 * Prometheus metrics (prom-client), in a registry of their own per server so that several servers
 * in one process (tests) never share counters.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ClusterStatus } from '../cluster/view.js';
import type { Review } from '../review.js';

export type Endpoint = 'validate' | 'mutate';

export class Metrics {
  readonly registry = new Registry();

  readonly reviews = new Counter({
    name: 'netpol_guard_reviews_total',
    help: 'Admission reviews answered, by endpoint, operation and verdict.',
    labelNames: ['endpoint', 'operation', 'verdict'] as const,
    registers: [this.registry],
  });

  readonly findings = new Counter({
    name: 'netpol_guard_findings_total',
    help: 'Org-policy findings, by rule and effect (deny, warn, audit, exempt).',
    labelNames: ['rule', 'effect'] as const,
    registers: [this.registry],
  });

  readonly skippedRules = new Counter({
    name: 'netpol_guard_rules_skipped_total',
    help: 'Rules that could not run for a review (no cluster state, deadline...), by rule.',
    labelNames: ['rule'] as const,
    registers: [this.registry],
  });

  readonly duration = new Histogram({
    name: 'netpol_guard_review_duration_seconds',
    help: 'Time to decide one admission review, from parsed body to answer.',
    labelNames: ['endpoint'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 2.5],
    registers: [this.registry],
  });

  readonly badRequests = new Counter({
    name: 'netpol_guard_bad_requests_total',
    help: 'Requests answered with HTTP 4xx because no AdmissionReview could be read, by reason.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly otherKinds = new Counter({
    name: 'netpol_guard_other_kinds_total',
    help: 'Admission requests for objects other than NetworkPolicy, allowed untouched.',
    registers: [this.registry],
  });

  readonly certificateExpiry = new Gauge({
    name: 'netpol_guard_certificate_expiry_timestamp_seconds',
    help: 'When the serving certificate in use expires (Unix time).',
    registers: [this.registry],
  });

  readonly certificateReloads = new Counter({
    name: 'netpol_guard_certificate_reloads_total',
    help: 'Serving certificate reloads, by result (success, failure).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly policyReloads = new Counter({
    name: 'netpol_guard_policy_reloads_total',
    help: 'Org-policy file reloads, by result (success, failure).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly policyValid = new Gauge({
    name: 'netpol_guard_policy_last_load_success',
    help: '1 when the last attempt to load the org-policy file succeeded, 0 when the last good policy is still in use.',
    registers: [this.registry],
  });

  readonly buildInfo = new Gauge({
    name: 'netpol_guard_build_info',
    help: 'Always 1; labels carry the version and the Node.js runtime.',
    labelNames: ['version', 'node'] as const,
    registers: [this.registry],
  });

  /** Read at scrape time from the cluster view; absent when cluster-aware rules are off. */
  private clusterStatus: (() => ClusterStatus | undefined) | undefined;

  readonly clusterSynced = new Gauge({
    name: 'netpol_guard_cluster_synced',
    help: '1 when every cluster cache has synced and is fresh, 0 when not; absent without cluster-aware rules.',
    registers: [this.registry],
    collect: () => this.collectCluster(),
  });

  readonly clusterAge = new Gauge({
    name: 'netpol_guard_cluster_cache_age_seconds',
    help: 'Seconds since the stalest cluster cache was last confirmed current (list, watch or event).',
    registers: [this.registry],
  });

  readonly clusterObjects = new Gauge({
    name: 'netpol_guard_cluster_cache_objects',
    help: 'Objects held in the cluster caches, by resource.',
    labelNames: ['resource'] as const,
    registers: [this.registry],
  });

  watchCluster(status: () => ClusterStatus | undefined): void {
    this.clusterStatus = status;
  }

  private collectCluster(): void {
    const s = this.clusterStatus?.();
    if (!s) {
      this.clusterSynced.reset();
      this.clusterAge.reset();
      this.clusterObjects.reset();
      return;
    }
    this.clusterSynced.set(s.synced ? 1 : 0);
    this.clusterAge.set(s.ageSeconds);
    for (const [resource, n] of Object.entries(s.counts)) this.clusterObjects.set({ resource }, n);
  }

  constructor(version: string) {
    collectDefaultMetrics({ register: this.registry, prefix: 'netpol_guard_' });
    this.buildInfo.set({ version, node: process.version }, 1);
  }

  recordReview(endpoint: Endpoint, operation: string, review: Review, seconds: number): void {
    this.reviews.inc({ endpoint, operation, verdict: review.verdict });
    this.duration.observe({ endpoint }, seconds);
    if (endpoint !== 'validate') return;
    for (const f of review.evaluation.findings) this.findings.inc({ rule: f.rule, effect: f.effect });
    for (const s of review.evaluation.skipped) this.skippedRules.inc({ rule: s.rule });
  }
}

/**
 * Prometheus metrics (prom-client), in a registry of their own per server so that several servers
 * in one process (tests) never share counters.
 */
import { Counter, Gauge, Histogram, type Metric, Registry, collectDefaultMetrics } from 'prom-client';
import type { ClusterView } from '../cluster/view.js';
import type { Review } from '../review.js';
import { Tally, collectTally } from './tally.js';

export type Endpoint = 'validate' | 'mutate';

export class Metrics {
  readonly registry = new Registry();

  // Counted per review in tallies of plain numbers, copied into the counters when scraped.
  private readonly reviewTally = new Tally(['endpoint', 'operation', 'verdict']);
  private readonly findingTally = new Tally(['rule', 'effect']);
  private readonly skippedTally = new Tally(['rule', 'reason']);

  readonly reviews: Counter<'endpoint' | 'operation' | 'verdict'> = new Counter({
    name: 'netpol_guard_reviews_total',
    help: 'Admission reviews answered, by endpoint, operation and verdict.',
    labelNames: ['endpoint', 'operation', 'verdict'] as const,
    registers: [this.registry],
    collect: (): void => collectTally(this.reviews, this.reviewTally),
  });

  readonly findings: Counter<'rule' | 'effect'> = new Counter({
    name: 'netpol_guard_findings_total',
    help: 'Org-policy findings, by rule and effect (deny, warn, audit, exempt).',
    labelNames: ['rule', 'effect'] as const,
    registers: [this.registry],
    collect: (): void => collectTally(this.findings, this.findingTally),
  });

  readonly skippedRules: Counter<'rule' | 'reason'> = new Counter({
    name: 'netpol_guard_rules_skipped_total',
    help: 'Rules that could not run for a review, by rule and reason (deadline, cluster-not-synced, rule-failed, needs-submitted-object, impact-not-run). Rules off by configuration (--no-cluster) are not counted.',
    labelNames: ['rule', 'reason'] as const,
    registers: [this.registry],
    collect: (): void => collectTally(this.skippedRules, this.skippedTally),
  });

  readonly impacts = new Counter({
    name: 'netpol_guard_impact_total',
    help: 'The impact of NetworkPolicy changes on traffic, by outcome: computed, or skipped (cluster-not-synced, budget, failed).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly impactDuration = new Histogram({
    name: 'netpol_guard_impact_duration_seconds',
    help: 'Time to work out the impact of one NetworkPolicy change (computed ones), within the review.',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
    registers: [this.registry],
  });

  readonly modelUpdates = new Counter({
    name: 'netpol_guard_connectivity_model_updates_total',
    help: "Updates of the webhook's connectivity model from its cluster view: built (from scratch: start, ClusterNetworkPolicy change, relist) or derived (by the pods, namespaces and NetworkPolicies that changed).",
    labelNames: ['kind'] as const,
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

  /**
   * Read at scrape time from the cluster view. Registered by watchCluster only, so that they are
   * absent, not a misleading 0, when cluster-aware rules are off.
   */
  private clusterView: ClusterView | undefined;

  readonly clusterSynced = new Gauge({
    name: 'netpol_guard_cluster_synced',
    help: '1 when every cluster cache has synced and is fresh, 0 when not; absent without cluster-aware rules.',
    registers: [],
    collect: () => this.collectCluster(),
  });

  readonly clusterAge = new Gauge({
    name: 'netpol_guard_cluster_cache_age_seconds',
    help: 'Seconds since the stalest cluster cache was last confirmed current (list, watch or event).',
    registers: [],
  });

  readonly clusterObjects = new Gauge({
    name: 'netpol_guard_cluster_cache_objects',
    help: 'Objects held in the cluster caches, by resource.',
    labelNames: ['resource'] as const,
    registers: [],
  });

  /** The audit controller's metrics; registered by enableAudit only, so that without --audit-reports they are absent. */
  readonly auditFindings = new Gauge({
    name: 'netpol_guard_audit_findings',
    help: 'Findings of the last audit written to the reports, by rule, result (fail, warn, skip) and severity (high, medium; none for skip).',
    labelNames: ['rule', 'result', 'severity'] as const,
    registers: [],
  });

  readonly auditLastSuccess = new Gauge({
    name: 'netpol_guard_audit_last_success_timestamp_seconds',
    help: 'When the last audit finished with every report written (Unix time); 0 until the first.',
    registers: [],
  });

  readonly auditDuration = new Histogram({
    name: 'netpol_guard_audit_duration_seconds',
    help: 'Time of one audit, by stage: compute (in the worker thread) and write (the report writes).',
    labelNames: ['stage'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    registers: [],
  });

  readonly auditRuns = new Counter({
    name: 'netpol_guard_audit_runs_total',
    help: 'Audits run by this replica, by result (success, failure).',
    labelNames: ['result'] as const,
    registers: [],
  });

  readonly reportWrites = new Counter({
    name: 'netpol_guard_report_writes_total',
    help: 'Report write attempts, by operation (create, update, delete) and result (success, conflict, error).',
    labelNames: ['operation', 'result'] as const,
    registers: [],
  });

  readonly auditLeader = new Gauge({
    name: 'netpol_guard_audit_leader',
    help: '1 while this replica holds the audit Lease and writes the reports, 0 otherwise.',
    registers: [],
  });

  private auditEnabled = false;

  enableAudit(): void {
    if (this.auditEnabled) return;
    this.auditEnabled = true;
    const metrics: Metric[] = [this.auditFindings, this.auditLastSuccess, this.auditDuration, this.auditRuns, this.reportWrites, this.auditLeader];
    for (const m of metrics) this.registry.registerMetric(m);
  }

  watchCluster(view: ClusterView): void {
    if (!this.clusterView) for (const gauge of [this.clusterSynced, this.clusterAge, this.clusterObjects]) this.registry.registerMetric(gauge);
    this.clusterView = view;
  }

  private collectCluster(): void {
    const view = this.clusterView;
    if (!view) return;
    const s = view.status();
    // `ready`, not `status().synced`: a view synced once but stale since is not judged by.
    this.clusterSynced.set(view.ready ? 1 : 0);
    this.clusterAge.set(s.ageSeconds);
    for (const [resource, n] of Object.entries(s.counts)) this.clusterObjects.set({ resource }, n);
  }

  constructor(version: string) {
    collectDefaultMetrics({ register: this.registry, prefix: 'netpol_guard_' });
    this.buildInfo.set({ version, node: process.version }, 1);
  }

  // prom-client hashes the label object on every observe(), also through a child: the child of
  // each endpoint is looked up once and kept.
  private readonly durationChildren = new Map<Endpoint, { observe(v: number): void }>();

  /** One answered review: by endpoint, operation and verdict; its findings and skipped rules. */
  recordReview(endpoint: Endpoint, operation: string, verdict: string, seconds: number, review?: Review): void {
    this.reviewTally.add(endpoint, operation, verdict);
    let observer = this.durationChildren.get(endpoint);
    if (!observer) this.durationChildren.set(endpoint, (observer = this.duration.labels(endpoint)));
    observer.observe(seconds);
    if (!review) return;
    for (const f of review.evaluation.findings) this.findingTally.add(f.rule, f.effect);
    // Not the rules off by configuration (--no-cluster): said once at start-up, not per review.
    for (const s of review.notRun) this.skippedTally.add(s.rule, s.reason);
    if (review.impact) this.impacts.inc({ outcome: 'skipped' in review.impact ? review.impact.skipped : 'computed' });
  }
}

/**
 * An audit report (audit/run.ts) as PolicyReports: one per namespace that has NetworkPolicies
 * or findings, and one cluster report. Pure: the audit, the cluster view and the clock come in,
 * report objects go out; writing them is the writer's job.
 *
 * How findings map (documented in docs/reports.md):
 * - a finding of a rule whose action is `deny` is a `fail` of severity `high`; `warn` is a `warn`
 *   of severity `medium`; an exempt finding is a `skip` saying why;
 * - each NetworkPolicy without findings gets one `pass` (policy `netpol-guard`, rule `org-policy`);
 * - NetworkPolicy and Workload findings go to their namespace's report; Namespace and
 *   ClusterNetworkPolicy findings, and what the audit could not judge (`error`), to the cluster
 *   report.
 */
import type { AuditFinding, AuditReport } from '../audit/types.js';
import { workloadName } from '../audit/workloads.js';
import { CNP_GROUP } from '../k8s/cnp-types.js';
import type { ClusterView } from '../cluster/view.js';
import { MANAGED_BY_LABEL, REPORT_NAME, REPORT_SOURCE, type ReportApi } from './api.js';
import type { DesiredReports, ObjectReference, OwnerReference, ReportObject, ReportResult, ReportSummary, ResultStatus } from './types.js';

export interface BuildOptions {
  readonly api: ReportApi;
  /** Set on every report so that the reports go when the owner does (see docs/reports.md). */
  readonly owner?: OwnerReference;
  /** Ids of the audit rules (the rest are the admission rules `check` runs); for the category. */
  readonly auditRuleIds: ReadonlySet<string>;
  /** How many rules the org policy runs on each NetworkPolicy, for the pass message. */
  readonly admissionRuleCount: number;
  /** Results kept per report, fail first; the rest are counted in an annotation. */
  readonly maxResults: number;
  readonly now: Date;
}

/** Annotation on a report whose results were cut to --report-max-results: how many were left out. */
export const OMITTED_ANNOTATION = 'netpol-guard.io/results-omitted';
/** How many pods a Workload finding names (a workload of 500 replicas would otherwise fill the report). */
const MAX_POD_REFERENCES = 10;

const ORDER: Readonly<Record<ResultStatus, number>> = { fail: 0, warn: 1, error: 2, skip: 3, pass: 4 };

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function statusOf(f: AuditFinding): ResultStatus {
  if (f.effect === 'exempt') return 'skip';
  return f.action === 'deny' ? 'fail' : 'warn';
}

function npRef(namespace: string, name: string): ObjectReference {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace, name };
}

/** Pods by `namespace/workload`, in name order, to name the pods a Workload finding is about. */
function podsByWorkload(view: ClusterView): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const pod of view.pods()) {
    const key = `${pod.namespace}/${workloadName(pod)}`;
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push(pod.name);
  }
  for (const list of out.values()) list.sort(cmp);
  return out;
}

function resourcesOf(f: AuditFinding, pods: Map<string, string[]>): ObjectReference[] {
  const s = f.subject;
  switch (s.kind) {
    case 'NetworkPolicy':
      return [npRef(s.namespace ?? f.namespace ?? 'default', s.name)];
    case 'Namespace':
      return [{ apiVersion: 'v1', kind: 'Namespace', name: s.name }];
    case 'ClusterNetworkPolicy':
      return [{ apiVersion: `${CNP_GROUP}/v1alpha2`, kind: 'ClusterNetworkPolicy', name: s.name }];
    case 'Workload': {
      const names = pods.get(`${s.namespace}/${s.name}`) ?? [];
      return names.slice(0, MAX_POD_REFERENCES).map((name) => ({ apiVersion: 'v1', kind: 'Pod', namespace: s.namespace ?? '', name }));
    }
  }
}

function resultOf(f: AuditFinding, opts: BuildOptions, pods: Map<string, string[]>, timestamp: ReportResult['timestamp']): ReportResult {
  const status = statusOf(f);
  const properties: Record<string, string> = { field: f.field, effect: f.effect, fix: f.fix, title: f.title };
  if (f.subject.kind === 'Workload') {
    properties.workload = f.subject.name;
    properties.pods = String(pods.get(`${f.subject.namespace}/${f.subject.name}`)?.length ?? 0);
  }
  if (f.related.length > 0) properties.related = f.related.join(', ');
  if (f.exemption) properties.exemption = f.exemption;
  const resources = resourcesOf(f, pods);
  return {
    source: REPORT_SOURCE,
    policy: f.rule,
    rule: f.rule,
    category: opts.auditRuleIds.has(f.rule) ? 'NetworkPolicy audit' : 'NetworkPolicy org policy',
    ...(status === 'skip' ? {} : { severity: f.action === 'deny' ? ('high' as const) : ('medium' as const) }),
    timestamp,
    result: status,
    scored: true,
    ...(resources.length > 0 ? { resources } : {}),
    message: f.message,
    properties,
  };
}

function summarize(results: readonly ReportResult[]): ReportSummary {
  const s = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  for (const r of results) s[r.result]++;
  return s;
}

/** Results in a stable order: by status (fail first), then resource, rule and message. */
function sortResults(results: ReportResult[]): ReportResult[] {
  const key = (r: ReportResult) => (r.resources?.[0] ? `${r.resources[0].kind}/${r.resources[0].namespace ?? ''}/${r.resources[0].name}` : '');
  return results.sort((a, b) => ORDER[a.result] - ORDER[b.result] || cmp(key(a), key(b)) || cmp(a.rule, b.rule) || cmp(a.properties?.field ?? '', b.properties?.field ?? '') || cmp(a.message, b.message));
}

function report(kind: string, namespace: string | undefined, all: ReportResult[], opts: BuildOptions): ReportObject {
  const sorted = sortResults(all);
  const kept = sorted.slice(0, opts.maxResults);
  const omitted = sorted.length - kept.length;
  return {
    apiVersion: `${opts.api.group}/${opts.api.version}`,
    kind,
    metadata: {
      name: REPORT_NAME,
      ...(namespace !== undefined ? { namespace } : {}),
      labels: { [MANAGED_BY_LABEL]: REPORT_SOURCE },
      ...(omitted > 0 ? { annotations: { [OMITTED_ANNOTATION]: String(omitted) } } : {}),
      ...(opts.owner ? { ownerReferences: [opts.owner] } : {}),
    },
    ...(opts.api.topLevelSource ? { source: REPORT_SOURCE } : {}),
    ...(namespace !== undefined ? { scope: { apiVersion: 'v1', kind: 'Namespace', name: namespace } } : {}),
    // Counts of every result, the omitted ones included: the summary is what dashboards total.
    summary: summarize(sorted),
    results: kept,
  };
}

const CLUSTER_KINDS: ReadonlySet<string> = new Set(['Namespace', 'ClusterNetworkPolicy']);

export function buildReports(audit: AuditReport, view: ClusterView, opts: BuildOptions): DesiredReports {
  const timestamp = { seconds: Math.floor(opts.now.getTime() / 1000), nanos: 0 };
  const pods = podsByWorkload(view);
  const byNamespace = new Map<string, ReportResult[]>();
  const clusterResults: ReportResult[] = [];
  const add = (ns: string, r: ReportResult) => {
    let list = byNamespace.get(ns);
    if (!list) byNamespace.set(ns, (list = []));
    list.push(r);
  };
  const flagged = new Set<string>();
  const scope = new Set(audit.scope);
  const inScope = (ns: string) => scope.size === 0 || scope.has(ns);

  for (const f of audit.findings) {
    const r = resultOf(f, opts, pods, timestamp);
    if (CLUSTER_KINDS.has(f.subject.kind) || f.namespace === undefined) clusterResults.push(r);
    else add(f.namespace, r);
    if (f.subject.kind === 'NetworkPolicy') flagged.add(`${f.namespace}/${f.subject.name}`);
  }
  for (const np of view.networkPolicies()) {
    const namespace = np.metadata?.namespace ?? 'default';
    const name = np.metadata?.name ?? '';
    if (!inScope(namespace) || flagged.has(`${namespace}/${name}`)) continue;
    add(namespace, {
      source: REPORT_SOURCE,
      policy: REPORT_SOURCE,
      rule: 'org-policy',
      category: 'NetworkPolicy org policy',
      timestamp,
      result: 'pass',
      scored: true,
      resources: [npRef(namespace, name)],
      message: `no findings from the ${opts.admissionRuleCount} rules the org policy runs on a NetworkPolicy`,
    });
  }
  for (const n of audit.notJudged) {
    clusterResults.push({
      source: REPORT_SOURCE,
      policy: REPORT_SOURCE,
      rule: 'not-judged',
      category: 'NetworkPolicy audit',
      timestamp,
      result: 'error',
      scored: false,
      message: `${n.what}: ${n.reason}`,
    });
  }
  const namespaced = [...byNamespace.entries()].sort(([a], [b]) => cmp(a, b)).map(([ns, results]) => report(opts.api.namespaced.kind, ns, results, opts));
  return { namespaced, cluster: report(opts.api.cluster.kind, undefined, clusterResults, opts) };
}

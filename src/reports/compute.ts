/**
 * One audit, from a picture of the cluster to the reports it should hold: what the audit worker
 * thread runs. Pure; the org policy travels as its text (a compiled policy holds functions,
 * which cannot cross to another thread) and is compiled again here.
 */
import { runAudit } from '../audit/run.js';
import { type ClusterViewData, viewFromData } from '../cluster/data-view.js';
import { builtinPolicy, parsePolicy } from '../policy/parse.js';
import { REPORT_APIS, type ReportApiName } from './api.js';
import { buildReports } from './build.js';
import type { DesiredReports, OwnerReference, ResultStatus } from './types.js';

export interface AuditJob {
  readonly data: ClusterViewData;
  /** The org-policy file's text, or undefined for the built-in policy. */
  readonly policyText?: string;
  readonly policySource: string;
  readonly api: ReportApiName;
  readonly owner?: OwnerReference;
  readonly maxResults: number;
  /** Milliseconds since the epoch: the timestamp of new results. */
  readonly now: number;
}

/** Findings of one rule with one result and severity, for the metrics. */
export interface FindingCount {
  readonly rule: string;
  readonly result: ResultStatus;
  readonly severity: string;
  readonly count: number;
}

export interface AuditOutcome {
  readonly reports: DesiredReports;
  readonly findings: readonly FindingCount[];
  /** Rules that ran, so that a rule whose findings went away is reported as 0, not left at its old count. */
  readonly rules: readonly string[];
  readonly notJudged: number;
}

export function computeReports(job: AuditJob): AuditOutcome {
  const view = viewFromData(job.data);
  const policy = job.policyText === undefined ? builtinPolicy() : parsePolicy(job.policyText, job.policySource);
  // The matrix is for people reading the HTML report; the reports do not carry it.
  const audit = runAudit({ view, policy, matrixLimit: 0 });
  const reports = buildReports(audit, view, {
    api: REPORT_APIS[job.api],
    ...(job.owner ? { owner: job.owner } : {}),
    auditRuleIds: new Set(policy.audit.map((r) => r.rule.id)),
    admissionRuleCount: policy.rules.filter((r) => r.action !== 'off').length,
    maxResults: job.maxResults,
    now: new Date(job.now),
  });
  const counts = new Map<string, FindingCount>();
  for (const report of [...reports.namespaced, reports.cluster]) {
    for (const r of report.results) {
      if (r.result === 'pass' || r.result === 'error') continue;
      const severity = r.severity ?? 'none';
      const key = `${r.rule}\0${r.result}\0${severity}`;
      const c = counts.get(key);
      counts.set(key, { rule: r.rule, result: r.result, severity, count: (c?.count ?? 0) + 1 });
    }
  }
  return { reports, findings: [...counts.values()], rules: Object.keys(audit.summary.findings.byRule), notJudged: audit.notJudged.length };
}

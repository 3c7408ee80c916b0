/**
 * The two report APIs netpol-guard writes: the policy working group's PolicyReport CRDs
 * (wgpolicyk8s.io/v1alpha2, read by Policy Reporter and most dashboards) and their successor,
 * openreports.io/v1alpha1 Report / ClusterReport. The results have the same shape in both; the
 * openreports kinds also carry the source at the top level.
 */

export type ReportApiName = 'wgpolicyk8s.io/v1alpha2' | 'openreports.io/v1alpha1';

export const REPORT_API_NAMES: readonly ReportApiName[] = ['wgpolicyk8s.io/v1alpha2', 'openreports.io/v1alpha1'];

export interface ReportKind {
  readonly kind: string;
  /** The resource (plural), for the REST path and RBAC. */
  readonly plural: string;
}

export interface ReportApi {
  readonly name: ReportApiName;
  readonly group: string;
  readonly version: string;
  readonly namespaced: ReportKind;
  readonly cluster: ReportKind;
  /** Whether the report itself has a `source` field (openreports) besides each result's. */
  readonly topLevelSource: boolean;
}

export const REPORT_APIS: Readonly<Record<ReportApiName, ReportApi>> = Object.freeze({
  'wgpolicyk8s.io/v1alpha2': {
    name: 'wgpolicyk8s.io/v1alpha2',
    group: 'wgpolicyk8s.io',
    version: 'v1alpha2',
    namespaced: { kind: 'PolicyReport', plural: 'policyreports' },
    cluster: { kind: 'ClusterPolicyReport', plural: 'clusterpolicyreports' },
    topLevelSource: false,
  },
  'openreports.io/v1alpha1': {
    name: 'openreports.io/v1alpha1',
    group: 'openreports.io',
    version: 'v1alpha1',
    namespaced: { kind: 'Report', plural: 'reports' },
    cluster: { kind: 'ClusterReport', plural: 'clusterreports' },
    topLevelSource: true,
  },
});

/** `source` of every result, and the value of the managed-by label on every report we write. */
export const REPORT_SOURCE = 'netpol-guard';

/** The label that marks our reports: the writer lists by it and never touches a report without it. */
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';

/** Name of each namespace's report and of the cluster report. */
export const REPORT_NAME = 'netpol-guard';

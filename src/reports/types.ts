/**
 * The report objects as netpol-guard writes them: the common shape of wgpolicyk8s.io/v1alpha2
 * PolicyReport / ClusterPolicyReport and openreports.io/v1alpha1 Report / ClusterReport.
 * Field names and enums are those of the upstream CRDs (charts/netpol-guard/crds-src/).
 */

export type ResultStatus = 'pass' | 'fail' | 'warn' | 'error' | 'skip';
/** The upstream enum is critical, high, medium, low, info; only high and medium are written (see docs/reports.md). */
export type Severity = 'high' | 'medium';

export interface ObjectReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

export interface ReportResult {
  readonly source: string;
  readonly policy: string;
  readonly rule: string;
  readonly category: string;
  readonly severity?: Severity;
  /** When the result was first seen (kept across recomputations while the result stays the same). */
  readonly timestamp: { readonly seconds: number; readonly nanos: number };
  readonly result: ResultStatus;
  readonly scored: boolean;
  readonly resources?: readonly ObjectReference[];
  readonly message: string;
  readonly properties?: Readonly<Record<string, string>>;
}

export interface ReportSummary {
  readonly pass: number;
  readonly fail: number;
  readonly warn: number;
  readonly error: number;
  readonly skip: number;
}

export interface OwnerReference {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
}

export interface ReportMetadata {
  readonly name: string;
  readonly namespace?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly ownerReferences?: readonly OwnerReference[];
  readonly resourceVersion?: string;
}

export interface ReportObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ReportMetadata;
  /** openreports.io only. */
  readonly source?: string;
  readonly scope?: ObjectReference;
  readonly summary: ReportSummary;
  readonly results: readonly ReportResult[];
}

/** What one audit should leave in the cluster: a report per namespace with results, and the cluster report. */
export interface DesiredReports {
  readonly namespaced: readonly ReportObject[];
  readonly cluster: ReportObject;
}

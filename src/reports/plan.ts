/**
 * What to write so that the cluster holds the desired reports: compare-before-update. A report
 * whose content (labels, owner, scope, summary, results but their timestamps) is unchanged is
 * not written at all, so an audit of an unchanged cluster costs the API server one list. A
 * result that stays the same keeps the timestamp it was first seen with. Pure.
 */
import { MANAGED_BY_LABEL, REPORT_SOURCE } from './api.js';
import { OMITTED_ANNOTATION } from './build.js';
import type { DesiredReports, ReportObject, ReportResult } from './types.js';

/** A report as read back from the API server: whatever it holds, unvalidated. */
export interface ExistingReport {
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly resourceVersion?: string; readonly labels?: Record<string, string> };
  readonly [field: string]: unknown;
}

export type WriteOp =
  | { readonly op: 'create'; readonly report: ReportObject }
  | { readonly op: 'update'; readonly report: ReportObject; readonly resourceVersion: string }
  | { readonly op: 'delete'; readonly namespace?: string; readonly name: string; readonly resourceVersion?: string };

export interface SyncPlan {
  readonly ops: readonly WriteOp[];
  /** Reports that already match. */
  readonly unchanged: number;
}

export function keyOf(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

function stripTimestamp(r: unknown): unknown {
  if (!r || typeof r !== 'object') return r;
  const { timestamp: _ignored, ...rest } = r as Record<string, unknown>;
  return rest;
}

/** JSON with object keys sorted, so that two equal values compare equal whatever their key order. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

/** The parts of a report we own, in comparable form. */
function content(r: { metadata?: unknown; [k: string]: unknown }): string {
  const meta = (r.metadata ?? {}) as Record<string, unknown>;
  const results = Array.isArray(r.results) ? r.results.map(stripTimestamp) : [];
  // Only our label and annotation: others may add theirs (a backup tool, kubectl) without
  // making every audit rewrite the report.
  return canonical({
    managedBy: (meta.labels as Record<string, unknown> | undefined)?.[MANAGED_BY_LABEL],
    omitted: (meta.annotations as Record<string, unknown> | undefined)?.[OMITTED_ANNOTATION],
    ownerReferences: meta.ownerReferences ?? [],
    source: r.source,
    scope: r.scope,
    summary: r.summary,
    results,
  });
}

/** Desired results, with the timestamp of the same result in the existing report where there is one. */
function keepTimestamps(desired: ReportObject, existing: ExistingReport): ReportObject {
  const seen = new Map<string, unknown>();
  for (const r of Array.isArray(existing.results) ? (existing.results as unknown[]) : []) {
    const ts = (r as { timestamp?: unknown } | null)?.timestamp;
    if (ts) seen.set(canonical(stripTimestamp(r)), ts);
  }
  const results = desired.results.map((r) => {
    const ts = seen.get(canonical(stripTimestamp(r)));
    return ts ? ({ ...r, timestamp: ts } as ReportResult) : r;
  });
  return { ...desired, results };
}

/** The write that turns one report as it is (or its absence) into the desired one; undefined when it already matches. */
export function planOne(old: ExistingReport | undefined, want: ReportObject): WriteOp | undefined {
  if (!old || !ours(old)) return old ? undefined : { op: 'create', report: want };
  if (content(old) === content(want as unknown as ExistingReport)) return undefined;
  return { op: 'update', report: keepTimestamps(want, old), resourceVersion: old.metadata.resourceVersion ?? '' };
}

function ours(r: ExistingReport): boolean {
  return r.metadata.labels?.[MANAGED_BY_LABEL] === REPORT_SOURCE;
}

/**
 * The writes that turn `existing` (our reports as listed, namespaced and cluster ones together)
 * into `desired`. Reports without our label are never touched; ours that are no longer desired
 * (a namespace that emptied, or one deleted) are deleted.
 */
export function planSync(existing: readonly ExistingReport[], desired: DesiredReports): SyncPlan {
  const plan: MutablePlan = { ops: [], unchanged: 0 };
  for (const _step of planSteps(existing, desired, plan));
  return plan;
}

/**
 * planSync, giving the event loop a turn every `every` reports: comparing a thousand reports takes
 * ~150 ms, which must not hold up the admission reviews sharing the thread.
 */
export async function planSyncInTurns(existing: readonly ExistingReport[], desired: DesiredReports, every = 50): Promise<SyncPlan> {
  const plan: MutablePlan = { ops: [], unchanged: 0 };
  let compared = 0;
  for (const _step of planSteps(existing, desired, plan)) {
    if (++compared % every === 0) await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return plan;
}

interface MutablePlan {
  ops: WriteOp[];
  unchanged: number;
}

/** The planning itself, into `plan`; yields after each desired report compared. */
function* planSteps(existing: readonly ExistingReport[], desired: DesiredReports, plan: MutablePlan): Generator<void> {
  const have = new Map(existing.filter(ours).map((r) => [keyOf(r.metadata.namespace, r.metadata.name), r]));
  const wanted = new Set<string>();
  for (const want of [...desired.namespaced, desired.cluster]) {
    const key = keyOf(want.metadata.namespace, want.metadata.name);
    wanted.add(key);
    const op = planOne(have.get(key), want);
    if (op) plan.ops.push(op);
    else plan.unchanged++;
    yield;
  }
  for (const [key, old] of have) {
    if (wanted.has(key)) continue;
    plan.ops.push({ op: 'delete', ...(old.metadata.namespace ? { namespace: old.metadata.namespace } : {}), name: old.metadata.name, ...(old.metadata.resourceVersion ? { resourceVersion: old.metadata.resourceVersion } : {}) });
  }
}

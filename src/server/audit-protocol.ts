/**
 * The messages between the main thread (audit-thread.ts) and the audit worker (audit-worker.ts).
 * A message is cloned synchronously on both threads, so long lists travel in slices.
 */
import type { AuditJob, AuditOutcome } from '../reports/compute.js';
import type { ReportObject } from '../reports/types.js';

/** The lists of ClusterViewData that may be long, sent in slices. */
export const SLICED_FIELDS = ['namespaces', 'pods', 'services', 'nodes', 'networkPolicies', 'webhooks', 'daemonSets'] as const;
export type SlicedField = (typeof SLICED_FIELDS)[number];
export const SLICE = 500;

export type WorkerRequest =
  /** The job without the sliced lists (they start empty). */
  | { readonly id: number; readonly kind: 'begin'; readonly job: AuditJob }
  | { readonly id: number; readonly kind: 'slice'; readonly field: SlicedField; readonly items: readonly unknown[] }
  | { readonly id: number; readonly kind: 'run' };

export type WorkerResponse =
  | { readonly id: number; readonly kind: 'reports'; readonly reports: readonly ReportObject[] }
  | { readonly id: number; readonly kind: 'done'; readonly outcome: Omit<AuditOutcome, 'reports'> & { readonly cluster: ReportObject }; readonly elapsedMs: number }
  | { readonly id: number; readonly kind: 'failed'; readonly error: string };


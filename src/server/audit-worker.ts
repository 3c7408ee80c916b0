/**
 * The audit worker thread: receives AuditJobs, answers with their AuditOutcome (or the error).
 * An audit of a large cluster takes seconds of CPU; here it never holds up the event loop that
 * answers admission reviews.
 *
 * Both ways the data travels in slices (audit-thread.ts): a message is cloned synchronously on
 * the sending and the receiving thread, and 10,000 pods in one message hold the main thread for
 * ~200 ms; in slices of 500 no step takes more than a few milliseconds.
 */
import { parentPort } from 'node:worker_threads';
import type { ClusterViewData } from '../cluster/data-view.js';
import { describeError } from '../errors.js';
import { type AuditJob, type AuditOutcome, computeReports } from '../reports/compute.js';
import { SLICE, SLICED_FIELDS, type SlicedField, type WorkerRequest, type WorkerResponse } from './audit-protocol.js';

let pending: { id: number; job: AuditJob; lists: Record<SlicedField, unknown[]> } | undefined;

function run(id: number): void {
  const p = pending;
  pending = undefined;
  if (!p || p.id !== id) {
    parentPort?.postMessage({ id, kind: 'failed', error: 'no job to run' } satisfies WorkerResponse);
    return;
  }
  const started = process.hrtime.bigint();
  let outcome: AuditOutcome;
  try {
    outcome = computeReports({ ...p.job, data: { ...p.job.data, ...p.lists } as ClusterViewData });
  } catch (err) {
    parentPort?.postMessage({ id, kind: 'failed', error: describeError(err) } satisfies WorkerResponse);
    return;
  }
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  const { reports, ...rest } = outcome;
  for (let i = 0; i < reports.namespaced.length; i += SLICE / 10) {
    parentPort?.postMessage({ id, kind: 'reports', reports: reports.namespaced.slice(i, i + SLICE / 10) } satisfies WorkerResponse);
  }
  parentPort?.postMessage({ id, kind: 'done', outcome: { ...rest, cluster: reports.cluster }, elapsedMs } satisfies WorkerResponse);
}

parentPort?.on('message', (req: WorkerRequest) => {
  if (req.kind === 'begin') {
    pending = { id: req.id, job: req.job, lists: Object.fromEntries(SLICED_FIELDS.map((f) => [f, []])) as unknown as Record<SlicedField, unknown[]> };
  } else if (req.kind === 'slice') {
    if (pending?.id === req.id) for (const item of req.items) pending.lists[req.field].push(item);
  } else run(req.id);
});

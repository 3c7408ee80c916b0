/**
 * The audit worker thread: receives AuditJobs, answers with their AuditOutcome (or the error).
 * An audit of a large cluster takes seconds of CPU; here it never holds up the event loop that
 * answers admission reviews.
 */
import { parentPort } from 'node:worker_threads';
import { describeError } from '../errors.js';
import { type AuditJob, computeReports } from '../reports/compute.js';

export interface WorkerRequest {
  readonly id: number;
  readonly job: AuditJob;
}

export type WorkerResponse =
  | { readonly id: number; readonly ok: true; readonly outcome: ReturnType<typeof computeReports>; readonly elapsedMs: number }
  | { readonly id: number; readonly ok: false; readonly error: string };

parentPort?.on('message', (req: WorkerRequest) => {
  const started = process.hrtime.bigint();
  let response: WorkerResponse;
  try {
    const outcome = computeReports(req.job);
    response = { id: req.id, ok: true, outcome, elapsedMs: Number(process.hrtime.bigint() - started) / 1e6 };
  } catch (err) {
    response = { id: req.id, ok: false, error: describeError(err) };
  }
  parentPort?.postMessage(response);
});

/**
 * The main thread's side of the audit worker: one worker thread, started on first use, one job
 * at a time. A worker that dies (out of memory, a bug) fails the job in hand and is started
 * again for the next one.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { AuditJob, AuditOutcome } from '../reports/compute.js';
import { SLICE, SLICED_FIELDS, type WorkerRequest, type WorkerResponse } from './audit-protocol.js';
import type { ReportObject } from '../reports/types.js';

// Built: dist/server/audit-worker.js. From source (tests and benches run through tsx): the .ts
// file, loaded through tsx in the worker too.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './audit-worker.ts' : './audit-worker.js', import.meta.url);

function startWorker(options: WorkerOptions): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL, options);
  // A worker's entry point is not loaded through loader hooks given in execArgv, so the
  // TypeScript source registers tsx first, then imports the worker module.
  const code = `import('tsx/esm/api').then((api) => { api.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`;
  return new Worker(code, { ...options, eval: true });
}

export interface AuditResult {
  readonly outcome: AuditOutcome;
  /** Time the worker spent on the job. */
  readonly elapsedMs: number;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class AuditThread {
  private worker?: Worker;
  private nextId = 1;
  private pending?: { id: number; reports: ReportObject[]; resolve: (r: AuditResult) => void; reject: (e: Error) => void };

  constructor(private readonly resourceLimits?: { maxOldGenerationSizeMb?: number }) {}

  private spawn(): Worker {
    const worker = startWorker({ ...(this.resourceLimits ? { resourceLimits: this.resourceLimits } : {}) });
    worker.on('message', (res: WorkerResponse) => {
      const p = this.pending;
      if (!p || p.id !== res.id) return;
      if (res.kind === 'reports') {
        for (const r of res.reports) p.reports.push(r);
        return;
      }
      this.pending = undefined;
      worker.unref();
      if (res.kind === 'done') {
        const { cluster, ...rest } = res.outcome;
        p.resolve({ outcome: { ...rest, reports: { namespaced: p.reports, cluster } }, elapsedMs: res.elapsedMs });
      } else p.reject(new Error(`audit failed: ${res.error}`));
    });
    const gone = (why: string) => {
      if (this.worker === worker) this.worker = undefined;
      const p = this.pending;
      this.pending = undefined;
      p?.reject(new Error(`audit worker ${why}`));
    };
    worker.on('error', (err) => gone(`failed: ${err.message}`));
    worker.on('exit', (code) => gone(`exited with code ${code}`));
    return worker;
  }

  /**
   * Runs one audit in the worker; rejects when one is already running. The cluster's lists go in
   * slices, one per turn of the event loop, so that reviews run between them.
   */
  run(job: AuditJob): Promise<AuditResult> {
    if (this.pending) return Promise.reject(new Error('an audit is already running'));
    const worker = (this.worker ??= this.spawn());
    const id = this.nextId++;
    const result = new Promise<AuditResult>((resolve, reject) => {
      this.pending = { id, reports: [], resolve, reject };
    });
    // Held while a job runs; idle, the worker must not keep a stopping server alive.
    worker.ref();
    void (async () => {
      const empty = Object.fromEntries(SLICED_FIELDS.map((f) => [f, []]));
      worker.postMessage({ id, kind: 'begin', job: { ...job, data: { ...job.data, ...empty } } } satisfies WorkerRequest);
      for (const field of SLICED_FIELDS) {
        const items = job.data[field];
        for (let i = 0; i < items.length; i += SLICE) {
          await yieldToEventLoop();
          if (this.pending?.id !== id) return; // the worker died meanwhile
          worker.postMessage({ id, kind: 'slice', field, items: items.slice(i, i + SLICE) } satisfies WorkerRequest);
        }
      }
      worker.postMessage({ id, kind: 'run' } satisfies WorkerRequest);
    })();
    return result;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}

/**
 * The main thread's side of the audit worker: one worker thread, started on first use, one job
 * at a time. A worker that dies (out of memory, a bug) fails the job in hand and is started
 * again for the next one.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { AuditJob, AuditOutcome } from '../reports/compute.js';
import type { WorkerRequest, WorkerResponse } from './audit-worker.js';

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

export class AuditThread {
  private worker?: Worker;
  private nextId = 1;
  private pending?: { id: number; resolve: (r: AuditResult) => void; reject: (e: Error) => void };

  constructor(private readonly resourceLimits?: { maxOldGenerationSizeMb?: number }) {}

  private spawn(): Worker {
    const worker = startWorker({ ...(this.resourceLimits ? { resourceLimits: this.resourceLimits } : {}) });
    worker.on('message', (res: WorkerResponse) => {
      const p = this.pending;
      if (!p || p.id !== res.id) return;
      this.pending = undefined;
      worker.unref();
      if (res.ok) p.resolve({ outcome: res.outcome, elapsedMs: res.elapsedMs });
      else p.reject(new Error(`audit failed: ${res.error}`));
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

  /** Runs one audit in the worker; rejects when one is already running. */
  run(job: AuditJob): Promise<AuditResult> {
    if (this.pending) return Promise.reject(new Error('an audit is already running'));
    this.worker ??= this.spawn();
    const id = this.nextId++;
    return new Promise<AuditResult>((resolve, reject) => {
      this.pending = { id, resolve, reject };
      // Held while a job runs; idle, the worker must not keep a stopping server alive.
      this.worker!.ref();
      const request: WorkerRequest = { id, job };
      this.worker!.postMessage(request);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}

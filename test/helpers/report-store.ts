/**
 * An in-memory report store with the API server's optimistic concurrency: a replace with a stale
 * resourceVersion is a 409, a create of an existing name is a 409, a delete of a missing one a
 * 404. Failures can be queued per call to play conflicts and outages.
 */
import type { ExistingReport } from '../../src/reports/plan.js';
import type { ReportObject } from '../../src/reports/types.js';
import type { ReportStore } from '../../src/reports/writer.js';

export class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

type Call = 'list' | 'get' | 'create' | 'replace' | 'delete';

export class MemoryReportStore implements ReportStore {
  readonly objects = new Map<string, ExistingReport>();
  readonly calls: string[] = [];
  private rv = 1;
  private readonly failures: { call: Call; error: Error }[] = [];

  static key(namespace: string | undefined, name: string): string {
    return `${namespace ?? ''}/${name}`;
  }

  /** The next `call` fails with `error` (queued in order). */
  failNext(call: Call, error: Error): void {
    this.failures.push({ call, error });
  }

  /** Someone else changes a stored report (bumps its resourceVersion). */
  touch(namespace: string | undefined, name: string, change: (r: Record<string, unknown>) => void): void {
    const key = MemoryReportStore.key(namespace, name);
    const r = structuredClone(this.objects.get(key)) as unknown as Record<string, unknown> & ExistingReport;
    change(r);
    this.objects.set(key, { ...r, metadata: { ...r.metadata, resourceVersion: String(this.rv++) } });
  }

  put(report: unknown): void {
    const r = structuredClone(report) as ExistingReport;
    this.objects.set(MemoryReportStore.key(r.metadata.namespace, r.metadata.name), { ...r, metadata: { ...r.metadata, resourceVersion: String(this.rv++) } });
  }

  private check(call: Call, what: string): void {
    this.calls.push(`${call} ${what}`);
    const i = this.failures.findIndex((f) => f.call === call);
    if (i >= 0) throw this.failures.splice(i, 1)[0]!.error;
  }

  async list(): Promise<ExistingReport[]> {
    this.check('list', '');
    return [...this.objects.values()].filter((r) => r.metadata.labels?.['app.kubernetes.io/managed-by'] === 'netpol-guard').map((r) => structuredClone(r));
  }

  async get(namespace: string | undefined, name: string): Promise<ExistingReport | undefined> {
    this.check('get', MemoryReportStore.key(namespace, name));
    const r = this.objects.get(MemoryReportStore.key(namespace, name));
    return r ? structuredClone(r) : undefined;
  }

  async create(report: ReportObject): Promise<void> {
    const key = MemoryReportStore.key(report.metadata.namespace, report.metadata.name);
    this.check('create', key);
    if (this.objects.has(key)) throw new ApiError(409, 'already exists');
    this.put(report);
  }

  async replace(report: ReportObject, resourceVersion: string): Promise<void> {
    const key = MemoryReportStore.key(report.metadata.namespace, report.metadata.name);
    this.check('replace', key);
    const old = this.objects.get(key);
    if (!old) throw new ApiError(404, 'not found');
    if (old.metadata.resourceVersion !== resourceVersion) throw new ApiError(409, 'the object has been modified');
    this.put(report);
  }

  async delete(namespace: string | undefined, name: string): Promise<void> {
    const key = MemoryReportStore.key(namespace, name);
    this.check('delete', key);
    if (!this.objects.delete(key)) throw new ApiError(404, 'not found');
  }
}

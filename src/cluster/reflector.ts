/**
 * List + watch of one resource into a sink, with the freshness bookkeeping the view's `ready`
 * is computed from. client-go's reflector, reduced to what a read-only cache needs:
 *
 * - list in pages, then watch from the list's resourceVersion; a watch ends on the server after
 *   `watchWindowSeconds` and is reopened at once, so even a resource nobody changes is confirmed
 *   current every window;
 * - "confirmed" = a page of a list, an opened watch, or any event (bookmarks included);
 * - relist every `resyncMs`, and whenever the server says 410 Gone (resourceVersion compacted);
 * - a watch without confirmation for `stallMs` is aborted and reopened (a half-open connection
 *   would otherwise be waited on forever);
 * - every request has a timeout; failures retry with jittered exponential backoff, forever,
 *   until stop() — the caches recover by themselves when the API server comes back;
 * - an optional resource (a CRD a cluster may not have) that is not served (404) or may not be
 *   read (403) is empty, counts as synced and confirmed, and is asked again every watch window,
 *   so a CRD installed (or a grant given) later is picked up without a restart. Any other
 *   failure of it is a failure like any other.
 */
import type { Watch } from '@kubernetes/client-node';
import { describeError } from '../errors.js';
import type { ListPage, ListRequest } from './resources.js';

export type WatchFn = Watch['watch'];

export interface ClusterLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
  debug?(obj: Record<string, unknown>, msg: string): void;
}

export interface ReflectorTiming {
  readonly resyncMs: number;
  readonly watchWindowSeconds: number;
  readonly requestTimeoutMs: number;
  readonly stallMs: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly pageSize: number;
}

/** Receives objects as they arrive; a relist is staged and committed at once. */
export interface ReflectorSink {
  stage(): { add(obj: unknown): void; commit(): void };
  upsert(obj: unknown): void;
  remove(obj: unknown): void;
}

export interface ReflectorOptions {
  readonly resource: string;
  /** The collection to watch; read at each watch (an optional CRD's version may change). */
  readonly path: string | (() => string);
  /** A CRD the cluster may not have: 404 and 403 mean "none of them" (see above). */
  readonly optional?: boolean;
  readonly list: (request: ListRequest) => Promise<ListPage>;
  readonly watch: WatchFn;
  readonly sink: ReflectorSink;
  readonly timing: ReflectorTiming;
  readonly logger: ClusterLogger;
  readonly now?: () => number;
}

type AbortReason = 'resync' | 'stall' | 'stop';

/** Why an optional resource is empty without being listed. */
export interface Absence {
  readonly reason: 'not-served' | 'forbidden';
  /** One line for readiness and logs. */
  readonly message: string;
}

class Stopped extends Error {}

function statusCodeOf(err: unknown): number | undefined {
  const e = err as { code?: unknown; statusCode?: unknown } | null;
  if (typeof e?.statusCode === 'number') return e.statusCode;
  if (typeof e?.code === 'number') return e.code;
  return undefined;
}

const isGone = (err: unknown): boolean => statusCodeOf(err) === 410;

/** One line for logs and status: `HTTP 403: pods is forbidden: ...`, never the client's header dump. */
export function describeApiError(err: unknown, resource: string): string {
  const code = statusCodeOf(err);
  if (code !== undefined) {
    const body = (err as { body?: unknown }).body;
    let message = '';
    if (typeof body === 'string') {
      try {
        message = (JSON.parse(body) as { message?: string }).message ?? body;
      } catch {
        message = body;
      }
    } else if (body && typeof body === 'object') message = (body as { message?: string }).message ?? '';
    if (!message && !(err instanceof Error && err.message.startsWith('HTTP-Code'))) message = describeError(err);
    const hint = code === 401 || code === 403 ? `; netpol-guard needs list and watch on ${resource} (CLUSTER_RBAC_RULES)` : '';
    return `HTTP ${code}${message ? `: ${message.split('\n')[0]}` : ''}${hint}`;
  }
  const e = err as { name?: string; message?: string } | null;
  if (e?.name === 'AbortError') return 'no answer in time (request aborted)';
  const line = describeError(err).split('\n')[0] ?? 'unknown error';
  // node-fetch: "request to <url> failed, reason: connect ECONNREFUSED ..." — the URL is known.
  if (/^network timeout at: /.test(line)) return 'no answer in time';
  return line.replace(/^request to \S+ failed, reason: /, '');
}

export class Reflector {
  /** The first list has completed (sticky). */
  synced = false;
  /** When the cache was last confirmed current (ms since epoch); start time until then. */
  lastConfirmedAt: number;
  lastError?: { readonly message: string; readonly at: number };
  /** An optional resource the API server does not serve or lets us read; undefined when listed. */
  absent?: Absence;

  private stopped = false;
  private running?: Promise<void>;
  private rv = '';
  private needRelist = true;
  private lastListAt = 0;
  private failures = 0;
  private currentWatch?: { readonly openedAt: number; abort(reason: AbortReason): void };
  private listAbort?: AbortController;
  private wake?: () => void;
  private readonly now: () => number;
  private readonly syncWaiters: (() => void)[] = [];

  constructor(private readonly opts: ReflectorOptions) {
    this.now = opts.now ?? Date.now;
    this.lastConfirmedAt = this.now();
  }

  get resource(): string {
    return this.opts.resource;
  }

  private path(): string {
    return typeof this.opts.path === 'string' ? this.opts.path : this.opts.path();
  }

  start(): void {
    this.running ??= this.loop();
  }

  /** Resolves after the first completed list (never rejects; combine with a timeout). */
  whenSynced(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  /** Stops for good: aborts what is in flight and waits for the loop to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.listAbort?.abort();
    this.currentWatch?.abort('stop');
    this.wake?.();
    await this.running;
  }

  /** Called periodically by the owner: due relists and stalled watches. */
  tick(): void {
    const watch = this.currentWatch;
    if (!watch) return;
    const now = this.now();
    if (now - this.lastListAt >= this.opts.timing.resyncMs) {
      this.needRelist = true;
      watch.abort('resync');
    } else if (now - Math.max(this.lastConfirmedAt, watch.openedAt) > this.opts.timing.stallMs) {
      // Measured from this watch's own start too: a reopened watch gets its full window before
      // being called stalled (a hung connect is cut by the request timeout instead, then backs off).
      watch.abort('stall');
    }
  }

  private log(level: 'info' | 'warn' | 'debug', obj: Record<string, unknown>, msg: string): void {
    const l = this.opts.logger;
    if (level === 'debug') l.debug?.({ resource: this.resource, ...obj }, msg);
    else l[level]({ resource: this.resource, ...obj }, msg);
  }

  private confirm(): void {
    this.lastConfirmedAt = this.now();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      try {
        if (this.needRelist) await this.relist();
        const opened = this.now();
        const outcome = await this.watchOnce();
        if (outcome === 'stalled') {
          // Reopen at once: a new connection is the quickest way to learn whether the server is there.
          const silentSeconds = Math.round((this.now() - this.lastConfirmedAt) / 1000);
          this.lastError = { message: `watch stalled: nothing from the API server for ${silentSeconds}s; reopened`, at: this.now() };
          this.log('warn', { silentSeconds }, 'cluster cache: watch stalled; reopening it');
          continue;
        }
        if (this.failures > 0) this.log('info', { after: this.failures }, 'cluster cache recovered');
        this.failures = 0;
        // A server that ends watches at once must not turn this loop into a busy one.
        if (outcome === 'ended' && this.now() - opened < 1000 && !this.needRelist) await this.sleep(1000);
      } catch (err) {
        if (this.stopped || err instanceof Stopped) break;
        if (isGone(err)) {
          this.needRelist = true;
          continue;
        }
        const code = statusCodeOf(err);
        if (this.opts.optional && (code === 404 || code === 403)) {
          this.markAbsent(code === 404 ? { reason: 'not-served', message: 'not served by the API server (its CRD is not installed)' } : { reason: 'forbidden', message: describeApiError(err, this.resource) });
          await this.sleep(this.opts.timing.watchWindowSeconds * 1000);
          continue;
        }
        this.failures++;
        const message = describeApiError(err, this.resource);
        const repeated = this.lastError?.message === message && this.failures > 1;
        this.lastError = { message, at: this.now() };
        const delay = this.backoff();
        this.log(repeated ? 'debug' : 'warn', { err: message, failures: this.failures, retryInMs: delay }, 'cluster cache: list/watch failed; retrying');
        await this.sleep(delay);
      }
    }
  }

  /**
   * An optional resource is known to be absent: empty, synced, confirmed (the API server did
   * answer), to be asked again. Said once at info (not served) or warn (forbidden) per change of
   * reason, at debug while it stays so.
   */
  private markAbsent(absence: Absence): void {
    const changed = this.absent?.reason !== absence.reason;
    this.absent = absence;
    this.opts.sink.stage().commit();
    this.needRelist = true;
    this.rv = '';
    this.failures = 0;
    this.confirm();
    const level = !changed ? 'debug' : absence.reason === 'forbidden' ? 'warn' : 'info';
    this.log(level, { reason: absence.message, retryInSeconds: this.opts.timing.watchWindowSeconds }, absence.reason === 'forbidden' ? 'cluster cache: optional resource may not be read; taken as none' : 'cluster cache: optional resource not served; taken as none');
    this.markSynced(this.now());
  }

  private markSynced(started: number): void {
    if (this.synced) return;
    this.synced = true;
    this.log('info', { ms: this.now() - started }, 'cluster cache synced');
    for (const w of this.syncWaiters.splice(0)) w();
  }

  private backoff(): number {
    const { backoffBaseMs, backoffMaxMs } = this.opts.timing;
    const exp = Math.min(backoffMaxMs, backoffBaseMs * 2 ** Math.min(this.failures - 1, 30));
    return Math.round(exp * (0.8 + 0.4 * Math.random()));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wake = undefined;
        resolve();
      }
      this.wake = done;
    });
  }

  private async listPage(_continue: string | undefined): Promise<ListPage> {
    const abort = new AbortController();
    this.listAbort = abort;
    const timer = setTimeout(() => abort.abort(), this.opts.timing.requestTimeoutMs);
    let page: ListPage;
    try {
      page = await this.opts.list({ limit: this.opts.timing.pageSize, ...(_continue ? { _continue } : {}), signal: abort.signal });
    } finally {
      clearTimeout(timer);
      this.listAbort = undefined;
    }
    if (this.stopped) throw new Stopped();
    return page;
  }

  private async relist(): Promise<void> {
    const started = this.now();
    for (let attempt = 1; ; attempt++) {
      const staged = this.opts.sink.stage();
      let rv = '';
      let next: string | undefined;
      try {
        do {
          const page = await this.listPage(next);
          rv ||= page.metadata?.resourceVersion ?? '';
          for (const item of page.items) staged.add(item);
          next = page.metadata?._continue || undefined;
          this.confirm();
        } while (next);
      } catch (err) {
        // An expired continue token: start the list over (a fresh snapshot).
        if (isGone(err) && next && attempt < 3) continue;
        throw err;
      }
      staged.commit();
      this.rv = rv;
      this.lastListAt = this.now();
      this.needRelist = false;
      this.confirm();
      if (this.absent) {
        this.log('info', { path: this.path() }, 'cluster cache: optional resource is served and readable now');
        this.absent = undefined;
      }
      this.markSynced(started);
      return;
    }
  }

  /**
   * One watch, until the server ends it ('ended'), a due relist ('resync'), the watchdog gives up
   * on a silent stream ('stalled'), or an error (throws).
   */
  private watchOnce(): Promise<'ended' | 'resync' | 'stalled'> {
    return new Promise((resolve, reject) => {
      let settled = false;
      let reason: AbortReason | undefined;
      let controller: AbortController | undefined;
      const settle = (err: unknown) => {
        if (settled) return;
        settled = true;
        this.currentWatch = undefined;
        if (reason === 'resync') resolve('resync');
        else if (reason === 'stop') reject(new Stopped());
        else if (reason === 'stall') resolve('stalled');
        else if (err) reject(err);
        else resolve('ended');
      };
      this.currentWatch = {
        openedAt: this.now(),
        abort: (r) => {
          if (settled) return;
          reason ??= r;
          controller?.abort();
          settle(undefined);
        },
      };
      const query = { resourceVersion: this.rv, allowWatchBookmarks: true, timeoutSeconds: this.opts.timing.watchWindowSeconds };
      const onEvent = (type: string, obj: unknown) => {
        if (!settled) this.onEvent(type, obj);
      };
      this.opts.watch(this.path(), query, onEvent, (err: unknown) => settle(err ?? undefined)).then(
        (c) => {
          controller = c;
          if (settled) c.abort();
          else this.confirm(); // the server accepted the watch at our resourceVersion
        },
        (err: unknown) => settle(err ?? new Error('watch failed')),
      );
    });
  }

  private onEvent(type: string, obj: unknown): void {
    try {
      switch (type) {
        case 'ADDED':
        case 'MODIFIED':
          this.opts.sink.upsert(obj);
          break;
        case 'DELETED':
          this.opts.sink.remove(obj);
          break;
        case 'BOOKMARK':
          break;
        case 'ERROR': {
          const status = (obj ?? {}) as { code?: number; message?: string };
          if (status.code === 410) {
            this.needRelist = true;
            this.currentWatch?.abort('resync');
          } else {
            this.lastError = { message: `watch error: ${status.message ?? 'unknown'}`, at: this.now() };
          }
          return;
        }
        default:
          return;
      }
      const rv = (obj as { metadata?: { resourceVersion?: unknown } } | null)?.metadata?.resourceVersion;
      if (typeof rv === 'string' && rv) this.rv = rv;
      this.confirm();
    } catch (err) {
      this.log('warn', { err: describeError(err), type }, 'cluster cache: event not applied');
    }
  }
}

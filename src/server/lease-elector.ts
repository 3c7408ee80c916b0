/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it, so
 * that exactly one replica writes the audit reports while every replica serves admission.
 *
 * - Every `retryPeriod` each candidate reads the Lease. A holder other than us keeps it while
 *   its record keeps changing: expiry is measured from when *we* last saw the record change (our
 *   own clock), never from the renewTime it carries, so clock skew between nodes does not matter.
 * - A candidate takes an expired or free Lease, and the leader renews it, with an update carrying
 *   the resourceVersion it read: of two candidates racing, the API server accepts one (409 for
 *   the other).
 * - A leader that could not renew for `renewDeadline` (shorter than the lease duration) stops
 *   leading before anyone else may start, so two writers never overlap.
 * - On shutdown the leader releases the Lease (empty holder), and another replica takes over at
 *   its next retry instead of waiting out the lease duration.
 *
 * No library on the npm registry fits (see docs/reports.md), so this is kept small and tested
 * against a fake API (test/server/lease-elector.test.ts) and the real API server (e2e).
 */

export interface LeaseSpec {
  readonly holderIdentity?: string;
  readonly leaseDurationSeconds?: number;
  readonly acquireTime?: string;
  readonly renewTime?: string;
  readonly leaseTransitions?: number;
}

export interface LeaseObject {
  readonly metadata: { readonly name: string; readonly namespace: string; readonly resourceVersion?: string };
  readonly spec: LeaseSpec;
}

/** The three calls the elector makes; errors carry the HTTP status as `code` (409 on conflict). */
export interface LeaseClient {
  /** undefined when the Lease does not exist. */
  get(): Promise<LeaseObject | undefined>;
  create(lease: LeaseObject): Promise<LeaseObject>;
  replace(lease: LeaseObject): Promise<LeaseObject>;
}

export interface ElectorLogger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  debug(obj: Record<string, unknown>, msg: string): void;
}

export interface LeaseElectorOptions {
  readonly client: LeaseClient;
  readonly name: string;
  readonly namespace: string;
  /** Unique per replica: the pod name in a cluster. */
  readonly identity: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
  readonly logger: ElectorLogger;
  readonly onStartedLeading: () => void;
  readonly onStoppedLeading: () => void;
  readonly now?: () => number;
}

export const DEFAULT_LEASE_DURATION_MS = 15_000;
export const DEFAULT_RENEW_DEADLINE_MS = 10_000;
export const DEFAULT_RETRY_PERIOD_MS = 2_000;

/** metav1.MicroTime as the API server parses it: RFC 3339 with exactly six fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

function codeOf(err: unknown): number | undefined {
  const c = (err as { code?: unknown } | null)?.code;
  return typeof c === 'number' ? c : undefined;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export class LeaseElector {
  private leading = false;
  private lastRenewAt = 0;
  private observedRecord = '';
  private observedAt = 0;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private running?: Promise<void>;
  private readonly now: () => number;

  constructor(private readonly opts: LeaseElectorOptions) {
    if (!(opts.renewDeadlineMs < opts.leaseDurationMs)) throw new Error(`the renew deadline (${opts.renewDeadlineMs} ms) must be shorter than the lease duration (${opts.leaseDurationMs} ms)`);
    if (!(opts.retryPeriodMs < opts.renewDeadlineMs)) throw new Error(`the retry period (${opts.retryPeriodMs} ms) must be shorter than the renew deadline (${opts.renewDeadlineMs} ms)`);
    this.now = opts.now ?? Date.now;
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** Holder as last seen (for logs and /readyz). */
  get observedHolder(): string {
    return this.observedRecord ? ((JSON.parse(this.observedRecord) as LeaseSpec).holderIdentity ?? '') : '';
  }

  /** Starts the retry loop; the first attempt is immediate. */
  start(): void {
    const loop = async () => {
      this.timer = undefined;
      if (this.stopped) return;
      this.running = this.step();
      await this.running;
      if (!this.stopped) {
        this.timer = setTimeout(() => void loop(), this.opts.retryPeriodMs);
        this.timer.unref();
      }
    };
    void loop();
  }

  /** One round: acquire or renew, and start or stop leading accordingly. Never throws. */
  async step(): Promise<void> {
    let ok = false;
    try {
      ok = await this.tryAcquireOrRenew();
    } catch (err) {
      this.opts.logger.warn({ lease: this.leaseName, err: message(err), code: codeOf(err) }, 'lease: cannot read or update the Lease; retrying');
    }
    if (this.stopped) return;
    const now = this.now();
    if (ok) {
      this.lastRenewAt = now;
      if (!this.leading) {
        this.leading = true;
        this.opts.logger.info({ lease: this.leaseName, identity: this.opts.identity }, 'lease: acquired; this replica writes the audit reports');
        this.opts.onStartedLeading();
      }
      return;
    }
    const heldByOther = this.observedHolder !== '' && this.observedHolder !== this.opts.identity;
    if (this.leading && (heldByOther || now - this.lastRenewAt >= this.opts.renewDeadlineMs)) {
      this.leading = false;
      this.opts.logger.warn({ lease: this.leaseName, holder: this.observedHolder, sinceRenewMs: now - this.lastRenewAt }, 'lease: lost; this replica stops writing audit reports');
      this.opts.onStoppedLeading();
    }
  }

  private get leaseName(): string {
    return `${this.opts.namespace}/${this.opts.name}`;
  }

  private observe(spec: LeaseSpec, now: number): void {
    const record = JSON.stringify({ holderIdentity: spec.holderIdentity ?? '', renewTime: spec.renewTime ?? '', acquireTime: spec.acquireTime ?? '', leaseTransitions: spec.leaseTransitions ?? 0, leaseDurationSeconds: spec.leaseDurationSeconds ?? 0 });
    if (record !== this.observedRecord) {
      this.observedRecord = record;
      this.observedAt = now;
    }
  }

  private mySpec(previous: LeaseSpec | undefined, nowMs: number): LeaseSpec {
    const nowIso = microTime(nowMs);
    const mine = previous?.holderIdentity === this.opts.identity;
    return {
      holderIdentity: this.opts.identity,
      leaseDurationSeconds: Math.ceil(this.opts.leaseDurationMs / 1000),
      acquireTime: mine && previous?.acquireTime ? previous.acquireTime : nowIso,
      renewTime: nowIso,
      leaseTransitions: mine ? (previous?.leaseTransitions ?? 0) : previous ? (previous.leaseTransitions ?? 0) + 1 : 0,
    };
  }

  /** True when we hold the Lease after this call. Throws on API errors other than a lost race. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { client, name, namespace, identity } = this.opts;
    const now = this.now();
    const current = await client.get();
    if (!current) {
      try {
        const created = await client.create({ metadata: { name, namespace }, spec: this.mySpec(undefined, now) });
        this.observe(created.spec, now);
        return true;
      } catch (err) {
        if (codeOf(err) === 409) return false; // another replica created it first
        throw err;
      }
    }
    this.observe(current.spec, now);
    const holder = current.spec.holderIdentity ?? '';
    const durationMs = (current.spec.leaseDurationSeconds ?? Math.ceil(this.opts.leaseDurationMs / 1000)) * 1000;
    if (holder !== '' && holder !== identity && this.observedAt + durationMs > now) return false;
    try {
      const updated = await client.replace({ metadata: current.metadata, spec: this.mySpec(current.spec, now) });
      this.observe(updated.spec, now);
      return true;
    } catch (err) {
      if (codeOf(err) === 409) return false; // someone else updated it between our read and write
      throw err;
    }
  }

  /** Stops the loop; a leader releases the Lease so that another replica takes over at once. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    if (!this.leading) return;
    this.leading = false;
    this.opts.onStoppedLeading();
    try {
      const current = await this.opts.client.get();
      if (current?.spec.holderIdentity === this.opts.identity) {
        await this.opts.client.replace({ metadata: current.metadata, spec: { ...current.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime(this.now()) } });
        this.opts.logger.info({ lease: this.leaseName }, 'lease: released');
      }
    } catch (err) {
      this.opts.logger.warn({ lease: this.leaseName, err: message(err) }, 'lease: could not release; another replica takes over when it expires');
    }
  }
}

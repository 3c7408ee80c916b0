/**
 * The ClusterView of a running webhook: list + watch, read-only, of exactly the resources in
 * resources.ts, each object projected to the fields the rules read the moment it arrives (the
 * full objects are never kept; see projection.ts).
 *
 * Freshness. A cache is "confirmed" by a list page, an opened watch or any watch event. Watches
 * are opened with timeoutSeconds = staleAfter/4, so the API server ends and we reopen each one
 * at least that often, and a quiet but healthy resource is still confirmed four times per
 * staleness bound. The view is `ready` when every resource has been listed once and every cache
 * was confirmed within `staleAfterSeconds` (default 120 s). An unreachable API server, a watch
 * that went silent (aborted and reopened after 1.5 windows, ~staleAfter/2.7) or failing requests all stop the
 * confirmations, so `ready` turns false at most staleAfterSeconds after the last good word from
 * the API server; cluster-aware rules are then skipped (the engine says so). Every request has a
 * timeout (staleAfter/4, 1-30 s) and failures retry with jittered backoff capped at staleAfter/4
 * (1-30 s), so the caches come back by themselves within about that long after the API server
 * does. Every `resyncSeconds` each resource is relisted from scratch.
 *
 * ClusterNetworkPolicies are an optional CRD: where the API server does not serve them (404) or
 * the credentials may not read them (403), the view holds none, is ready all the same, asks again
 * every watch window (a CRD installed later is picked up without a restart), and readiness()
 * says so in its detail. A failing list of a served CRD is waited on like any other resource.
 *
 * readiness() (for /readyz) is not `ready`: it fails only until the first complete sync. Later
 * staleness is reported in its detail but keeps it ok, because taking the webhook out of its
 * Service over a cache problem would turn a degraded review into an admission outage.
 */
import { Watch } from '@kubernetes/client-node';
import { NpgError } from '../errors.js';
import { loadKubeConfig } from './kubeconfig.js';
import { type ResourceName, projectorFor } from './projection.js';
import { type ClusterLogger, Reflector, type ReflectorSink, type ReflectorTiming } from './reflector.js';
import { apiClients, watchedResources } from './resources.js';
import { ClusterStore, clusterViewOf } from './store.js';
import type { ClusterStatus, ClusterView } from './view.js';

export { CLUSTER_RBAC_RULES, type PolicyRule } from './resources.js';
export type { ClusterLogger } from './reflector.js';

export const DEFAULT_STALE_AFTER_SECONDS = 120;
export const DEFAULT_START_TIMEOUT_MS = 60_000;

export interface InformerClusterViewOptions {
  /** --kubeconfig; otherwise in-cluster, then KUBECONFIG / ~/.kube/config. */
  readonly kubeconfig?: string;
  /** Full relist of every resource this often. */
  readonly resyncSeconds: number;
  /** `ready` turns false when a cache has not been confirmed for this long. Default 120. */
  readonly staleAfterSeconds?: number;
  readonly logger: ClusterLogger;
  /** Configuration lookup inputs; default process.env, the pod's service account, the home dir. */
  readonly env?: NodeJS.ProcessEnv;
  readonly serviceAccountDir?: string;
  readonly homeDir?: string;
}

export interface StartOptions {
  readonly signal?: AbortSignal;
  /** Give up waiting for the first sync after this long (the informers keep trying). Default 60 s. */
  readonly timeoutMs?: number;
}

export interface InformerClusterView {
  readonly view: ClusterView;
  /** Goes up with every change the informers bring (ClusterStore.revision). */
  revision(): number;
  /**
   * Loads the client configuration, starts every list/watch and resolves at the first complete
   * sync. Rejects with NpgError NPG_CLUSTER_CONFIG when there is no usable configuration, and
   * with an Error naming the unsynced resources and their last error when `timeoutMs` passes or
   * `signal` aborts; in that case the informers keep running and the view may still become ready.
   */
  start(options?: StartOptions): Promise<void>;
  /** Stops every list/watch and waits for them; idempotent. */
  stop(): Promise<void>;
  readiness(): { ok: boolean; detail: string };
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** The timing derived from the two knobs; exported for the docs and tests. */
export function informerTiming(resyncSeconds: number, staleAfterSeconds: number): ReflectorTiming & { readonly tickMs: number } {
  const window = Math.max(1, Math.floor(staleAfterSeconds / 4));
  return {
    resyncMs: resyncSeconds * 1000,
    watchWindowSeconds: window,
    requestTimeoutMs: clamp((staleAfterSeconds * 1000) / 4, 1000, 30_000),
    stallMs: (window + Math.max(1, window / 2)) * 1000,
    backoffBaseMs: 500,
    backoffMaxMs: clamp((staleAfterSeconds * 1000) / 4, 1000, 30_000),
    pageSize: 500,
    tickMs: clamp((staleAfterSeconds * 1000) / 8, 200, 5000),
  };
}

function keyOf(obj: unknown, namespaced: boolean): [string, string] | undefined {
  const meta = (obj as { metadata?: { name?: unknown; namespace?: unknown } } | null)?.metadata;
  if (typeof meta?.name !== 'string') return undefined;
  return [namespaced && typeof meta.namespace === 'string' ? meta.namespace : namespaced ? 'default' : '', meta.name];
}

const CLUSTER_SCOPED: ReadonlySet<ResourceName> = new Set(['namespaces', 'nodes', 'validatingwebhookconfigurations', 'mutatingwebhookconfigurations', 'clusternetworkpolicies']);

/** Where a reflector's objects go: projected on arrival into the store's index of that resource. */
export function storeSink(store: ClusterStore, resource: ResourceName, logger: ClusterLogger): ReflectorSink {
  const index = store.indexes[resource] as unknown as {
    set(ns: string, name: string, v: unknown): void;
    delete(ns: string, name: string): boolean;
    replaceAll(entries: Iterable<readonly [string, string, unknown]>): void;
  };
  const skip = (obj: unknown, reason: string) => logger.warn({ resource, object: keyOf(obj, !CLUSTER_SCOPED.has(resource))?.filter(Boolean).join('/'), reason }, 'cluster cache: object not usable; left out');
  return {
    stage() {
      if (resource === 'pods') store.renewInterner();
      const project = projectorFor(resource, store.intern);
      const entries: [string, string, unknown][] = [];
      return {
        add(obj) {
          const p = project(obj);
          if (!p.ok) skip(obj, p.reason);
          else if (p.value !== undefined) entries.push([p.namespace, p.name, p.value]);
        },
        commit: () => index.replaceAll(entries),
      };
    },
    upsert(obj) {
      const p = projectorFor(resource, store.intern)(obj);
      if (!p.ok) return skip(obj, p.reason);
      if (p.value === undefined) index.delete(p.namespace, p.name);
      else index.set(p.namespace, p.name, p.value);
    },
    remove(obj) {
      const key = keyOf(obj, !CLUSTER_SCOPED.has(resource));
      if (key) index.delete(key[0], key[1]);
    },
  };
}

/** The reflectors' state in the words of status, readiness and the logs. */
const ageOf = (r: Reflector, now: number) => (now - r.lastConfirmedAt) / 1000;
const unsyncedOf = (reflectors: readonly Reflector[]) => reflectors.filter((r) => !r.synced);
const resourcesOf = (reflectors: readonly Reflector[]) => reflectors.map((r) => r.resource).join(', ');
function lastErrorOf(reflectors: readonly Reflector[]): string | undefined {
  const latest = reflectors.filter((r) => r.lastError).sort((a, b) => b.lastError!.at - a.lastError!.at)[0];
  return latest ? `${latest.resource}: ${latest.lastError!.message}` : undefined;
}
/** Optional resources the view holds none of without having listed them: `; what, why` each. */
const absencesOf = (reflectors: readonly Reflector[]) =>
  reflectors
    .filter((r) => r.absent)
    .map((r) => `; ${r.resource} not read, taken as none: ${r.absent!.message}`)
    .join('');
const oldestOf = (reflectors: readonly Reflector[], now: number) =>
  reflectors.reduce<Reflector | undefined>((worst, r) => (!worst || ageOf(r, now) > ageOf(worst, now) ? r : worst), undefined);

/** Loads the client configuration and starts one reflector per watched resource, each feeding the store. */
function startReflectors(options: InformerClusterViewOptions, timing: ReflectorTiming, store: ClusterStore, staleAfter: number): { origin: string; reflectors: Reflector[] } {
  const log = options.logger;
  const loaded = loadKubeConfig({
    requestTimeoutMs: timing.requestTimeoutMs,
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(options.env ? { env: options.env } : {}),
    ...(options.serviceAccountDir ? { serviceAccountDir: options.serviceAccountDir } : {}),
    ...(options.homeDir ? { homeDir: options.homeDir } : {}),
  });
  const watch = new Watch(loaded.config);
  const reflectors = watchedResources(apiClients(loaded.config)).map(
    (r) =>
      new Reflector({
        resource: r.resource,
        path: () => r.path,
        ...(r.optional ? { optional: true } : {}),
        list: r.list,
        watch: watch.watch.bind(watch),
        sink: storeSink(store, r.resource, log),
        timing,
        logger: log,
      }),
  );
  log.info({ config: loaded.origin, server: loaded.server, resources: reflectors.map((r) => r.resource), staleAfterSeconds: staleAfter, resyncSeconds: options.resyncSeconds }, 'watching cluster state');
  for (const r of reflectors) r.start();
  return { origin: loaded.origin, reflectors };
}

interface FirstSyncWait {
  readonly reflectors: readonly Reflector[];
  /** Where the pending wait registers its `fail`, so stop() can end it. */
  readonly pendingStarts: Set<(why: string) => void>;
  readonly stopped: () => boolean;
  readonly onSynced: () => void;
}

/** Resolves when every reflector has synced once; rejects on timeout, abort or stop, naming what is missing. */
function waitForFirstSync(w: FirstSyncWait, opts: StartOptions): Promise<void> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_START_TIMEOUT_MS;
  return new Promise<void>((resolve, reject) => {
    const fail = (why: string) => {
      cleanup();
      const err = lastErrorOf(w.reflectors);
      reject(new Error(`cluster state not synced ${why}: waiting for ${resourcesOf(unsyncedOf(w.reflectors))}${err ? ` (last error: ${err})` : ''}`));
    };
    const timer = setTimeout(() => fail(`within ${timeoutMs / 1000}s`), timeoutMs);
    const onAbort = () => fail('before start was aborted');
    const cleanup = () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      w.pendingStarts.delete(fail);
    };
    w.pendingStarts.add(fail);
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    Promise.all(w.reflectors.map((r) => r.whenSynced())).then(() => {
      cleanup();
      if (w.stopped()) reject(new Error('cluster view stopped before its first sync'));
      else {
        w.onSynced();
        resolve();
      }
    });
  });
}

interface ReadinessInput {
  readonly phase: 'not-started' | 'running' | 'stopped';
  readonly reflectors: readonly Reflector[];
  readonly ready: boolean;
  readonly status: ClusterStatus;
  readonly origin: string;
  readonly staleAfter: number;
}

/** /readyz: fails until the first complete sync; later staleness is said in the detail only. */
function readinessOf(r: ReadinessInput): { ok: boolean; detail: string } {
  if (r.phase === 'stopped') return { ok: false, detail: 'cluster view stopped' };
  if (r.phase === 'not-started' || r.reflectors.length === 0) return { ok: false, detail: 'cluster view not started' };
  const err = lastErrorOf(r.reflectors);
  const waiting = unsyncedOf(r.reflectors);
  if (waiting.length > 0) {
    return { ok: false, detail: `waiting for the first sync of ${resourcesOf(waiting)}${err ? `; last error: ${err}` : ''}` };
  }
  const s = r.status;
  if (!r.ready) {
    const worst = oldestOf(r.reflectors, Date.now());
    return {
      ok: true,
      detail: `stale: ${worst?.resource} last confirmed ${Math.round(s.ageSeconds)}s ago (limit ${r.staleAfter}s); cluster-aware rules are skipped${err ? `; last error: ${err}` : ''}`,
    };
  }
  const c = s.counts;
  return {
    ok: true,
    detail: `synced from ${r.origin}; cache age ${Math.round(s.ageSeconds)}s; ${c.namespaces} namespaces, ${c.pods} pods, ${c.services} services, ${c.networkpolicies} policies, ${c.clusternetworkpolicies} ClusterNetworkPolicies${absencesOf(r.reflectors)}`,
  };
}

export function createInformerClusterView(options: InformerClusterViewOptions): InformerClusterView {
  const staleAfter = options.staleAfterSeconds ?? DEFAULT_STALE_AFTER_SECONDS;
  if (!(options.resyncSeconds >= 1)) throw new NpgError('NPG_OPTION_INVALID', `resyncSeconds must be at least 1, got ${options.resyncSeconds}`);
  if (!(staleAfter >= 1)) throw new NpgError('NPG_OPTION_INVALID', `staleAfterSeconds must be at least 1, got ${staleAfter}`);
  const timing = informerTiming(options.resyncSeconds, staleAfter);
  const log = options.logger;
  const store = new ClusterStore();
  let reflectors: Reflector[] = [];
  let starting: Promise<void> | undefined;
  let stopping: Promise<void> | undefined;
  let ticker: NodeJS.Timeout | undefined;
  let origin = '';
  let wasReady = false;
  const pendingStarts = new Set<(why: string) => void>();

  const ready = (): boolean => {
    if (!starting || stopping || reflectors.length === 0 || unsyncedOf(reflectors).length > 0) return false;
    const now = Date.now();
    return reflectors.every((r) => ageOf(r, now) <= staleAfter);
  };
  const status = (): ClusterStatus => {
    const now = Date.now();
    const worst = oldestOf(reflectors, now);
    const err = lastErrorOf(reflectors);
    return {
      synced: reflectors.length > 0 && unsyncedOf(reflectors).length === 0,
      ageSeconds: worst ? Math.round(ageOf(worst, now) * 10) / 10 : 0,
      counts: store.counts(),
      ...(err ? { lastError: err } : {}),
    };
  };

  const view = clusterViewOf(store, { source: 'informers', ready, status });

  const tick = () => {
    for (const r of reflectors) r.tick();
    const now = ready();
    if (now !== wasReady && unsyncedOf(reflectors).length === 0) {
      if (now) log.info({ ageSeconds: status().ageSeconds }, 'cluster view is current again; cluster-aware rules run');
      else log.warn({ staleAfterSeconds: staleAfter, lastError: lastErrorOf(reflectors) }, 'cluster view is stale; cluster-aware rules are skipped until it recovers');
    }
    wasReady = now;
  };

  const launch = async (): Promise<void> => {
    ({ origin, reflectors } = startReflectors(options, timing, store, staleAfter));
    ticker = setInterval(tick, timing.tickMs);
    ticker.unref();
  };

  return {
    view,
    revision: () => store.revision,
    async start(opts = {}) {
      if (stopping) throw new Error('cluster view already stopped');
      starting ??= launch();
      await starting;
      if (stopping) throw new Error('cluster state not synced before stop()');
      await waitForFirstSync({ reflectors, pendingStarts, stopped: () => stopping !== undefined, onSynced: () => (wasReady = true) }, opts);
    },
    stop() {
      stopping ??= (async () => {
        if (ticker) clearInterval(ticker);
        for (const fail of [...pendingStarts]) fail('before stop()');
        await starting?.catch(() => undefined);
        await Promise.all(reflectors.map((r) => r.stop()));
        log.info({}, 'stopped watching cluster state');
      })();
      return stopping;
    },
    readiness() {
      const phase = stopping ? 'stopped' : starting ? 'running' : 'not-started';
      return readinessOf({ phase, reflectors, ready: ready(), status: status(), origin, staleAfter });
    },
  };
}

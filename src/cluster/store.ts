/**
 * The projected cluster state, indexed by namespace, and the read-only ClusterView over it.
 * Both implementations (static manifests, informers) fill the same store, so the rules see the
 * same thing from either. Lists handed to rules are frozen and cached until the next change of
 * that namespace, so a review that asks for the same pods several times pays once.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ClusterNetworkPolicy } from '../k8s/cnp-types.js';
import { SelectorMatchers } from '../k8s/label-matchers.js';
import type { NetworkPolicy } from '../k8s/types.js';
import { Interner, type ResourceName, type ResourceValues } from './projection.js';
import type { ClusterStatus, ClusterView, DaemonSetInfo, NamespaceInfo, NodeInfo, PodInfo, ServiceInfo, WebhookInfo } from './view.js';

const NONE: readonly never[] = Object.freeze([]);

/** Objects by namespace and name; cluster-scoped ones live under the namespace ''. */
export class NamespacedIndex<T> {
  private byNamespace = new Map<string, Map<string, T>>();
  private readonly listCache = new Map<string, readonly T[]>();
  private allCache: readonly T[] | undefined;
  private count = 0;

  /**
   * `onChange` is told of every change (the store counts them, so watchers know when to look
   * again). A value equal in content to the one stored is no change: the stored object, the
   * cached lists and the revision stay as they were, for a set and for a whole relist alike. The
   * values are small plain projections, and a relist or an event that changes nothing a
   * projection keeps (status, annotations, resourceVersion) must not look like a change — to the
   * impact's model above all, which a new pod object sends deriving and a new NetworkPolicy or
   * ClusterNetworkPolicy object sends rebuilding.
   */
  constructor(private readonly onChange: () => void = () => {}) {}

  get size(): number {
    return this.count;
  }

  get(namespace: string, name: string): T | undefined {
    return this.byNamespace.get(namespace)?.get(name);
  }

  set(namespace: string, name: string, value: T): void {
    let names = this.byNamespace.get(namespace);
    if (!names) {
      names = new Map();
      this.byNamespace.set(namespace, names);
    }
    const stored = names.get(name);
    if (stored !== undefined && isDeepStrictEqual(stored, value)) return;
    if (!names.has(name)) this.count++;
    names.set(name, value);
    this.changed(namespace);
  }

  delete(namespace: string, name: string): boolean {
    const names = this.byNamespace.get(namespace);
    if (!names?.delete(name)) return false;
    this.count--;
    if (names.size === 0) this.byNamespace.delete(namespace);
    this.changed(namespace);
    return true;
  }

  /**
   * Swaps in a complete new content at once (a relist), so readers never see half of it. An
   * object equal to the one stored keeps the stored one, and a namespace whose objects are all
   * kept keeps its list: a relist that changed a few pods looks like those few events to whoever
   * compares lists and objects by identity (the impact's model).
   */
  replaceAll(entries: Iterable<readonly [namespace: string, name: string, value: T]>): void {
    const next = new Map<string, Map<string, T>>();
    const changed = new Set<string>();
    let count = 0;
    for (const [namespace, name, value] of entries) {
      let names = next.get(namespace);
      if (!names) {
        names = new Map();
        next.set(namespace, names);
      }
      if (!names.has(name)) count++;
      const stored = this.get(namespace, name);
      if (stored !== undefined && isDeepStrictEqual(stored, value)) names.set(name, stored);
      else {
        names.set(name, value);
        changed.add(namespace);
      }
    }
    for (const [namespace, names] of this.byNamespace) {
      // Every new entry of an unchanged namespace is a stored one: the same size means none left.
      if (next.get(namespace)?.size !== names.size) changed.add(namespace);
    }
    if (changed.size === 0) return;
    // An unchanged namespace keeps its map (and so the order its cached list has).
    for (const namespace of next.keys()) if (!changed.has(namespace)) next.set(namespace, this.byNamespace.get(namespace) as Map<string, T>);
    this.byNamespace = next;
    this.count = count;
    for (const namespace of changed) this.listCache.delete(namespace);
    this.allCache = undefined;
    this.onChange();
  }

  /** Values of one namespace, or of all when omitted; frozen, cached until a change. */
  list(namespace?: string): readonly T[] {
    if (namespace === undefined) {
      this.allCache ??= Object.freeze([...this.byNamespace.values()].flatMap((m) => [...m.values()]));
      return this.allCache;
    }
    let cached = this.listCache.get(namespace);
    if (!cached) {
      const names = this.byNamespace.get(namespace);
      if (!names) return NONE;
      cached = Object.freeze([...names.values()]);
      this.listCache.set(namespace, cached);
    }
    return cached;
  }

  namespaces(): IterableIterator<string> {
    return this.byNamespace.keys();
  }

  private changed(namespace: string): void {
    this.listCache.delete(namespace);
    this.allCache = undefined;
    this.onChange();
  }
}

export type ClusterIndexes = { readonly [R in ResourceName]: NamespacedIndex<ResourceValues[R]> };

/** Everything a ClusterView reads, plus the interner that shares labels and ports between pods. */
export class ClusterStore {
  private changes = 0;
  private readonly bump = () => {
    this.changes++;
  };
  readonly indexes: ClusterIndexes = {
    namespaces: new NamespacedIndex<NamespaceInfo>(this.bump),
    pods: new NamespacedIndex<PodInfo>(this.bump),
    services: new NamespacedIndex<ServiceInfo>(this.bump),
    nodes: new NamespacedIndex<NodeInfo>(this.bump),
    networkpolicies: new NamespacedIndex<NetworkPolicy>(this.bump),
    validatingwebhookconfigurations: new NamespacedIndex<readonly WebhookInfo[]>(this.bump),
    mutatingwebhookconfigurations: new NamespacedIndex<readonly WebhookInfo[]>(this.bump),
    daemonsets: new NamespacedIndex<DaemonSetInfo>(this.bump),
    clusternetworkpolicies: new NamespacedIndex<ClusterNetworkPolicy>(this.bump),
  };

  /**
   * Goes up with every change of any index (an event, a relist). Whoever derives something from
   * the whole store (the audit) compares it with the value it last saw instead of being called
   * back on every pod event.
   */
  get revision(): number {
    return this.changes;
  }
  private interner = new Interner();

  get intern(): Interner {
    return this.interner;
  }

  /**
   * A fresh interner for the next full relist of the pods, so that label sets of pods long gone
   * (every rollout brings a new pod-template-hash) do not accumulate.
   */
  renewInterner(): void {
    this.interner = new Interner();
  }

  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [resource, index] of Object.entries(this.indexes) as [ResourceName, NamespacedIndex<unknown>][]) out[resource] = index.size;
    return out;
  }
}

export interface ViewState {
  readonly source: string;
  ready(): boolean;
  status(): ClusterStatus;
}

/** The read-only ClusterView over a store; `ready` and `status` come from whoever fills it. */
export function clusterViewOf(store: ClusterStore, state: ViewState): ClusterView {
  const ix = store.indexes;
  const webhooksCache: { validating?: readonly WebhookInfo[][]; mutating?: readonly WebhookInfo[][]; all?: readonly WebhookInfo[] } = {};
  return {
    get ready() {
      return state.ready();
    },
    source: state.source,
    matchers: new SelectorMatchers(),
    namespaceLabels: (name) => ix.namespaces.get('', name)?.labels,
    namespaces: () => ix.namespaces.list(''),
    pods: (namespace) => ix.pods.list(namespace),
    services: (namespace) => ix.services.list(namespace),
    nodes: () => ix.nodes.list(''),
    networkPolicies: (namespace) => ix.networkpolicies.list(namespace),
    webhooks: () => {
      const validating = ix.validatingwebhookconfigurations.list('');
      const mutating = ix.mutatingwebhookconfigurations.list('');
      if (webhooksCache.validating !== validating || webhooksCache.mutating !== mutating || !webhooksCache.all) {
        webhooksCache.validating = validating as readonly WebhookInfo[][];
        webhooksCache.mutating = mutating as readonly WebhookInfo[][];
        webhooksCache.all = Object.freeze([...validating.flat(), ...mutating.flat()]);
      }
      return webhooksCache.all;
    },
    daemonSets: () => ix.daemonsets.list(),
    clusterNetworkPolicies: () => ix.clusternetworkpolicies.list(''),
    status: () => state.status(),
  };
}

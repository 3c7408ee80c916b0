/**
 * The connectivity model of a ClusterView, kept current for the impact of each NetworkPolicy
 * review. Informer events change the view all the time (a rollout is hundreds of pod events);
 * the model is neither rebuilt per event nor rebuilt per review. Before a review is judged (and
 * whenever the caller likes, e.g. on a timer), `sync` compares the view's lists with those the
 * model was made from, by object identity (the store replaces an object only when it changes),
 * and derives the model by exactly the pods, namespaces and NetworkPolicies that changed
 * (connectivity/derive.ts): the classes those touch are made again, the rest are kept. A build
 * from scratch happens only at the start, when ClusterNetworkPolicies change (rare; they are
 * cluster-wide) and when most of the pods changed at once (a relist keeps every pod object whose
 * content did not change, cluster/store.ts).
 *
 * Pure: no I/O; the clock is given. One instance per view.
 */
import type { ClusterView, NamespaceInfo, PodInfo } from '../cluster/view.js';
import type { ClusterNetworkPolicy } from '../k8s/cnp-types.js';
import type { NetworkPolicy } from '../k8s/types.js';
import { ConnectivityModel, type ModelChanges, type SnapshotPod, deriveModel, podKey, policyKey, snapshotFromClusterView } from '../connectivity/index.js';
import { analyzeImpact } from './compute.js';
import type { ImpactAssessment, ImpactProvider, ImpactSkip, PolicyChange } from './types.js';
import { WorkloadNames } from './workloads.js';

export interface LiveImpactOptions {
  /** Milliseconds, monotonic (performance.now). */
  readonly now: () => number;
  /**
   * Whether a review may build the first model itself (default true: the CLI). The webhook
   * builds it off the review path when its view becomes ready, and reviews before then skip.
   */
  readonly firstBuildInReview?: boolean;
  /**
   * A relist replaces every pod object at once; past this many pod changes (and half the pods)
   * the model is built again rather than derived, which would then cost as much. Default 1000.
   */
  readonly rebuildAbove?: number;
  /** Told of every update of the model (built or derived), whether a sync or a review made it. */
  readonly onUpdate?: (result: SyncResult) => void;
}

/** What a sync did, for the log and the metrics. */
export interface SyncResult {
  readonly kind: 'unchanged' | 'derived' | 'built';
  readonly ms: number;
  /** Pods, namespaces and NetworkPolicies that changed (derived). */
  readonly changed?: number;
}

interface Seen {
  readonly model: ConnectivityModel;
  readonly podList: readonly PodInfo[];
  /** The view's pod list of each namespace with pods, as last seen (by identity). */
  readonly podLists: ReadonlyMap<string, readonly PodInfo[]>;
  readonly namespaceList: readonly NamespaceInfo[];
  readonly namespaces: ReadonlyMap<string, NamespaceInfo>;
  readonly policyList: readonly NetworkPolicy[];
  readonly policies: ReadonlyMap<string, NetworkPolicy>;
  readonly cnps: readonly ClusterNetworkPolicy[];
}

interface PodChanges {
  readonly upserts: readonly PodInfo[];
  readonly deletes: readonly string[];
  readonly podLists: ReadonlyMap<string, readonly PodInfo[]>;
}

const NO_CNPS: readonly ClusterNetworkPolicy[] = Object.freeze([]);

function snapshotPod(p: PodInfo): SnapshotPod {
  return { namespace: p.namespace, name: p.name, labels: p.labels, ips: p.ips ?? [], hostNetwork: p.hostNetwork, ports: p.ports, ...(p.node ? { node: p.node } : {}) };
}

/** Entries of `next` new or replaced since `last`, and keys of `last` gone from `next`. */
function changesOf<T>(last: ReadonlyMap<string, T>, next: readonly T[], keyOf: (t: T) => string): { upserts: T[]; deletes: string[]; byKey: Map<string, T> } {
  const byKey = new Map<string, T>();
  const upserts: T[] = [];
  for (const item of next) {
    const key = keyOf(item);
    byKey.set(key, item);
    if (last.get(key) !== item) upserts.push(item);
  }
  const deletes: string[] = [];
  for (const key of last.keys()) if (!byKey.has(key)) deletes.push(key);
  return { upserts, deletes, byKey };
}

export class LiveImpact implements ImpactProvider {
  private seen: Seen | undefined;
  /** The pods of the last synced model by `namespace/name`, changed in place as the model is. */
  private readonly pods = new Map<string, PodInfo>();
  /** Models built from scratch, and models derived by changes (for tests, logs and metrics). */
  builds = 0;
  derivations = 0;

  constructor(
    private readonly view: ClusterView,
    private readonly options: LiveImpactOptions,
  ) {}

  /**
   * The view's pod list of every namespace that has pods. The informer and static views keep a
   * namespace's list (the same array) until one of its pods changes, which is what lets a sync
   * look at the namespaces that changed rather than at every pod.
   */
  private podListsOf(names: Iterable<string>): Map<string, readonly PodInfo[]> {
    const lists = new Map<string, readonly PodInfo[]>();
    for (const name of names) {
      if (lists.has(name)) continue;
      const list = this.view.pods(name);
      if (list.length > 0) lists.set(name, list);
    }
    return lists;
  }

  /**
   * The pods that changed since `last`: namespace by namespace, only where the view's list of the
   * namespace is not the one last seen; every pod when the namespaces do not account for all the
   * pods (pods of a namespace the view does not list yet).
   */
  private podChanges(last: Seen, podList: readonly PodInfo[]): PodChanges {
    const names = new Set(last.podLists.keys());
    for (const ns of this.view.namespaces()) names.add(ns.name);
    const podLists = this.podListsOf(names);
    let covered = 0;
    for (const list of podLists.values()) covered += list.length;
    if (covered !== podList.length) {
      const all = changesOf(this.pods, podList, podKey);
      return { upserts: all.upserts, deletes: all.deletes, podLists: this.podListsOf(podList.map((p) => p.namespace)) };
    }
    const upserts: PodInfo[] = [];
    const deletes: string[] = [];
    for (const name of names) {
      const now = podLists.get(name);
      const was = last.podLists.get(name);
      if (now === was) continue;
      const before = new Map<string, PodInfo>();
      for (const p of was ?? []) before.set(p.name, p);
      for (const p of now ?? []) {
        if (before.get(p.name) !== p) upserts.push(p);
        before.delete(p.name);
      }
      for (const gone of before.values()) deletes.push(podKey(gone));
    }
    return { upserts, deletes, podLists };
  }

  /** Brings the model up to date with the view (nothing when the view is not ready). */
  sync(): SyncResult {
    const result = this.update();
    if (result.kind !== 'unchanged') this.options.onUpdate?.(result);
    return result;
  }

  private update(): SyncResult {
    const started = this.options.now();
    const podList = this.view.pods();
    const namespaceList = this.view.namespaces();
    const policyList = this.view.networkPolicies();
    const cnps = this.view.clusterNetworkPolicies?.() ?? NO_CNPS;
    const last = this.seen;
    if (last && last.podList === podList && last.namespaceList === namespaceList && last.policyList === policyList && last.cnps === cnps) {
      return { kind: 'unchanged', ms: this.options.now() - started };
    }
    const pods = last && last.podList !== podList ? this.podChanges(last, podList) : undefined;
    // A relist replaces every object: deriving by all of them would cost more than a build.
    const podChanges = pods ? pods.upserts.length + pods.deletes.length : 0;
    if (!last || last.cnps !== cnps || (podChanges > podList.length / 2 && podChanges > (this.options.rebuildAbove ?? 1000))) {
      const model = ConnectivityModel.build(snapshotFromClusterView(this.view));
      this.pods.clear();
      for (const p of podList) this.pods.set(podKey(p), p);
      this.seen = {
        model,
        podList,
        podLists: this.podListsOf(podList.map((p) => p.namespace)),
        namespaceList,
        namespaces: new Map(namespaceList.map((n) => [n.name, n])),
        policyList,
        policies: new Map(policyList.map((np) => [policyKey(np), np])),
        cnps,
      };
      this.builds++;
      return { kind: 'built', ms: this.options.now() - started };
    }
    const namespaces = last.namespaceList === namespaceList ? undefined : changesOf(last.namespaces, namespaceList, (n) => n.name);
    const policies = last.policyList === policyList ? undefined : changesOf(last.policies, policyList, policyKey);
    const changes: ModelChanges = {
      ...(pods ? { pods: pods.upserts.map(snapshotPod), deletePods: pods.deletes } : {}),
      ...(namespaces ? { namespaces: namespaces.upserts, deleteNamespaces: namespaces.deletes } : {}),
      ...(policies ? { networkPolicies: policies.upserts, deleteNetworkPolicies: policies.deletes } : {}),
    };
    const changed = podChanges + (namespaces ? namespaces.upserts.length + namespaces.deletes.length : 0) + (policies ? policies.upserts.length + policies.deletes.length : 0);
    const model = changed > 0 ? deriveModel(last.model, changes) : last.model;
    if (pods) {
      for (const key of pods.deletes) this.pods.delete(key);
      for (const p of pods.upserts) this.pods.set(podKey(p), p);
    }
    this.seen = {
      model,
      podList,
      podLists: pods?.podLists ?? last.podLists,
      namespaceList,
      namespaces: namespaces?.byKey ?? last.namespaces,
      policyList,
      policies: policies?.byKey ?? last.policies,
      cnps,
    };
    if (changed > 0) this.derivations++;
    return { kind: changed > 0 ? 'derived' : 'unchanged', ms: this.options.now() - started, changed };
  }

  /** The model as last synced (undefined before the first sync). */
  get model(): ConnectivityModel | undefined {
    return this.seen?.model;
  }

  /** Pods by `namespace/name`, for naming workloads in the summary. */
  identify = (key: string): PodInfo | undefined => this.pods.get(key);

  /**
   * Workload names for every review of this view: its memory is keyed by pod objects and by the
   * models' pod lists, which change whenever a pod in them does, so it never answers stale.
   */
  private readonly names = new WorkloadNames(this.identify);

  assess(change: PolicyChange, budgetMs: number): ImpactAssessment | ImpactSkip {
    if (!this.view.ready) return { skipped: 'cluster-not-synced', detail: 'cluster state not synced' };
    const started = this.options.now();
    const expired = () => this.options.now() - started > budgetMs;
    if (!this.seen && this.options.firstBuildInReview === false) return { skipped: 'cluster-not-synced', detail: 'the connectivity model of the cluster is still being built' };
    this.sync();
    if (expired()) return { skipped: 'budget', detail: `over its budget of ${budgetMs}ms (bringing the model up to date)` };
    const analysis = analyzeImpact(this.seen!.model, [change], { expired });
    if (!analysis) return { skipped: 'budget', detail: `over its budget of ${budgetMs}ms` };
    return { analysis, names: this.names };
  }
}

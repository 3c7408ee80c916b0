/**
 * The connectivity model of a ClusterView, kept current for the impact of each NetworkPolicy
 * review. Informer events change the view all the time (a rollout is hundreds of pod events);
 * the model is neither rebuilt per event nor rebuilt per review. Before a review is judged (and
 * whenever the caller likes, e.g. on a timer), `sync` compares the view's lists with those the
 * model was made from, by object identity (the store replaces an object only when it changes),
 * and derives the model by exactly the pods, namespaces and NetworkPolicies that changed
 * (connectivity/derive.ts): the classes those touch are made again, the rest are kept. A build
 * from scratch happens only at the start, when ClusterNetworkPolicies change (rare; they are
 * cluster-wide) and after a relist replaced most of the pods.
 *
 * Pure: no I/O; the clock is given. One instance per view.
 */
import type { ClusterView, NamespaceInfo, PodInfo } from '../cluster/view.js';
import type { ClusterNetworkPolicy } from '../k8s/cnp-types.js';
import type { NetworkPolicy } from '../k8s/types.js';
import { ConnectivityModel, type ModelChanges, type SnapshotPod, deriveModel, snapshotFromClusterView } from '../connectivity/index.js';
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
  readonly pods: ReadonlyMap<string, PodInfo>;
  readonly namespaceList: readonly NamespaceInfo[];
  readonly namespaces: ReadonlyMap<string, NamespaceInfo>;
  readonly policyList: readonly NetworkPolicy[];
  readonly policies: ReadonlyMap<string, NetworkPolicy>;
  readonly cnps: readonly ClusterNetworkPolicy[];
}

const NO_CNPS: readonly ClusterNetworkPolicy[] = Object.freeze([]);

function snapshotPod(p: PodInfo): SnapshotPod {
  return { namespace: p.namespace, name: p.name, labels: p.labels, ips: p.ips ?? [], hostNetwork: p.hostNetwork, ports: p.ports, ...(p.node ? { node: p.node } : {}) };
}

function npKey(np: NetworkPolicy): string {
  return `${np.metadata?.namespace ?? 'default'}/${np.metadata?.name ?? ''}`;
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
  /** Models built from scratch, and models derived by changes (for tests, logs and metrics). */
  builds = 0;
  derivations = 0;

  constructor(
    private readonly view: ClusterView,
    private readonly options: LiveImpactOptions,
  ) {}

  /** Brings the model up to date with the view (nothing when the view is not ready). */
  sync(): SyncResult {
    const started = this.options.now();
    const podList = this.view.pods();
    const namespaceList = this.view.namespaces();
    const policyList = this.view.networkPolicies();
    const cnps = this.view.clusterNetworkPolicies?.() ?? NO_CNPS;
    const last = this.seen;
    if (last && last.podList === podList && last.namespaceList === namespaceList && last.policyList === policyList && last.cnps === cnps) {
      return { kind: 'unchanged', ms: this.options.now() - started };
    }
    const pods = last ? changesOf(last.pods, podList, (p) => `${p.namespace}/${p.name}`) : undefined;
    // A relist replaces every object: deriving by all of them would cost more than a build.
    const podChanges = pods ? pods.upserts.length + pods.deletes.length : 0;
    if (!last || last.cnps !== cnps || !pods || (podChanges > podList.length / 2 && podChanges > (this.options.rebuildAbove ?? 1000))) {
      this.seen = {
        model: ConnectivityModel.build(snapshotFromClusterView(this.view)),
        podList,
        pods: new Map(podList.map((p) => [`${p.namespace}/${p.name}`, p])),
        namespaceList,
        namespaces: new Map(namespaceList.map((n) => [n.name, n])),
        policyList,
        policies: new Map(policyList.map((np) => [npKey(np), np])),
        cnps,
      };
      this.builds++;
      return { kind: 'built', ms: this.options.now() - started };
    }
    const namespaces = last.namespaceList === namespaceList ? undefined : changesOf(last.namespaces, namespaceList, (n) => n.name);
    const policies = last.policyList === policyList ? undefined : changesOf(last.policies, policyList, npKey);
    const changes: ModelChanges = {
      pods: pods.upserts.map(snapshotPod),
      deletePods: pods.deletes,
      ...(namespaces ? { namespaces: namespaces.upserts, deleteNamespaces: namespaces.deletes } : {}),
      ...(policies ? { networkPolicies: policies.upserts, deleteNetworkPolicies: policies.deletes } : {}),
    };
    const changed = pods.upserts.length + pods.deletes.length + (namespaces ? namespaces.upserts.length + namespaces.deletes.length : 0) + (policies ? policies.upserts.length + policies.deletes.length : 0);
    this.seen = {
      model: changed > 0 ? deriveModel(last.model, changes) : last.model,
      podList,
      pods: pods.byKey,
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
  identify = (key: string): PodInfo | undefined => this.seen?.pods.get(key);

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

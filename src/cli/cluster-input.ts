/**
 * The cluster an offline command looks at: manifests (--cluster-state) or a live cluster
 * (--kubeconfig), read once. Every command reads a live cluster the same way: one paged list of
 * each resource the cluster view keeps, plus ClusterNetworkPolicies where the API serves them
 * (cluster/list-live.ts); nothing is watched or written.
 */
import type { SourcedObject } from '../cluster/static.js';
import type { ClusterView } from '../cluster/view.js';
import { NpgError } from '../errors.js';
import { loadClusterState } from '../cluster/load-state.js';

export interface ClusterInputOptions {
  readonly clusterState?: readonly string[];
  readonly kubeconfig?: string;
  /** How long to wait for a live cluster's lists. */
  readonly timeoutMs?: number;
}

/** Without these the answer would be wrong rather than partial: failing to list one is an error. */
const NEEDED = new Set(['namespaces', 'pods', 'networkpolicies']);

/**
 * The objects of a live cluster, listed once. `kubeconfig` empty: in-cluster credentials or
 * $KUBECONFIG. Resources the commands can do without (Services, Nodes...) may be missing; a
 * missing namespace, pod or NetworkPolicy list, or an unreachable API server, is NPG_CLUSTER_CONFIG.
 */
export async function listLiveObjects(kubeconfig: string | undefined, timeoutMs = 30_000): Promise<{ objects: SourcedObject[]; source: string }> {
  const { loadKubeConfig } = await import('../cluster/kubeconfig.js');
  const { listLiveCluster } = await import('../cluster/list-live.js');
  const loaded = loadKubeConfig({ requestTimeoutMs: timeoutMs, ...(kubeconfig ? { kubeconfig } : {}) });
  const listing = await listLiveCluster(loaded.config, loaded.server, timeoutMs);
  const missing = listing.missing.filter((m) => NEEDED.has(m.what) || m.what.startsWith('clusternetworkpolicies'));
  if (missing.length > 0) {
    throw new NpgError('NPG_CLUSTER_CONFIG', `${loaded.origin}: cannot read the cluster: ${missing.map((m) => `${m.what}: ${m.reason}`).join('; ')}`);
  }
  return { objects: listing.objects, source: loaded.server };
}

/** The view and a function to release it. */
export async function openClusterInput(options: ClusterInputOptions, usage: string): Promise<{ view: ClusterView; close: () => Promise<void> }> {
  const hasState = (options.clusterState?.length ?? 0) > 0;
  if (hasState === (options.kubeconfig !== undefined)) {
    throw new NpgError('NPG_OPTION_INVALID', `give exactly one of --cluster-state or --kubeconfig\n\n${usage}`);
  }
  if (hasState) return { view: await loadClusterState(options.clusterState ?? []), close: async () => {} };
  const { staticClusterViewFrom } = await import('../cluster/static.js');
  const live = await listLiveObjects(options.kubeconfig, options.timeoutMs);
  return { view: staticClusterViewFrom(live.objects, live.source), close: async () => {} };
}

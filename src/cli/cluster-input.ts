/**
 * The cluster an offline command looks at: manifests (--cluster-state) or a live cluster
 * (--kubeconfig), read once. A live cluster is listed through the same informers the webhook
 * runs, waited for until every list is complete, then stopped.
 */
import type { ClusterView } from '../cluster/view.js';
import { NpgError } from '../errors.js';
import { loadClusterState } from '../cluster/load-state.js';

export interface ClusterInputOptions {
  readonly clusterState?: readonly string[];
  readonly kubeconfig?: string;
  /** How long to wait for a live cluster's lists. */
  readonly timeoutMs?: number;
}

/** The view and a function to release it (stops the informers of a live cluster). */
export async function openClusterInput(options: ClusterInputOptions, usage: string): Promise<{ view: ClusterView; close: () => Promise<void> }> {
  const hasState = (options.clusterState?.length ?? 0) > 0;
  if (hasState === (options.kubeconfig !== undefined)) {
    throw new NpgError('NPG_OPTION_INVALID', `give exactly one of --cluster-state or --kubeconfig\n\n${usage}`);
  }
  if (hasState) return { view: await loadClusterState(options.clusterState ?? []), close: async () => {} };
  const { createInformerClusterView } = await import('../cluster/informers.js');
  const quiet = { debug() {}, info() {}, warn() {}, error() {} };
  const informers = createInformerClusterView({ kubeconfig: options.kubeconfig, resyncSeconds: 3600, logger: quiet });
  try {
    await informers.start({ timeoutMs: options.timeoutMs ?? 30_000 });
  } catch (err) {
    await informers.stop();
    if (err instanceof NpgError) throw err;
    throw new NpgError('NPG_CLUSTER_CONFIG', `cannot read the cluster: ${(err as Error).message}`, { cause: err });
  }
  return { view: informers.view, close: () => informers.stop() };
}

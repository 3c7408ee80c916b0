/**
 * `--cluster-state`: a static ClusterView from manifests, for cluster-aware rules offline.
 */
import type { ClusterView } from '../cluster/view.js';
import { NpgError } from '../errors.js';

export async function loadClusterState(paths: readonly string[]): Promise<ClusterView> {
  throw new NpgError('NPG_CLUSTER_STATE_INVALID', `--cluster-state is not available in this build (${paths.join(', ')})`);
}

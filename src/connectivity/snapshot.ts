/**
 * The model's snapshot from a ClusterView (informers or manifests), with policies added or
 * replaced: simulate's FILES, impact's proposed change.
 */
import type { ClusterView } from '../cluster/view.js';
import type { NetworkPolicy } from '../k8s/types.js';
import type { ClusterNetworkPolicy } from '../k8s/cnp-types.js';
import { policyKey } from './model.js';
import type { ConnectivitySnapshot } from './types.js';

export function snapshotFromClusterView(view: ClusterView): ConnectivitySnapshot {
  return {
    namespaces: view.namespaces(),
    pods: view.pods().map((p) => ({
      namespace: p.namespace,
      name: p.name,
      labels: p.labels,
      ips: p.ips ?? [],
      hostNetwork: p.hostNetwork,
      ports: p.ports,
      ...(p.node ? { node: p.node } : {}),
    })),
    networkPolicies: view.networkPolicies(),
    clusterNetworkPolicies: view.clusterNetworkPolicies?.() ?? [],
  };
}

export interface PolicyChanges {
  /** Created, or replacing the one with the same namespace/name. */
  readonly networkPolicies?: readonly NetworkPolicy[];
  /** `namespace/name` of NetworkPolicies to remove. */
  readonly deleteNetworkPolicies?: readonly string[];
  /** Created, or replacing the one with the same name. */
  readonly clusterNetworkPolicies?: readonly ClusterNetworkPolicy[];
  readonly deleteClusterNetworkPolicies?: readonly string[];
}

/** The snapshot with policies added, replaced or removed; the input is not modified. */
export function withPolicyChanges(snapshot: ConnectivitySnapshot, changes: PolicyChanges): ConnectivitySnapshot {
  const nps = new Map(snapshot.networkPolicies.map((np) => [policyKey(np), np]));
  for (const key of changes.deleteNetworkPolicies ?? []) nps.delete(key);
  for (const np of changes.networkPolicies ?? []) nps.set(policyKey(np), np);
  const cnps = new Map((snapshot.clusterNetworkPolicies ?? []).map((c) => [c.name, c]));
  for (const name of changes.deleteClusterNetworkPolicies ?? []) cnps.delete(name);
  for (const c of changes.clusterNetworkPolicies ?? []) cnps.set(c.name, c);
  return { ...snapshot, networkPolicies: [...nps.values()], clusterNetworkPolicies: [...cnps.values()] };
}

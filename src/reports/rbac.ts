/**
 * What the audit reports need beyond the informers' read-only rules, as the chart writes it:
 * exactly the two report resources of the chosen API, the owner ClusterRole by name, and the
 * Lease (a Role in the release namespace). test/chart/chart.test.ts compares the rendered RBAC
 * with these, and test/e2e/reports.test.ts runs the replicas with exactly them.
 */
import type { PolicyRule } from '../cluster/resources.js';
import type { ReportApi } from './api.js';

export interface NamedPolicyRule extends PolicyRule {
  readonly resourceNames?: readonly string[];
}

/** Cluster-wide: the reports (every namespace and the cluster one) and reading the owner's uid. */
export function auditClusterRules(api: ReportApi, ownerClusterRole: string): NamedPolicyRule[] {
  return [
    // list: what is there (compare-before-update); get: re-read after a conflict; create, update,
    // delete: the writes. No watch, patch or deletecollection.
    { apiGroups: [api.group], resources: [api.namespaced.plural, api.cluster.plural], verbs: ['get', 'list', 'create', 'update', 'delete'] },
    { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], resourceNames: [ownerClusterRole], verbs: ['get'] },
  ];
}

/** In the release namespace: the Lease. `create` cannot be limited to a name (the object does not exist yet). */
export function leaseRules(leaseName: string): NamedPolicyRule[] {
  return [
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['create'] },
    { apiGroups: ['coordination.k8s.io'], resources: ['leases'], resourceNames: [leaseName], verbs: ['get', 'update'] },
  ];
}

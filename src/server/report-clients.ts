/**
 * The audit controller's API clients over @kubernetes/client-node: the report store (the CRDs
 * through CustomObjectsApi, plain JSON in and out), the Lease (through the same generic calls,
 * so times travel as the MicroTime strings the elector writes), and the owner's uid.
 */
import { CustomObjectsApi, type KubeConfig, RbacAuthorizationV1Api } from '@kubernetes/client-node';
import { MANAGED_BY_LABEL, REPORT_SOURCE, type ReportApi } from '../reports/api.js';
import type { ExistingReport } from '../reports/plan.js';
import type { OwnerReference, ReportObject } from '../reports/types.js';
import type { ReportStore } from '../reports/writer.js';
import type { LeaseClient, LeaseObject } from './lease-elector.js';

function notFound(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 404;
}

export function reportStore(config: KubeConfig, api: ReportApi): ReportStore {
  const client = config.makeApiClient(CustomObjectsApi);
  const { group, version } = api;
  const labelSelector = `${MANAGED_BY_LABEL}=${REPORT_SOURCE}`;
  const plural = (namespace: string | undefined) => (namespace === undefined ? api.cluster.plural : api.namespaced.plural);
  return {
    async list() {
      // Across all namespaces, then the cluster-scoped kind: two requests per audit.
      const [namespaced, cluster] = await Promise.all([
        client.listClusterCustomObject({ group, version, plural: api.namespaced.plural, labelSelector }),
        client.listClusterCustomObject({ group, version, plural: api.cluster.plural, labelSelector }),
      ]);
      return [...((namespaced as { items?: ExistingReport[] }).items ?? []), ...((cluster as { items?: ExistingReport[] }).items ?? [])];
    },
    async get(namespace, name) {
      try {
        return (namespace === undefined
          ? await client.getClusterCustomObject({ group, version, plural: plural(namespace), name })
          : await client.getNamespacedCustomObject({ group, version, namespace, plural: plural(namespace), name })) as ExistingReport;
      } catch (err) {
        if (notFound(err)) return undefined;
        throw err;
      }
    },
    async create(report: ReportObject) {
      const ns = report.metadata.namespace;
      if (ns === undefined) await client.createClusterCustomObject({ group, version, plural: plural(ns), body: report });
      else await client.createNamespacedCustomObject({ group, version, namespace: ns, plural: plural(ns), body: report });
    },
    async replace(report: ReportObject, resourceVersion: string) {
      const ns = report.metadata.namespace;
      // The resourceVersion we compared against: a change since then is a 409, not overwritten.
      const body = { ...report, metadata: { ...report.metadata, resourceVersion } };
      const name = report.metadata.name;
      if (ns === undefined) await client.replaceClusterCustomObject({ group, version, plural: plural(ns), name, body });
      else await client.replaceNamespacedCustomObject({ group, version, namespace: ns, plural: plural(ns), name, body });
    },
    async delete(namespace, name) {
      if (namespace === undefined) await client.deleteClusterCustomObject({ group, version, plural: plural(namespace), name });
      else await client.deleteNamespacedCustomObject({ group, version, namespace, plural: plural(namespace), name });
    },
  };
}

export function leaseClient(config: KubeConfig, namespace: string, name: string): LeaseClient {
  const client = config.makeApiClient(CustomObjectsApi);
  const where = { group: 'coordination.k8s.io', version: 'v1', namespace, plural: 'leases' };
  const body = (lease: LeaseObject) => ({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: lease.metadata, spec: lease.spec });
  return {
    async get() {
      try {
        return (await client.getNamespacedCustomObject({ ...where, name })) as LeaseObject;
      } catch (err) {
        if (notFound(err)) return undefined;
        throw err;
      }
    },
    async create(lease) {
      return (await client.createNamespacedCustomObject({ ...where, body: body(lease) })) as LeaseObject;
    },
    async replace(lease) {
      return (await client.replaceNamespacedCustomObject({ ...where, name, body: body(lease) })) as LeaseObject;
    },
  };
}

/** The owner reference for a ClusterRole, read once: its uid is what ties the reports to it. */
export async function clusterRoleOwner(config: KubeConfig, name: string): Promise<OwnerReference> {
  const role = await config.makeApiClient(RbacAuthorizationV1Api).readClusterRole({ name });
  const uid = role.metadata?.uid;
  if (!uid) throw new Error(`ClusterRole ${name} has no uid`);
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name, uid };
}

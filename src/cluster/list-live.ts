/**
 * One read of a live cluster for the audit: every resource the cluster view keeps, listed once
 * (paged), plus ClusterNetworkPolicies where the API serves them. A resource the credentials may
 * not list, or that fails, is left out and named — the audit judges the rest; an API server that
 * cannot be reached at all is an error saying so.
 */
import { ApiException, CustomObjectsApi, type KubeConfig } from '@kubernetes/client-node';
import { NpgError, describeError } from '../errors.js';
import { apiClients, watchedResources } from './resources.js';
import type { SourcedObject } from './static.js';

export interface LiveListing {
  readonly objects: SourcedObject[];
  /** Resources left out, with why (`forbidden`, an error). */
  readonly missing: { readonly what: string; readonly reason: string }[];
}

const KINDS: Record<string, [apiVersion: string, kind: string]> = {
  namespaces: ['v1', 'Namespace'],
  pods: ['v1', 'Pod'],
  services: ['v1', 'Service'],
  nodes: ['v1', 'Node'],
  networkpolicies: ['networking.k8s.io/v1', 'NetworkPolicy'],
  validatingwebhookconfigurations: ['admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration'],
  mutatingwebhookconfigurations: ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration'],
  daemonsets: ['apps/v1', 'DaemonSet'],
};

/** Resources without which the audit means nothing: failing to list them fails the audit. */
const ESSENTIAL = new Set(['namespaces', 'pods', 'networkpolicies']);

function statusOf(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

function unreachable(server: string, err: unknown): NpgError {
  return new NpgError('NPG_CLUSTER_CONFIG', `cannot reach the API server at ${server}: ${describeError(err)}`, { cause: err });
}

function explain(resource: string, group: string, err: unknown): string {
  const code = statusOf(err);
  if (code === 403) return `forbidden: the credentials may not list ${resource}${group ? `.${group}` : ''} (RBAC: verb list on ${resource} in API group "${group}", all namespaces)`;
  if (code === 401) return 'unauthorized: the credentials were not accepted';
  return code ? `the API server answered ${code}: ${describeError(err).split('\n')[0]}` : describeError(err);
}

export async function listLiveCluster(config: KubeConfig, server: string, timeoutMs = 30_000): Promise<LiveListing> {
  const objects: SourcedObject[] = [];
  const missing: { what: string; reason: string }[] = [];
  const signal = AbortSignal.timeout(timeoutMs);
  for (const r of watchedResources(apiClients(config))) {
    const [apiVersion, kind] = KINDS[r.resource]!;
    try {
      let _continue: string | undefined;
      do {
        const page = await r.list({ limit: 500, signal, ...(_continue ? { _continue } : {}) });
        page.items.forEach((item, i) => objects.push({ object: { ...(item as object), apiVersion, kind }, origin: `${r.resource} item ${objects.length + i}` }));
        _continue = page.metadata?._continue || undefined;
      } while (_continue);
    } catch (err) {
      if (statusOf(err) === undefined) throw unreachable(server, err);
      if (ESSENTIAL.has(r.resource) && statusOf(err) === 401) throw new NpgError('NPG_CLUSTER_CONFIG', `${server}: ${explain(r.resource, r.group, err)}`);
      missing.push({ what: r.resource, reason: explain(r.resource, r.group, err) });
    }
  }
  // ClusterNetworkPolicies: optional CRDs, newest served version first; none served is the normal case.
  const custom = config.makeApiClient(CustomObjectsApi);
  for (const version of ['v1beta1', 'v1alpha2']) {
    try {
      const list = (await custom.listClusterCustomObject({ group: 'policy.networking.k8s.io', version, plural: 'clusternetworkpolicies' })) as { items?: unknown[] };
      (list.items ?? []).forEach((item, i) => objects.push({ object: { apiVersion: `policy.networking.k8s.io/${version}`, kind: 'ClusterNetworkPolicy', ...(item as object) }, origin: `clusternetworkpolicies item ${i}` }));
      break;
    } catch (err) {
      const code = statusOf(err);
      if (code === 404) continue;
      if (code === undefined) throw unreachable(server, err);
      missing.push({ what: 'clusternetworkpolicies.policy.networking.k8s.io', reason: explain('clusternetworkpolicies', 'policy.networking.k8s.io', err) });
      break;
    }
  }
  return { objects, missing };
}

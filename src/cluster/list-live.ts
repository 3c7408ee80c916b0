/**
 * One read of a live cluster for the audit: every resource the cluster view keeps, listed once
 * (paged), plus ClusterNetworkPolicies where the API serves them. A resource the credentials may
 * not list, or that fails, is left out and named — the audit judges the rest; an API server that
 * cannot be reached at all is an error saying so.
 */
import { ApiException, type KubeConfig } from '@kubernetes/client-node';
import { NpgError, describeError } from '../errors.js';
import { apiClients, watchedResources } from './resources.js';
import type { SourcedObject } from './static.js';

export interface LiveListing {
  readonly objects: SourcedObject[];
  /** Resources left out, with why (`forbidden`, an error). */
  readonly missing: { readonly what: string; readonly reason: string }[];
}

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
    const staged: SourcedObject[] = [];
    try {
      let _continue: string | undefined;
      do {
        const page = await r.list({ limit: 500, signal, ...(_continue ? { _continue } : {}) });
        // Read after the list: an optional resource's version is the one that answered.
        const { apiVersion, kind } = r;
        page.items.forEach((item) => staged.push({ object: { ...(item as object), apiVersion, kind }, origin: `${r.resource} item ${staged.length}` }));
        _continue = page.metadata?._continue || undefined;
      } while (_continue);
      objects.push(...staged);
    } catch (err) {
      const code = statusOf(err);
      if (code === undefined) throw unreachable(server, err);
      if (r.optional && code === 404) continue; // an optional CRD that is not installed: none of them
      if (ESSENTIAL.has(r.resource) && code === 401) throw new NpgError('NPG_CLUSTER_CONFIG', `${server}: ${explain(r.resource, r.group, err)}`);
      // A CRD is named with its group (clusternetworkpolicies.policy.networking.k8s.io), as kubectl does.
      missing.push({ what: r.optional ? `${r.resource}.${r.group}` : r.resource, reason: explain(r.resource, r.group, err) });
    }
  }
  return { objects, missing };
}

/**
 * A ClusterView as plain data and back: what crosses to the audit worker thread. The informer
 * view's lists are frozen arrays of plain objects, so taking them is cheap and the copy the
 * worker receives (structured clone) is a consistent picture of one moment.
 */
import type { ClusterNetworkPolicy } from '../k8s/cnp-types.js';
import { SelectorMatchers } from '../k8s/label-matchers.js';
import type { NetworkPolicy } from '../k8s/types.js';
import type { ClusterView, DaemonSetInfo, NamespaceInfo, NodeInfo, PodInfo, ServiceInfo, WebhookInfo } from './view.js';

export interface ClusterViewData {
  readonly source: string;
  readonly namespaces: readonly NamespaceInfo[];
  readonly pods: readonly PodInfo[];
  readonly services: readonly ServiceInfo[];
  readonly nodes: readonly NodeInfo[];
  readonly networkPolicies: readonly NetworkPolicy[];
  readonly webhooks: readonly WebhookInfo[];
  readonly daemonSets: readonly DaemonSetInfo[];
  /** Absent when the view does not read ClusterNetworkPolicies. */
  readonly clusterNetworkPolicies?: readonly ClusterNetworkPolicy[];
}

/** The view's current content; the arrays are the view's own (frozen), not copies. */
export function viewData(view: ClusterView): ClusterViewData {
  const cnps = view.clusterNetworkPolicies?.();
  return {
    source: view.source,
    namespaces: view.namespaces(),
    pods: view.pods(),
    services: view.services(),
    nodes: view.nodes(),
    networkPolicies: view.networkPolicies(),
    webhooks: view.webhooks(),
    daemonSets: view.daemonSets(),
    ...(cnps ? { clusterNetworkPolicies: cnps } : {}),
  };
}

function byNamespace<T>(items: readonly T[], namespaceOf: (t: T) => string): (namespace?: string) => readonly T[] {
  const grouped = new Map<string, T[]>();
  for (const item of items) {
    const ns = namespaceOf(item);
    let list = grouped.get(ns);
    if (!list) grouped.set(ns, (list = []));
    list.push(item);
  }
  return (namespace) => (namespace === undefined ? items : (grouped.get(namespace) ?? []));
}

/** A ready, read-only view over data taken with viewData (in another thread, usually). */
export function viewFromData(data: ClusterViewData): ClusterView {
  const labels = new Map(data.namespaces.map((n) => [n.name, n.labels]));
  const pods = byNamespace(data.pods, (p) => p.namespace);
  const services = byNamespace(data.services, (s) => s.namespace);
  const nps = byNamespace(data.networkPolicies, (np) => np.metadata?.namespace ?? 'default');
  const counts = {
    namespaces: data.namespaces.length,
    pods: data.pods.length,
    services: data.services.length,
    nodes: data.nodes.length,
    networkpolicies: data.networkPolicies.length,
    daemonsets: data.daemonSets.length,
    ...(data.clusterNetworkPolicies ? { clusternetworkpolicies: data.clusterNetworkPolicies.length } : {}),
  };
  const cnps = data.clusterNetworkPolicies;
  return {
    ready: true,
    source: data.source,
    namespaceLabels: (name) => labels.get(name),
    namespaces: () => data.namespaces,
    pods,
    services,
    nodes: () => data.nodes,
    networkPolicies: nps,
    webhooks: () => data.webhooks,
    daemonSets: () => data.daemonSets,
    ...(cnps ? { clusterNetworkPolicies: () => cnps } : {}),
    status: () => ({ synced: true, ageSeconds: 0, counts }),
    matchers: new SelectorMatchers(),
  };
}

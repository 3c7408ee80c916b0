/**
 * The live side of `explain`: what a NetworkPolicy meets in a cluster — the pods it selects and
 * what each of its peers matches today — through the same selection semantics the cluster-aware
 * rules use. Pure: the cluster comes in as a ClusterView.
 */
import type { ClusterView, PodInfo } from './cluster/view.js';
import type { NetworkPolicy, NetworkPolicyPeer } from './k8s/types.js';
import type { ClusterExplanation, PeerInCluster, PodSample, RuleInCluster } from './netpol/explain/index.js';
import { rangeHasAddress, toRange } from './netpol/cidr.js';
import { matchingNamespaces, peerPods, selectedPods } from './rules/lib/cluster-match.js';

const SAMPLE = 20;

function keyOf(p: PodInfo): string {
  return `${p.namespace}/${p.name}`;
}

function sample(pods: readonly PodInfo[]): PodSample {
  const keys = pods.map(keyOf).sort();
  return { count: keys.length, pods: keys.slice(0, SAMPLE) };
}

/** "3 pods: a/x, a/y, b/z", "25 pods: a/p1, a/p2, a/p3, and 22 more". */
function listed(s: PodSample): string {
  if (s.count === 0) return 'no pod';
  const shown = s.pods.slice(0, 3);
  const more = s.count - shown.length;
  return `${s.count} pod${s.count === 1 ? '' : 's'}: ${shown.join(', ')}${more > 0 ? `, and ${more} more` : ''}`;
}

/** Pods whose addresses fall inside the block and outside its except ranges. */
function podsInBlock(block: NonNullable<NetworkPolicyPeer['ipBlock']>, cluster: ClusterView): PodInfo[] {
  const range = toRange(block.cidr ?? '');
  if (!range) return [];
  const except = (block.except ?? []).map((e) => toRange(e)).filter((r) => r !== undefined);
  return cluster.pods().filter((p) => (p.ips ?? []).some((ip) => rangeHasAddress(range, ip) && !except.some((r) => rangeHasAddress(r, ip))));
}

function peerInCluster(peer: NetworkPolicyPeer, field: string, namespace: string, cluster: ClusterView): PeerInCluster {
  if (peer.ipBlock) {
    const pods = sample(podsInBlock(peer.ipBlock, cluster));
    const names = [...new Set(pods.pods.map((p) => p.slice(0, p.indexOf('/'))))];
    return {
      field,
      namespaces: { count: names.length, names },
      pods,
      text: pods.count === 0 ? 'no pod address falls inside this block' : `the addresses of ${listed(pods)} fall inside this block`,
    };
  }
  const namespaces = peer.namespaceSelector ? matchingNamespaces(peer.namespaceSelector, cluster).map((n) => n.name).sort() : [namespace];
  const pods = sample(peerPods(peer, namespace, cluster) ?? []);
  let text = pods.count > 0 ? listed(pods) : 'no pod today';
  if (peer.namespaceSelector && namespaces.length === 0) text += ' (no namespace matches its namespaceSelector)';
  else if (pods.count === 0 && peer.namespaceSelector) text += ` (in ${namespaces.length} matching namespace${namespaces.length === 1 ? '' : 's'})`;
  return { field, namespaces: { count: namespaces.length, names: namespaces.slice(0, SAMPLE) }, pods, text };
}

function rulesInCluster(np: NetworkPolicy, direction: 'ingress' | 'egress', namespace: string, cluster: ClusterView): RuleInCluster[] {
  const rules = (direction === 'ingress' ? np.spec?.ingress : np.spec?.egress) ?? [];
  return rules.map((rule, i) => {
    const field = `spec.${direction}[${i}]`;
    const peers = ('from' in rule ? rule.from : (rule as { to?: NetworkPolicyPeer[] }).to) ?? [];
    const key = direction === 'ingress' ? 'from' : 'to';
    return { field, peers: peers.map((p, j) => peerInCluster(p, `${field}.${key}[${j}]`, namespace, cluster)) };
  });
}

/** What `np` (decoded and defaulted), written in `namespace`, meets in the cluster today. */
export function explainInCluster(np: NetworkPolicy, namespace: string, cluster: ClusterView): ClusterExplanation {
  const selected = selectedPods(np, namespace, cluster);
  return {
    source: cluster.source,
    selects: {
      ...sample(selected),
      hostNetwork: selected.filter((p) => p.hostNetwork).map(keyOf).sort(),
      namespaceExists: cluster.namespaces().some((n) => n.name === namespace),
    },
    ingress: rulesInCluster(np, 'ingress', namespace, cluster),
    egress: rulesInCluster(np, 'egress', namespace, cluster),
  };
}

/**
 * Whether a policy's egress rules may let DNS reach the cluster DNS, judged from the policy alone
 * (no cluster state): the selectors and address ranges that may hold the DNS pods, and port 53.
 */
import type { NetworkPolicy, NetworkPolicyPeer } from '../k8s/types.js';
import { rangesOverlap, toRange } from './cidr.js';
import { rulePortsAllow, rulesOf } from './walk.js';

/**
 * Where cluster DNS can live: the node-local DNS cache address and the private ranges pod
 * networks are carved from. An ipBlock outside them (8.8.8.8/32, say) cannot reach it, because
 * pods resolve through the cluster DNS service, whose pods have pod IPs.
 */
const DNS_CAPABLE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.20.10/32', 'fc00::/7'].map(
  (c) => toRange(c)!,
);

/** Whether an ipBlock may hold the cluster DNS: pod IPs are not known, only the ranges they come from. */
export function ipBlockMayHoldDns(peer: NetworkPolicyPeer): boolean {
  const range = peer.ipBlock ? toRange(peer.ipBlock.cidr) : undefined;
  return range !== undefined && DNS_CAPABLE_RANGES.some((r) => rangesOverlap(range, r));
}

/**
 * Without cluster state we cannot know which pods a selector matches, so a peer counts as a
 * possible DNS server unless it certainly is not one: a podSelector alone selects pods of the
 * policy's own namespace, never the cluster DNS (outside kube-system).
 */
function mayReachClusterDns(peer: NetworkPolicyPeer, namespace: string): boolean {
  if (peer.namespaceSelector !== undefined) return true;
  if (peer.podSelector !== undefined) return namespace === 'kube-system';
  return ipBlockMayHoldDns(peer);
}

/** Whether some egress rule of `np` may admit DNS over `protocol` to the cluster DNS. */
export function allowsDns(np: NetworkPolicy, protocol: 'UDP' | 'TCP', names: readonly string[], namespace: string): boolean {
  return rulesOf(np, 'egress').some(
    (r) => rulePortsAllow(r.ports, protocol, 53, names) && (!r.peers || r.peers.length === 0 || r.peers.some((p) => mayReachClusterDns(p, namespace))),
  );
}

/**
 * egress-without-dns with cluster state: do the policies that will select the pods, taken
 * together, let them reach the actual DNS pods over UDP and TCP?
 *
 * Policies add up, so the question is asked of the union of every egress-isolating policy of the
 * namespace that selects the same pods (the new one included, replacing its stored version). The
 * selected pods are grouped by label set (replicas share one), so the cost is policies × label
 * sets, not policies × pods; each policy's reach to the DNS pods is worked out once per review.
 * When the policy selects no pod yet, the union is the policy plus the stored policies that are
 * certain to select the same pods: those with an empty or an identical podSelector.
 */
import type { ClusterView, PodInfo } from '../../cluster/view.js';
import { isEmptySelector } from '../../k8s/labels.js';
import type { NetworkPolicy } from '../../k8s/types.js';
import { ipBlockMayHoldDns } from '../../netpol/dns.js';
import { isolates, rulePortsAllow, rulesOf } from '../../netpol/walk.js';
import { groupByLabels, peerMatchesPod, podSelectorOf, policiesAfterWrite, selectedPods, selectorMatcher } from './cluster-match.js';

export interface DnsParams {
  readonly dnsPortNames: readonly string[];
  readonly dnsNamespace: string;
  readonly dnsPodLabels: Readonly<Record<string, string>>;
}

type Protocol = 'UDP' | 'TCP';

/** The DNS port of a DNS pod over one protocol: a port named dns/dns-tcp or numbered 53, else 53. */
function dnsPort(pod: PodInfo, protocol: Protocol, names: readonly string[]): { number: number; names: string[] } {
  const declared = pod.ports.find((p) => p.protocol === protocol && ((p.name !== undefined && names.includes(p.name)) || p.containerPort === 53));
  const number = declared?.containerPort ?? 53;
  const aliases = pod.ports.filter((p) => p.protocol === protocol && p.containerPort === number && p.name).map((p) => p.name as string);
  return { number, names: aliases };
}

interface DnsTarget {
  readonly pod: PodInfo;
  readonly port: Record<Protocol, { number: number; names: string[] }>;
}

/** Indexes of the DNS pods `policy` lets its pods reach over `protocol`. */
function reach(policy: NetworkPolicy, namespace: string, targets: readonly DnsTarget[], protocol: Protocol, cluster: ClusterView): Set<number> {
  const out = new Set<number>();
  const rules = rulesOf(policy, 'egress');
  targets.forEach(({ pod, port }, i) => {
    const { number, names } = port[protocol];
    const ok = rules.some(
      (r) =>
        rulePortsAllow(r.ports, protocol, number, names) &&
        (!r.peers || r.peers.length === 0 || r.peers.some((peer) => (peer.ipBlock ? ipBlockMayHoldDns(peer) : peerMatchesPod(peer, namespace, pod, cluster)))),
    );
    if (ok) out.add(i);
  });
  return out;
}

function sameSelector(a: NetworkPolicy, b: NetworkPolicy): boolean {
  return JSON.stringify(podSelectorOf(a)) === JSON.stringify(podSelectorOf(b));
}

/**
 * Whether DNS over UDP and over TCP reaches every DNS pod from every pod `np` selects, counting
 * all the policies that select them; undefined when no DNS pod is known (then the cluster-less
 * judgement applies: unknown is not bad).
 */
export function clusterDnsVerdict(np: NetworkPolicy, namespace: string, cluster: ClusterView, params: DnsParams): { udp: boolean; tcp: boolean } | undefined {
  const isDns = selectorMatcher({ matchLabels: { ...params.dnsPodLabels } }, cluster);
  const dnsPods = cluster.pods(params.dnsNamespace).filter((p) => isDns(p.labels));
  if (dnsPods.length === 0) return undefined;
  // Worked out once per review: hundreds of stored policies are each checked against these.
  const targets: DnsTarget[] = dnsPods.map((pod) => ({
    pod,
    port: { UDP: dnsPort(pod, 'UDP', params.dnsPortNames), TCP: dnsPort(pod, 'TCP', params.dnsPortNames) },
  }));

  const policies = policiesAfterWrite(np, namespace, cluster).filter((p) => isolates(p, 'egress'));
  const memo = new Map<NetworkPolicy, Record<Protocol, Set<number>>>();
  const reachOf = (p: NetworkPolicy) => {
    let r = memo.get(p);
    if (!r) {
      r = { UDP: reach(p, namespace, targets, 'UDP', cluster), TCP: reach(p, namespace, targets, 'TCP', cluster) };
      memo.set(p, r);
    }
    return r;
  };
  const covered = (applicable: readonly NetworkPolicy[], protocol: Protocol) => {
    const union = new Set<number>();
    for (const p of applicable) for (const i of reachOf(p)[protocol]) union.add(i);
    return union.size === dnsPods.length;
  };

  const selected = selectedPods(np, namespace, cluster);
  let groups: NetworkPolicy[][];
  if (selected.length === 0) {
    groups = [policies.filter((p) => p === np || isEmptySelector(podSelectorOf(p)) || sameSelector(p, np))];
  } else {
    const matchers = policies.map((p) => (p === np ? () => true : selectorMatcher(podSelectorOf(p), cluster)));
    groups = groupByLabels(selected).map((group) => {
      const labels = group[0]!.labels;
      return policies.filter((_, i) => matchers[i]!(labels));
    });
  }
  let udp = true;
  let tcp = true;
  for (const applicable of groups) {
    udp &&= covered(applicable, 'UDP');
    tcp &&= covered(applicable, 'TCP');
    if (!udp && !tcp) break;
  }
  return { udp, tcp };
}

import { z } from 'zod';
import { type ParsedRange, rangeContains, rangesOverlap, toRange } from '../netpol/cidr.js';
import type { PeerAt } from '../netpol/walk.js';
import { defineRule } from './define.js';
import type { RuleFinding } from './types.js';

const cidrList = z.array(z.string().refine((v) => toRange(v) !== undefined, { error: 'expected a CIDR such as 10.244.0.0/16' })).default([]);

const PARAMS = z.strictObject({
  podCIDRs: cidrList.describe('The cluster\'s pod network(s). When empty, the nodes\' podCIDRs are used if the cluster is known.'),
  serviceCIDRs: cidrList.describe('The cluster\'s service network(s).'),
});

/** Findings for every ipBlock overlapping the given networks, unless they are entirely excepted. */
function clusterCidrFindings(peers: readonly PeerAt[], networks: { kind: 'pod' | 'service'; cidr: string; from?: string }[]): RuleFinding[] {
  const parsed = networks.map((n) => ({ network: n, range: toRange(n.cidr) })).filter((n): n is { network: typeof n.network; range: ParsedRange } => !!n.range);
  const out: RuleFinding[] = [];
  if (parsed.length === 0) return out; // no network is known (the built-in policy lists none)
  for (const { path, peer } of peers) {
    const cidr = peer.ipBlock?.cidr;
    const range = cidr ? toRange(cidr) : undefined;
    if (!cidr || !range || range.prefix === 0) continue; // 0.0.0.0/0 is ipblock-world's
    const excepts = (peer.ipBlock?.except ?? []).map(toRange).filter((r): r is ParsedRange => !!r);
    const hit = parsed.find((n) => rangesOverlap(range, n.range) && !excepts.some((e) => rangeContains(e, n.range)))?.network;
    if (!hit) continue;
    out.push({
      field: path.child('ipBlock', 'cidr').toString(),
      message: `${cidr} overlaps the ${hit.kind} network ${hit.cidr}${hit.from ? ` (${hit.from})` : ''}; ${hit.kind === 'pod' ? 'pod IPs change when pods restart' : 'policies see pod IPs, not service IPs'}`,
    });
  }
  return out;
}

export const ipblockClusterCidr = defineRule({
  id: 'ipblock-cluster-cidr',
  title: 'ipBlock holds pod or service IPs',
  description:
    'ipBlock is meant for traffic from or to outside the cluster. Pod IPs change on every restart, and service IPs are translated to pod IPs before policies apply, so an ipBlock over the pod or service network breaks silently. Without configured podCIDRs, the nodes\' podCIDRs are used when cluster state is available.',
  remediation: 'select the pods with podSelector / namespaceSelector instead of their IPs',
  defaultAction: 'warn',
  seeds: ['002', '003'],
  cluster: 'uses',
  params: PARAMS,
  check(_np, { params, cluster, walks }) {
    const fromNodes = params.podCIDRs.length === 0 && cluster ? [...new Set(cluster.nodes().flatMap((n) => n.podCIDRs))] : [];
    return clusterCidrFindings(walks.peers(), [
      ...params.podCIDRs.map((cidr) => ({ kind: 'pod' as const, cidr })),
      ...fromNodes.map((cidr) => ({ kind: 'pod' as const, cidr, from: 'a node\'s podCIDR' })),
      ...params.serviceCIDRs.map((cidr) => ({ kind: 'service' as const, cidr })),
    ]);
  },
});

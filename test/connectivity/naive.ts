/**
 * A deliberately naive evaluator: one flow at a time, straight from the API documentation,
 * sharing nothing with src/connectivity but the label-selector semantics of k8s/labels.ts (a
 * separate implementation from the compiled matcher the model uses) and ipaddr.js for addresses.
 * It exists to keep the class-based model honest (property.test.ts) and to be timed against
 * it (bench/connectivity.ts). Slow on purpose: every pair re-reads every policy.
 */
import ipaddr from 'ipaddr.js';
import type { ClusterNetworkPolicy, ConnectivitySnapshot, SnapshotPod } from '../../src/connectivity/index.js';
import { labelSelectorMatches } from '../../src/k8s/labels.js';
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../../src/k8s/types.js';

export type NaiveEnd = { pod: SnapshotPod } | { cidr: string };

function parseRange(text: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | undefined {
  try {
    if (!text.includes('/')) {
      const a = ipaddr.parse(text);
      return [a, a.kind() === 'ipv4' ? 32 : 128];
    }
    return ipaddr.parseCIDR(text);
  } catch {
    return undefined;
  }
}

/** Every address of `inner` lies in `outer`. */
function within(inner: [ipaddr.IPv4 | ipaddr.IPv6, number], outer: [ipaddr.IPv4 | ipaddr.IPv6, number]): boolean {
  if (inner[0].kind() !== outer[0].kind() || inner[1] < outer[1]) return false;
  return inner[0].match(outer as never);
}

function overlaps(a: [ipaddr.IPv4 | ipaddr.IPv6, number], b: [ipaddr.IPv4 | ipaddr.IPv6, number]): boolean {
  return within(a, b) || within(b, a);
}

function inBlock(addr: string, cidr: string, except: readonly string[]): boolean {
  const a = parseRange(addr);
  const c = parseRange(cidr);
  if (!a || !c || !within(a, c)) return false;
  return !except.some((e) => {
    const r = parseRange(e);
    return r !== undefined && overlaps(a, r);
  });
}

function endInBlock(end: NaiveEnd, cidr: string, except: readonly string[]): boolean {
  if ('cidr' in end) return inBlock(end.cidr, cidr, except);
  return end.pod.ips.some((ip) => inBlock(ip, cidr, except));
}

function nsLabels(snap: ConnectivitySnapshot, name: string): Record<string, string> {
  return { ...(snap.namespaces.find((n) => n.name === name)?.labels ?? { 'kubernetes.io/metadata.name': name }) };
}

function types(np: NetworkPolicy): string[] {
  const t = np.spec?.policyTypes;
  if (t && t.length > 0) return t;
  return (np.spec?.egress?.length ?? 0) > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

function portOk(ports: NetworkPolicyPort[] | undefined, port: number, proto: string, dst: NaiveEnd): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== proto) return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string') {
      if (!('pod' in dst)) return false;
      return dst.pod.ports.some((c) => c.name === p.port && c.protocol === proto && c.containerPort === port);
    }
    return p.endPort !== undefined ? port >= p.port && port <= p.endPort : port === p.port;
  });
}

function peerOk(peer: NetworkPolicyPeer, policyNs: string, other: NaiveEnd, snap: ConnectivitySnapshot): boolean {
  if (peer.ipBlock) return endInBlock(other, peer.ipBlock.cidr, peer.ipBlock.except ?? []);
  if (!('pod' in other) || other.pod.hostNetwork) return false;
  const nsOk = peer.namespaceSelector ? labelSelectorMatches(peer.namespaceSelector, nsLabels(snap, other.pod.namespace)) : other.pod.namespace === policyNs;
  return nsOk && (!peer.podSelector || labelSelectorMatches(peer.podSelector, other.pod.labels));
}

type Tier = 'Admin' | 'Baseline';

function cnpSelects(c: ClusterNetworkPolicy, pod: SnapshotPod, snap: ConnectivitySnapshot): boolean {
  if (pod.hostNetwork) return false;
  if (c.subject.namespaces) return labelSelectorMatches(c.subject.namespaces, nsLabels(snap, pod.namespace));
  const p = c.subject.pods!;
  return labelSelectorMatches(p.namespaceSelector, nsLabels(snap, pod.namespace)) && labelSelectorMatches(p.podSelector, pod.labels);
}

function cnpDecision(snap: ConnectivitySnapshot, tier: Tier, dir: 'ingress' | 'egress', subject: SnapshotPod, other: NaiveEnd, dst: NaiveEnd, port: number, proto: string): string | undefined {
  const cnps = (snap.clusterNetworkPolicies ?? []).filter((c) => c.tier === tier && cnpSelects(c, subject, snap));
  cnps.sort((a, b) => a.priority - b.priority || (a.name < b.name ? -1 : 1));
  for (const c of cnps) {
    for (const r of c[dir]) {
      const protoOk =
        !r.protocols ||
        r.protocols.some((p) => {
          const bp = proto === 'TCP' ? p.tcp : proto === 'UDP' ? p.udp : p.sctp;
          if (bp) {
            const d = bp.destinationPort;
            if (!d || d.number === port || (d.range && port >= d.range.start && port <= d.range.end)) return true;
          }
          if (p.destinationNamedPort && 'pod' in dst) return dst.pod.ports.some((cp) => cp.name === p.destinationNamedPort && cp.protocol === proto && cp.containerPort === port);
          return false;
        });
      if (!protoOk) continue;
      const hit = r.peers.some((peer) => {
        if (peer.namespaces) return 'pod' in other && !other.pod.hostNetwork && labelSelectorMatches(peer.namespaces, nsLabels(snap, other.pod.namespace));
        if (peer.pods) return 'pod' in other && !other.pod.hostNetwork && labelSelectorMatches(peer.pods.namespaceSelector, nsLabels(snap, other.pod.namespace)) && labelSelectorMatches(peer.pods.podSelector, other.pod.labels);
        if (peer.networks) return peer.networks.some((n) => endInBlock(other, n, []));
        if (peer.nodes || peer.domainNames) return false;
        return r.action !== 'Accept';
      });
      if (hit) return r.action;
    }
  }
  return undefined;
}

function side(snap: ConnectivitySnapshot, dir: 'ingress' | 'egress', subject: NaiveEnd, other: NaiveEnd, dst: NaiveEnd, port: number, proto: string): boolean {
  if (!('pod' in subject) || subject.pod.hostNetwork) return true;
  const pod = subject.pod;
  const admin = cnpDecision(snap, 'Admin', dir, pod, other, dst, port, proto);
  if (admin === 'Accept') return true;
  if (admin === 'Deny') return false;
  const selecting = snap.networkPolicies.filter(
    (np) => (np.metadata?.namespace ?? 'default') === pod.namespace && labelSelectorMatches(np.spec?.podSelector ?? {}, pod.labels) && types(np).includes(dir === 'ingress' ? 'Ingress' : 'Egress'),
  );
  if (selecting.length > 0) {
    return selecting.some((np) =>
      (dir === 'ingress' ? (np.spec?.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports })) : (np.spec?.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports }))).some(
        (r) => portOk(r.ports, port, proto, dst) && (!r.peers || r.peers.length === 0 || r.peers.some((p) => peerOk(p, np.metadata?.namespace ?? 'default', other, snap))),
      ),
    );
  }
  const baseline = cnpDecision(snap, 'Baseline', dir, pod, other, dst, port, proto);
  return baseline !== 'Deny';
}

/** Whether the flow is allowed; a named port is resolved against the destination first. */
export function naiveAllowed(snap: ConnectivitySnapshot, src: NaiveEnd, dst: NaiveEnd, port: number | string, proto: string): boolean {
  let number: number;
  if (typeof port === 'string') {
    if (!('pod' in dst)) return false;
    const c = dst.pod.ports.find((p) => p.name === port && p.protocol === proto);
    if (!c) return false;
    number = c.containerPort;
  } else number = port;
  return side(snap, 'egress', src, dst, dst, number, proto) && side(snap, 'ingress', dst, src, dst, number, proto);
}

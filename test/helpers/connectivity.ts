/**
 * Builders for connectivity tests: snapshots in code, and the cluster Kubernetes' own
 * NetworkPolicy e2e tests run against (test/e2e/network/netpol in kubernetes/kubernetes:
 * namespaces x, y, z, each with pods a, b, c labelled pod=<name>, every pod serving 80 and 81
 * on TCP, UDP and SCTP, ports named serve-<port>-<proto>).
 */
import type { ClusterNetworkPolicy, ConnectivitySnapshot, SnapshotNamespace, SnapshotPod, SnapshotPort } from '../../src/connectivity/index.js';
import type { NetworkPolicy, NetworkPolicySpec } from '../../src/k8s/types.js';

export function ns(name: string, labels: Record<string, string> = {}): SnapshotNamespace {
  return { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } };
}

export interface PodOptions {
  readonly ips?: readonly string[];
  readonly ports?: readonly SnapshotPort[];
  readonly hostNetwork?: boolean;
  readonly phase?: string;
}

export function pod(namespace: string, name: string, labels: Record<string, string>, o: PodOptions = {}): SnapshotPod {
  return {
    namespace,
    name,
    labels,
    ips: o.ips ?? [],
    hostNetwork: o.hostNetwork ?? false,
    ports: o.ports ?? [],
    ...(o.phase ? { phase: o.phase } : {}),
  };
}

export function np(namespace: string, name: string, spec: NetworkPolicySpec): NetworkPolicy {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

export const E2E_NAMESPACES = ['x', 'y', 'z'] as const;
export const E2E_PODS = ['a', 'b', 'c'] as const;

/** The container ports every e2e pod declares. */
export const E2E_PORTS: readonly SnapshotPort[] = [80, 81].flatMap((port) =>
  (['TCP', 'UDP', 'SCTP'] as const).map((protocol) => ({ name: `serve-${port}-${protocol.toLowerCase()}`, containerPort: port, protocol })),
);

/** The e2e cluster: pod x/a gets 10.0.0.1, x/b 10.0.0.2 … z/c 10.0.0.9 (ns.name labels as the e2e framework sets them). */
export function e2eSnapshot(networkPolicies: NetworkPolicy[] = [], clusterNetworkPolicies: ClusterNetworkPolicy[] = []): ConnectivitySnapshot {
  const namespaces = E2E_NAMESPACES.map((n) => ns(n, { ns: n }));
  const pods: SnapshotPod[] = [];
  let i = 1;
  for (const n of E2E_NAMESPACES) for (const p of E2E_PODS) pods.push(pod(n, p, { pod: p }, { ips: [`10.0.0.${i++}`], ports: E2E_PORTS }));
  return { namespaces, pods, networkPolicies, clusterNetworkPolicies };
}

export function e2eIP(key: string): string {
  const [n, p] = key.split('/') as [string, string];
  return `10.0.0.${E2E_NAMESPACES.indexOf(n as 'x') * 3 + E2E_PODS.indexOf(p as 'a') + 1}`;
}

export const E2E_POD_KEYS: readonly string[] = E2E_NAMESPACES.flatMap((n) => E2E_PODS.map((p) => `${n}/${p}`));

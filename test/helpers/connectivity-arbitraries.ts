/**
 * Random small clusters for the connectivity property tests: three namespaces, a few pods with
 * labels, IPv4/IPv6 addresses and named ports, NetworkPolicies and ClusterNetworkPolicies drawn
 * from the shapes that matter (selectors, ipBlocks with except, named ports, endPort).
 */
import fc from 'fast-check';
import type { ClusterNetworkPolicy, ConnectivitySnapshot, SnapshotPod } from '../../src/connectivity/index.js';
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../../src/k8s/types.js';

export const NAMESPACES = ['x', 'y', 'z'];
const key = fc.constantFrom('app', 'tier', 'team');
const value = fc.constantFrom('a', 'b', 'c');
const labels = fc.dictionary(key, value, { maxKeys: 2 });

const selector: fc.Arbitrary<LabelSelector> = fc.oneof(
  fc.constant({}),
  fc.record({ matchLabels: labels }),
  fc.record({
    matchExpressions: fc.array(
      fc.oneof(
        fc.record({ key, operator: fc.constantFrom('In', 'NotIn'), values: fc.array(value, { minLength: 1, maxLength: 2 }) }),
        fc.record({ key, operator: fc.constantFrom('Exists', 'DoesNotExist') }),
      ),
      { minLength: 1, maxLength: 2 },
    ),
  }),
);

const protocol = fc.constantFrom('TCP', 'UDP', 'SCTP');
const portName = fc.constantFrom('http', 'metrics', 'dns');
const ipv4 = fc.integer({ min: 0, max: 15 }).map((n) => `10.0.${n >> 2}.${n}`);
const ipv6 = fc.integer({ min: 0, max: 7 }).map((n) => `fd00::${n + 1}`);
const cidr = fc.constantFrom('10.0.0.0/16', '10.0.1.0/24', '10.0.2.0/23', '0.0.0.0/0', 'fd00::/64', '::/0', '192.0.2.0/24');
const exceptFor: Record<string, string[]> = {
  '10.0.0.0/16': ['10.0.1.0/24', '10.0.3.0/24'],
  '10.0.2.0/23': ['10.0.3.0/25'],
  '0.0.0.0/0': ['10.0.0.0/24'],
  'fd00::/64': ['fd00::/126'],
  '::/0': ['fd00::/127'],
};

export const podArb = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  labels,
  ips: fc.oneof({ weight: 5, arbitrary: fc.tuple(ipv4).map((a) => [...a]) }, { weight: 1, arbitrary: fc.tuple(ipv4, ipv6).map((a) => [...a]) }, { weight: 1, arbitrary: fc.tuple(ipv6).map((a) => [...a]) }, { weight: 1, arbitrary: fc.constant([] as string[]) }),
  hostNetwork: fc.oneof({ weight: 7, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  ports: fc.array(fc.record({ name: fc.option(portName, { nil: undefined }), containerPort: fc.constantFrom(80, 81, 8080), protocol }), { maxLength: 3 }),
});

const npPort: fc.Arbitrary<NetworkPolicyPort> = fc.oneof(
  fc.record({ protocol: fc.option(protocol, { nil: undefined }), port: fc.constantFrom(80, 81, 8080) }, { requiredKeys: ['port'] }),
  fc.record({ protocol: fc.option(protocol, { nil: undefined }), port: portName }, { requiredKeys: ['port'] }),
  fc.record({ port: fc.constant(80), endPort: fc.constantFrom(81, 8080) }),
  fc.record({ protocol }),
);

const npPeer: fc.Arbitrary<NetworkPolicyPeer> = fc.oneof(
  fc.record({ podSelector: selector }),
  fc.record({ namespaceSelector: selector }),
  fc.record({ podSelector: selector, namespaceSelector: selector }),
  cidr.chain((c) => fc.record({ ipBlock: fc.record({ cidr: fc.constant(c), except: fc.subarray(exceptFor[c] ?? []) }) })),
);

const ruleArb = fc.record({ peers: fc.option(fc.array(npPeer, { maxLength: 2 }), { nil: undefined }), ports: fc.option(fc.array(npPort, { maxLength: 2 }), { nil: undefined }) });

export const npArb = fc
  .record({
    namespace: fc.constantFrom(...NAMESPACES),
    podSelector: selector,
    ingress: fc.option(fc.array(ruleArb, { maxLength: 2 }), { nil: undefined }),
    egress: fc.option(fc.array(ruleArb, { maxLength: 2 }), { nil: undefined }),
    policyTypes: fc.option(fc.constantFrom(['Ingress'], ['Egress'], ['Ingress', 'Egress']), { nil: undefined }),
  })
  .map(
    (r): Omit<NetworkPolicy, 'metadata'> & { metadata: { namespace: string } } => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { namespace: r.namespace },
      spec: {
        podSelector: r.podSelector,
        ...(r.ingress ? { ingress: r.ingress.map((x) => ({ ...(x.peers ? { from: x.peers } : {}), ...(x.ports ? { ports: x.ports } : {}) })) } : {}),
        ...(r.egress ? { egress: r.egress.map((x) => ({ ...(x.peers ? { to: x.peers } : {}), ...(x.ports ? { ports: x.ports } : {}) })) } : {}),
        ...(r.policyTypes ? { policyTypes: [...r.policyTypes] } : {}),
      },
    }),
  );

const cnpPeer = fc.oneof(
  fc.record({ namespaces: selector }),
  fc.record({ pods: fc.record({ namespaceSelector: selector, podSelector: selector }) }),
  fc.record({ networks: fc.array(cidr, { minLength: 1, maxLength: 2 }) }),
  fc.constant({}),
);
const cnpProto = fc.oneof(
  fc.record({ tcp: fc.record({ destinationPort: fc.oneof(fc.record({ number: fc.constantFrom(80, 81) }), fc.record({ range: fc.constant({ start: 80, end: 81 }) })) }) }),
  fc.record({ udp: fc.record({ destinationPort: fc.record({ number: fc.constantFrom(80, 8080) }) }) }),
  fc.record({ destinationNamedPort: portName }),
);
const cnpRule = fc.record({ action: fc.constantFrom('Accept', 'Deny', 'Pass') as fc.Arbitrary<'Accept' | 'Deny' | 'Pass'>, peers: fc.array(cnpPeer, { minLength: 1, maxLength: 2 }), protocols: fc.option(fc.array(cnpProto, { minLength: 1, maxLength: 2 }), { nil: undefined }) });
export const cnpArb = fc.record({
  tier: fc.constantFrom('Admin', 'Baseline') as fc.Arbitrary<'Admin' | 'Baseline'>,
  priority: fc.integer({ min: 0, max: 3 }),
  subject: fc.oneof(fc.record({ namespaces: selector }), fc.record({ pods: fc.record({ namespaceSelector: selector, podSelector: selector }) })),
  ingress: fc.array(cnpRule, { maxLength: 2 }),
  egress: fc.array(cnpRule, { maxLength: 2 }),
});

export const clusterArb = fc.record({
  nsLabels: fc.tuple(labels, labels, labels),
  pods: fc.array(podArb, { minLength: 2, maxLength: 7 }),
  nps: fc.array(npArb, { maxLength: 4 }),
  cnps: fc.array(cnpArb, { maxLength: 3 }),
});

export type Cluster = typeof clusterArb extends fc.Arbitrary<infer T> ? T : never;

export function toSnapshot(c: Cluster): ConnectivitySnapshot {
  const pods: SnapshotPod[] = c.pods.map((p, i) => ({
    namespace: p.namespace,
    name: `p${i}`,
    labels: p.labels,
    ips: p.ips,
    hostNetwork: p.hostNetwork,
    // Container port names are unique within a pod.
    ports: p.ports.filter((q, j) => !q.name || p.ports.findIndex((r) => r.name === q.name) === j).map((q) => (q.name ? q : { containerPort: q.containerPort, protocol: q.protocol })),
  }));
  return {
    namespaces: NAMESPACES.map((n, i) => ({ name: n, labels: { ...c.nsLabels[i], 'kubernetes.io/metadata.name': n } })),
    pods,
    networkPolicies: c.nps.map((np, i) => ({ ...np, metadata: { namespace: np.metadata.namespace, name: `np${i}` } })),
    clusterNetworkPolicies: c.cnps.map((x, i): ClusterNetworkPolicy => ({ name: `cnp${i}`, ...x })),
  };
}

export const EXTERNALS = ['10.0.1.9', '192.0.2.7', '10.0.2.0/24', 'fd00::1'];
export const PROBES: [number | string, string][] = [
  [80, 'TCP'],
  [81, 'TCP'],
  [8080, 'UDP'],
  [80, 'SCTP'],
  ['http', 'TCP'],
  ['metrics', 'UDP'],
];


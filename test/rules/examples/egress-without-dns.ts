/** What egress-without-dns flags and what it passes. */
import { SHOP, namespace } from '../../cluster/manifests.js';
import { CD, makeNetworkPolicy, port, toIPBlock, toNamespaceSelector, toPodSelector, withEgressEmptyRule, withEgressPorts } from '../../helpers/netpol.js';
import { type RuleExamples, seed, both, ns, app, KUBE_DNS_PEER, NAMESPACE_DNS, dns, web } from './common.js';

export const examples: RuleExamples = {
  flagged: [
    { name: 'seed 003 balance without DNS', object: seed('003-balance-egress-no-dns.yaml'), field: 'spec.egress' },
    { name: 'seed 003 UDP only', object: seed('003-balance-egress-dns-kube-system.yaml'), field: 'spec.egress' },
    { name: 'seed 003 only 8.8.8.8', object: seed('003-egress-google-dns.yaml'), field: 'spec.egress' },
    { name: 'DNS ports, but to pods of this namespace', object: makeNetworkPolicy(toPodSelector(CD), dns, both), field: 'spec.egress' },
    { name: 'deny-all egress', object: seed('003-deny-all-egress.yaml'), field: 'spec.policyTypes' },
    {
      name: 'the port: 53 without protocol trap',
      object: { ...makeNetworkPolicy(both), spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53 }] }] } },
      field: 'spec.egress[0].ports[0]',
    },
    {
      name: 'cluster: DNS ports to a namespace label kube-system does not carry (seed 003 namespace: kube-system)',
      object: makeNetworkPolicy(ns('default'), app('balance'), toNamespaceSelector({ matchLabels: { namespace: 'kube-system' } }), dns, both),
      cluster: SHOP,
      field: 'spec.egress',
    },
    {
      name: 'cluster: UPDATE drops DNS; the stored version that allowed it no longer counts',
      object: makeNetworkPolicy(toPodSelector(CD), both, (np) => (np.metadata!.resourceVersion = '7')),
      operation: 'UPDATE',
      old: makeNetworkPolicy(withEgressPorts(port('UDP', 53), port('TCP', 53)), both, (np) => (np.metadata!.resourceVersion = '7')),
      cluster: [...SHOP, makeNetworkPolicy(withEgressPorts(port('UDP', 53), port('TCP', 53)), both)],
      field: 'spec.egress',
    },
  ],
  passes: [
    { name: 'UDP and TCP 53 to kube-system', object: makeNetworkPolicy(toNamespaceSelector({ matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }), dns, both) },
    { name: 'UDP and TCP 53 to a resolver in a private range', object: makeNetworkPolicy(toIPBlock({ cidr: '10.0.0.10/32' }), dns, both) },
    { name: 'all ports to anywhere', object: makeNetworkPolicy(withEgressEmptyRule, both) },
    { name: 'a port range over 53', object: makeNetworkPolicy(withEgressPorts(port('UDP', 1, 1024), port('TCP', 1, 1024)), both) },
    { name: 'named dns ports', object: makeNetworkPolicy(withEgressPorts(port('UDP', 'dns'), port('TCP', 'dns-tcp')), both) },
    { name: 'egress not isolated', object: web },
    {
      name: 'cluster: seed 003 balance without DNS, but a namespace-wide DNS policy selects the same pods',
      object: seed('003-balance-egress-no-dns.yaml'),
      cluster: [...SHOP, NAMESPACE_DNS],
    },
    {
      name: 'cluster: to the DNS pods themselves, by their named ports',
      object: makeNetworkPolicy(ns('default'), app('balance'), (np) => void (np.spec!.egress = [{ to: [KUBE_DNS_PEER], ports: [port('UDP', 'dns'), port('TCP', 'dns-tcp')] }]), both),
      cluster: SHOP,
    },
    { name: 'cluster without DNS pods: judged as without cluster', object: makeNetworkPolicy(toNamespaceSelector({ matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }), dns, both), cluster: [namespace('bar')] },
  ],
};

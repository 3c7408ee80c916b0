/** What named-port-missing flags and what it passes. */
import { SHOP } from '../../cluster/manifests.js';
import { makeNetworkPolicy, port, toNamespaceSelector, withEgressPorts, withIngressPorts } from '../../helpers/netpol.js';
import { type RuleExamples, seed, both, ns, app, KUBE_DNS_PEER } from './common.js';

export const examples: RuleExamples = {
  flagged: [
    { name: 'seed 003 my-http, which hello does not declare', object: seed('003-named-port.yaml'), cluster: SHOP, field: 'spec.ingress[0].ports[0].port' },
    {
      name: 'declared over another protocol',
      object: makeNetworkPolicy(ns('default'), toNamespaceSelector({ matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }), withEgressPorts(port('UDP', 'metrics')), both),
      cluster: SHOP,
      field: 'spec.egress[0].ports[0].port',
    },
  ],
  passes: [
    { name: 'declared by the selected pods', object: makeNetworkPolicy(ns('default'), app('hello'), withIngressPorts(port('TCP', 'http'))), cluster: SHOP },
    {
      name: 'declared by the destination pods',
      object: makeNetworkPolicy(ns('default'), (np) => void (np.spec!.egress = [{ to: [KUBE_DNS_PEER], ports: [port('UDP', 'dns'), port('TCP', 'dns-tcp')] }]), both),
      cluster: SHOP,
    },
  ],
};

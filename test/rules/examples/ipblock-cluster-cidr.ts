/** What ipblock-cluster-cidr flags and what it passes. */
import { SHOP, pod, service } from '../../cluster/manifests.js';
import { makeNetworkPolicy, toIPBlock } from '../../helpers/netpol.js';
import { type RuleExamples, seed, both } from './common.js';

export const examples: RuleExamples = {
  flagged: [
    { name: 'seed 002 flannel pod network', object: seed('002-allow-myapp-ingress.yaml'), params: { podCIDRs: ['10.244.0.0/16'] }, field: 'spec.ingress[0].from[0].ipBlock.cidr' },
    { name: 'a single service IP', object: makeNetworkPolicy(toIPBlock({ cidr: '10.96.0.10/32' }), both), params: { serviceCIDRs: ['10.96.0.0/12'] } },
    { name: 'cluster: seed 002 over the nodes\' podCIDRs, none configured', object: seed('002-allow-myapp-ingress.yaml'), cluster: SHOP, field: 'spec.ingress[0].from[0].ipBlock.cidr' },
  ],
  passes: [
    { name: 'outside the networks', object: makeNetworkPolicy(toIPBlock({ cidr: '203.0.113.0/24' }), both), params: { podCIDRs: ['10.244.0.0/16'] } },
    { name: 'the pod network excepted', object: seed('003-egress-any-except-pod-cidr.yaml'), params: { podCIDRs: ['10.16.0.0/14'] } },
    { name: 'nothing configured', object: seed('002-allow-myapp-ingress.yaml') },
    { name: 'cluster: outside the nodes\' podCIDRs', object: makeNetworkPolicy(toIPBlock({ cidr: '203.0.113.0/24' }), both), cluster: SHOP },
  ],
};

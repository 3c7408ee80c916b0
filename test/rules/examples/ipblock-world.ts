/** What ipblock-world flags and what it passes. */
import { pod } from '../../cluster/manifests.js';
import { fromIPBlock, makeNetworkPolicy, toIPBlock } from '../../helpers/netpol.js';
import { type RuleExamples, seed, both } from './common.js';

export const examples: RuleExamples = {
  flagged: [
    { name: 'seed 003 egress-any', object: seed('003-egress-any.yaml'), field: 'spec.egress[0].to[0].ipBlock.cidr' },
    { name: 'seed 003 0.0.0.0/0 except the pod network', object: seed('003-egress-any-except-pod-cidr.yaml'), field: 'spec.egress[0].to[0].ipBlock.cidr' },
    { name: 'IPv6 everything, ingress', object: makeNetworkPolicy(fromIPBlock({ cidr: '::/0' })), field: 'spec.ingress[0].from[0].ipBlock.cidr' },
  ],
  passes: [{ name: 'a /24', object: makeNetworkPolicy(toIPBlock({ cidr: '203.0.113.0/24' }), both) }],
};

/** What cidr-too-wide flags and what it passes. */
import { fromIPBlock, makeNetworkPolicy, toIPBlock } from '../../helpers/netpol.js';
import { type RuleExamples, seed, both } from './common.js';

export const examples: RuleExamples = {
  flagged: [
    { name: 'a /8', object: makeNetworkPolicy(toIPBlock({ cidr: '10.0.0.0/8' }), both), field: 'spec.egress[0].to[0].ipBlock.cidr' },
    { name: 'a /32 IPv6', object: makeNetworkPolicy(fromIPBlock({ cidr: '2001:db8::/32' })), field: 'spec.ingress[0].from[0].ipBlock.cidr' },
    { name: 'a /20 with a stricter limit', object: makeNetworkPolicy(fromIPBlock({ cidr: '172.16.0.0/20' })), params: { ipv4MinPrefix: 24 } },
  ],
  passes: [
    { name: 'a /16', object: makeNetworkPolicy(fromIPBlock({ cidr: '172.16.0.0/16' })) },
    { name: '0.0.0.0/0 is left to ipblock-world', object: seed('003-egress-any.yaml') },
  ],
};

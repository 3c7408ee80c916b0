/** What cloud-metadata-egress flags and what it passes. */
import { fromIPBlock, makeNetworkPolicy, toIPBlock } from '../../helpers/netpol.js';
import { type RuleExamples, seed, both } from './common.js';

export const examples: RuleExamples = {
  flagged: [
    { name: 'seed 003 egress-any', object: seed('003-egress-any.yaml'), field: 'spec.egress[0].to[0].ipBlock.cidr' },
    { name: 'link-local range', object: makeNetworkPolicy(toIPBlock({ cidr: '169.254.0.0/16' }), both) },
    { name: 'AWS IPv6 endpoint', object: makeNetworkPolicy(toIPBlock({ cidr: 'fd00:ec2::/32' }), both) },
  ],
  passes: [
    { name: 'excepted', object: makeNetworkPolicy(toIPBlock({ cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] }), both) },
    { name: 'ingress from it is not egress', object: makeNetworkPolicy(fromIPBlock({ cidr: '169.254.0.0/16' })) },
  ],
};

/** What allow-all-ingress flags and what it passes. */
import { makeNetworkPolicy, port, withIngressEmptyRule, withIngressPorts, withPolicyTypes } from '../../helpers/netpol.js';
import { type RuleExamples, seed, web } from './common.js';

export const examples: RuleExamples = {
  flagged: [
    { name: 'seed 003 allow-all', object: seed('003-allow-all-ingress.yaml'), field: 'spec.ingress[0]' },
    { name: 'ports but no from', object: makeNetworkPolicy(withIngressPorts(port('TCP', 443))), field: 'spec.ingress[0]' },
  ],
  passes: [
    { name: 'a source is listed', object: web },
    { name: 'seed 003 deny-all ingress', object: seed('003-deny-all-ingress.yaml') },
    { name: 'ingress not isolated', object: makeNetworkPolicy(withIngressEmptyRule, withPolicyTypes('Egress')) },
  ],
};

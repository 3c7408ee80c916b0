/** What implicit-policy-types flags and what it passes. */
import { CD, fromPodSelector, makeNetworkPolicy } from '../../helpers/netpol.js';
import { type RuleExamples, seed, web } from './common.js';

export const examples: RuleExamples = {
  flagged: [
    { name: 'seed 004 allow-all egress', object: seed('004-allow-all-egress.yaml'), field: 'spec.policyTypes' },
    { name: 'none given', object: makeNetworkPolicy(fromPodSelector(CD)) },
  ],
  passes: [{ name: 'explicit', object: web }],
};

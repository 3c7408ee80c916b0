/** What empty-egress-not-isolating flags and what it passes. */
import { makeNetworkPolicy, withEgressEmptyRule } from '../../helpers/netpol.js';
import { type RuleExamples } from './common.js';

export const examples: RuleExamples = {
  flagged: [{ name: 'egress: [] alone', object: { ...makeNetworkPolicy(), spec: { podSelector: {}, egress: [] } }, field: 'spec.egress' }],
  passes: [
    { name: 'with policyTypes', object: { ...makeNetworkPolicy(), spec: { podSelector: {}, egress: [], policyTypes: ['Egress'] } } },
    { name: 'egress rules present', object: makeNetworkPolicy(withEgressEmptyRule) },
  ],
};

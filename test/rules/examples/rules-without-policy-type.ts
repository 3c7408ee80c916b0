/** What rules-without-policy-type flags and what it passes. */
import { CD, fromPodSelector, makeNetworkPolicy, toNamespaceSelector, withPolicyTypes } from '../../helpers/netpol.js';
import { type RuleExamples, seed, both } from './common.js';

export const examples: RuleExamples = {
  flagged: [
    { name: 'egress rules, policyTypes [Ingress]', object: makeNetworkPolicy(toNamespaceSelector(CD), withPolicyTypes('Ingress')), field: 'spec.egress' },
    { name: 'ingress rules, policyTypes [Egress]', object: makeNetworkPolicy(fromPodSelector(CD), withPolicyTypes('Egress')), field: 'spec.ingress' },
  ],
  passes: [
    { name: 'seed 000 both listed', object: seed('000-prometheus-k8s.yaml') },
    { name: 'inferred', object: makeNetworkPolicy(toNamespaceSelector(CD)) },
  ],
};

/** What allow-all-egress flags and what it passes. */
import { CD, makeNetworkPolicy, toPodSelector } from '../../helpers/netpol.js';
import { type RuleExamples, seed, both, dns } from './common.js';

export const examples: RuleExamples = {
  flagged: [
    { name: 'seed 000 kube-prometheus', object: seed('000-prometheus-k8s.yaml'), field: 'spec.egress[0]' },
    { name: 'seed 004 allow-all egress', object: seed('004-allow-all-egress.yaml'), field: 'spec.egress[0]' },
  ],
  passes: [
    { name: 'destinations listed', object: makeNetworkPolicy(toPodSelector(CD), dns, both) },
    { name: 'seed 003 deny-all egress', object: seed('003-deny-all-egress.yaml') },
  ],
};

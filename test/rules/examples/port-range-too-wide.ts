/** What port-range-too-wide flags and what it passes. */
import { makeNetworkPolicy, port, withIngressPorts } from '../../helpers/netpol.js';
import { type RuleExamples } from './common.js';

export const examples: RuleExamples = {
  flagged: [{ name: '30000-32767', object: makeNetworkPolicy(withIngressPorts(port('TCP', 30000, 32767))), field: 'spec.ingress[0].ports[0].endPort' }],
  passes: [
    { name: 'a narrow range', object: makeNetworkPolicy(withIngressPorts(port('TCP', 8000, 8010))) },
    { name: 'wide, but allowed by params', object: makeNetworkPolicy(withIngressPorts(port('TCP', 30000, 32767))), params: { maxSpan: 5000 } },
  ],
};

/** What selector-and-or-confusion flags and what it passes. */
import { CD, makeNetworkPolicy } from '../../helpers/netpol.js';
import { type RuleExamples, seed, both, app, dns } from './common.js';

export const examples: RuleExamples = {
  flagged: [
    {
      name: 'two lone items',
      object: makeNetworkPolicy((np) => {
        np.spec!.ingress = [{ from: [{ namespaceSelector: { matchLabels: { team: 'a' } } }, { podSelector: { matchLabels: { app: 'web' } } }] }];
      }),
      field: 'spec.ingress[0].from',
    },
    {
      name: 'egress too',
      object: makeNetworkPolicy(both, dns, (np) => {
        np.spec!.egress!.push({ to: [{ podSelector: CD }, { namespaceSelector: CD }] });
      }),
      field: 'spec.egress[1].to',
    },
  ],
  passes: [
    { name: 'seed 003 AND form', object: seed('003-postgres-namespace-and-pod.yaml') },
    { name: 'seed 003 two podSelectors', object: seed('003-postgres-two-peers.yaml') },
  ],
};

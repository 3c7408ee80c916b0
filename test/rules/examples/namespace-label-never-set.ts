/** What namespace-label-never-set flags and what it passes. */
import { namespace } from '../../cluster/manifests.js';
import { fromNamespaceSelector, makeNetworkPolicy } from '../../helpers/netpol.js';
import { type RuleExamples, seed } from './common.js';

export const examples: RuleExamples = {
  flagged: [
    { name: 'seed 003 namespace label', object: seed('003-postgres-namespace-and-pod.yaml'), field: 'spec.ingress[0].from[0].namespaceSelector.matchLabels' },
    {
      name: 'name in an expression',
      object: makeNetworkPolicy(fromNamespaceSelector({ matchExpressions: [{ key: 'name', operator: 'In', values: ['web'] }] })),
      field: 'spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].key',
    },
  ],
  passes: [{ name: 'the automatic label', object: makeNetworkPolicy(fromNamespaceSelector({ matchLabels: { 'kubernetes.io/metadata.name': 'web' } })) }],
};

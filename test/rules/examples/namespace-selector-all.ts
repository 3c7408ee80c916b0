/** What namespace-selector-all flags and what it passes. */
import { namespace } from '../../cluster/manifests.js';
import { fromNamespaceSelector, makeNetworkPolicy } from '../../helpers/netpol.js';
import { type RuleExamples, seed } from './common.js';

export const examples: RuleExamples = {
  flagged: [{ name: 'every namespace', object: makeNetworkPolicy(fromNamespaceSelector({})), field: 'spec.ingress[0].from[0].namespaceSelector' }],
  passes: [
    { name: 'seed 003: {} with a podSelector is "these pods in any namespace"', object: seed('003-postgres-any-namespace-pod.yaml') },
    { name: 'named namespaces', object: makeNetworkPolicy(fromNamespaceSelector({ matchLabels: { 'kubernetes.io/metadata.name': 'web' } })) },
  ],
};

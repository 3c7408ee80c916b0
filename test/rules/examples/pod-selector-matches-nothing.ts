/** What pod-selector-matches-nothing flags and what it passes. */
import { SHOP, namespace, pod } from '../../cluster/manifests.js';
import { makeNetworkPolicy } from '../../helpers/netpol.js';
import { type RuleExamples, seed, ns, app } from './common.js';

export const examples: RuleExamples = {
  flagged: [
    { name: 'seed 003 database.postgres: no postgres in namespace database', object: seed('003-postgres-namespace-and-pod.yaml'), cluster: SHOP, field: 'spec.podSelector' },
    { name: 'a label typo', object: makeNetworkPolicy(ns('default'), app('postgress')), cluster: SHOP, field: 'spec.podSelector' },
    { name: 'only a finished pod matches', object: makeNetworkPolicy(ns('default'), app('job')), cluster: SHOP },
    { name: 'an empty namespace, when asked', object: makeNetworkPolicy(ns('empty')), cluster: [...SHOP, namespace('empty')], params: { ignoreEmptyNamespaces: false } },
  ],
  passes: [
    { name: 'seed 003 default.postgres', object: seed('003-postgres-from-balance.yaml'), cluster: SHOP },
    { name: 'an empty namespace: applied before its workloads', object: makeNetworkPolicy(ns('empty')), cluster: [...SHOP, namespace('empty')] },
  ],
};

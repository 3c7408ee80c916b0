/** What delete-leaves-pods-open flags and what it passes. */
import { makeNetworkPolicy, withIngressEmptyRule, withPodSelector } from '../../helpers/netpol.js';
import { SHOP } from '../../cluster/manifests.js';
import { type RuleExamples, ns, seed } from './common.js';

/** Seed 003's default-deny of ingress in `default`, and a policy letting everything reach balance: as stored in the cluster. */
const DENY_DEFAULT = seed('003-deny-all-ingress.yaml');
const ALLOW_BALANCE = makeNetworkPolicy(ns('default'), (np) => (np.metadata!.name = 'allow-balance'), withPodSelector({ matchLabels: { app: 'balance' } }), withIngressEmptyRule);

export const examples: RuleExamples = {
  flagged: [{ name: 'deleting the only default-deny', object: DENY_DEFAULT, operation: 'DELETE', old: DENY_DEFAULT, cluster: [...SHOP, DENY_DEFAULT], field: 'metadata' }],
  passes: [
    { name: 'another policy still isolates them', object: ALLOW_BALANCE, operation: 'DELETE', old: ALLOW_BALANCE, cluster: [...SHOP, DENY_DEFAULT, ALLOW_BALANCE] },
    { name: 'fewer pods left open than minPods', object: DENY_DEFAULT, operation: 'DELETE', old: DENY_DEFAULT, cluster: [...SHOP, DENY_DEFAULT], params: { minPods: 10 } },
    { name: 'creating it is not deleting it', object: DENY_DEFAULT, cluster: SHOP },
  ],
};

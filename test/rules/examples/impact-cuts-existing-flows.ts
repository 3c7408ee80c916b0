/** What impact-cuts-existing-flows flags and what it passes. */
import { makeNetworkPolicy, withIngressEmptyRule, withPodSelector } from '../../helpers/netpol.js';
import { SHOP } from '../../cluster/manifests.js';
import { type RuleExamples, inNamespace, ns, seed } from './common.js';

/** Seed 003's default-deny of ingress in `default`, and a policy letting everything reach balance: as stored in the cluster. */
const DENY_DEFAULT = seed('003-deny-all-ingress.yaml');
const ALLOW_BALANCE = makeNetworkPolicy(ns('default'), (np) => (np.metadata!.name = 'allow-balance'), withPodSelector({ matchLabels: { app: 'balance' } }), withIngressEmptyRule);

export const examples: RuleExamples = {
  flagged: [
    { name: 'seed 003 deny-all ingress where pods serve today', object: DENY_DEFAULT, cluster: SHOP, field: 'spec' },
    { name: 'over the threshold', object: DENY_DEFAULT, cluster: SHOP, params: { threshold: 5 } },
    { name: 'deleting the policy that let balance in, under a default-deny', object: ALLOW_BALANCE, operation: 'DELETE', old: ALLOW_BALANCE, cluster: [...SHOP, DENY_DEFAULT, ALLOW_BALANCE], field: 'metadata' },
  ],
  passes: [
    { name: 'at or under the threshold', object: DENY_DEFAULT, cluster: SHOP, params: { threshold: 1000 } },
    { name: 'deny-all where no pod declares a port', object: inNamespace(DENY_DEFAULT, 'database'), cluster: SHOP },
    { name: 'an allow policy only adds', object: ALLOW_BALANCE, cluster: [...SHOP, DENY_DEFAULT] },
  ],
};

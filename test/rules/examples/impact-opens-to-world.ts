/** What impact-opens-to-world flags and what it passes. */
import { fromIPBlock, fromNamespaceSelector, makeNetworkPolicy, withPodSelector } from '../../helpers/netpol.js';
import { SHOP } from '../../cluster/manifests.js';
import { type RuleExamples, ns, seed } from './common.js';

/** Seed 003's default-deny of ingress in `default`, as stored in the cluster. */
const DENY_DEFAULT = seed('003-deny-all-ingress.yaml');
const hello = withPodSelector({ matchLabels: { app: 'hello' } });
const WORLD_TO_HELLO = makeNetworkPolicy(ns('default'), hello, fromIPBlock({ cidr: '0.0.0.0/0' }));

export const examples: RuleExamples = {
  flagged: [
    { name: 'seed 003 allow-all ingress over a default-deny', object: seed('003-allow-all-ingress.yaml'), cluster: [...SHOP, DENY_DEFAULT], field: 'spec.ingress' },
    { name: 'an empty namespaceSelector over a default-deny', object: makeNetworkPolicy(ns('default'), hello, fromNamespaceSelector({})), cluster: [...SHOP, DENY_DEFAULT] },
    { name: '0.0.0.0/0 over a default-deny', object: WORLD_TO_HELLO, cluster: [...SHOP, DENY_DEFAULT] },
    { name: 'deleting the default-deny', object: DENY_DEFAULT, operation: 'DELETE', old: DENY_DEFAULT, cluster: [...SHOP, DENY_DEFAULT], field: 'metadata' },
  ],
  passes: [
    { name: 'allow from one namespace', object: makeNetworkPolicy(ns('default'), hello, fromNamespaceSelector({ matchLabels: { team: 'bar' } })), cluster: [...SHOP, DENY_DEFAULT] },
    { name: 'allow-all where nothing was isolated', object: seed('003-allow-all-ingress.yaml'), cluster: SHOP },
    { name: '0.0.0.0/0 except the private ranges', object: makeNetworkPolicy(ns('default'), hello, fromIPBlock({ cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] })), cluster: [...SHOP, DENY_DEFAULT] },
    { name: '0.0.0.0/0 when only every-namespace reach is watched', object: WORLD_TO_HELLO, cluster: [...SHOP, DENY_DEFAULT], params: { reach: ['every-namespace'] } },
  ],
};

/** What peer-matches-nothing flags and what it passes. */
import { SHOP, namespace, pod } from '../../cluster/manifests.js';
import { fromIPBlock, fromNamespaceSelector, fromPodSelector, makeNetworkPolicy, toNamespaceSelector, toPodSelector } from '../../helpers/netpol.js';
import { type RuleExamples, seed, both, ns, app, dns } from './common.js';

export const examples: RuleExamples = {
  flagged: [
    {
      name: 'seed 003: namespaceSelector namespace: default, a label default does not carry',
      object: seed('003-postgres-namespace-and-pod.yaml'),
      cluster: SHOP,
      field: 'spec.ingress[0].from[0].namespaceSelector',
    },
    { name: 'seed 003 DNS to namespace: kube-system', object: seed('003-balance-egress-dns-kube-system.yaml'), cluster: SHOP, field: 'spec.egress[1].to[0].namespaceSelector' },
    {
      name: 'seed 002: matchExpressions on key name',
      object: makeNetworkPolicy(fromNamespaceSelector({ matchExpressions: [{ key: 'name', operator: 'In', values: ['testing', 'kube-system'] }] })),
      cluster: SHOP,
      field: 'spec.ingress[0].from[0].namespaceSelector',
    },
    { name: 'a podSelector alone for pods of another namespace', object: makeNetworkPolicy(ns('default'), fromPodSelector({ matchLabels: { app: 'admin' } })), cluster: SHOP, field: 'spec.ingress[0].from[0].podSelector' },
    {
      name: 'namespace found, pod label wrong',
      object: makeNetworkPolicy(ns('default'), toNamespaceSelector({ matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }), toPodSelector({ matchLabels: { 'k8s-app': 'coredns' } }), dns, both),
      cluster: SHOP,
      field: 'spec.egress[0].to[0].podSelector',
    },
  ],
  passes: [
    { name: 'seed 003 default.postgres from balance', object: seed('003-postgres-from-balance.yaml'), cluster: SHOP },
    {
      name: 'namespace by kubernetes.io/metadata.name, AND pod',
      object: makeNetworkPolicy(ns('default'), fromNamespaceSelector({ matchLabels: { 'kubernetes.io/metadata.name': 'database' } }), fromPodSelector({ matchLabels: { app: 'admin' } })),
      cluster: SHOP,
    },
    { name: 'ipBlock peers are not selectors', object: makeNetworkPolicy(fromIPBlock({ cidr: '203.0.113.0/24' })), cluster: SHOP },
  ],
};

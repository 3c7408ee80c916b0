/** What webhook-backend-isolated flags and what it passes. */
import { namespace, service } from '../../cluster/manifests.js';
import { fromIPBlock, fromPodSelector, makeNetworkPolicy, port, withIngressPorts, withPodSelector } from '../../helpers/netpol.js';
import { type RuleExamples, seed, inNamespace, ns, app, WITH_WEBHOOK } from './common.js';

export const examples: RuleExamples = {
  flagged: [
    { name: 'seed 003 deny-all ingress in the webhook\'s namespace', object: inNamespace(seed('003-deny-all-ingress.yaml'), 'netpol-guard'), cluster: WITH_WEBHOOK, field: 'spec.policyTypes' },
    {
      name: 'the port, but only from pods',
      object: makeNetworkPolicy(ns('netpol-guard'), withPodSelector({}), fromPodSelector({ matchLabels: { app: 'x' } }), withIngressPorts(port('TCP', 8443))),
      cluster: WITH_WEBHOOK,
      field: 'spec.ingress',
    },
    { name: 'the service port instead of the target port', object: makeNetworkPolicy(ns('netpol-guard'), withPodSelector({}), withIngressPorts(port('TCP', 443))), cluster: WITH_WEBHOOK },
  ],
  passes: [
    { name: 'the target port from anywhere', object: makeNetworkPolicy(ns('netpol-guard'), withPodSelector({}), withIngressPorts(port('TCP', 8443))), cluster: WITH_WEBHOOK },
    {
      name: 'the named port from the control plane',
      object: makeNetworkPolicy(ns('netpol-guard'), withPodSelector({}), fromIPBlock({ cidr: '10.0.0.0/24' }), withIngressPorts(port('TCP', 'https'))),
      cluster: WITH_WEBHOOK,
    },
    {
      name: 'deny-all, but another policy lets the API server in',
      object: inNamespace(seed('003-deny-all-ingress.yaml'), 'netpol-guard'),
      cluster: [...WITH_WEBHOOK, makeNetworkPolicy(ns('netpol-guard'), (np) => (np.metadata!.name = 'allow-webhook'), withPodSelector({ matchLabels: { app: 'netpol-guard' } }), withIngressPorts(port('TCP', 8443)))],
    },
    { name: 'deny-all elsewhere', object: seed('003-deny-all-ingress.yaml'), cluster: WITH_WEBHOOK },
  ],
};

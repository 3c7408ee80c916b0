/** What service-port-not-pod-port flags and what it passes. */
import { SHOP, pod, service } from '../../cluster/manifests.js';
import { makeNetworkPolicy, port, toPodSelector, withEgressPorts, withIngressPorts } from '../../helpers/netpol.js';
import { type RuleExamples, both, ns, app } from './common.js';

export const examples: RuleExamples = {
  flagged: [
    { name: 'seed 003: service on 80, pods on 8080', object: makeNetworkPolicy(ns('default'), app('hello'), withIngressPorts(port('TCP', 80))), cluster: SHOP, field: 'spec.ingress[0].ports[0].port' },
    {
      name: 'egress to the service port',
      object: makeNetworkPolicy(ns('default'), app('balance'), toPodSelector({ matchLabels: { app: 'hello' } }), withEgressPorts(port('TCP', 80)), both),
      cluster: SHOP,
      field: 'spec.egress[0].ports[0].port',
    },
    { name: 'a named targetPort', object: makeNetworkPolicy(withIngressPorts(port('TCP', 80))), cluster: SHOP, field: 'spec.ingress[0].ports[0].port' },
  ],
  passes: [
    { name: 'the container port', object: makeNetworkPolicy(ns('default'), app('hello'), withIngressPorts(port('TCP', 8080))), cluster: SHOP },
    { name: 'service port equal to the pod port', object: makeNetworkPolicy(ns('default'), app('postgres'), withIngressPorts(port('TCP', 5432))), cluster: SHOP },
    { name: 'both ports listed', object: makeNetworkPolicy(ns('default'), app('hello'), withIngressPorts(port('TCP', 80), port('TCP', 8080))), cluster: SHOP },
  ],
};

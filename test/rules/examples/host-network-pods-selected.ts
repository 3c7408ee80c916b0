/** What host-network-pods-selected flags and what it passes. */
import { SHOP, pod } from '../../cluster/manifests.js';
import { makeNetworkPolicy, port, withIngressPorts } from '../../helpers/netpol.js';
import { type RuleExamples, seed, ns, app } from './common.js';

export const examples: RuleExamples = {
  flagged: [
    {
      name: 'seed 003: a hostNetwork pod',
      object: makeNetworkPolicy(ns('default'), app('node-exporter'), withIngressPorts(port('TCP', 9100))),
      cluster: [...SHOP, pod('default', 'node-exporter-x7k', { app: 'node-exporter' }, [{ containerPort: 9100 }], { hostNetwork: true })],
      field: 'spec.podSelector',
    },
  ],
  passes: [{ name: 'ordinary pods', object: seed('003-postgres-from-balance.yaml'), cluster: SHOP }],
};

import { z } from 'zod';
import type { LabelSelector } from '../k8s/types.js';
import { defineRule } from './define.js';
import type { RuleFinding } from './types.js';

const PARAMS = z.strictObject({
  keys: z.array(z.string()).default(['name', 'namespace', 'ns']).describe('Namespace label keys Kubernetes never sets, often assumed to exist.'),
});

function keysOf(selector: LabelSelector): { key: string; where: string }[] {
  return [
    ...Object.keys(selector.matchLabels ?? {}).map((key) => ({ key, where: 'matchLabels' })),
    ...(selector.matchExpressions ?? []).map((e, i) => ({ key: e.key, where: `matchExpressions[${i}].key` })),
  ];
}

export const namespaceLabelNeverSet = defineRule({
  id: 'namespace-label-never-set',
  title: 'namespaceSelector on a label Kubernetes never sets',
  description:
    'Kubernetes labels every namespace with kubernetes.io/metadata.name (since 1.21), but never with `name` or `namespace`. A namespaceSelector on those matches nothing unless someone labelled the namespaces by hand, built-in ones such as kube-system included.',
  remediation: 'select namespaces by kubernetes.io/metadata.name',
  defaultAction: 'warn',
  seeds: ['002', '003'],
  params: PARAMS,
  check(np, { params, walks }) {
    const out: RuleFinding[] = [];
    for (const { path, peer } of walks.peers()) {
      if (!peer.namespaceSelector) continue;
      for (const { key, where } of keysOf(peer.namespaceSelector)) {
        if (!params.keys.includes(key)) continue;
        const value = peer.namespaceSelector.matchLabels?.[key];
        out.push({
          field: `${path.child('namespaceSelector')}.${where}`,
          message: `namespace label "${key}" is never set by Kubernetes`,
          fix: value !== undefined ? `use "kubernetes.io/metadata.name: ${value}"` : 'use the key kubernetes.io/metadata.name',
        });
      }
    }
    return out;
  },
});

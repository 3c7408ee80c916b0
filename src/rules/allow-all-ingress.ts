import { defineRule } from './define.js';
import { allowAllFindings } from './lib/allow-all.js';

export const allowAllIngress = defineRule({
  id: 'allow-all-ingress',
  title: 'Ingress rule allows every source',
  description:
    'An ingress rule with no `from` (or an empty one) admits traffic from every pod in every namespace and from outside the cluster; `- {}` also opens every port. Usually a leftover or a misunderstanding of the empty list.',
  remediation: 'list the allowed sources under `from` (podSelector, namespaceSelector or ipBlock), or drop the rule',
  defaultAction: 'warn',
  seeds: ['001', '002', '003'],
  check: (np, { walks }) => allowAllFindings(np, walks, 'ingress'),
});

import { allowAllFindings } from './lib/allow-all.js';
import { defineRule } from './define.js';

export const allowAllEgress = defineRule({
  id: 'allow-all-egress',
  title: 'Egress rule allows every destination',
  description:
    'An egress rule with no `to` (or an empty one) lets the selected pods reach every pod and every address outside the cluster, including the cloud metadata service; `- {}` also opens every port.',
  remediation: 'list the allowed destinations under `to`, or drop the rule',
  defaultAction: 'warn',
  seeds: ['000', '001', '002'],
  check: (np, { walks }) => allowAllFindings(np, walks, 'egress'),
});

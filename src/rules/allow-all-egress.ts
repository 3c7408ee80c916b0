import { z } from 'zod';
import { allowAllFindings } from './allow-all-ingress.js';
import type { Rule } from './types.js';

const NO_PARAMS = z.strictObject({});

export const allowAllEgress: Rule<z.infer<typeof NO_PARAMS>> = {
  id: 'allow-all-egress',
  title: 'Egress rule allows every destination',
  description:
    'An egress rule with no `to` (or an empty one) lets the selected pods reach every pod and every address outside the cluster, including the cloud metadata service; `- {}` also opens every port.',
  remediation: 'list the allowed destinations under `to`, or drop the rule',
  defaultAction: 'warn',
  seeds: ['000', '001', '002'],
  needsSubmitted: false,
  needsCluster: false,
  operations: ['CREATE', 'UPDATE'],
  params: NO_PARAMS,
  check: (np) => allowAllFindings(np, 'egress'),
};

import { z } from 'zod';
import { defineRule } from './define.js';

const PARAMS = z.strictObject({
  pattern: z
    .string()
    .refine((p) => {
      try {
        new RegExp(p);
        return true;
      } catch {
        return false;
      }
    }, { error: 'expected a valid regular expression' })
    .default('^[a-z0-9]([-a-z0-9]*[a-z0-9])?\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?$')
    .describe('A JavaScript regular expression the name must match; seed 003 suggests `namespace.pod`.'),
  description: z.string().default('<namespace>.<pod or app>').describe('Shown in the message, so people know what the pattern means.'),
});

export const policyNamePattern = defineRule({
  id: 'policy-name-pattern',
  title: 'Policy name does not follow the naming convention',
  description:
    'Names that say what a policy is for make a cluster\'s policies readable at a glance; seed 003 suggests `namespace.pod`. Off unless the org policy turns it on.',
  remediation: 'rename the policy to match the convention',
  defaultAction: 'off',
  seeds: ['003'],
  operations: ['CREATE'],
  params: PARAMS,
  check(np, { params }) {
    const name = np.metadata?.name ?? '';
    if (new RegExp(params.pattern).test(name)) return [];
    return [{ field: 'metadata.name', message: `"${name}" does not match the naming convention ${params.description}`, fix: `rename it to match ${params.pattern}` }];
  },
});

import { z } from 'zod';
import { FieldPath } from '../k8s/field.js';
import { defineRule } from './define.js';

const PARAMS = z.strictObject({
  label: z.string().default('netpol-guard.io/protected').describe('The label marking a protected policy.'),
  value: z.string().default('true').describe('The value of that label that marks it.'),
  allowedGroups: z.array(z.string()).default(['system:masters']).describe('Groups whose members may still change or delete protected policies.'),
  allowedUsers: z.array(z.string()).default([]).describe('Users who may, by name (e.g. a GitOps service account).'),
});

export const protectedPolicy = defineRule({
  id: 'protected-policy',
  title: 'Change to a protected policy',
  description:
    'Policies labelled as protected (say, a namespace\'s default-deny set by the platform team) may only be changed or deleted by the allowed groups and users; a team removing its own default-deny opens its namespace.',
  remediation: 'ask the platform team, or have an allowed group make the change',
  defaultAction: 'deny',
  seeds: ['001', '004'],
  operations: ['UPDATE', 'DELETE'],
  params: PARAMS,
  check(np, { params, old, operation, userInfo }) {
    const stored = old ?? np;
    if (stored.metadata?.labels?.[params.label] !== params.value) return [];
    const groups = userInfo?.groups ?? [];
    const user = userInfo?.username ?? '';
    if (groups.some((g) => params.allowedGroups.includes(g)) || params.allowedUsers.includes(user)) return [];
    return [
      {
        field: FieldPath.root('metadata', 'labels').key(params.label).toString(),
        message: `${operation === 'DELETE' ? 'deleting' : 'changing'} a protected policy is not allowed for ${user || 'this user'}`,
        fix: `only ${[...params.allowedGroups.map((g) => `group ${g}`), ...params.allowedUsers.map((u) => `user ${u}`)].join(', ') || 'nobody'} may do so`,
      },
    ];
  },
});

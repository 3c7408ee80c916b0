import { z } from 'zod';
import { defineAuditRule } from '../define.js';
import { listShort, policyRemovable, policySubject } from '../lib.js';

export const redundantPolicy = defineAuditRule({
  id: 'redundant-policy',
  title: 'policy changes no connection',
  description:
    'Removing this NetworkPolicy would change no connection: every pod it selects is isolated in the same directions by other policies too, and every flow its rules allow is allowed by other policies. It is dead weight that readers must still reason about, and it silently becomes live again when the covering policies change.',
  remediation: 'delete the policy, or fold what it means into the policy that covers it',
  defaultAction: 'warn',
  seeds: ['003'],
  subject: 'NetworkPolicy',
  params: z.strictObject({
    ignoreDefaultDeny: z
      .boolean()
      .default(true)
      .describe('Say nothing about policies without rules (a default deny): they are often kept on purpose as a safety net under other policies.'),
  }),
  audit({ coverage, inScope, params }) {
    return coverage()
      .policies.filter((u) => policyRemovable(u) && !(params.ignoreDefaultDeny && u.onlyIsolates))
      .filter((u) => inScope(policySubject(u.policy).namespace))
      .map((u) => ({
        subject: policySubject(u.policy),
        field: 'metadata',
        message: u.coveredBy.length > 0 ? `removing it changes no flow: what it allows is allowed by ${listShort(u.coveredBy)}, and its pods are isolated by other policies too` : 'removing it changes no flow: its pods are isolated by other policies too, and its rules allow nothing they do not',
        related: u.coveredBy,
      }));
  },
});

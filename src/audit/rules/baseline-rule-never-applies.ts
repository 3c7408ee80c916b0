import { defineAuditRule } from '../define.js';
import { listShort } from '../lib.js';

export const baselineRuleNeverApplies = defineAuditRule({
  id: 'baseline-rule-never-applies',
  title: 'Baseline ClusterNetworkPolicy rule never decides a flow',
  description:
    'A Baseline-tier rule only decides flows that nothing before it decided: no Admin-tier rule, no NetworkPolicy isolating the pod in that direction, no earlier Baseline rule. This one decides none — every pod it selects is isolated by NetworkPolicies, or an earlier rule always matches first, or its peers match nothing — so the default it was meant to set is not in force anywhere.',
  remediation: 'remove the rule, or move the intent to the Admin tier or to the NetworkPolicies that decide these flows',
  defaultAction: 'warn',
  seeds: ['004'],
  subject: 'ClusterNetworkPolicy',
  audit({ coverage }) {
    return coverage()
      .baseline.filter((b) => !b.applies)
      .map((b) => ({
        subject: { kind: 'ClusterNetworkPolicy' as const, name: b.policy },
        field: `spec.${b.direction}[${b.rule}]`,
        message: b.matches ? `never applies: ${listShort(b.decidedInstead, 2)}` : 'never applies: it matches no flow of the pods its subject selects',
      }));
  },
});

import { defineAuditRule } from '../define.js';
import { describeClusterRule, listShort, policySubject } from '../lib.js';

export const adminTierOverridesRule = defineAuditRule({
  id: 'admin-tier-overrides-rule',
  title: 'NetworkPolicy rule overridden by an Admin-tier ClusterNetworkPolicy',
  description:
    'Every flow this NetworkPolicy rule allows is decided before it by an Admin-tier ClusterNetworkPolicy rule (Deny or Accept), which NetworkPolicies cannot change: with a Deny, the allow is dead — the application team believes traffic is allowed that the platform blocks; with an Accept, the rule is moot. Admin tier rules run before every NetworkPolicy (policy.networking.k8s.io).',
  remediation: 'remove the rule, or ask the platform team to narrow the ClusterNetworkPolicy (or to Pass these flows to NetworkPolicies)',
  defaultAction: 'warn',
  seeds: ['004'],
  subject: 'NetworkPolicy',
  audit({ coverage, inScope }) {
    return coverage()
      .rules.filter((u) => u.admits && !u.live && u.overriddenBy.length > 0)
      .filter((u) => inScope(policySubject(u.policy).namespace))
      .map((u) => {
        const denies = u.overriddenBy.filter((r) => r.action === 'Deny');
        const what = denies.length > 0 ? `dead: every flow it allows is denied first by` : 'moot: every flow it allows is decided first by';
        return {
          subject: policySubject(u.policy),
          field: `spec.${u.direction}[${u.rule}]`,
          message: `${what} ClusterNetworkPolicy ${listShort(u.overriddenBy.map((r) => describeClusterRule(r, u.direction)), 2)}`,
          related: [...new Set(u.overriddenBy.map((r) => r.policy))],
        };
      });
  },
});

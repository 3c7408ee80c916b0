import { defineRule } from './define.js';
import type { RuleFinding } from './types.js';

const count = (n: number, direction: string): string => (n === 1 ? `the ${direction} rule is ignored` : `all ${n} ${direction} rules are ignored`);

export const rulesWithoutPolicyType = defineRule({
  id: 'rules-without-policy-type',
  title: 'Rules for a direction the policy does not isolate',
  description:
    'When policyTypes is given and lacks Egress, the egress rules are ignored (and likewise for Ingress): the API server accepts the policy, the rules do nothing, and nobody is told.',
  remediation: 'add the direction to policyTypes, or remove the rules that cannot apply',
  defaultAction: 'deny',
  seeds: ['003', '004'],
  check(np) {
    const types = np.spec?.policyTypes ?? [];
    if (types.length === 0) return []; // inferred: never contradicts the rules
    const out: RuleFinding[] = [];
    if ((np.spec?.ingress?.length ?? 0) > 0 && !types.includes('Ingress')) {
      out.push({ field: 'spec.ingress', message: `${count(np.spec?.ingress?.length ?? 0, 'ingress')}: policyTypes lacks Ingress`, fix: 'add Ingress to policyTypes, or remove spec.ingress' });
    }
    if ((np.spec?.egress?.length ?? 0) > 0 && !types.includes('Egress')) {
      out.push({ field: 'spec.egress', message: `${count(np.spec?.egress?.length ?? 0, 'egress')}: policyTypes lacks Egress`, fix: 'add Egress to policyTypes, or remove spec.egress' });
    }
    return out;
  },
});

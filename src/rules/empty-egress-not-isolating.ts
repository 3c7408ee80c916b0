import { defineRule } from './define.js';

export const emptyEgressNotIsolating = defineRule({
  id: 'empty-egress-not-isolating',
  title: '`egress: []` without policyTypes isolates nothing',
  description:
    'An empty egress list looks like "deny all egress", but without policyTypes the API server infers only Ingress (Egress is inferred only when egress rules exist), so egress stays fully open.',
  remediation: 'add "policyTypes: [Ingress, Egress]" (or [Egress]) to deny all egress',
  defaultAction: 'warn',
  seeds: ['003', '004'],
  needsSubmitted: true,
  check(_np, { submitted }) {
    const spec = submitted?.spec;
    if (!spec || (spec.policyTypes?.length ?? 0) > 0 || spec.egress === undefined || spec.egress.length > 0) return [];
    return [{ field: 'spec.egress', message: 'egress: [] without policyTypes does not isolate egress: all egress stays allowed' }];
  },
});

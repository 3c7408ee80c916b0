import { defineRule } from './define.js';

export const implicitPolicyTypes = defineRule({
  id: 'implicit-policy-types',
  title: 'policyTypes left to inference',
  description:
    'Without policyTypes the API server infers them: Ingress always, Egress only when egress rules exist. The policy then isolates directions its author may not have meant (or not the ones meant). Writing them states the intent.',
  remediation: 'write policyTypes explicitly (Ingress, Egress or both)',
  defaultAction: 'warn',
  seeds: ['003'],
  needsSubmitted: true,
  check(np, { submitted }) {
    if ((submitted?.spec?.policyTypes?.length ?? 0) > 0) return [];
    const inferred = np.spec?.policyTypes ?? [];
    return [{ field: 'spec.policyTypes', message: `policyTypes omitted; inferred as [${inferred.join(', ')}]`, fix: `write "policyTypes: [${inferred.join(', ')}]" if that is what you mean` }];
  },
});

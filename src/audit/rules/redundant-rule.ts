import { defineAuditRule } from '../define.js';
import { listShort, policyRemovable, policySubject } from '../lib.js';

export const redundantRule = defineAuditRule({
  id: 'redundant-rule',
  title: 'rule allows nothing that other rules do not already allow',
  description:
    'Every flow this ingress or egress rule allows — on every port and from or to every pod and address it matches — is allowed anyway by other rules of the policies that select the same pods, or denied at the other end of the connection (the sources are isolated for egress, say), so removing it would change no connection. Such rules hide the real intent and drift: the day the covering policy changes, nobody knows which of the two was meant. (A whole policy that changes nothing is reported by redundant-policy instead.)',
  remediation: 'remove the rule, or narrow the covering policy if this rule is the one that states the intent',
  defaultAction: 'warn',
  seeds: ['003'],
  subject: 'NetworkPolicy',
  audit({ coverage, inScope }) {
    const cov = coverage();
    const removable = new Set(cov.policies.filter(policyRemovable).map((p) => p.policy));
    return cov.rules
      .filter((u) => u.admits && u.live && !u.needed && !removable.has(u.policy))
      .filter((u) => inScope(policySubject(u.policy).namespace))
      .map((u) => {
        const others = u.coveredBy.filter((p) => p !== u.policy);
        const ownToo = others.length < u.coveredBy.length;
        const by = others.length > 0 ? `${ownToo ? 'other rules of this policy and ' : ''}${listShort(others)}` : 'other rules of this policy';
        const end = u.direction === 'ingress' ? 'the sources\' egress' : 'the destinations\' ingress';
        const denied = u.deniedOtherEnd.length > 0 ? `denied by ${end} (${listShort(u.deniedOtherEnd, 2)})` : '';
        const message =
          u.coveredBy.length === 0 ? `every flow it allows is ${denied} anyway` : denied ? `every flow it allows is also allowed by ${by}, or ${denied}` : `every flow it allows is also allowed by ${by}`;
        return { subject: policySubject(u.policy), field: `spec.${u.direction}[${u.rule}]`, message, related: [...new Set([...u.coveredBy, ...u.deniedOtherEnd])] };
      });
  },
});

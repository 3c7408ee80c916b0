/** namespace-without-ingress-isolation and namespace-without-egress-isolation: one maker, two rules. */
import { z } from 'zod';
import { defineAuditRule } from '../define.js';
import type { AuditRule } from '../rule.js';

const PARAMS = z.strictObject({
  partly: z.boolean().default(true).describe('Also report namespaces where only some pods are not isolated (a policy that selects only some workloads).'),
});

function make(direction: 'ingress' | 'egress'): AuditRule<z.infer<typeof PARAMS>> {
  const from = direction === 'ingress' ? 'from any pod or address' : 'to any pod or address';
  return defineAuditRule({
    id: `namespace-without-${direction}-isolation`,
    title: `namespace with running pods not isolated for ${direction}`,
    description: `Pods that no NetworkPolicy selects for ${direction} ${direction === 'ingress' ? 'accept connections from every pod and address' : 'may open connections to every pod and address'}: Kubernetes allows all traffic until a policy isolates a pod. A namespace with running pods and no ${direction} isolation is unprotected in that direction; the usual start is a default-deny policy (podSelector: {}, policyTypes: [${direction === 'ingress' ? 'Ingress' : 'Egress'}]) plus the allows the workloads need.`,
    remediation: `add a default-deny ${direction} policy to the namespace (podSelector: {}, policyTypes: [${direction === 'ingress' ? 'Ingress' : 'Egress'}]) and allow what the workloads need`,
    defaultAction: 'warn',
    seeds: ['001', '003'],
    subject: 'Namespace',
    params: PARAMS,
    audit({ model, inScope, params }) {
      const perNamespace = new Map<string, { total: number; open: string[] }>();
      for (const pod of model.pods) {
        if (pod.hostNetwork || !inScope(pod.namespace)) continue;
        const key = `${pod.namespace}/${pod.name}`;
        let n = perNamespace.get(pod.namespace);
        if (!n) perNamespace.set(pod.namespace, (n = { total: 0, open: [] }));
        n.total++;
        if ((model.isolation(key)?.[direction].length ?? 0) === 0) n.open.push(pod.name);
      }
      return [...perNamespace.entries()]
        .filter(([, n]) => n.open.length > 0 && (params.partly || n.open.length === n.total))
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([namespace, n]) => ({
          subject: { kind: 'Namespace' as const, name: namespace, namespace },
          field: 'metadata',
          message:
            n.open.length === n.total
              ? `none of its ${n.total} running pods is isolated for ${direction}: all traffic ${from} is allowed`
              : `${n.open.length} of its ${n.total} running pods are not isolated for ${direction} (${n.open.slice(0, 3).join(', ')}${n.open.length > 3 ? ', ...' : ''})`,
        }));
    },
  });
}

export const namespaceWithoutIngressIsolation = make('ingress');
export const namespaceWithoutEgressIsolation = make('egress');

import { z } from 'zod';
import { defineAuditRule } from '../define.js';
import { type ExposedPort, openToAllNamespaces } from '../exposure.js';
import { listShort } from '../lib.js';
import { describePorts } from './pod-reachable-from-outside.js';

export const podReachableFromAllNamespaces = defineAuditRule({
  id: 'pod-reachable-from-all-namespaces',
  title: 'pods accept connections from every namespace',
  description:
    'The policies that isolate these pods for ingress admit every pod of every other namespace (typically `namespaceSelector: {}`, or a namespace-wide allow copied from a shared template), so one compromised workload anywhere in the cluster can connect. Isolation then only keeps out traffic from outside the cluster. Shared services (DNS, metrics) are meant to be like this; most applications are not.',
  remediation: 'name the namespaces that need access (namespaceSelector with their kubernetes.io/metadata.name labels) instead of all of them',
  defaultAction: 'warn',
  seeds: ['001', '003'],
  subject: 'Workload',
  params: z.strictObject({
    allowedPorts: z.array(z.number().int().min(1).max(65535)).default([53]).describe('Ports that may be open to every namespace (DNS by default).'),
    minNamespaces: z.number().int().min(1).default(2).describe('Only judge when at least this many other namespaces run pods (with fewer, "every namespace" says little).'),
  }),
  audit({ model, workloads, inScope, params }) {
    const byNamespace = model.podClassesByNamespace();
    const findings = [];
    for (const w of workloads) {
      if (!inScope(w.namespace)) continue;
      const others = [...byNamespace.keys()].filter((n) => n !== w.namespace).length;
      if (others < params.minNamespaces) continue;
      const ports = new Map<string, ExposedPort>();
      for (const id of w.classes) {
        const cls = model.classes[id]!;
        if (cls.hostNetwork || cls.ingressPolicies.length + cls.admin.length + cls.baseline.length === 0) continue;
        for (const p of openToAllNamespaces(model, cls, byNamespace)) if (!params.allowedPorts.includes(p.port)) ports.set(`${p.port}/${p.protocol}`, p);
      }
      if (ports.size === 0) continue;
      const list = [...ports.values()];
      const by = [...new Set(list.flatMap((p) => p.by))];
      findings.push({
        subject: { kind: 'Workload' as const, namespace: w.namespace, name: w.name },
        field: 'metadata',
        message: `${w.pods.length} pod${w.pods.length === 1 ? '' : 's'} accept connections from every pod of all ${others} other namespaces on ${describePorts(list)} via ${listShort(by, 2)}`,
        related: [...new Set(by.map((b) => b.replace(/^ClusterNetworkPolicy /, '').replace(/ ingress\[\d+\]$/, '')))],
      });
    }
    return findings;
  },
});

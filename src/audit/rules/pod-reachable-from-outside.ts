import { z } from 'zod';
import { defineAuditRule } from '../define.js';
import { type ExposedPort, exposedTo } from '../exposure.js';
import { NON_PUBLIC_RANGES, listShort } from '../lib.js';
import { addressRange } from '../../connectivity/blocks.js';
import { rangeContains } from '../../netpol/cidr.js';
import type { Party } from '../../connectivity/index.js';

const NON_PUBLIC = NON_PUBLIC_RANGES.map((r) => addressRange(r)).filter((r) => r !== undefined);

/** Whether an outside representative lies in public address space (outside every special-purpose range). */
export function isPublic(p: Party): boolean {
  return p.kind === 'external' && p.range !== undefined && !NON_PUBLIC.some((r) => rangeContains(r, p.range!));
}

export function describePorts(ports: readonly ExposedPort[]): string {
  return listShort(ports.map((p) => `${p.protocol}/${p.port}`), 4);
}

export const podReachableFromOutside = defineAuditRule({
  id: 'pod-reachable-from-outside',
  title: 'pods accept connections from public addresses',
  description:
    'The policies that isolate these pods for ingress still admit connections from public address space (an ipBlock such as 0.0.0.0/0, a rule with no `from` at all, or a ClusterNetworkPolicy network), so anything that routes to the pod IPs from outside the cluster — a load balancer that preserves client addresses, a peered network, a node port — reaches them. Often meant for one port of an ingress controller and written for all.',
  remediation: 'limit the ipBlock to the networks that must connect (a load balancer range, an office range), or to the ports that must be public',
  defaultAction: 'warn',
  seeds: ['003'],
  subject: 'Workload',
  params: z.strictObject({
    allowedPorts: z.array(z.number().int().min(1).max(65535)).default([]).describe('Ports that may be open to public addresses (the HTTPS port of an ingress controller, say); reported only for other ports.'),
    includeNotIsolated: z.boolean().default(false).describe('Also report pods that no policy isolates for ingress (they accept everything; namespace-without-ingress-isolation reports those already).'),
  }),
  audit({ model, workloads, inScope, externals, params }) {
    const sources = externals().filter(isPublic);
    if (sources.length === 0) return [];
    const findings = [];
    for (const w of workloads) {
      if (!inScope(w.namespace)) continue;
      const ports = new Map<string, ExposedPort>();
      for (const id of w.classes) {
        const cls = model.classes[id]!;
        if (cls.hostNetwork) continue;
        for (const p of exposedTo(model, cls, sources, params.includeNotIsolated)) if (!params.allowedPorts.includes(p.port)) ports.set(`${p.port}/${p.protocol}`, p);
      }
      if (ports.size === 0) continue;
      const list = [...ports.values()];
      const by = [...new Set(list.flatMap((p) => p.by))];
      findings.push({
        subject: { kind: 'Workload' as const, namespace: w.namespace, name: w.name },
        field: 'metadata',
        message: `${w.pods.length} pod${w.pods.length === 1 ? '' : 's'} accept connections from public addresses (e.g. ${list[0]!.example}) on ${describePorts(list)}${by.length ? ` via ${listShort(by, 2)}` : ' (not isolated)'}`,
        related: [...new Set(by.map((b) => b.replace(/^ClusterNetworkPolicy /, '').replace(/ ingress\[\d+\]$/, '')))],
      });
    }
    return findings;
  },
});

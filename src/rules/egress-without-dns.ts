import { z } from 'zod';
import type { NetworkPolicy } from '../k8s/types.js';
import { allowsDns } from '../netpol/dns.js';
import { isolates, rulesOf } from '../netpol/walk.js';
import { clusterDnsVerdict } from './lib/cluster-dns.js';
import { defineRule } from './define.js';
import type { RuleFinding } from './types.js';

const PARAMS = z.strictObject({
  dnsPortNames: z.array(z.string()).default(['dns', 'dns-tcp']).describe('Container port names that count as DNS (CoreDNS and kube-dns name theirs dns and dns-tcp).'),
  dnsNamespace: z.string().default('kube-system').describe('With cluster state: the namespace of the cluster DNS pods.'),
  dnsPodLabels: z
    .record(z.string(), z.string())
    .default({ 'k8s-app': 'kube-dns' })
    .describe('With cluster state: labels of the cluster DNS pods (CoreDNS keeps kube-dns\'s k8s-app=kube-dns).'),
});

/** The submitted egress port entries written as `port: 53` without a protocol (TCP only). */
function bare53(submitted: NetworkPolicy | undefined): string[] {
  const out: string[] = [];
  for (const r of rulesOf(submitted ?? {}, 'egress')) {
    (r.ports ?? []).forEach((p, j) => {
      if (p.port === 53 && p.protocol === undefined) out.push(r.path.child('ports').index(j).toString());
    });
  }
  return out;
}

export const egressWithoutDns = defineRule({
  id: 'egress-without-dns',
  title: 'Egress policy blocks DNS',
  description:
    'The policy isolates egress, but no egress rule allows port 53 over both UDP and TCP to where cluster DNS runs, so name lookups from the selected pods fail. `port: 53` without a protocol means TCP only, while lookups start over UDP; and a podSelector alone only reaches pods of the policy\'s own namespace, not kube-system. With cluster state, the actual DNS pods (k8s-app=kube-dns in kube-system, their ports 53 or named dns/dns-tcp) are checked against every stored policy that selects the same pods, the new one replacing its stored version: policies add up, so a namespace-wide DNS policy (seed 003) counts.',
  remediation:
    'add an egress rule to the cluster DNS pods allowing port 53 over UDP and TCP (e.g. to namespaceSelector kubernetes.io/metadata.name: kube-system, podSelector k8s-app: kube-dns)',
  defaultAction: 'warn',
  seeds: ['003'],
  cluster: 'uses',
  params: PARAMS,
  check(np, { params, submitted, namespace, cluster }): RuleFinding[] {
    if (!isolates(np, 'egress')) return [];
    // With the DNS pods known, judge against them and the other policies; else the policy alone.
    const seen = cluster ? clusterDnsVerdict(np, namespace, cluster, params) : undefined;
    const udp = seen ? seen.udp : allowsDns(np, 'UDP', params.dnsPortNames, namespace);
    const tcp = seen ? seen.tcp : allowsDns(np, 'TCP', params.dnsPortNames, namespace);
    if (udp && tcp) return [];
    const field = np.spec?.egress?.length ? 'spec.egress' : 'spec.policyTypes';
    if (!udp && !tcp) {
      return [
        seen
          ? { field, message: 'egress is isolated; no policy for these pods lets DNS (53 UDP/TCP) reach the DNS pods' }
          : { field, message: 'egress is isolated but no rule allows DNS (port 53 over UDP and TCP)' },
      ];
    }
    const trap = udp ? [] : bare53(submitted);
    if (trap.length > 0) {
      return [
        {
          field: trap[0] as string,
          message: '"port: 53" without a protocol is TCP only; DNS lookups use UDP',
          fix: 'add a second entry "- port: 53\n  protocol: UDP" (keep the TCP one for large answers)',
        },
      ];
    }
    return [{ field, message: `egress is isolated and DNS is allowed over ${udp ? 'UDP' : 'TCP'} only; it needs both` }];
  },
});

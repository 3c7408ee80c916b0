/** Helpers the audit rules share: naming subjects and policies, port and address facts. */
import type { ClusterRuleRef, PolicyUse } from '../connectivity/index.js';
import type { AuditSubject } from './rule.js';

export function policySubject(key: string): AuditSubject {
  const slash = key.indexOf('/');
  return { kind: 'NetworkPolicy', namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

export function namespaceOfKey(key: string): string {
  return key.slice(0, key.indexOf('/'));
}

/** A policy whose removal changes no flow: it selects pods, isolates none alone, allows nothing alone. */
export function policyRemovable(use: PolicyUse): boolean {
  return use.selectsPods > 0 && !use.allowsAlone && !use.isolatesAlone;
}

export function describeClusterRule(r: ClusterRuleRef, direction: string): string {
  return `${r.policy} ${direction}[${r.rule}]${r.name ? ` "${r.name}"` : ''} (${r.tier}, priority ${r.priority}: ${r.action})`;
}

/** "a, b and 3 more": lists that stay on one line. */
export function listShort(items: readonly string[], max = 3): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** Special-purpose ranges (RFC 6890 and successors): everything else is public address space. IPv4-mapped IPv6 is folded to IPv4 by the parser, so it needs no entry. */
export const NON_PUBLIC_RANGES: readonly string[] = [
  '0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24', '192.0.2.0/24',
  '192.88.99.0/24', '192.168.0.0/16', '198.18.0.0/15', '198.51.100.0/24', '203.0.113.0/24', '224.0.0.0/4', '240.0.0.0/4',
  '::/127', '64:ff9b::/96', '100::/64', '2001:db8::/32', 'fc00::/7', 'fe80::/10', 'ff00::/8',
];

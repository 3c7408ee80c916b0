/** What the API server's defaulting adds to a policy (the mutating webhook's patch), in words. */
import { FieldPath } from '../../k8s/field.js';
import type { NetworkPolicy } from '../../k8s/types.js';
import type { PatchOperation } from '../defaults.js';
import type { Direction } from '../walk.js';
import type { DefaultingChange } from './types.js';

/** `/spec/ingress/0/ports/1/protocol` → `spec.ingress[0].ports[1].protocol`. */
function fieldOfPointer(pointer: string): string {
  const path: (string | number)[] = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const [first, ...rest] = path;
  if (first === undefined) return '';
  let p = FieldPath.root(String(first));
  for (const s of rest) p = typeof s === 'number' ? p.index(s) : p.child(s);
  return p.toString();
}

/** policyTypes (and a missing spec) first, then the port entries in document order. */
export function byPatchPath(a: PatchOperation, b: PatchOperation): number {
  const rank = (op: PatchOperation): number => (op.path === '/spec' || op.path.startsWith('/spec/policyTypes') ? 0 : 1);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  const sa = a.path.split('/');
  const sb = b.path.split('/');
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const x = sa[i] as string;
    const y = sb[i] as string;
    if (x === y) continue;
    if (/^\d+$/.test(x) && /^\d+$/.test(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return sa.length - sb.length;
}

function showTypes(value: unknown): string {
  return Array.isArray(value) ? `[${value.join(', ')}]` : JSON.stringify(value);
}

function policyTypesText(value: unknown, sub: NetworkPolicy): string {
  const types = Array.isArray(value) ? value : [];
  const why = types.includes('Egress')
    ? 'Ingress always, Egress because the policy has egress rules'
    : sub.spec?.egress !== undefined
      ? 'Ingress always; not Egress, because `egress: []` holds no rules'
      : 'Ingress always; not Egress, because the policy has no egress rules';
  return `policyTypes was not given: the API server sets it to ${showTypes(value)} (${why}).`;
}

export function defaultingChange(op: PatchOperation, sub: NetworkPolicy): DefaultingChange {
  const value = 'value' in op ? (op.value as unknown) : undefined;
  const field = fieldOfPointer(op.path);
  const base = { op: op.op, path: op.path, field, value: value ?? null };
  if (op.path === '/spec') {
    return {
      ...base,
      text: `spec is missing: the API server reads it as an empty spec, whose empty podSelector selects every pod, and sets policyTypes to ${showTypes((value as { policyTypes?: unknown } | undefined)?.policyTypes)}, so all ingress to every pod in the namespace is denied.`,
    };
  }
  if (op.path === '/spec/policyTypes') return { ...base, text: policyTypesText(value, sub) };
  if (op.path.startsWith('/spec/policyTypes/')) {
    const why = value === 'Ingress' ? 'Ingress is always inferred' : 'Egress is inferred because the policy has egress rules';
    return { ...base, text: `policyTypes is an empty list, which counts as not given: the API server adds ${String(value)} (${why}).` };
  }
  const port = /^\/spec\/(ingress|egress)\/(\d+)\/ports\/(\d+)(\/protocol)?$/.exec(op.path);
  if (port) {
    const entry = field.replace(/\.protocol$/, '');
    const written = sub.spec?.[port[1] as Direction]?.[Number(port[2])]?.ports?.[Number(port[3])];
    const what = written?.port !== undefined ? ` (port ${written.port})` : '';
    const dns = written?.port === 53 && port[1] === 'egress' ? ' Port 53 over TCP only: DNS lookups start over UDP.' : '';
    if (!port[4]) return { ...base, text: `${entry} is null: the API server reads it as an entry for every TCP port.` };
    return { ...base, text: `protocol TCP added to ${entry}${what}, because the entry gives no protocol.${dns}` };
  }
  return { ...base, text: `${op.op} ${field}: ${JSON.stringify(value)}` };
}

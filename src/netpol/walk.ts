/**
 * Walking a policy's rules and peers with their field paths, and the NetworkPolicy semantics that
 * the rules and the explanation share (isolation, port coverage).
 */
import { FieldPath } from '../k8s/field.js';
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../k8s/types.js';

export type Direction = 'ingress' | 'egress';

export interface RuleAt {
  readonly direction: Direction;
  readonly index: number;
  readonly path: FieldPath;
  readonly ports: readonly NetworkPolicyPort[] | undefined;
  /** `from` for ingress, `to` for egress; undefined when omitted. */
  readonly peers: readonly NetworkPolicyPeer[] | undefined;
  /** The peers' field name: `from` or `to`. */
  readonly peersField: 'from' | 'to';
}

export interface PeerAt {
  readonly rule: RuleAt;
  readonly index: number;
  readonly path: FieldPath;
  readonly peer: NetworkPolicyPeer;
}

const SPEC = FieldPath.root('spec');

export function rulesOf(np: NetworkPolicy, direction?: Direction): RuleAt[] {
  const out: RuleAt[] = [];
  if (direction !== 'egress') {
    (np.spec?.ingress ?? []).forEach((r, index) =>
      out.push({ direction: 'ingress', index, path: SPEC.child('ingress').index(index), ports: r.ports, peers: r.from, peersField: 'from' }),
    );
  }
  if (direction !== 'ingress') {
    (np.spec?.egress ?? []).forEach((r, index) =>
      out.push({ direction: 'egress', index, path: SPEC.child('egress').index(index), ports: r.ports, peers: r.to, peersField: 'to' }),
    );
  }
  return out;
}

export function peersOf(np: NetworkPolicy, direction?: Direction): PeerAt[] {
  const out: PeerAt[] = [];
  for (const rule of rulesOf(np, direction)) {
    (rule.peers ?? []).forEach((peer, index) =>
      out.push({ rule, index, path: rule.path.child(rule.peersField).index(index), peer }),
    );
  }
  return out;
}

/** The directions the policy isolates, as stored (policyTypes, defaulted by the API server). */
export function isolates(np: NetworkPolicy, direction: Direction): boolean {
  const wanted = direction === 'ingress' ? 'Ingress' : 'Egress';
  const types = np.spec?.policyTypes;
  if (!types || types.length === 0) {
    // Not defaulted (should not happen after admission): apply the API server's inference.
    return direction === 'ingress' || (np.spec?.egress?.length ?? 0) > 0;
  }
  return types.includes(wanted);
}

/** Whether a port entry admits `port` over `protocol` (omitted protocol = TCP, omitted port = all). */
export function portAllows(entry: NetworkPolicyPort, protocol: string, port: number, namedAliases: readonly string[] = []): boolean {
  if ((entry.protocol ?? 'TCP') !== protocol) return false;
  if (entry.port === undefined) return true;
  if (typeof entry.port === 'string') return namedAliases.includes(entry.port);
  const end = entry.endPort ?? entry.port;
  return entry.port <= port && port <= end;
}

/** Whether a rule's port list admits `port`/`protocol` (an empty or omitted list admits all). */
export function rulePortsAllow(ports: readonly NetworkPolicyPort[] | undefined, protocol: string, port: number, namedAliases: readonly string[] = []): boolean {
  if (!ports || ports.length === 0) return true;
  return ports.some((p) => portAllows(p, protocol, port, namedAliases));
}

/** A compact YAML-ish rendering of a selector for messages: `{app: web}`. */
export function showSelector(selector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] } | undefined): string {
  if (!selector) return '(none)';
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}: ${v}`);
  for (const e of selector.matchExpressions ?? []) parts.push(`${e.key} ${e.operator}${e.values ? ` [${e.values.join(', ')}]` : ''}`);
  return parts.length === 0 ? '{}' : `{${parts.join(', ')}}`;
}

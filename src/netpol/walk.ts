/**
 * Walking a policy's rules and peers with their field paths, and the NetworkPolicy semantics that
 * the rules and the explanation share (isolation, port coverage).
 */
import { FieldPath } from '../k8s/field.js';
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../k8s/types.js';

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

function walkRules(np: NetworkPolicy, direction: Direction | undefined): RuleAt[] {
  const out: RuleAt[] = [];
  if (direction !== 'egress' && np.spec?.ingress?.length) {
    const list = SPEC.child('ingress');
    np.spec.ingress.forEach((r, index) =>
      out.push({ direction: 'ingress', index, path: list.index(index), ports: r.ports, peers: r.from, peersField: 'from' }),
    );
  }
  if (direction !== 'ingress' && np.spec?.egress?.length) {
    const list = SPEC.child('egress');
    np.spec.egress.forEach((r, index) =>
      out.push({ direction: 'egress', index, path: list.index(index), ports: r.ports, peers: r.to, peersField: 'to' }),
    );
  }
  return out;
}

function walkPeers(rules: readonly RuleAt[]): PeerAt[] {
  const out: PeerAt[] = [];
  for (const rule of rules) {
    if (!rule.peers || rule.peers.length === 0) continue;
    const list = rule.path.child(rule.peersField);
    rule.peers.forEach((peer, index) => out.push({ rule, index, path: list.index(index), peer }));
  }
  return out;
}

/** The rules of a policy in order (ingress, then egress), each with its field path. */
export function rulesOf(np: NetworkPolicy, direction?: Direction): readonly RuleAt[] {
  return walkRules(np, direction);
}

/** The peers of a policy's rules in order, each with its field path. */
export function peersOf(np: NetworkPolicy, direction?: Direction): readonly PeerAt[] {
  return walkPeers(walkRules(np, direction));
}

/**
 * The walks of one policy, each made when first asked for and then kept: a dozen org-policy
 * rules walk the same policy in one review, and building the lists with their field paths for
 * each of them would be a large part of its cost. Made once per review (the rule context holds
 * it), so an object changed afterwards is walked afresh by the next review. Read only.
 */
export class PolicyWalks {
  private readonly ruleLists: Partial<Record<Direction | 'both', readonly RuleAt[]>> = {};
  private readonly peerLists: Partial<Record<Direction | 'both', readonly PeerAt[]>> = {};

  constructor(readonly policy: NetworkPolicy) {}

  /** rulesOf(policy, direction), walked once. */
  rules(direction?: Direction): readonly RuleAt[] {
    return (this.ruleLists[direction ?? 'both'] ??= walkRules(this.policy, direction));
  }

  /** peersOf(policy, direction), walked once. */
  peers(direction?: Direction): readonly PeerAt[] {
    return (this.peerLists[direction ?? 'both'] ??= walkPeers(this.rules(direction)));
  }
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
export function showSelector(selector: LabelSelector | undefined): string {
  if (!selector) return '(none)';
  let shown = '';
  const labels = selector.matchLabels ?? {};
  for (const k of Object.keys(labels)) shown += `${shown ? ', ' : ''}${k}: ${labels[k]}`;
  for (const e of selector.matchExpressions ?? []) shown += `${shown ? ', ' : ''}${e.key} ${e.operator}${e.values ? ` [${e.values.join(', ')}]` : ''}`;
  return `{${shown}}`;
}

/**
 * One side of a flow, decided as the APIs define it: the Admin tier of ClusterNetworkPolicies
 * (by priority, rules in order; Accept and Deny are final, Pass hands over), then the
 * NetworkPolicies (isolated → allowed only by the union of their rules; final), then the Baseline
 * tier, else allowed. A connection needs both sides: the source's egress and the destination's
 * ingress. The answer carries what decided it.
 */
import type { ParsedRange } from '../netpol/cidr.js';
import type { PodClass } from './classes.js';
import type { CompiledCnp, CompiledCnpPeer, CompiledCnpRule, CompiledPeer, CompiledPolicy, CompiledRule } from './compile.js';
import { cnpProtocolsAdmit, npPortsAdmit } from './ports.js';
import type { ClusterRuleRef, RuleRef, SideVerdict, SnapshotPort } from './types.js';

/** One end of a flow as the evaluation sees it. */
export type Party =
  | { readonly kind: 'pod'; readonly cls: PodClass }
  | {
      readonly kind: 'external';
      readonly text: string;
      readonly range: ParsedRange | undefined;
      readonly blocks: ReadonlySet<number>;
    };

export type Direction = 'ingress' | 'egress';

const parties = new WeakMap<PodClass, Party>();

/** The class as one end of a flow, one object per class (questions by the thousand make none). */
export function podParty(cls: PodClass): Party {
  let party = parties.get(cls);
  if (!party) parties.set(cls, (party = { kind: 'pod', cls }));
  return party;
}

function blocksOf(p: Party): ReadonlySet<number> {
  return p.kind === 'pod' ? p.cls.blocks : p.blocks;
}

/** A NetworkPolicy peer against the other end. Host-network pods carry the node's address, so selectors never match them. */
export function npPeerMatches(peer: CompiledPeer, policyNamespace: string, other: Party): boolean {
  if (other.kind === 'pod') return npPeerMatchesClass(peer, policyNamespace, other.cls);
  return peer.kind === 'ipBlock' && other.blocks.has(peer.block.id);
}

/** npPeerMatches for a pod end. */
export function npPeerMatchesClass(peer: CompiledPeer, policyNamespace: string, c: PodClass): boolean {
  if (peer.kind === 'ipBlock') return c.blocks.has(peer.block.id);
  if (c.hostNetwork) return false;
  const nsOk = peer.namespace ? peer.namespace(c.namespaceLabels) : c.namespace === policyNamespace;
  return nsOk && (peer.pod ? peer.pod(c.labels) : true);
}

export function npRuleAdmits(rule: CompiledRule, policyNamespace: string, other: Party, port: number, protocol: string, dstPorts: readonly SnapshotPort[] | undefined): boolean {
  if (!npPortsAdmit(rule.ports, port, protocol, dstPorts)) return false;
  if (!rule.peers) return true;
  for (const p of rule.peers) if (npPeerMatches(p, policyNamespace, other)) return true;
  return false;
}

export function cnpPeerMatches(peer: CompiledCnpPeer, other: Party, action: CompiledCnpRule['action']): boolean {
  switch (peer.kind) {
    case 'namespaces':
      return other.kind === 'pod' && !other.cls.hostNetwork && peer.namespace(other.cls.namespaceLabels);
    case 'pods':
      return other.kind === 'pod' && !other.cls.hostNetwork && peer.namespace(other.cls.namespaceLabels) && peer.pod(other.cls.labels);
    case 'networks': {
      const have = blocksOf(other);
      return peer.blocks.some((b) => have.has(b.id));
    }
    case 'nodes':
    case 'domainNames':
      return false;
    case 'unknown':
      // Fail closed, as the API asks: an Accept matches nothing, a Deny or Pass matches everything.
      return action !== 'Accept';
  }
}

export function cnpRuleMatches(rule: CompiledCnpRule, other: Party, port: number, protocol: string, dstPorts: readonly SnapshotPort[] | undefined): boolean {
  if (!cnpProtocolsAdmit(rule.protocols, port, protocol, dstPorts)) return false;
  for (const p of rule.peers) if (cnpPeerMatches(p, other, rule.action)) return true;
  return false;
}

function describeTier(ref: ClusterRuleRef, direction: Direction): string {
  return `ClusterNetworkPolicy ${ref.policy} (${ref.tier} tier, priority ${ref.priority}) ${direction}[${ref.rule}]${ref.name ? ` "${ref.name}"` : ''}: ${ref.action}`;
}

/** The first matching rule of a tier, or undefined when none matches. */
function firstInTier(cnps: readonly CompiledCnp[], direction: Direction, other: Party, port: number, protocol: string, dstPorts: readonly SnapshotPort[] | undefined): ClusterRuleRef | undefined {
  for (const cnp of cnps) {
    for (const rule of cnp[direction]) {
      if (cnpRuleMatches(rule, other, port, protocol, dstPorts)) {
        return { tier: cnp.tier, policy: cnp.name, priority: cnp.priority, rule: rule.index, ...(rule.name ? { name: rule.name } : {}), action: rule.action };
      }
    }
  }
  return undefined;
}

function notesFor(cls: PodClass, direction: Direction, other: Party): readonly string[] {
  const facts = cls.facts[direction];
  const otherPod = other.kind === 'pod' ? other.cls : undefined;
  if (facts.blocks.length === 0 && facts.cnpNotes.length === 0 && !(facts.selectorPeers && otherPod?.hostNetwork)) return NO_NOTES;
  const notes: string[] = [];
  const peerWord = direction === 'ingress' ? 'source' : 'destination';
  if (otherPod) {
    if (facts.blocks.length > 0 && !otherPod.hasAddress) notes.push(`the ${peerWord} pod has no IP, so no ipBlock can match it`);
    if (otherPod.hasAddress) {
      for (const b of facts.blocks) {
        const fam = b.cidr?.family;
        if (fam && !otherPod.families.has(fam)) {
          notes.push(`ipBlock ${b.text} is ${fam === 'ipv4' ? 'IPv4' : 'IPv6'} and the ${peerWord} pod has only ${fam === 'ipv4' ? 'IPv6' : 'IPv4'} addresses`);
          break;
        }
      }
    }
    if (otherPod.hostNetwork && facts.selectorPeers) notes.push(`the ${peerWord} pod uses the host network: pod and namespace selectors do not match it`);
  }
  for (const b of facts.blocks) if (!b.cidr) notes.push(`ipBlock ${b.text} does not parse and matches nothing`);
  notes.push(...facts.cnpNotes);
  return [...new Set(notes)];
}

const NO_NOTES: readonly string[] = Object.freeze([]);

/**
 * The verdict for one side: `subject` is the source for egress and the destination for ingress;
 * `other` the opposite end. `dstPorts` are the destination pod's container ports (named ports
 * resolve against them in both directions), undefined when the destination is not a pod.
 */
export function decideSide(direction: Direction, subject: Party, other: Party, port: number, protocol: string, dstPorts: readonly SnapshotPort[] | undefined): SideVerdict {
  if (subject.kind === 'external') {
    return { allowed: true, decidedBy: 'outside', isolated: false, policies: [], allowedBy: [], reason: `${subject.text} is not a pod: no policy applies to it` };
  }
  const cls = subject.cls;
  if (cls.hostNetwork) {
    return { allowed: true, decidedBy: 'host-network', isolated: false, policies: [], allowedBy: [], reason: 'the pod uses the host network: policies do not select it' };
  }
  const policies = direction === 'ingress' ? cls.ingressPolicies : cls.egressPolicies;
  const names = policies.map((p) => p.key);
  const isolated = policies.length > 0;
  const notes = notesFor(cls, direction, other);
  const withNotes = notes.length > 0 ? { notes } : {};

  const admin = firstInTier(cls.admin, direction, other, port, protocol, dstPorts);
  if (admin && admin.action !== 'Pass') {
    return { allowed: admin.action === 'Accept', decidedBy: 'admin', isolated, policies: names, allowedBy: [], clusterRule: admin, reason: describeTier(admin, direction), ...withNotes };
  }
  const passed = admin ? { clusterRule: admin } : {};
  const passedText = admin ? `; ${describeTier(admin, direction)} handed it to NetworkPolicies` : '';

  if (isolated) {
    const allowedBy: RuleRef[] = [];
    for (const p of policies) {
      for (const rule of p[direction] ?? []) {
        if (npRuleAdmits(rule, p.namespace, other, port, protocol, dstPorts)) allowedBy.push({ policy: p.key, rule: rule.index });
      }
    }
    const allowed = allowedBy.length > 0;
    const reason = allowed
      ? `isolated for ${direction} by ${names.join(', ')}; allowed by ${allowedBy.map((r) => `${r.policy} ${direction}[${r.rule}]`).join(', ')}`
      : `isolated for ${direction} by ${names.join(', ')}; no rule allows this ${direction === 'ingress' ? 'source' : 'destination'} on ${protocol}/${port}`;
    return { allowed, decidedBy: 'networkpolicy', isolated, policies: names, allowedBy, ...passed, reason: reason + passedText, ...withNotes };
  }

  const baseline = firstInTier(cls.baseline, direction, other, port, protocol, dstPorts);
  if (baseline && baseline.action !== 'Pass') {
    return { allowed: baseline.action === 'Accept', decidedBy: 'baseline', isolated, policies: names, allowedBy: [], clusterRule: baseline, reason: describeTier(baseline, direction), ...withNotes };
  }
  return {
    allowed: true,
    decidedBy: 'default',
    isolated,
    policies: names,
    allowedBy: [],
    ...passed,
    reason: `not isolated for ${direction}: no NetworkPolicy selects the pod for ${direction}${passedText}`,
    ...withNotes,
  };
}

/** The first matching rule's action in a tier, or undefined: firstInTier without building its reference. */
function tierAction(cnps: readonly CompiledCnp[], direction: Direction, other: Party, port: number, protocol: string, dstPorts: readonly SnapshotPort[] | undefined): CompiledCnpRule['action'] | undefined {
  for (const cnp of cnps) {
    for (const rule of cnp[direction]) if (cnpRuleMatches(rule, other, port, protocol, dstPorts)) return rule.action;
  }
  return undefined;
}

/**
 * Whether one side allows the flow: decideSide's answer without its reasons, for the many
 * questions of an impact (which flows change), where reasons are wanted only for the few that
 * are shown. Must answer exactly as decideSide(...).allowed (the property tests check it).
 */
export function sideAllowed(direction: Direction, subject: Party, other: Party, port: number, protocol: string, dstPorts: readonly SnapshotPort[] | undefined): boolean {
  if (subject.kind === 'external') return true;
  const cls = subject.cls;
  if (cls.hostNetwork) return true;
  const admin = cls.admin.length > 0 ? tierAction(cls.admin, direction, other, port, protocol, dstPorts) : undefined;
  if (admin !== undefined && admin !== 'Pass') return admin === 'Accept';
  const policies = direction === 'ingress' ? cls.ingressPolicies : cls.egressPolicies;
  if (policies.length > 0) {
    for (const p of policies) {
      for (const rule of p[direction] ?? []) if (npRuleAdmits(rule, p.namespace, other, port, protocol, dstPorts)) return true;
    }
    return false;
  }
  const baseline = cls.baseline.length > 0 ? tierAction(cls.baseline, direction, other, port, protocol, dstPorts) : undefined;
  if (baseline !== undefined && baseline !== 'Pass') return baseline === 'Accept';
  return true;
}

/**
 * What each policy rule contributes, judged over every flow it could admit: is some flow allowed
 * by it alone (needed), or is everything it admits allowed anyway by other rules (redundant), or
 * decided before it by the Admin tier of ClusterNetworkPolicies (overridden)? And does a Baseline
 * rule ever decide a flow? "Remove it and see what is lost", decided once per pair of classes.
 *
 * Exact over the whole port space and address space, not only declared ports: ports are tried at
 * one representative of each stretch between the rules' port boundaries (a verdict cannot change
 * inside a stretch), addresses at one representative of each stretch between the blocks' bounds.
 */
import ipaddr from 'ipaddr.js';
import { rangeContains } from '../netpol/cidr.js';
import { addressRange } from './blocks.js';
import type { PodClass } from './classes.js';
import type { ClusterNetworkPolicyProtocol } from '../k8s/cnp-types.js';
import type { CompiledRule } from './compile.js';
import { type Direction, type Party, cnpRuleMatches, decideSide, npPeerMatches, npRuleAdmits } from './evaluate.js';
import type { ConnectivityModel } from './model.js';
import type { ClusterRuleRef, FlowVerdict, Protocol, SnapshotPort } from './types.js';

const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

/** What one NetworkPolicy rule contributes. */
export interface RuleUse {
  /** `namespace/name`. */
  readonly policy: string;
  readonly direction: Direction;
  readonly rule: number;
  /** It admits at least one flow between existing pods or addresses. */
  readonly admits: boolean;
  /** Some flow it admits is admitted by no other rule and reaches the NetworkPolicies. */
  readonly needed: boolean;
  /** Some flow it admits is not decided by the Admin tier first. */
  readonly live: boolean;
  /** Other policies whose rules admit the flows it admits (for a redundant rule: all of them). */
  readonly coveredBy: readonly string[];
  /** Admin-tier ClusterNetworkPolicy rules that decided flows it admits, before it. */
  readonly overriddenBy: readonly ClusterRuleRef[];
  /** Policies on the other end of the flows it alone admits that deny them anyway (its egress sources' isolation...). */
  readonly deniedOtherEnd: readonly string[];
}

/** What one NetworkPolicy contributes. */
export interface PolicyUse {
  readonly policy: string;
  /** Running pods it selects (host-network pods are never selected). */
  readonly selectsPods: number;
  /** Some flow its rules admit is admitted by no other policy and reaches the NetworkPolicies. */
  readonly allowsAlone: boolean;
  /** Some pod it selects is isolated in a direction by this policy only. */
  readonly isolatesAlone: boolean;
  /** Whether it has no rules at all in the directions it isolates (a default deny). */
  readonly onlyIsolates: boolean;
  /** Policies whose rules admit what its rules admit. */
  readonly coveredBy: readonly string[];
}

/** Whether a Baseline rule decides at least one flow. */
export interface BaselineRuleUse {
  readonly policy: string;
  readonly direction: Direction;
  readonly rule: number;
  readonly name?: string;
  /** It matches some flow of the pods its policy selects. */
  readonly matches: boolean;
  /** It decides some flow (nothing before it did). */
  readonly applies: boolean;
  /** Why it never applies, when it does not: what decided its flows instead. */
  readonly decidedInstead: readonly string[];
}

export interface Coverage {
  readonly rules: readonly RuleUse[];
  readonly policies: readonly PolicyUse[];
  readonly baseline: readonly BaselineRuleUse[];
}

/**
 * One outside address per stretch of address space that the policies' blocks tell apart, over
 * IPv4 and IPv6 (the first address of each stretch between block bounds). `extraRanges` adds
 * bounds of its own, so that each stretch lies wholly inside or outside each of them too.
 */
export function externalRepresentatives(model: ConnectivityModel, extraRanges: readonly string[] = []): Party[] {
  const starts = { ipv4: new Set<bigint>([0n]), ipv6: new Set<bigint>([0n]) };
  const bits = { ipv4: 32, ipv6: 128 };
  const add = (r: { family: 'ipv4' | 'ipv6'; address: ipaddr.IPv4 | ipaddr.IPv6; prefix: number }) => {
    const size = 1n << BigInt(bits[r.family] - r.prefix);
    const first = bytesToBig(r.address.toByteArray());
    starts[r.family].add(first);
    const after = first + size;
    if (after < 1n << BigInt(bits[r.family])) starts[r.family].add(after);
  };
  for (const p of model.networkPolicies) {
    for (const rule of [...(p.ingress ?? []), ...(p.egress ?? [])]) {
      for (const peer of rule.peers ?? []) {
        if (peer.kind !== 'ipBlock' || !peer.block.cidr) continue;
        add(peer.block.cidr);
        for (const e of peer.block.except) add(e);
      }
    }
  }
  const extra = extraRanges.map((t) => addressRange(t)).filter((r) => r !== undefined);
  for (const r of extra) add(r);
  for (const c of model.clusterNetworkPolicies) {
    for (const rule of [...c.ingress, ...c.egress]) for (const peer of rule.peers) if (peer.kind === 'networks') for (const b of peer.blocks) if (b.cidr) add(b.cidr);
  }
  const out: Party[] = [];
  const seen = new Set<string>();
  for (const family of ['ipv4', 'ipv6'] as const) {
    for (const n of [...starts[family]].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
      const text = bigToAddress(n, family);
      const party = model.external(text);
      if (!party || party.kind !== 'external') continue;
      const inExtra = party.range ? extra.flatMap((r, i) => (rangeContains(r, party.range!) ? [i] : [])) : [];
      const signature = `${family}:${[...party.blocks].sort((a, b) => a - b).join(',')}:${inExtra.join(',')}`;
      if (seen.has(signature)) continue;
      seen.add(signature);
      out.push(party);
    }
  }
  return out;
}

function bytesToBig(bytes: number[]): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}

function bigToAddress(n: bigint, family: 'ipv4' | 'ipv6'): string {
  const length = family === 'ipv4' ? 4 : 16;
  const bytes: number[] = [];
  for (let i = length - 1; i >= 0; i--) bytes.push(Number((n >> BigInt(8 * i)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

/** Port numbers where a verdict may change, for the rules of one side (plus the named ports of `dst`). */
function portStarts(rules: readonly CompiledRule[], dstPorts: readonly SnapshotPort[] | undefined): number[] {
  const starts = new Set<number>([1]);
  for (const r of rules) {
    for (const p of r.ports ?? []) {
      if (typeof p.port === 'number') {
        starts.add(p.port);
        const end = (p.endPort ?? p.port) + 1;
        if (end <= 65535) starts.add(end);
      } else if (typeof p.port === 'string') {
        for (const d of dstPorts ?? []) {
          if (d.name !== p.port) continue;
          starts.add(d.containerPort);
          if (d.containerPort < 65535) starts.add(d.containerPort + 1);
        }
      }
    }
  }
  return [...starts].sort((a, b) => a - b);
}

interface SideRule {
  readonly policy: string;
  readonly namespace: string;
  readonly rule: CompiledRule;
  readonly use: MutableRuleUse;
}

interface MutableRuleUse {
  policy: string;
  direction: Direction;
  rule: number;
  admits: boolean;
  needed: boolean;
  live: boolean;
  coveredBy: Set<string>;
  overriddenBy: Map<string, ClusterRuleRef>;
  deniedOtherEnd: Set<string>;
}

interface MutablePolicyUse {
  policy: string;
  selectsPods: number;
  allowsAlone: boolean;
  isolatesAlone: boolean;
  onlyIsolates: boolean;
  coveredBy: Set<string>;
}

function refKey(r: ClusterRuleRef): string {
  return `${r.tier}/${r.policy}/${r.rule}`;
}

/**
 * Every rule of every NetworkPolicy, and every Baseline rule, judged over the flows they could
 * decide. `onProgress` is told how many classes are done (for a progress line).
 */
export interface CoverageOptions {
  /** Outside addresses to try (default: externalRepresentatives(model)). */
  readonly externals?: readonly Party[];
  readonly onProgress?: (done: number, total: number) => void;
}

export function policyCoverage(model: ConnectivityModel, options: CoverageOptions = {}): Coverage {
  const onProgress = options.onProgress;
  const ruleUses = new Map<string, MutableRuleUse>();
  const policyUses = new Map<string, MutablePolicyUse>();
  for (const p of model.networkPolicies) {
    const hasRules = (p.ingress?.length ?? 0) + (p.egress?.length ?? 0) > 0;
    policyUses.set(p.key, { policy: p.key, selectsPods: 0, allowsAlone: false, isolatesAlone: false, onlyIsolates: !hasRules, coveredBy: new Set() });
    for (const direction of ['ingress', 'egress'] as const) {
      for (const r of p[direction] ?? []) {
        ruleUses.set(`${p.key}|${direction}|${r.index}`, { policy: p.key, direction, rule: r.index, admits: false, needed: false, live: false, coveredBy: new Set(), overriddenBy: new Map(), deniedOtherEnd: new Set() });
      }
    }
  }
  const externals = options.externals ?? externalRepresentatives(model);
  const pods: Party[] = model.classes.map((cls) => ({ kind: 'pod', cls }));
  const others = [...pods, ...externals];

  model.classes.forEach((cls, i) => {
    if (!cls.hostNetwork) {
      const selecting = new Set([...cls.ingressPolicies, ...cls.egressPolicies]);
      for (const p of selecting) (policyUses.get(p.key) as MutablePolicyUse).selectsPods += cls.pods.length;
      for (const direction of ['ingress', 'egress'] as const) {
        const policies = direction === 'ingress' ? cls.ingressPolicies : cls.egressPolicies;
        if (policies.length === 1) (policyUses.get(policies[0]!.key) as MutablePolicyUse).isolatesAlone = true;
        const side: SideRule[] = policies.flatMap((p) => (p[direction] ?? []).map((rule) => ({ policy: p.key, namespace: p.namespace, rule, use: ruleUses.get(`${p.key}|${direction}|${rule.index}`) as MutableRuleUse })));
        if (side.length > 0) judgeSide(model, { kind: 'pod', cls }, direction, side, others, policyUses);
      }
    }
    onProgress?.(i + 1, model.classes.length);
  });

  const baseline = baselineUse(model, others);
  return {
    rules: [...ruleUses.values()].map((u) => ({ ...u, coveredBy: [...u.coveredBy].sort(), overriddenBy: [...u.overriddenBy.values()], deniedOtherEnd: [...u.deniedOtherEnd].sort() })),
    policies: [...policyUses.values()].map((u) => ({ ...u, coveredBy: [...u.coveredBy].sort() })),
    baseline,
  };
}

/** One subject class, one direction: every other party, every port stretch, which rules admit. */
function judgeSide(model: ConnectivityModel, subject: Party & { kind: 'pod' }, direction: Direction, side: readonly SideRule[], others: readonly Party[], policyUses: Map<string, MutablePolicyUse>): void {
  const cls: PodClass = subject.cls;
  const namedEgress = direction === 'egress' && side.some((s) => s.rule.ports?.some((p) => typeof p.port === 'string'));
  // The Admin tier's port boundaries too: where it decides may change inside a rule's range.
  const adminProtocols = cls.admin.flatMap((c) => c[direction].flatMap((r) => r.protocols ?? []));
  const adminStarts = (dstPorts: readonly SnapshotPort[] | undefined) => cnpPortStarts(adminProtocols, dstPorts);
  const merge = (a: number[], b: number[]) => [...new Set([...a, ...b])].sort((x, y) => x - y);
  const baseStarts = merge(portStarts(side.map((s) => s.rule), direction === 'ingress' ? cls.ports : undefined), adminStarts(direction === 'ingress' ? cls.ports : undefined));
  const matching: SideRule[] = [];
  for (const other of others) {
    if (other.kind === 'pod' && other.cls === cls && cls.pods.length === 1) continue; // a pod's traffic to itself is never policed
    matching.length = 0;
    for (const s of side) if (!s.rule.peers || s.rule.peers.some((peer) => npPeerMatches(peer, s.namespace, other))) matching.push(s);
    if (matching.length === 0) continue;
    const dstPorts = direction === 'ingress' ? cls.ports : other.kind === 'pod' ? other.cls.ports : undefined;
    const starts = namedEgress ? merge(portStarts(side.map((s) => s.rule), dstPorts), adminStarts(dstPorts)) : baseStarts;
    for (const protocol of PROTOCOLS) {
      for (const port of starts) {
        const admitting = matching.filter((s) => npRuleAdmits(s.rule, s.namespace, other, port, protocol, dstPorts));
        if (admitting.length === 0) continue;
        for (const s of admitting) s.use.admits = true;
        // The whole verdict, worked out only when it matters: the Admin tier may decide first,
        // and a flow this side allows alone may still be denied on the other end.
        let verdict: FlowVerdict | undefined;
        const whole = () => (verdict ??= direction === 'ingress' ? model.decide(other, subject, port, protocol) : model.decide(subject, other, port, protocol));
        const mine = () => (direction === 'ingress' ? whole().ingress : whole().egress);
        const theirs = () => (direction === 'ingress' ? whole().egress : whole().ingress);
        if (cls.admin.length > 0 && mine().decidedBy === 'admin' && mine().clusterRule) {
          const admin = mine().clusterRule!;
          for (const s of admitting) s.use.overriddenBy.set(refKey(admin), admin);
          continue;
        }
        const policies = new Set(admitting.map((s) => s.policy));
        const alone = admitting.length === 1 || policies.size === 1;
        if (alone && !theirs().allowed) {
          // Removing it loses nothing here: the other end denies this flow anyway.
          const by = theirs().clusterRule?.policy ? [theirs().clusterRule!.policy] : theirs().policies;
          for (const s of admitting) {
            s.use.live = true;
            for (const p of by) s.use.deniedOtherEnd.add(p);
            for (const o of admitting) if (o.policy !== s.policy || o.rule !== s.rule) s.use.coveredBy.add(o.policy);
          }
          continue;
        }
        for (const s of admitting) {
          s.use.live = true;
          if (admitting.length === 1) s.use.needed = true;
          for (const o of admitting) if (o.policy !== s.policy || o.rule !== s.rule) s.use.coveredBy.add(o.policy);
        }
        for (const key of policies) {
          const use = policyUses.get(key) as MutablePolicyUse;
          if (policies.size === 1) use.allowsAlone = true;
          for (const other of policies) if (other !== key) use.coveredBy.add(other);
        }
      }
    }
  }
}

/** Baseline rules: over the pods each selects, does it ever decide a flow? */
function baselineUse(model: ConnectivityModel, others: readonly Party[]): BaselineRuleUse[] {
  const out: BaselineRuleUse[] = [];
  for (const cnp of model.clusterNetworkPolicies) {
    if (cnp.tier !== 'Baseline') continue;
    const subjects = model.classes.filter((c) => c.baseline.includes(cnp));
    for (const direction of ['ingress', 'egress'] as const) {
      for (const rule of cnp[direction]) {
        let matches = false;
        let applies = false;
        const instead = new Set<string>();
        for (const cls of subjects) {
          if (applies) break;
          const subject: Party = { kind: 'pod', cls };
          for (const other of others) {
            if (applies) break;
            if (other.kind === 'pod' && other.cls === cls && cls.pods.length === 1) continue;
            const dstPorts = direction === 'ingress' ? cls.ports : other.kind === 'pod' ? other.cls.ports : undefined;
            const starts = cnpPortStarts([...cls.admin, ...cls.baseline].flatMap((c) => [...c.ingress, ...c.egress].flatMap((r) => r.protocols ?? [])), dstPorts);
            for (const protocol of PROTOCOLS) {
              for (const port of starts) {
                const v = decideSide(direction, subject, other, port, protocol, dstPorts);
                const ref = v.clusterRule;
                if (v.decidedBy === 'baseline' && ref && ref.policy === cnp.name && ref.rule === rule.index) {
                  matches = applies = true;
                  break;
                }
                if (!cnpRuleMatches(rule, other, port, protocol, dstPorts)) continue;
                matches = true;
                instead.add(v.decidedBy === 'networkpolicy' ? `NetworkPolicies isolate its pods in ${cls.namespace} for ${direction}` : v.decidedBy === 'admin' && ref ? `Admin-tier ${ref.policy} decides first` : v.decidedBy === 'baseline' && ref ? `Baseline ${ref.policy} ${direction}[${ref.rule}] matches first` : v.reason);
              }
              if (applies) break;
            }
          }
        }
        out.push({ policy: cnp.name, direction, rule: rule.index, ...(rule.name ? { name: rule.name } : {}), matches, applies, decidedInstead: applies ? [] : [...instead].slice(0, 5) });
      }
    }
  }
  return out;
}

function cnpPortStarts(protocols: readonly ClusterNetworkPolicyProtocol[], dstPorts: readonly SnapshotPort[] | undefined): number[] {
  const starts = new Set<number>([1]);
  for (const p of protocols) {
    for (const proto of [p.tcp, p.udp, p.sctp]) {
      const d = proto?.destinationPort;
      if (!d) continue;
      const lo = d.range ? d.range.start : d.number;
      const hi = d.range ? d.range.end : d.number;
      if (lo !== undefined) starts.add(lo);
      if (hi !== undefined && hi < 65535) starts.add(hi + 1);
    }
    if (p.destinationNamedPort) for (const d of dstPorts ?? []) if (d.name === p.destinationNamedPort) starts.add(d.containerPort).add(Math.min(65535, d.containerPort + 1));
  }
  return [...starts].sort((a, b) => a - b);
}

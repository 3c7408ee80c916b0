/**
 * Which classes of a model each NetworkPolicy rule admits as its peer, whatever the port, as a
 * bitset over the model's classes (bit i: `classes[i]`). An impact asks one destination's rules
 * about every class of the cluster as a source: with the answers as bitsets, the sources whose
 * verdict a change flips are the bits of one exclusive or, found without visiting the thousands
 * whose verdict stays. A model keeps one (ConnectivityModel.peerSets), filled when first asked,
 * so the rules of the policies a change leaves alone are matched once per model, not per review.
 */
import type { PodClass } from './classes.js';
import type { CompiledPeer, CompiledRule } from './compile.js';
import { npPeerMatchesClass } from './evaluate.js';
import { npPortsAdmit } from './ports.js';
import type { Labels, SnapshotPort } from './types.js';

export type ClassSet = Uint32Array;

export class PeerSets {
  /** 32-bit words per set. */
  readonly words: number;
  private readonly byRule = new WeakMap<CompiledRule, ClassSet>();
  private everyClass: ClassSet | undefined;

  constructor(readonly classes: readonly PodClass[]) {
    this.words = Math.ceil(classes.length / 32);
  }

  /** Every class of the model. */
  all(): ClassSet {
    if (!this.everyClass) {
      const set = new Uint32Array(this.words);
      set.fill(0xffffffff);
      const tail = this.classes.length % 32;
      if (tail > 0) set[this.words - 1] = (1 << tail) - 1;
      this.everyClass = set;
    }
    return this.everyClass;
  }

  empty(): ClassSet {
    return new Uint32Array(this.words);
  }

  /** The classes a rule of a policy in `namespace` admits as its peer (every class when it names none). */
  ofRule(rule: CompiledRule, namespace: string): ClassSet {
    let set = this.byRule.get(rule);
    if (!set) {
      set = rule.peers ? this.matching(rule.peers, namespace) : this.all();
      this.byRule.set(rule, set);
    }
    return set;
  }

  private matching(peers: readonly CompiledPeer[], namespace: string): ClassSet {
    const set = this.empty();
    const asked = peers.map(oncePerNamespace);
    const classes = this.classes;
    for (let i = 0; i < classes.length; i++) {
      const cls = classes[i] as PodClass;
      for (const peer of asked) {
        if (npPeerMatchesClass(peer, namespace, cls)) {
          set[i >>> 5]! |= 1 << (i & 31);
          break;
        }
      }
    }
    return set;
  }
}

/**
 * The peer with its namespace selector asked once per namespace labels object: every class of a
 * namespace shares that object, so a pass over the classes asks it once per namespace.
 */
function oncePerNamespace(peer: CompiledPeer): CompiledPeer {
  if (peer.kind !== 'selector' || !peer.namespace) return peer;
  const matcher = peer.namespace;
  const answers = new Map<Labels | undefined, boolean>();
  const namespace = (labels: Labels | undefined): boolean => {
    let ok = answers.get(labels);
    if (ok === undefined) answers.set(labels, (ok = matcher(labels)));
    return ok;
  };
  return { ...peer, namespace };
}

/**
 * The classes whose flows into `cls` on `port`/`protocol` its ingress side allows: for every
 * class, what sideAllowed('ingress', cls, that class, ...) answers. Undefined when a
 * ClusterNetworkPolicy tier applies to `cls` (its rules are asked flow by flow then). A set
 * returned may be one the PeerSets keeps: never written to.
 */
export function ingressSources(sets: PeerSets, cls: PodClass, port: number, protocol: string, dstPorts: readonly SnapshotPort[] | undefined): ClassSet | undefined {
  if (cls.hostNetwork || (cls.ingressPolicies.length === 0 && cls.admin.length === 0 && cls.baseline.length === 0)) return sets.all();
  if (cls.admin.length > 0 || cls.baseline.length > 0) return undefined;
  let one: ClassSet | undefined;
  let union: ClassSet | undefined;
  for (const p of cls.ingressPolicies) {
    for (const rule of p.ingress ?? []) {
      if (!npPortsAdmit(rule.ports, port, protocol, dstPorts)) continue;
      const admitted = sets.ofRule(rule, p.namespace);
      if (!one) one = admitted;
      else {
        if (!union) {
          union = one.slice();
        }
        addTo(union, admitted);
      }
    }
  }
  return union ?? one ?? sets.empty();
}

/** A source's egress as sets: every destination, or the rules with the classes each admits as peer. */
export interface EgressSets {
  readonly everyDestination: boolean;
  readonly rules: readonly { readonly ports: CompiledRule['ports']; readonly admitted: ClassSet }[];
}

const EVERY_DESTINATION: EgressSets = { everyDestination: true, rules: [] };

/**
 * The egress side of a source class as sets (egressAllows answers from it); undefined when a
 * ClusterNetworkPolicy tier applies to it (asked flow by flow then).
 */
export function egressSets(sets: PeerSets, cls: PodClass): EgressSets | undefined {
  if (cls.hostNetwork || (cls.egressPolicies.length === 0 && cls.admin.length === 0 && cls.baseline.length === 0)) return EVERY_DESTINATION;
  if (cls.admin.length > 0 || cls.baseline.length > 0) return undefined;
  const rules: { ports: CompiledRule['ports']; admitted: ClassSet }[] = [];
  for (const p of cls.egressPolicies) for (const rule of p.egress ?? []) rules.push({ ports: rule.ports, admitted: sets.ofRule(rule, p.namespace) });
  return { everyDestination: false, rules };
}

/** What sideAllowed('egress', the source, classes[i], ...) answers, from the source's egressSets. */
export function egressAllows(egress: EgressSets, i: number, port: number, protocol: string, dstPorts: readonly SnapshotPort[] | undefined): boolean {
  if (egress.everyDestination) return true;
  for (const r of egress.rules) if (has(r.admitted, i) && npPortsAdmit(r.ports, port, protocol, dstPorts)) return true;
  return false;
}

/** `into |= from`. */
export function addTo(into: ClassSet, from: ClassSet): void {
  for (let w = 0; w < into.length; w++) into[w]! |= from[w]!;
}

/** Calls `visit` with the position of every bit set in `a` and not `b` or in `b` and not `a`, ascending. */
export function forEachDifference(a: ClassSet, b: ClassSet, visit: (i: number) => void): void {
  for (let w = 0; w < a.length; w++) {
    let x = (a[w]! ^ b[w]!) >>> 0;
    while (x !== 0) {
      const low = x & -x;
      visit(w * 32 + 31 - Math.clz32(low));
      x = (x ^ low) >>> 0;
    }
  }
}

export function has(set: ClassSet, i: number): boolean {
  return (set[i >>> 5]! & (1 << (i & 31))) !== 0;
}

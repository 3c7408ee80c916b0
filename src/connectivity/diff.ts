/**
 * Before and after a change of policies: the flows that stop or start being allowed, and the
 * pods whose isolation changes. Both models must hold the same pods (ConnectivityModel.withPolicies).
 * Pods are grouped by their pair of classes (before, after), so each pair of groups is decided
 * once per port.
 */
import type { ConnectivityModel } from './model.js';
import { type Probe, probesOfPorts } from './matrix.js';
import type { PodClass } from './classes.js';
import { type Party, podParty, sideAllowed } from './evaluate.js';
import { type EgressSets, type PeerSets, egressAllows, egressSets, forEachDifference, has, ingressSources } from './peer-sets.js';
import { resolveNamedPort } from './ports.js';
import type { FlowVerdict, Protocol, SnapshotPort } from './types.js';

export interface FlowChange {
  readonly from: string;
  readonly to: string;
  readonly port: number | string;
  readonly protocol: Protocol;
  readonly before: FlowVerdict;
  readonly after: FlowVerdict;
}

export interface IsolationChange {
  readonly ingress: string[];
  readonly egress: string[];
}

export interface ConnectivityDiff {
  /** Allowed before, denied after. */
  readonly lost: FlowChange[];
  /** Denied before, allowed after. */
  readonly gained: FlowChange[];
  /** Pods not isolated before and isolated after, per direction. */
  readonly isolated: IsolationChange;
  /** Pods isolated before and not after, per direction. */
  readonly opened: IsolationChange;
}

export interface DiffScope {
  /** Source pods (`namespace/name`); default every pod. */
  readonly from?: readonly string[];
  /** Destination pods; default every pod. */
  readonly to?: readonly string[];
  /** Ports to compare; default each destination's declared ports. */
  readonly probes?: readonly Probe[];
}

interface Group {
  readonly before: Party;
  readonly after: Party;
  readonly pods: string[];
  /** For a class both models share: its position in the model before (its bit in peer sets). */
  readonly index?: number;
}

/** Flows that changed, between every pod of `from` and every pod of `to` (but a pod and itself), on one port. */
export interface FlowGroup {
  readonly from: readonly string[];
  readonly to: readonly string[];
  /** The destination port number (a named probe resolved against the destination class). */
  readonly port: number;
  /** The probe's port as asked: the number, or the name that resolved to `port`. */
  readonly probePort: number | string;
  readonly protocol: Protocol;
  /** Whether the flows were allowed before (lost) or not (gained). */
  readonly lost: boolean;
  /** How many flows: pairs of distinct pods. */
  readonly count: number;
  /** The verdicts with their reasons, before and after; worked out when asked. */
  verdicts(): { before: FlowVerdict; after: FlowVerdict };
}

export interface GroupDiff {
  readonly lost: FlowGroup[];
  readonly gained: FlowGroup[];
}

/**
 * A FlowGroup as diffGroups makes it, tens of thousands per diff: the verdicts' reasons are
 * worked out by a method on demand, rather than by a closure made for every group.
 */
class ChangedFlows implements FlowGroup {
  private decided: { before: FlowVerdict; after: FlowVerdict } | undefined;
  readonly from: readonly string[];
  readonly to: readonly string[];

  constructor(
    private readonly src: Group,
    private readonly dst: Group,
    readonly port: number,
    readonly probePort: number | string,
    readonly protocol: Protocol,
    readonly lost: boolean,
    readonly count: number,
    private readonly modelBefore: ConnectivityModel,
    private readonly modelAfter: ConnectivityModel,
  ) {
    this.from = src.pods;
    this.to = dst.pods;
  }

  verdicts(): { before: FlowVerdict; after: FlowVerdict } {
    this.decided ??= {
      before: this.modelBefore.decide(this.src.before, this.dst.before, this.port, this.protocol),
      after: this.modelAfter.decide(this.src.after, this.dst.after, this.port, this.protocol),
    };
    return this.decided;
  }
}

function groups(before: ConnectivityModel, after: ConnectivityModel, pods: readonly string[]): Group[] {
  const out = new Map<string, Group>();
  for (const key of pods) {
    const b = before.classOf(key);
    const a = after.classOf(key);
    if (!a || !b) continue;
    const id = `${b.id},${a.id}`;
    let g = out.get(id);
    if (!g) out.set(id, (g = { before: podParty(b), after: podParty(a), pods: [] }));
    g.pods.push(key);
  }
  return [...out.values()];
}

/** The classes of `before` the model after replaced (undefined when it was not derived from it for one review). */
function replacedClasses(before: ConnectivityModel, after: ConnectivityModel): ReadonlySet<PodClass> | undefined {
  const from = after.parts.derivedFrom;
  return from?.parts === before.parts ? from.replaced : undefined;
}

function sharedGroup(cls: PodClass, index: number): Group {
  const party = podParty(cls);
  return { before: party, after: party, pods: cls.pods, index };
}

/**
 * Every pod, grouped by (class before, class after). A class the model after shares with the
 * model before is one group as it is: only the classes the change made again are split by pod.
 */
function allGroups(before: ConnectivityModel, after: ConnectivityModel): Group[] {
  const out: Group[] = [];
  const split: string[] = [];
  const replaced = replacedClasses(before, after);
  before.classes.forEach((cls, i) => {
    const first = cls.pods[0];
    const shared = replaced ? !replaced.has(cls) : first !== undefined && after.classOf(first) === cls;
    if (shared) out.push(sharedGroup(cls, i));
    else split.push(...cls.pods);
  });
  return [...out, ...groups(before, after, split)];
}

/**
 * The sources of an ingress diff as sets: the classes shared by both models, by position in
 * the model before (the flows they lose or gain into one destination are found by set
 * operations, peer-sets.ts), and the pods of the classes the change made again, in groups.
 */
interface SourceSets {
  readonly sets: PeerSets;
  readonly replaced: ReadonlySet<PodClass>;
  readonly split: Group[];
  /** Groups of shared classes, made when first needed. */
  readonly made: Map<PodClass, Group>;
  /** Every source group, when a destination is asked source by source. */
  every?: readonly Group[];
}

function sourceSets(before: ConnectivityModel, after: ConnectivityModel): SourceSets | undefined {
  const replaced = replacedClasses(before, after);
  if (!replaced) return undefined;
  const split: string[] = [];
  for (const cls of before.classes) if (replaced.has(cls)) split.push(...cls.pods);
  return { sets: before.peerSets(), replaced, split: groups(before, after, split), made: new Map() };
}

function groupOf(sources: SourceSets, cls: PodClass, index: number): Group {
  let g = sources.made.get(cls);
  if (!g) sources.made.set(cls, (g = sharedGroup(cls, index)));
  return g;
}

function sharedClass(g: Group): boolean {
  return g.before.kind === 'pod' && g.after.kind === 'pod' && g.before.cls === g.after.cls;
}

function overlap(a: readonly string[], b: readonly string[]): number {
  if (a.length > b.length) return overlap(b, a);
  const other = new Set(b);
  let n = 0;
  for (const x of a) if (other.has(x)) n++;
  return n;
}

/**
 * The flows that change between two models, by groups of pods (a pair of class pairs) rather
 * than pod by pod: a change that cuts 50 pods off 10,000 sources is a few hundred groups, not
 * half a million flows. `skipTo` leaves out destination pods (the caller covers them otherwise).
 */
export function diffGroups(before: ConnectivityModel, after: ConnectivityModel, scope: DiffScope = {}, skipTo?: ReadonlySet<string>): GroupDiff {
  // Every pod a source, into a few destinations (the impact of a change on the pods it selects
  // for ingress): the shared sources are taken as sets, not one by one.
  const sources = scope.from ? undefined : sourceSets(before, after);
  const srcGroups = scope.from ? groups(before, after, scope.from) : sources ? sources.split : allGroups(before, after);
  let dstGroups = scope.to ? groups(before, after, scope.to) : allGroups(before, after);
  if (skipTo && skipTo.size > 0) dstGroups = dstGroups.filter((g) => !g.pods.some((p) => skipTo.has(p)));
  // A few sources into every pod (the impact of a change on the pods it selects for egress):
  // each source's egress as sets, so that asking it about thousands of shared destinations
  // looks bits up instead of matching selectors.
  const egress = scope.from && !scope.to && replacedClasses(before, after) ? srcGroups.map((s) => egressOf(before.peerSets(), s)) : undefined;
  const found = new Found(before, after);
  for (const d of dstGroups) {
    if (d.before.kind !== 'pod' || d.after.kind !== 'pod') continue; // groups are of pods
    const dstPorts = d.before.cls.ports;
    const dShared = sharedClass(d);
    for (const probe of scope.probes ?? probesOfPorts(dstPorts)) {
      // A name the destination does not declare: denied before and after.
      const port = typeof probe.port === 'number' ? probe.port : resolveNamedPort(dstPorts, probe.port, probe.protocol)?.containerPort;
      if (port === undefined) continue;
      let pairByPair: readonly Group[] = srcGroups;
      if (sources) {
        // Into a shared destination no shared source's flow changes (neither side's policies did).
        if (dShared || sharedSourcesBySets(sources, d, d.before.cls, d.after.cls, port, probe, dstPorts, found.add)) pairByPair = sources.split;
        else pairByPair = everySource(before, sources);
      }
      for (let k = 0; k < pairByPair.length; k++) {
        const s = pairByPair[k] as Group;
        const was = changedFrom(before, after, s, d, dShared, port, probe.protocol, dstPorts, egress?.[k]);
        if (was !== undefined) found.add(s, d, port, probe, was);
      }
    }
  }
  return { lost: found.lost, gained: found.gained };
}

/** The groups of flows a diff finds, lost and gained. */
class Found {
  readonly lost: FlowGroup[] = [];
  readonly gained: FlowGroup[] = [];

  constructor(
    private readonly before: ConnectivityModel,
    private readonly after: ConnectivityModel,
  ) {}

  readonly add = (s: Group, d: Group, port: number, probe: Probe, was: boolean): void => {
    // A pod has one (before, after) pair of classes: only groups of the same pair can share pods.
    const same = s.pods === d.pods || (s.before.kind === 'pod' && d.before.kind === 'pod' && s.after.kind === 'pod' && d.after.kind === 'pod' && s.before.cls === d.before.cls && s.after.cls === d.after.cls);
    const count = s.pods.length * d.pods.length - (same ? overlap(s.pods, d.pods) : 0);
    if (count === 0) return;
    (was ? this.lost : this.gained).push(new ChangedFlows(s, d, port, probe.port, probe.protocol, was, count, this.before, this.after));
  };
}

/**
 * Whether the flows from `s` into `d` on the port were allowed before, when the change flips
 * them; undefined when it does not. A class the model after shares with the model before has the
 * same policies: when the source's is shared its egress answer cannot change, so only the
 * destination's ingress is asked twice (and the egress once, when that changed); the other way
 * round likewise, from the source's egress as sets when there are some.
 */
function changedFrom(before: ConnectivityModel, after: ConnectivityModel, s: Group, d: Group, dShared: boolean, port: number, protocol: Protocol, dstPorts: readonly SnapshotPort[], egress: (EgressSets | undefined)[] | undefined): boolean | undefined {
  const sShared = sharedClass(s);
  let was: boolean;
  let now: boolean;
  if (sShared && dShared) return undefined;
  if (sShared) {
    was = sideAllowed('ingress', d.before, s.before, port, protocol, dstPorts);
    now = sideAllowed('ingress', d.after, s.after, port, protocol, dstPorts);
    if (was === now || !sideAllowed('egress', s.before, d.before, port, protocol, dstPorts)) return undefined;
  } else if (dShared) {
    if (egress?.[0] && egress[1] && d.index !== undefined) {
      was = egressAllows(egress[0], d.index, port, protocol, dstPorts);
      now = egressAllows(egress[1], d.index, port, protocol, dstPorts);
    } else {
      was = sideAllowed('egress', s.before, d.before, port, protocol, dstPorts);
      now = sideAllowed('egress', s.after, d.after, port, protocol, dstPorts);
    }
    if (was === now || !sideAllowed('ingress', d.before, s.before, port, protocol, dstPorts)) return undefined;
  } else {
    was = before.allows(s.before, d.before, port, protocol);
    now = after.allows(s.after, d.after, port, protocol);
    if (was === now) return undefined;
  }
  return was;
}

/** A source group's egress as sets, before and after (an entry undefined: asked flow by flow). */
function egressOf(sets: PeerSets, s: Group): (EgressSets | undefined)[] {
  if (s.before.kind !== 'pod' || s.after.kind !== 'pod') return [];
  return [egressSets(sets, s.before.cls), egressSets(sets, s.after.cls)];
}

/** Every source group, the shared classes in the model's order then the rest (for a destination asked source by source). */
function everySource(before: ConnectivityModel, sources: SourceSets): readonly Group[] {
  if (!sources.every) {
    const out: Group[] = [];
    before.classes.forEach((cls, i) => {
      if (!sources.replaced.has(cls) && cls.pods.length > 0) out.push(groupOf(sources, cls, i));
    });
    sources.every = [...out, ...sources.split];
  }
  return sources.every;
}

/**
 * The flows from shared classes into a destination the change made again, on one port, by set
 * operations: the sources its ingress admits before and after, their difference, and for each
 * class in it the source's egress (unchanged, asked once). False when a ClusterNetworkPolicy
 * tier applies to the destination: then it is asked source by source.
 */
function sharedSourcesBySets(sources: SourceSets, d: Group, dBefore: PodClass, dAfter: PodClass, port: number, probe: Probe, dstPorts: Parameters<typeof sideAllowed>[5], found: (s: Group, d: Group, port: number, probe: Probe, was: boolean) => void): boolean {
  const was = ingressSources(sources.sets, dBefore, port, probe.protocol, dstPorts);
  const now = was && ingressSources(sources.sets, dAfter, port, probe.protocol, dstPorts);
  if (!was || !now) return false;
  const classes = sources.sets.classes;
  forEachDifference(was, now, (i) => {
    const cls = classes[i] as PodClass;
    if (sources.replaced.has(cls) || cls.pods.length === 0) return;
    const s = groupOf(sources, cls, i);
    if (sideAllowed('egress', s.before, d.before, port, probe.protocol, dstPorts)) found(s, d, port, probe, has(was, i));
  });
  return true;
}

/** Every flow of the groups, pod by pod. */
export function expandGroups(list: readonly FlowGroup[]): FlowChange[] {
  const out: FlowChange[] = [];
  for (const g of list) {
    const { before, after } = g.verdicts();
    for (const from of g.from) {
      for (const to of g.to) if (from !== to) out.push({ from, to, port: g.probePort, protocol: g.protocol, before, after });
    }
  }
  return out;
}

export function diffConnectivity(before: ConnectivityModel, after: ConnectivityModel, scope: DiffScope = {}): ConnectivityDiff {
  const all = before.pods.map((p) => `${p.namespace}/${p.name}`);
  const changed = diffGroups(before, after, scope);
  const lost = expandGroups(changed.lost);
  const gained = expandGroups(changed.gained);
  const isolated: IsolationChange = { ingress: [], egress: [] };
  const opened: IsolationChange = { ingress: [], egress: [] };
  for (const key of all) {
    const b = before.isolation(key);
    const a = after.isolation(key);
    if (!a || !b) continue;
    for (const dir of ['ingress', 'egress'] as const) {
      if (b[dir].length === 0 && a[dir].length > 0) isolated[dir].push(key);
      if (b[dir].length > 0 && a[dir].length === 0) opened[dir].push(key);
    }
  }
  const order = (x: FlowChange, y: FlowChange) => (x.from < y.from ? -1 : x.from > y.from ? 1 : x.to < y.to ? -1 : x.to > y.to ? 1 : 0);
  lost.sort(order);
  gained.sort(order);
  return { lost, gained, isolated, opened };
}

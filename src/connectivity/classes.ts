/**
 * Pods that look the same to every policy form one class: same namespace (and so namespace
 * labels), pod labels, declared ports, hostNetwork, and the same answer from every address block
 * of the policies (which blocks admit one of its IPs). Every verdict is the same for all members
 * of a class, so the model evaluates classes, not pairs of pods: a few hundred workloads with
 * replicas are a few hundred classes however many pods they run.
 */
import type { ParsedRange } from '../netpol/cidr.js';
import { type Block, addressRange, blockAdmitsAny } from './blocks.js';
import type { CompiledCnp, CompiledPolicy } from './compile.js';
import type { Labels, SnapshotPod, SnapshotPort } from './types.js';

export interface PodClass {
  /** Unique within a model and the models derived from it (derive.ts). */
  readonly id: number;
  /** What its members share, as one string: pods with the same key are in the same class. */
  readonly key: string;
  readonly namespace: string;
  readonly namespaceLabels: Labels;
  readonly labels: Labels;
  readonly ports: readonly SnapshotPort[];
  readonly hostNetwork: boolean;
  /** Whether its pods have at least one parseable IP. */
  readonly hasAddress: boolean;
  /** Families of its pods' addresses (for reasons about IPv4 blocks and IPv6 pods). */
  readonly families: ReadonlySet<'ipv4' | 'ipv6'>;
  /** Ids of the blocks that admit one of its pods' IPs. */
  readonly blocks: ReadonlySet<number>;
  /** Member pods, as `namespace/name` keys. */
  readonly pods: string[];
  /** NetworkPolicies selecting the class that isolate ingress / egress. */
  readonly ingressPolicies: CompiledPolicy[];
  readonly egressPolicies: CompiledPolicy[];
  /** ClusterNetworkPolicies whose subject selects the class, in precedence order, per tier. */
  readonly admin: CompiledCnp[];
  readonly baseline: CompiledCnp[];
  /** Worked out once the policies are attached: what the notes of a verdict need, per direction. */
  readonly facts: { ingress: SideFacts; egress: SideFacts };
}

/** Per direction: the ipBlocks of the policies selecting the class, whether any selector peer exists, notes of its ClusterNetworkPolicies. */
export interface SideFacts {
  blocks: Block[];
  selectorPeers: boolean;
  cnpNotes: string[];
}

const METADATA_NAME = 'kubernetes.io/metadata.name';

function sortedEntries(o: Labels): string {
  return JSON.stringify(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function podAddresses(pod: SnapshotPod): ParsedRange[] {
  return pod.ips.map(addressRange).filter((r): r is ParsedRange => r !== undefined);
}

/** A pod's address facts: its parsed IPs and the ids of the blocks admitting one of them (ascending). */
export function matchedBlocks(addresses: readonly ParsedRange[], blocks: readonly Block[]): number[] {
  const matched: number[] = [];
  if (addresses.length > 0) for (const b of blocks) if (blockAdmitsAny(b, addresses)) matched.push(b.id);
  return matched;
}

/**
 * Groups pods into classes, or adds pods to existing ones: the same key always lands in the same
 * class. `addresses` caches each pod's parsed IPs (shared by the
 * models derived from one another, see derive.ts).
 */
export class ClassGrouper {
  readonly created: PodClass[] = [];
  private readonly own = new Set<PodClass>();
  private readonly labelKeys = new Map<Labels, string>();
  private readonly portKeys = new Map<readonly SnapshotPort[], string>();

  constructor(
    private readonly byKey: { get(key: string): PodClass | undefined; set(key: string, cls: PodClass): unknown },
    /** Numbers a new class (unique along a line of derived models). */
    private readonly newId: () => number,
    private readonly namespaceLabels: (namespace: string) => Labels | undefined,
    private readonly blocks: readonly Block[],
    private readonly addresses: WeakMap<SnapshotPod, ParsedRange[]>,
    /** Gives a writable class for one found in `byKey` (a derived model copies shared classes). */
    private readonly writable: (cls: PodClass) => PodClass = (cls) => cls,
  ) {}

  addressesOf(pod: SnapshotPod): ParsedRange[] {
    let a = this.addresses.get(pod);
    if (!a) this.addresses.set(pod, (a = podAddresses(pod)));
    return a;
  }

  /** The class the pod belongs in (created when new); the pod is added to its member list. */
  place(pod: SnapshotPod, matched?: readonly number[]): PodClass {
    const addresses = this.addressesOf(pod);
    const blocks = matched ?? matchedBlocks(addresses, this.blocks);
    let lk = this.labelKeys.get(pod.labels);
    if (lk === undefined) this.labelKeys.set(pod.labels, (lk = sortedEntries(pod.labels)));
    let pk = this.portKeys.get(pod.ports);
    if (pk === undefined) this.portKeys.set(pod.ports, (pk = JSON.stringify(pod.ports.map((p) => [p.name ?? '', p.containerPort, p.protocol]))));
    const families = [...new Set(addresses.map((a) => a.family))].sort();
    const key = `${pod.namespace}\0${lk}\0${pk}\0${pod.hostNetwork ? 1 : 0}\0${families.join(',')}\0${blocks.join(',')}`;
    let cls = this.byKey.get(key);
    if (cls && !this.own.has(cls)) cls = this.writable(cls);
    if (!cls) {
      cls = {
        id: this.newId(),
        key,
        namespace: pod.namespace,
        namespaceLabels: this.namespaceLabels(pod.namespace) ?? { [METADATA_NAME]: pod.namespace },
        labels: pod.labels,
        ports: pod.ports,
        hostNetwork: pod.hostNetwork,
        hasAddress: addresses.length > 0,
        families: new Set(families as ('ipv4' | 'ipv6')[]),
        blocks: new Set(blocks),
        pods: [],
        ingressPolicies: [],
        egressPolicies: [],
        admin: [],
        baseline: [],
        facts: emptyFacts(),
      };
      this.byKey.set(key, cls);
      this.created.push(cls);
      this.own.add(cls);
    }
    cls.pods.push(`${pod.namespace}/${pod.name}`);
    return cls;
  }
}

export function emptyFacts(): { ingress: SideFacts; egress: SideFacts } {
  return { ingress: { blocks: [], selectorPeers: false, cnpNotes: [] }, egress: { blocks: [], selectorPeers: false, cnpNotes: [] } };
}

/** Groups pods into classes. Namespaces without a manifest get only their name label, as the API server sets it. */
export function groupPods(pods: readonly SnapshotPod[], namespaceLabels: ReadonlyMap<string, Labels>, blocks: readonly Block[], addresses = new WeakMap<SnapshotPod, ParsedRange[]>()): { classes: PodClass[]; classOf: Map<string, PodClass>; byKey: Map<string, PodClass> } {
  const byKey = new Map<string, PodClass>();
  const classOf = new Map<string, PodClass>();
  let next = 0;
  const grouper = new ClassGrouper(byKey, () => next++, (ns) => namespaceLabels.get(ns), blocks, addresses);
  for (const pod of pods) classOf.set(`${pod.namespace}/${pod.name}`, grouper.place(pod));
  return { classes: grouper.created, classOf, byKey };
}

/**
 * Attaches to a class the policies that select it (its namespace's NetworkPolicies, in their
 * order; the ClusterNetworkPolicies, in precedence order) and works out the facts its verdicts'
 * notes need. The class's lists must be empty.
 */
export function attachPolicies(cls: PodClass, namespacePolicies: readonly CompiledPolicy[], cnps: readonly CompiledCnp[]): void {
  if (cls.hostNetwork) return; // policies do not select host-network pods
  for (const p of namespacePolicies) {
    if (!p.selects(cls.labels)) continue;
    if (p.ingress) cls.ingressPolicies.push(p);
    if (p.egress) cls.egressPolicies.push(p);
  }
  for (const c of cnps) {
    if (!c.subjectNamespace(cls.namespaceLabels) || (c.subjectPod && !c.subjectPod(cls.labels))) continue;
    (c.tier === 'Admin' ? cls.admin : cls.baseline).push(c);
  }
  for (const direction of ['ingress', 'egress'] as const) {
    const facts = cls.facts[direction];
    for (const p of direction === 'ingress' ? cls.ingressPolicies : cls.egressPolicies) {
      for (const rule of p[direction] ?? []) {
        for (const peer of rule.peers ?? []) {
          if (peer.kind === 'ipBlock') facts.blocks.push(peer.block);
          else facts.selectorPeers = true;
        }
      }
    }
    for (const c of [...cls.admin, ...cls.baseline]) {
      for (const r of c[direction]) {
        if (r.peers.some((p) => p.kind === 'nodes' || p.kind === 'domainNames')) {
          facts.cnpNotes.push(`ClusterNetworkPolicy ${c.name} ${direction}[${r.index}] names nodes or domain names, which cannot be matched offline; treated as matching nothing`);
        }
      }
    }
  }
}

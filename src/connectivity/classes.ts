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
  readonly id: number;
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

/** Groups pods into classes. Namespaces without a manifest get only their name label, as the API server sets it. */
export function groupPods(pods: readonly SnapshotPod[], namespaceLabels: ReadonlyMap<string, Labels>, blocks: readonly Block[]): { classes: PodClass[]; classOf: Map<string, PodClass> } {
  const classes: PodClass[] = [];
  const byKey = new Map<string, PodClass>();
  const classOf = new Map<string, PodClass>();
  const labelKeys = new Map<Labels, string>();
  const portKeys = new Map<readonly SnapshotPort[], string>();
  for (const pod of pods) {
    const addresses = podAddresses(pod);
    const matched: number[] = [];
    if (addresses.length > 0) for (const b of blocks) if (blockAdmitsAny(b, addresses)) matched.push(b.id);
    let lk = labelKeys.get(pod.labels);
    if (lk === undefined) labelKeys.set(pod.labels, (lk = sortedEntries(pod.labels)));
    let pk = portKeys.get(pod.ports);
    if (pk === undefined) portKeys.set(pod.ports, (pk = JSON.stringify(pod.ports.map((p) => [p.name ?? '', p.containerPort, p.protocol]))));
    const families = [...new Set(addresses.map((a) => a.family))].sort();
    const key = `${pod.namespace}\0${lk}\0${pk}\0${pod.hostNetwork ? 1 : 0}\0${families.join(',')}\0${matched.join(',')}`;
    let cls = byKey.get(key);
    if (!cls) {
      cls = {
        id: classes.length,
        namespace: pod.namespace,
        namespaceLabels: namespaceLabels.get(pod.namespace) ?? { [METADATA_NAME]: pod.namespace },
        labels: pod.labels,
        ports: pod.ports,
        hostNetwork: pod.hostNetwork,
        hasAddress: addresses.length > 0,
        families: new Set(families as ('ipv4' | 'ipv6')[]),
        blocks: new Set(matched),
        pods: [],
        ingressPolicies: [],
        egressPolicies: [],
        admin: [],
        baseline: [],
        facts: { ingress: { blocks: [], selectorPeers: false, cnpNotes: [] }, egress: { blocks: [], selectorPeers: false, cnpNotes: [] } },
      };
      byKey.set(key, cls);
      classes.push(cls);
    }
    const podKey = `${pod.namespace}/${pod.name}`;
    cls.pods.push(podKey);
    classOf.set(podKey, cls);
  }
  return { classes, classOf };
}

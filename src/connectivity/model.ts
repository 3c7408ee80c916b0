/**
 * The connectivity model: built once from a snapshot, then asked about flows. Pods are grouped
 * into classes (classes.ts); policies are compiled once (compile.ts) and attached to the classes
 * they select, so a verdict looks only at the policies of its two ends.
 */
import type { NetworkPolicy } from '../k8s/types.js';
import { type Block, BlockTable, blockAdmits } from './blocks.js';
import { type PodClass, attachPolicies, groupPods } from './classes.js';
import type { ParsedRange } from '../netpol/cidr.js';
import type { ClusterNetworkPolicy } from '../k8s/cnp-types.js';
import { type CompiledCnp, type CompiledPolicy, cnpPrecedence, compileClusterNetworkPolicy, compileNetworkPolicy } from './compile.js';
import { type Party, decideSide, sideAllowed } from './evaluate.js';
import { addressRange } from './blocks.js';
import { resolveNamedPort } from './ports.js';
import { PeerSets } from './peer-sets.js';
import type { ConnectivitySnapshot, Endpoint, Flow, FlowVerdict, Labels, PodIsolation, Protocol, SideVerdict, SnapshotPod } from './types.js';

export const TERMINATED: ReadonlySet<string> = new Set(['Succeeded', 'Failed']);

/** Compiled NetworkPolicies by namespace, in their order. */
export function policiesByNamespace(policies: readonly CompiledPolicy[]): Map<string, CompiledPolicy[]> {
  const out = new Map<string, CompiledPolicy[]>();
  for (const p of policies) {
    const list = out.get(p.namespace);
    if (list) list.push(p);
    else out.set(p.namespace, [p]);
  }
  return out;
}

/** `namespace/name` of a pod, the key every API of the model uses. */
/** `namespace/name` of a NetworkPolicy, the key every model, diff and impact names it by. */
export function policyKey(np: NetworkPolicy): string {
  return `${np.metadata?.namespace ?? 'default'}/${np.metadata?.name ?? ''}`;
}

export function podKey(pod: { readonly namespace: string; readonly name: string }): string {
  return `${pod.namespace}/${pod.name}`;
}

/** The text of an endpoint as flows print it: `ns/name` for a pod, `cidr:…` for an address. */
export function endpointText(e: Endpoint): string {
  return 'pod' in e ? e.pod : `cidr:${e.external}`;
}

/** Looks a key up; a model derived from another answers from its own changes first (derive.ts). */
export interface Lookup<V> {
  get(key: string): V | undefined;
}

/** What a model is made of; built from a snapshot (build) or derived from another model (derive.ts). */
export interface ModelParts {
  readonly snapshot: ConnectivitySnapshot;
  readonly pods: readonly SnapshotPod[];
  readonly byKey: Lookup<SnapshotPod>;
  readonly classes: readonly PodClass[];
  readonly classOf: Lookup<PodClass>;
  /** Classes by their key, for adding pods to the right class. */
  readonly classByKey: Lookup<PodClass>;
  readonly nextClassId: number;
  readonly networkPolicies: readonly CompiledPolicy[];
  readonly clusterNetworkPolicies: readonly CompiledCnp[];
  readonly blocks: readonly Block[];
  readonly namespaceLabels: ReadonlyMap<string, Labels>;
  /** Parsed pod IPs, by pod object: shared along a line of derived models, so IPs are parsed once. */
  readonly addresses: WeakMap<SnapshotPod, ParsedRange[]>;
  /**
   * For a model made for one review (derived with `layered`): the model it came from and that
   * model's classes it replaced; every other class of that model is this one's too, with the
   * same pods. Lets a diff against the base skip asking pod by pod. Never set along a line of
   * derived models, which would keep every model of the line alive.
   */
  readonly derivedFrom?: {
    readonly parts: ModelParts;
    readonly replaced: ReadonlySet<PodClass>;
    /** The classes it made (copies of replaced ones and new ones), in its class order. */
    readonly made: readonly PodClass[];
  };
}

/** Per model (by its parts): podClassesByNamespace's answer. */
const classesByNamespace = new WeakMap<ModelParts, ReadonlyMap<string, readonly PodClass[]>>();

function groupByNamespace(classes: readonly PodClass[]): Map<string, PodClass[]> {
  const out = new Map<string, PodClass[]>();
  for (const cls of classes) {
    if (cls.hostNetwork) continue;
    const list = out.get(cls.namespace);
    if (list) list.push(cls);
    else out.set(cls.namespace, [cls]);
  }
  return out;
}

/**
 * The base model's classes by namespace with the namespaces of the classes a derived model
 * replaced and made worked out again; the same lists groupByNamespace would give.
 */
function patchedByNamespace(base: ReadonlyMap<string, readonly PodClass[]>, replaced: ReadonlySet<PodClass>, made: readonly PodClass[]): Map<string, readonly PodClass[]> {
  const changed = new Set<string>();
  for (const cls of replaced) changed.add(cls.namespace);
  for (const cls of made) changed.add(cls.namespace);
  const out = new Map<string, readonly PodClass[]>(base);
  for (const namespace of changed) {
    const list = (base.get(namespace) ?? []).filter((c) => !replaced.has(c));
    for (const cls of made) if (cls.namespace === namespace && !cls.hostNetwork) list.push(cls);
    if (list.length > 0) out.set(namespace, list);
    else out.delete(namespace);
  }
  return out;
}

export class ConnectivityModel {
  /** Pods in the model (terminated ones left out), in snapshot order. */
  readonly pods: readonly SnapshotPod[];
  readonly classes: readonly PodClass[];
  readonly networkPolicies: readonly CompiledPolicy[];
  readonly clusterNetworkPolicies: readonly CompiledCnp[];
  /** The state the model stands for (after every change, for a derived model). */
  readonly snapshot: ConnectivitySnapshot;
  private readonly byKey: Lookup<SnapshotPod>;
  private readonly classOfPod: Lookup<PodClass>;
  private readonly blocks: readonly Block[];
  /** For derive.ts: what a model derived from this one starts from. */
  readonly parts: ModelParts;
  private peers: PeerSets | undefined;

  private constructor(parts: ModelParts) {
    this.parts = parts;
    this.snapshot = parts.snapshot;
    this.pods = parts.pods;
    this.classes = parts.classes;
    this.networkPolicies = parts.networkPolicies;
    this.clusterNetworkPolicies = parts.clusterNetworkPolicies;
    this.byKey = parts.byKey;
    this.classOfPod = parts.classOf;
    this.blocks = parts.blocks;
  }

  /** Builds the model; never throws on odd data (unparseable CIDRs match nothing, and say so). */
  static build(snapshot: ConnectivitySnapshot): ConnectivityModel {
    const table = new BlockTable();
    const networkPolicies = snapshot.networkPolicies.map((np) => compileNetworkPolicy(np, table));
    const clusterNetworkPolicies = (snapshot.clusterNetworkPolicies ?? []).map((c) => compileClusterNetworkPolicy(c, table)).sort(cnpPrecedence);
    const pods = snapshot.pods.filter((p) => !TERMINATED.has(p.phase ?? ''));
    const namespaceLabels = new Map<string, Labels>(snapshot.namespaces.map((n) => [n.name, n.labels]));
    const addresses = new WeakMap<SnapshotPod, ParsedRange[]>();
    const { classes, classOf, byKey: classByKey } = groupPods(pods, namespaceLabels, table.blocks, addresses);
    const byNamespace = policiesByNamespace(networkPolicies);
    for (const cls of classes) attachPolicies(cls, byNamespace.get(cls.namespace) ?? [], clusterNetworkPolicies);
    return new ConnectivityModel({
      snapshot,
      pods,
      byKey: new Map(pods.map((p) => [podKey(p), p])),
      classes,
      classOf,
      classByKey,
      nextClassId: classes.length,
      networkPolicies,
      clusterNetworkPolicies,
      blocks: table.blocks,
      namespaceLabels,
      addresses,
    });
  }

  /** A model from parts (derive.ts); the parts must be consistent. */
  static assemble(parts: ModelParts): ConnectivityModel {
    return new ConnectivityModel(parts);
  }

  /**
   * Classes of pods on the pod network (not host-network), by namespace; worked out once per
   * model, and for a model made for one review from its base's, for the namespaces it changed.
   */
  podClassesByNamespace(): ReadonlyMap<string, readonly PodClass[]> {
    let map = classesByNamespace.get(this.parts);
    if (!map) {
      const from = this.parts.derivedFrom;
      if (from) {
        let base = classesByNamespace.get(from.parts);
        if (!base) classesByNamespace.set(from.parts, (base = groupByNamespace(from.parts.classes)));
        map = patchedByNamespace(base, from.replaced, from.made);
      } else map = groupByNamespace(this.classes);
      classesByNamespace.set(this.parts, map);
    }
    return map;
  }

  /** What each NetworkPolicy rule admits as its peer among this model's classes (peer-sets.ts), filled as asked. */
  peerSets(): PeerSets {
    this.peers ??= new PeerSets(this.classes);
    return this.peers;
  }

  pod(key: string): SnapshotPod | undefined {
    return this.byKey.get(key);
  }

  classOf(key: string): PodClass | undefined {
    return this.classOfPod.get(key);
  }

  /** Which NetworkPolicies isolate a pod, per direction; undefined for an unknown pod. */
  isolation(key: string): PodIsolation | undefined {
    const cls = this.classOfPod.get(key);
    if (!cls) return undefined;
    return { ingress: cls.ingressPolicies.map((p) => p.key), egress: cls.egressPolicies.map((p) => p.key), hostNetwork: cls.hostNetwork };
  }

  /** An endpoint as the evaluation sees it; undefined for an unknown pod or an unparseable address. */
  party(e: Endpoint): Party | undefined {
    if ('pod' in e) {
      const cls = this.classOfPod.get(e.pod);
      return cls ? { kind: 'pod', cls } : undefined;
    }
    return this.external(e.external);
  }

  /** An address or CIDR outside the pods, with the blocks that admit all of it. */
  external(text: string): Party | undefined {
    const range = addressRange(text);
    if (!range) return undefined;
    const blocks = new Set<number>();
    for (const b of this.blocks) if (blockAdmits(b, range)) blocks.add(b.id);
    return { kind: 'external', text, range, blocks };
  }

  /** The verdict for a flow between two parties, with a numeric or named port. */
  decide(src: Party, dst: Party, port: number | string, protocol: Protocol): FlowVerdict {
    const dstPorts = dst.kind === 'pod' ? dst.cls.ports : undefined;
    let number: number;
    if (typeof port === 'string') {
      const resolved = dstPorts ? resolveNamedPort(dstPorts, port, protocol) : undefined;
      if (!resolved) {
        const why = dstPorts ? `the destination declares no ${protocol} port named "${port}"` : `the destination is not a pod, so the port name "${port}" cannot be resolved`;
        const side: SideVerdict = { allowed: false, decidedBy: 'port', isolated: false, policies: [], allowedBy: [], reason: why };
        return { allowed: false, protocol, egress: side, ingress: side };
      }
      number = resolved.containerPort;
    } else {
      number = port;
    }
    const egress = decideSide('egress', src, dst, number, protocol, dstPorts);
    const ingress = decideSide('ingress', dst, src, number, protocol, dstPorts);
    return { allowed: egress.allowed && ingress.allowed, port: number, protocol, egress, ingress };
  }

  /**
   * Whether the flow is allowed, without the reasons (decide's `allowed`, for many questions at
   * once); ingress first, since a change is mostly on one destination's side.
   */
  allows(src: Party, dst: Party, port: number | string, protocol: Protocol): boolean {
    const dstPorts = dst.kind === 'pod' ? dst.cls.ports : undefined;
    let number: number;
    if (typeof port === 'string') {
      const resolved = dstPorts ? resolveNamedPort(dstPorts, port, protocol) : undefined;
      if (!resolved) return false;
      number = resolved.containerPort;
    } else {
      number = port;
    }
    return sideAllowed('ingress', dst, src, number, protocol, dstPorts) && sideAllowed('egress', src, dst, number, protocol, dstPorts);
  }

  /**
   * Is this flow allowed, and why. An unknown pod or an unparseable address is an answer too
   * (denied, saying so), never an exception.
   */
  verdict(flow: Flow): FlowVerdict {
    const src = this.party(flow.from);
    const dst = this.party(flow.to);
    if (!src || !dst) {
      const missing = !src ? flow.from : flow.to;
      const what = 'pod' in missing ? `no running pod ${missing.pod} in the cluster state` : `${missing.external} is not an IP address or CIDR`;
      const side: SideVerdict = { allowed: false, decidedBy: 'port', isolated: false, policies: [], allowedBy: [], reason: what };
      return { allowed: false, protocol: flow.protocol, egress: side, ingress: side };
    }
    return this.decide(src, dst, flow.port, flow.protocol);
  }

  /**
   * A new model over the same namespaces and pods with other policies (before/after a change).
   * ClusterNetworkPolicies stay as they are unless given.
   */
  withPolicies(networkPolicies: readonly NetworkPolicy[], clusterNetworkPolicies?: readonly ClusterNetworkPolicy[]): ConnectivityModel {
    return ConnectivityModel.build({ ...this.snapshot, networkPolicies, clusterNetworkPolicies: clusterNetworkPolicies ?? this.snapshot.clusterNetworkPolicies ?? [] });
  }
}

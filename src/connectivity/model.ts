/**
 * The connectivity model: built once from a snapshot, then asked about flows. Pods are grouped
 * into classes (classes.ts); policies are compiled once (compile.ts) and attached to the classes
 * they select, so a verdict looks only at the policies of its two ends.
 */
import type { NetworkPolicy } from '../k8s/types.js';
import { type Block, BlockTable, blockAdmits } from './blocks.js';
import { type PodClass, groupPods } from './classes.js';
import type { ClusterNetworkPolicy } from '../k8s/cnp-types.js';
import { type CompiledCnp, type CompiledPolicy, cnpPrecedence, compileClusterNetworkPolicy, compileNetworkPolicy } from './compile.js';
import { type Party, decideSide } from './evaluate.js';
import { addressRange } from './blocks.js';
import { resolveNamedPort } from './ports.js';
import type { ConnectivitySnapshot, Endpoint, Flow, FlowVerdict, Labels, PodIsolation, Protocol, SideVerdict, SnapshotPod } from './types.js';

const TERMINATED = new Set(['Succeeded', 'Failed']);

/** `namespace/name` of a pod, the key every API of the model uses. */
export function podKey(pod: { readonly namespace: string; readonly name: string }): string {
  return `${pod.namespace}/${pod.name}`;
}

/** The text of an endpoint as flows print it: `ns/name` for a pod, `cidr:…` for an address. */
export function endpointText(e: Endpoint): string {
  return 'pod' in e ? e.pod : `cidr:${e.external}`;
}

export class ConnectivityModel {
  /** Pods in the model (terminated ones left out), in snapshot order. */
  readonly pods: readonly SnapshotPod[];
  readonly classes: readonly PodClass[];
  readonly networkPolicies: readonly CompiledPolicy[];
  readonly clusterNetworkPolicies: readonly CompiledCnp[];
  private readonly byKey: ReadonlyMap<string, SnapshotPod>;
  private readonly classOfPod: ReadonlyMap<string, PodClass>;
  private readonly blocks: readonly Block[];

  private constructor(readonly snapshot: ConnectivitySnapshot) {
    const table = new BlockTable();
    this.networkPolicies = snapshot.networkPolicies.map((np) => compileNetworkPolicy(np, table));
    this.clusterNetworkPolicies = (snapshot.clusterNetworkPolicies ?? []).map((c) => compileClusterNetworkPolicy(c, table)).sort(cnpPrecedence);
    this.blocks = table.blocks;
    this.pods = snapshot.pods.filter((p) => !TERMINATED.has(p.phase ?? ''));
    const nsLabels = new Map<string, Labels>(snapshot.namespaces.map((n) => [n.name, n.labels]));
    const { classes, classOf } = groupPods(this.pods, nsLabels, this.blocks);
    this.classes = classes;
    this.classOfPod = classOf;
    this.byKey = new Map(this.pods.map((p) => [podKey(p), p]));
    this.attachPolicies();
  }

  /** Builds the model; never throws on odd data (unparseable CIDRs match nothing, and say so). */
  static build(snapshot: ConnectivitySnapshot): ConnectivityModel {
    return new ConnectivityModel(snapshot);
  }

  private attachPolicies(): void {
    const byNamespace = new Map<string, CompiledPolicy[]>();
    for (const p of this.networkPolicies) {
      const list = byNamespace.get(p.namespace);
      if (list) list.push(p);
      else byNamespace.set(p.namespace, [p]);
    }
    for (const cls of this.classes) {
      if (cls.hostNetwork) continue; // policies do not select host-network pods
      for (const p of byNamespace.get(cls.namespace) ?? []) {
        if (!p.selects(cls.labels)) continue;
        if (p.ingress) cls.ingressPolicies.push(p);
        if (p.egress) cls.egressPolicies.push(p);
      }
      for (const c of this.clusterNetworkPolicies) {
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

/**
 * The connectivity model's boundary types: the cluster snapshot it is built from, the flows it
 * is asked about, and the verdicts (with their reasons) it answers. Plain data, JSON-friendly:
 * `simulate -o json` prints SideVerdict as it is.
 */
import type { NetworkPolicy } from '../k8s/types.js';
import type { ClusterNetworkPolicy } from '../k8s/cnp-types.js';

export type Labels = Readonly<Record<string, string>>;

export interface SnapshotNamespace {
  readonly name: string;
  readonly labels: Labels;
}

export interface SnapshotPort {
  readonly name?: string;
  readonly containerPort: number;
  /** TCP, UDP or SCTP (TCP when the manifest leaves it out). */
  readonly protocol: string;
}

export interface SnapshotPod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  /** status.podIPs (or status.podIP); empty while the pod has none. */
  readonly ips: readonly string[];
  readonly hostNetwork: boolean;
  readonly node?: string;
  readonly ports: readonly SnapshotPort[];
  /** status.phase; Succeeded and Failed pods are left out of the model. */
  readonly phase?: string;
}

/** What the model is built from. NetworkPolicies as stored (defaulting is applied again, harmlessly). */
export interface ConnectivitySnapshot {
  readonly namespaces: readonly SnapshotNamespace[];
  readonly pods: readonly SnapshotPod[];
  readonly networkPolicies: readonly NetworkPolicy[];
  readonly clusterNetworkPolicies?: readonly ClusterNetworkPolicy[];
}

/** One end of a flow: a pod by namespace and name, or an address outside the pods (an IP or a CIDR). */
export type Endpoint = { readonly pod: string } | { readonly external: string };

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export interface Flow {
  readonly from: Endpoint;
  readonly to: Endpoint;
  /** A number, or a container port name resolved against the destination pod. */
  readonly port: number | string;
  readonly protocol: Protocol;
}

/** A NetworkPolicy rule that admits the flow: `policy` is `namespace/name`, `rule` the index in ingress/egress. */
export interface RuleRef {
  readonly policy: string;
  readonly rule: number;
}

/** The ClusterNetworkPolicy rule that matched first in its tier. */
export interface ClusterRuleRef {
  readonly tier: 'Admin' | 'Baseline';
  readonly policy: string;
  readonly priority: number;
  readonly rule: number;
  readonly name?: string;
  readonly action: 'Accept' | 'Deny' | 'Pass';
}

/**
 * Which layer decided one side of a flow:
 * - `admin` / `baseline`: a ClusterNetworkPolicy rule (Accept or Deny) in that tier;
 * - `networkpolicy`: the pod is isolated in this direction, and the NetworkPolicies' rules decided;
 * - `default`: nothing applies (not isolated, no tier matched): allowed;
 * - `outside`: this end is not a pod (an external address), so no policy applies to it;
 * - `host-network`: a hostNetwork pod, which policies do not select;
 * - `port`: the port cannot be resolved (a named port the destination does not declare).
 */
export type Decider = 'admin' | 'networkpolicy' | 'baseline' | 'default' | 'outside' | 'host-network' | 'port';

export interface SideVerdict {
  readonly allowed: boolean;
  readonly decidedBy: Decider;
  /** Isolated for this direction by at least one NetworkPolicy. */
  readonly isolated: boolean;
  /** NetworkPolicies (`namespace/name`) that select this pod for this direction. */
  readonly policies: readonly string[];
  /** NetworkPolicy rules that admit the flow (all of them, in policy then rule order). */
  readonly allowedBy: readonly RuleRef[];
  /** The ClusterNetworkPolicy rule that decided (Accept/Deny), or passed (Pass) on to NetworkPolicies. */
  readonly clusterRule?: ClusterRuleRef;
  /** One line for people. */
  readonly reason: string;
  /** Facts that shaped the answer: host network, a pod without IPs, an unresolved port name... */
  readonly notes?: readonly string[];
}

export interface FlowVerdict {
  readonly allowed: boolean;
  /** The destination port number the flow uses (a named port resolved), when known. */
  readonly port?: number;
  readonly protocol: Protocol;
  readonly egress: SideVerdict;
  readonly ingress: SideVerdict;
}

/** Whether a pod is isolated per direction, and by which policies. */
export interface PodIsolation {
  readonly ingress: readonly string[];
  readonly egress: readonly string[];
  readonly hostNetwork: boolean;
}

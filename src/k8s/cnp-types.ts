/**
 * ClusterNetworkPolicy (policy.networking.k8s.io v1alpha2, and v1beta1 which has the same shape),
 * from kubernetes-sigs/network-policy-api `apis/v1alpha2|v1beta1/clusternetworkpolicy_types.go`.
 * Only the fields that decide traffic; status is left out.
 */
import type { LabelSelector } from './types.js';

export type ClusterNetworkPolicyTier = 'Admin' | 'Baseline';
export type ClusterNetworkPolicyAction = 'Accept' | 'Deny' | 'Pass';

/** Pods selected by a namespace selector AND a pod selector (`{}` selects all). */
export interface NamespacedPod {
  readonly namespaceSelector: LabelSelector;
  readonly podSelector: LabelSelector;
}

/** Exactly one of `namespaces` and `pods`; host-network pods are never selected. */
export interface ClusterNetworkPolicySubject {
  readonly namespaces?: LabelSelector;
  readonly pods?: NamespacedPod;
}

export interface ClusterNetworkPolicyPeer {
  readonly namespaces?: LabelSelector;
  readonly pods?: NamespacedPod;
  /** Egress only. Node IPs: not modelled (the snapshot has no node addresses). */
  readonly nodes?: LabelSelector;
  /** Egress only. CIDRs; matched against pod IPs too. */
  readonly networks?: readonly string[];
  /** Egress only, Accept only. Names cannot be matched against addresses offline. */
  readonly domainNames?: readonly string[];
}

export interface PortOrRange {
  readonly number?: number;
  readonly range?: { readonly start: number; readonly end: number };
}

/** Exactly one field; `protocols` absent on a rule means every protocol and port. */
export interface ClusterNetworkPolicyProtocol {
  readonly tcp?: { readonly destinationPort?: PortOrRange };
  readonly udp?: { readonly destinationPort?: PortOrRange };
  readonly sctp?: { readonly destinationPort?: PortOrRange };
  readonly destinationNamedPort?: string;
}

export interface ClusterNetworkPolicyRule {
  readonly name?: string;
  readonly action: ClusterNetworkPolicyAction;
  /** `from` for ingress rules, `to` for egress rules; normalised to one name here. */
  readonly peers: readonly ClusterNetworkPolicyPeer[];
  readonly protocols?: readonly ClusterNetworkPolicyProtocol[];
}

export interface ClusterNetworkPolicy {
  readonly name: string;
  readonly tier: ClusterNetworkPolicyTier;
  readonly priority: number;
  readonly subject: ClusterNetworkPolicySubject;
  readonly ingress: readonly ClusterNetworkPolicyRule[];
  readonly egress: readonly ClusterNetworkPolicyRule[];
}

export const CNP_GROUP = 'policy.networking.k8s.io';
/** API versions of ClusterNetworkPolicy that released CRDs serve. */
export const CNP_VERSIONS: readonly string[] = ['v1alpha2', 'v1beta1'];
/** The order a live cluster is asked in: the newest version it serves is the one read. */
export const CNP_VERSIONS_NEWEST_FIRST: readonly string[] = Object.freeze([...CNP_VERSIONS].reverse());
export const CNP_RESOURCE = 'clusternetworkpolicies';

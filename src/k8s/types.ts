/**
 * The networking.k8s.io/v1 NetworkPolicy as it travels on the wire (JSON), after our decoder
 * has checked its shape. Doc comments paraphrase the Kubernetes API reference.
 */

/** A label query; `{}` selects everything, an absent selector selects nothing. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface LabelSelectorRequirement {
  key: string;
  /** In, NotIn, Exists or DoesNotExist. */
  operator: string;
  values?: string[];
}

/**
 * metav1.ObjectMeta as decoded (src/netpol/decode.ts): every field optional, JSON null already
 * turned into absent. Timestamps are RFC 3339 strings.
 */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  selfLink?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: ManagedFieldsEntry[];
}

/** metav1.OwnerReference. */
export interface OwnerReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** metav1.ManagedFieldsEntry. `time` is RFC 3339; `fieldsV1` is opaque here. */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: unknown;
  subresource?: string;
}

/** A port: a number, or a named container port. */
export type IntOrString = number | string;

export interface NetworkPolicyPort {
  /** TCP, UDP or SCTP; defaults to TCP. */
  protocol?: string;
  /** Omitted: every port. A name refers to a named container port of the pods. */
  port?: IntOrString;
  /** With a numeric `port`, the last port of a range. */
  endPort?: number;
}

export interface IPBlock {
  cidr: string;
  except?: string[];
}

/**
 * One peer. podSelector and namespaceSelector in the SAME peer are ANDed; separate peers are ORed.
 * ipBlock may not be combined with either selector.
 */
export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: IPBlock;
}

export interface NetworkPolicyIngressRule {
  /** Omitted or empty: every port. */
  ports?: NetworkPolicyPort[];
  /** Omitted or empty: every source. */
  from?: NetworkPolicyPeer[];
}

export interface NetworkPolicyEgressRule {
  ports?: NetworkPolicyPort[];
  to?: NetworkPolicyPeer[];
}

export type PolicyType = 'Ingress' | 'Egress';

export interface NetworkPolicySpec {
  /** Pods this policy applies to, in its own namespace; `{}` selects every pod. */
  podSelector?: LabelSelector;
  ingress?: NetworkPolicyIngressRule[];
  egress?: NetworkPolicyEgressRule[];
  /** Inferred when omitted: Ingress always, Egress when egress rules exist. */
  policyTypes?: string[];
}

export interface NetworkPolicy {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  spec?: NetworkPolicySpec;
  status?: { conditions?: unknown[] };
}

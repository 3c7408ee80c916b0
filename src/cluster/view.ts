/**
 * A read-only view of the cluster state that cluster-aware rules judge a policy against.
 * Implemented by informers (list + watch) in the webhook and by static manifests in the CLI and
 * tests; both keep only the fields the rules need.
 */
import type { ClusterNetworkPolicy } from '../k8s/cnp-types.js';
import type { SelectorMatchers } from '../k8s/label-matchers.js';
import type { NetworkPolicy } from '../k8s/types.js';

export interface NamespaceInfo {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface ContainerPortInfo {
  readonly name?: string;
  readonly containerPort: number;
  /** TCP, UDP or SCTP (defaulted to TCP). */
  readonly protocol: string;
}

/** The controller of a pod (metadata.ownerReferences): a ReplicaSet, StatefulSet, DaemonSet, Job... */
export interface PodOwner {
  readonly kind: string;
  readonly name: string;
}

/** A running or pending pod; finished pods (Succeeded, Failed) carry no traffic and are left out. */
export interface PodInfo {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly hostNetwork: boolean;
  /** Every container's (and init container's) declared ports. */
  readonly ports: readonly ContainerPortInfo[];
  /** status.podIPs (else status.podIP); absent or empty while the pod has none. */
  readonly ips?: readonly string[];
  /** spec.nodeName, once scheduled. */
  readonly node?: string;
  /** The controlling owner reference, when the pod has one. */
  readonly owner?: PodOwner;
}

export interface ServicePortInfo {
  readonly name?: string;
  readonly port: number;
  /** A number, a named container port, or absent (then equal to `port`). */
  readonly targetPort?: number | string;
  readonly protocol: string;
}

export interface ServiceInfo {
  readonly namespace: string;
  readonly name: string;
  /** Absent for services without a selector (manually managed endpoints). */
  readonly selector?: Readonly<Record<string, string>>;
  readonly ports: readonly ServicePortInfo[];
}

export interface NodeInfo {
  readonly name: string;
  readonly podCIDRs: readonly string[];
}

/** One webhook of a Validating/MutatingWebhookConfiguration that calls an in-cluster Service. */
export interface WebhookInfo {
  readonly configuration: string;
  readonly kind: 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration';
  readonly webhook: string;
  readonly failurePolicy: string;
  readonly service?: { readonly namespace: string; readonly name: string; readonly port: number };
}

export interface DaemonSetInfo {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly images: readonly string[];
}

export interface ClusterStatus {
  /** Every resource listed at least once and watches running. */
  readonly synced: boolean;
  /** Seconds since the oldest cache was last confirmed current (relist or watch event). */
  readonly ageSeconds: number;
  readonly counts: Readonly<Record<string, number>>;
  readonly lastError?: string;
}

export interface ClusterView {
  /** Whether the view is synced and fresh enough to judge by; rules that need it are skipped otherwise. */
  readonly ready: boolean;
  /** `informers` or `static:<paths>`: where the state comes from, for messages. */
  readonly source: string;
  /** Labels of a namespace, or undefined when the namespace is unknown. */
  namespaceLabels(name: string): Readonly<Record<string, string>> | undefined;
  namespaces(): readonly NamespaceInfo[];
  /**
   * Pods of one namespace, or of all when omitted. The store's views return the same array until
   * a pod of it changes, which the impact's model relies on to look only at namespaces that
   * changed (a view that makes a new array each time is answered right, only more slowly).
   */
  pods(namespace?: string): readonly PodInfo[];
  services(namespace?: string): readonly ServiceInfo[];
  nodes(): readonly NodeInfo[];
  /** Stored NetworkPolicies (defaulted as the API server stores them). */
  networkPolicies(namespace?: string): readonly NetworkPolicy[];
  webhooks(): readonly WebhookInfo[];
  /**
   * DaemonSets, where network plugins run: kube-system for most, their own namespace for some
   * (kube-flannel, calico-system), so every namespace is kept; they are few.
   */
  daemonSets(): readonly DaemonSetInfo[];
  /**
   * ClusterNetworkPolicies (policy.networking.k8s.io), where the view has them: absent when the
   * view does not read them; an empty list when the cluster has none (the CRDs are optional).
   */
  clusterNetworkPolicies?(): readonly ClusterNetworkPolicy[];
  status(): ClusterStatus;
  /**
   * The label selectors judged against this view, compiled once per selector object and kept as
   * long as the view: its stored policies' and Services' selectors stay compiled across reviews.
   */
  readonly matchers: SelectorMatchers;
}

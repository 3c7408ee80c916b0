/**
 * The audit report: what `netpol-guard audit -o json` prints (the contract in docs/cli.md), and
 * what the text, SARIF and HTML renderings are made from. Fields are only ever added.
 */
import type { AuditSubject } from './rule.js';

export interface AuditFinding {
  readonly rule: string;
  readonly title: string;
  /** The action the org policy gives the rule. */
  readonly action: 'deny' | 'warn';
  /** deny | warn | audit (the policy's mode is audit) | exempt. */
  readonly effect: string;
  /** The namespace the finding belongs to; absent for cluster-scoped subjects. */
  readonly namespace?: string;
  readonly subject: AuditSubject;
  readonly field: string;
  readonly message: string;
  readonly fix: string;
  /** Objects the finding names besides its subject (`namespace/name`, or a ClusterNetworkPolicy name). */
  readonly related: readonly string[];
  readonly exemption?: string;
}

/** Something the audit could not judge, and why (a resource it may not list, an object it cannot read). */
export interface NotJudged {
  /** `pods`, `networkpolicies`, `NetworkPolicy shop/web`, a rule id... */
  readonly what: string;
  readonly reason: string;
}

export interface DirectionCounts {
  readonly isolated: number;
  readonly notIsolated: number;
}

export interface NamespaceSummary {
  readonly name: string;
  readonly pods: number;
  readonly workloads: number;
  readonly networkPolicies: number;
  /** Pods isolated per direction. */
  readonly ingress: DirectionCounts;
  readonly egress: DirectionCounts;
  readonly findings: number;
}

export interface AuditSummary {
  readonly namespaces: number;
  readonly pods: number;
  /** Pods on the host network: no policy selects them. */
  readonly hostNetworkPods: number;
  readonly workloads: number;
  readonly networkPolicies: number;
  readonly clusterNetworkPolicies: number;
  readonly ingress: DirectionCounts;
  readonly egress: DirectionCounts;
  readonly findings: {
    readonly total: number;
    readonly deny: number;
    readonly warn: number;
    readonly exempt: number;
    /** Every rule of the catalogue that ran, with its count (0 included). */
    readonly byRule: Readonly<Record<string, number>>;
  };
}

/** One port of a matrix cell. */
export interface MatrixPort {
  readonly port: number;
  readonly protocol: string;
  /** allowed | denied | partly (some pod pairs allowed, some not). */
  readonly state: 'allowed' | 'denied' | 'partly';
  /** Why, on the source's egress side and the destination's ingress side (one pod pair's verdict). */
  readonly egress: string;
  readonly ingress: string;
  /** Policies that decided (`namespace/name`, ClusterNetworkPolicy names). */
  readonly policies: readonly string[];
}

/** Source workload → destination workload, over the destination's declared ports. */
export interface MatrixCell {
  readonly from: string;
  readonly to: string;
  /**
   * allowed | denied | partly; `no-ports` when the destination declares no container port;
   * `self` for a workload of one pod and itself (not a flow policies judge).
   */
  readonly state: 'allowed' | 'denied' | 'partly' | 'no-ports' | 'self';
  readonly ports: readonly MatrixPort[];
}

export interface MatrixWorkload {
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  readonly pods: number;
}

export interface ReachabilityMatrix {
  readonly workloads: readonly MatrixWorkload[];
  /** Every ordered pair of the workloads, sources in the outer order. */
  readonly cells: readonly MatrixCell[];
  /** Workloads in scope; more than `workloads.length` when the matrix was limited (--matrix-limit). */
  readonly totalWorkloads: number;
}

export interface AuditReport {
  /** Where the state came from: `static:<paths>` or the kubeconfig's server. */
  readonly source: string;
  /** Namespaces asked for with --namespace; empty: every namespace. */
  readonly scope: readonly string[];
  readonly summary: AuditSummary;
  readonly namespaces: readonly NamespaceSummary[];
  readonly findings: readonly AuditFinding[];
  readonly matrix: ReachabilityMatrix;
  readonly notJudged: readonly NotJudged[];
}

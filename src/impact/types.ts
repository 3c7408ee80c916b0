/**
 * What a change of NetworkPolicies does to traffic: the boundary types of the impact analysis.
 * Plain data: `netpol-guard impact -o json` prints ImpactReport (without the verdicts), the
 * webhook turns it into warning lines and audit annotations.
 */
import type { FlowGroup, FlowVerdict, Protocol } from '../connectivity/index.js';
import type { NetworkPolicy } from '../k8s/types.js';
import type { WorkloadNames } from './workloads.js';

export type ImpactOperation = 'CREATE' | 'UPDATE' | 'DELETE';

/** One proposed change: a policy created or replaced (`policy` given), or deleted (`key` only). */
export type PolicyChange =
  | { readonly operation: 'CREATE' | 'UPDATE'; readonly policy: NetworkPolicy }
  | { readonly operation: 'DELETE'; readonly key: string };

/** A flow between two pods that the change stops or starts allowing. */
export interface ImpactFlow {
  readonly from: string;
  readonly to: string;
  /** The destination port number (a named probe resolved against the destination pod). */
  readonly port: number;
  readonly protocol: Protocol;
}

/** The flow with the verdicts before and after, for the detail (reasons). */
export interface ImpactFlowDetail extends ImpactFlow {
  readonly before: FlowVerdict;
  readonly after: FlowVerdict;
}

export interface PodsByDirection {
  readonly ingress: readonly string[];
  readonly egress: readonly string[];
}

export interface ImpactReport {
  /** The changes, as `namespace/name` of each policy. */
  readonly changes: readonly { readonly operation: ImpactOperation; readonly policy: string }[];
  /** Allowed before, denied after: every pod pair, per port and protocol. */
  readonly lost: readonly ImpactFlowDetail[];
  /** Denied before, allowed after. */
  readonly gained: readonly ImpactFlowDetail[];
  /** Pods not isolated before and isolated after, per direction. */
  readonly isolated: PodsByDirection;
  /** Pods isolated before and not after, per direction. */
  readonly opened: PodsByDirection;
  /**
   * Pods a changed policy selects for ingress (before or after) that declare no container port:
   * with ports taken from the pods, nothing towards them can be compared.
   */
  readonly withoutPorts: readonly string[];
  /** Pods newly reachable from outside the cluster (0.0.0.0/0 or ::/0 as a whole) or from every namespace. */
  readonly reach: { readonly world: readonly string[]; readonly everyNamespace: readonly string[] };
}

/**
 * The impact by groups of flows (each a set of sources, a set of destinations, one port): what
 * the webhook works from; expandImpact lists every flow (ImpactReport).
 */
export interface ImpactAnalysis {
  readonly changes: ImpactReport['changes'];
  readonly lost: readonly FlowGroup[];
  readonly gained: readonly FlowGroup[];
  /** Flows (pod pairs per port) in `lost` / `gained`. */
  readonly lostCount: number;
  readonly gainedCount: number;
  /** Distinct source pods of the flows in `lost` / `gained`. */
  readonly lostSources: number;
  readonly gainedSources: number;
  /** Distinct destination pods of the flows in `lost` / `gained`. */
  readonly lostTargets: number;
  readonly gainedTargets: number;
  readonly isolated: PodsByDirection;
  readonly opened: PodsByDirection;
  readonly withoutPorts: readonly string[];
  readonly reach: ImpactReport['reach'];
}

/** Why the impact of a review was not worked out: said in a warning line, the skipped rules and a metric. */
export interface ImpactSkip {
  readonly skipped: 'cluster-not-synced' | 'budget' | 'failed';
  readonly detail: string;
}

/** The impact of one review's change, with how to name the pods it mentions. */
export interface ImpactAssessment {
  readonly analysis: ImpactAnalysis;
  /** How the pods it mentions are named by workload. */
  readonly names: WorkloadNames;
}

/**
 * Where a review gets the impact of its change (the webhook's model of its cluster view, kept
 * current; the CLI's model of its cluster state). The answer must come within `budgetMs`, else
 * it is a skip saying so.
 */
export interface ImpactProvider {
  assess(change: PolicyChange, budgetMs: number): ImpactAssessment | ImpactSkip;
}

export function isAssessed(i: ImpactAssessment | ImpactSkip | undefined): i is ImpactAssessment {
  return i !== undefined && 'analysis' in i;
}

/**
 * The contract between org-policy rules and the engine. A rule only reports what it sees in one
 * NetworkPolicy; the engine attaches the action (deny / warn / off), exemptions and remediation.
 */
import type { z } from 'zod';
import type { Operation, UserInfo } from '../admission/types.js';
import type { ClusterView } from '../cluster/view.js';
import type { ImpactAssessment } from '../impact/types.js';
import type { NetworkPolicy } from '../k8s/types.js';
import type { PolicyWalks } from '../netpol/walk.js';

export type Action = 'deny' | 'warn' | 'off';

/** What a rule found: where, what, and optionally a fix specific to this occurrence. */
export interface RuleFinding {
  /** API-server field path (`spec.egress[0].to[0].ipBlock.cidr`); `metadata` or `spec` for the whole. */
  readonly field: string;
  readonly message: string;
  /** Replaces the rule's general remediation when a concrete fix is known. */
  readonly fix?: string;
}

/**
 * How a rule depends on live cluster state. `none`: it never looks. `uses`: it runs without it
 * and judges better with it (DNS pods, nodes' pod CIDRs), so it gets `cluster` when a ready view
 * exists. `needs`: it judges the policy against the cluster, and the engine skips it, saying why,
 * when no ready view exists.
 */
export type ClusterUse = 'none' | 'uses' | 'needs';

/** What a rule is given besides the object: built once per review by the engine. */
export interface RuleContext<P> {
  /** The rule's parameters from the org policy, defaults filled in. */
  readonly params: P;
  readonly operation: Operation;
  /** The object as the user wrote it, before API-server defaulting; absent when unknown. */
  readonly submitted?: NetworkPolicy;
  /** The stored object (UPDATE and DELETE). */
  readonly old?: NetworkPolicy;
  /** The namespace the policy lives in. */
  readonly namespace: string;
  readonly userInfo?: UserInfo;
  /** Live cluster state: for `needs` rules always, for `uses` rules when a ready view exists. */
  readonly cluster?: ClusterView;
  /** The rules and peers of the object being judged, with their field paths, walked once. */
  readonly walks: PolicyWalks;
  /**
   * What the change does to traffic among the pods of the cluster (for rules with `impact`):
   * always there for them, since the engine skips them, saying why, when it was not worked out.
   */
  readonly impact?: ImpactAssessment;
}

/** The context of a rule that needs the cluster: the view is always there. */
export type ClusterRuleContext<P> = RuleContext<P> & { readonly cluster: ClusterView };

/** A rule of the catalogue; written with defineRule (define.ts). */
export interface Rule<P = unknown> {
  /** Stable kebab-case id used in the policy file, annotations, metrics and messages. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** How to fix it, in one sentence a person can act on. */
  readonly remediation: string;
  /** The rule's action in the built-in org policy and wherever a policy file does not set one. */
  readonly defaultAction: Action;
  /** Seed documents the rule comes from (file numbers such as '003'). */
  readonly seeds: readonly string[];
  /** The rule can only judge the object as written (policyTypes omitted...). */
  readonly needsSubmitted: boolean;
  readonly cluster: ClusterUse;
  /** The rule judges the impact of the change on traffic (impact/): skipped, saying why, without it. */
  readonly impact: boolean;
  /** Operations the rule looks at; most rules only look at what is being written. */
  readonly operations: readonly Operation[];
  /**
   * Rules whose finding on the same field (or one inside it) is the root cause of this rule's:
   * when one of them is reported too, this finding stays out of the warning lines (one root
   * cause, one warning) and in the findings, the audit annotations and the logs.
   */
  readonly explainedBy: readonly string[];
  /** Parameters with their defaults; validated when the policy file is loaded. */
  readonly params: z.ZodType<P>;
  /**
   * Judges one policy: `np` is the object as the API server will store it (defaulted); for DELETE
   * it is the stored object. Must never throw, also on invalid input.
   */
  check(np: NetworkPolicy, ctx: RuleContext<P>): RuleFinding[];
}

/** Any rule, whatever its parameter type. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyRule = Rule<any>;

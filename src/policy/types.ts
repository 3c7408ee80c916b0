/**
 * The org policy after loading, and what running it on one object gives: findings, skipped
 * rules, the deadline they run against. The file format and its validation live in schema.ts.
 */
import type { LabelSelector } from '../k8s/types.js';
import type { AnyAuditRule } from '../audit/rule.js';
import type { Action, AnyRule } from '../rules/types.js';

/**
 * enforce: each rule's action applies. warn: denials become warnings (roll-out).
 * audit: everything is allowed; findings only reach audit annotations, logs and metrics.
 */
export type Mode = 'enforce' | 'warn' | 'audit';

/** One rule as the policy runs it: its action, its parameters (defaults filled in), its exemptions. */
export interface ResolvedRule<R = AnyRule> {
  readonly rule: R;
  readonly action: Action;
  readonly params: unknown;
  /** The namespace exemptions that cover this rule, in the policy's order (the first match wins). */
  readonly exemptions: readonly NamespaceExemption[];
}

/** Namespaces (by name or label selector) exempt from some or all rules, always with a reason. */
export interface NamespaceExemption {
  readonly namespaces?: readonly string[];
  readonly namespaceSelector?: LabelSelector;
  /** Rule ids; all rules when absent. */
  readonly rules?: readonly string[];
  readonly reason: string;
}

/** Opt-in per-object exemptions through annotations on the NetworkPolicy itself. */
export interface ObjectExemptions {
  readonly enabled: boolean;
  /** Rule ids an object may exempt itself from; every rule when empty. */
  readonly allowedRules: readonly string[];
}

export interface OrgPolicy {
  readonly mode: Mode;
  /** Every rule of the catalogue the policy was compiled against, in catalogue order. */
  readonly rules: readonly ResolvedRule[];
  /** The audit rules (`netpol-guard audit`), compiled the same way; the review never runs them. */
  readonly audit: readonly ResolvedRule<AnyAuditRule>[];
  readonly exemptions: readonly NamespaceExemption[];
  readonly objectExemptions: ObjectExemptions;
  /** Where it came from: `builtin` or a file path. */
  readonly source: string;
}

/** Annotation listing the rule ids an object exempts itself from (comma-separated). */
export const EXEMPT_ANNOTATION = 'netpol-guard.io/exempt';
/** Annotation giving the reason; required for the exemption to count. */
export const EXEMPT_REASON_ANNOTATION = 'netpol-guard.io/exempt-reason';

/** What a finding does to the request. */
export type Effect = 'deny' | 'warn' | 'audit' | 'exempt';

export interface Finding {
  readonly rule: string;
  readonly title: string;
  readonly field: string;
  readonly message: string;
  /** How to fix this occurrence. */
  readonly fix: string;
  /** The action the policy file gives the rule. */
  readonly action: Exclude<Action, 'off'>;
  readonly effect: Effect;
  /** Why it is exempt, when effect is `exempt`. */
  readonly exemption?: string;
}

/**
 * Why a rule did not run. deadline: the review ran out of time first. cluster-off: no cluster
 * view by configuration (--no-cluster, no --cluster-state). cluster-not-synced: the view exists but
 * is not synced or fresh. needs-submitted-object: the rule judges the object as written, which is
 * not known. rule-failed: the rule threw (a bug), which must not take admission down.
 * impact-not-run: the rule judges the change's impact on traffic, which was not worked out (the
 * cluster view not synced, the impact over its budget, the analysis failed). impact-off: the
 * caller works out no impact at all (like cluster-off, configuration, not news).
 */
export type SkipReason = 'deadline' | 'cluster-off' | 'cluster-not-synced' | 'needs-submitted-object' | 'rule-failed' | 'impact-not-run' | 'impact-off';

export interface SkippedRule {
  readonly rule: string;
  readonly reason: SkipReason;
  /** The reason in words, for people: `review deadline of 2000ms exceeded`, `rule failed: ...`. */
  readonly detail: string;
}

export interface Evaluation {
  readonly findings: readonly Finding[];
  /** The review deadline passed before every rule had run (the rest are in `skipped`). */
  readonly timedOut?: boolean;
  /** Rules that could not run (no cluster view, no submitted object...), said out loud. */
  readonly skipped: readonly SkippedRule[];
  /** An object exemption the policy honoured: the rules and the reason. */
  readonly objectExemption?: { readonly rules: readonly string[]; readonly reason: string };
}

/** A point in time the review must finish by; checked between rules, since rules are synchronous. */
export interface Deadline {
  readonly ms: number;
  expired(): boolean;
  /** Milliseconds left (the impact's budget is cut to fit in them); absent: not known. */
  remainingMs?(): number;
}

/**
 * The org policy after loading: every rule resolved to an action and parameters, frozen.
 * The file format and its validation live in schema.ts; this is what the engine reads.
 */
import type { LabelSelector } from '../k8s/types.js';
import type { Action } from '../rules/types.js';

/**
 * enforce: each rule's action applies. warn: denials become warnings (roll-out).
 * audit: everything is allowed; findings only reach audit annotations, logs and metrics.
 */
export type Mode = 'enforce' | 'warn' | 'audit';

export interface RuleSetting {
  readonly action: Action;
  readonly params: unknown;
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
  readonly rules: ReadonlyMap<string, RuleSetting>;
  readonly exemptions: readonly NamespaceExemption[];
  readonly objectExemptions: ObjectExemptions;
  /** Where it came from: `builtin` or a file path. */
  readonly source: string;
}

/** Annotation listing the rule ids an object exempts itself from (comma-separated). */
export const EXEMPT_ANNOTATION = 'netpol-guard.io/exempt';
/** Annotation giving the reason; required for the exemption to count. */
export const EXEMPT_REASON_ANNOTATION = 'netpol-guard.io/exempt-reason';

/**
 * The contract of audit rules: rules that judge the cluster's policies as a whole (a connectivity
 * model of everything in force), not one NetworkPolicy at a time as admission does. They share the
 * catalogue with the admission rules: same ids, actions, parameters and exemptions in the org
 * policy, same documentation (docs/rules.md).
 */
import type { z } from 'zod';
import type { ClusterView } from '../cluster/view.js';
import type { ConnectivityModel, Coverage, Party } from '../connectivity/index.js';
import type { Action } from '../rules/types.js';
import type { Workload } from './workloads.js';

/** What a finding is about. */
export type AuditSubjectKind = 'NetworkPolicy' | 'ClusterNetworkPolicy' | 'Namespace' | 'Workload';

export interface AuditSubject {
  readonly kind: AuditSubjectKind;
  readonly name: string;
  /** Absent for cluster-scoped subjects (ClusterNetworkPolicy). */
  readonly namespace?: string;
}

/** What an audit rule found. */
export interface AuditRuleFinding {
  readonly subject: AuditSubject;
  /** Field path in the subject (`spec.ingress[1]`), or `metadata` for the whole object. */
  readonly field: string;
  readonly message: string;
  readonly fix?: string;
  /** Other objects the finding names (the policies that cover a redundant rule...), `namespace/name`. */
  readonly related?: readonly string[];
}

/** What every audit rule is given; the expensive parts are worked out once, on first use. */
export interface AuditContext<P> {
  readonly params: P;
  readonly model: ConnectivityModel;
  readonly view: ClusterView;
  /** Namespaces the audit reports on (every namespace unless --namespace narrows it). */
  readonly inScope: (namespace: string | undefined) => boolean;
  readonly workloads: readonly Workload[];
  /** What each rule and policy contributes (connectivity/coverage.ts), computed once. */
  coverage(): Coverage;
  /** Representative outside addresses: one per stretch of address space the policies tell apart. */
  externals(): readonly Party[];
}

export interface AuditRule<P = unknown> {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly remediation: string;
  readonly defaultAction: Action;
  /** Seed documents the rule comes from. */
  readonly seeds: readonly string[];
  readonly subject: AuditSubjectKind;
  readonly params: z.ZodType<P>;
  /** Never throws; findings only for subjects in scope. */
  audit(ctx: AuditContext<P>): AuditRuleFinding[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyAuditRule = AuditRule<any>;

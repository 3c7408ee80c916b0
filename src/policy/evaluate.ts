/**
 * Runs the org-policy rules on one NetworkPolicy and decides what each finding does, given the
 * policy's mode, per-rule actions and exemptions. Pure.
 */
import { labelSelectorMatches } from '../k8s/labels.js';
import type { NetworkPolicy } from '../k8s/types.js';
import type { ClusterView } from '../cluster/view.js';
import { type ImpactAssessment, type ImpactSkip, isAssessed } from '../impact/types.js';
import { sameSpec } from '../netpol/prepare.js';
import { PolicyWalks } from '../netpol/walk.js';
import type { Operation, UserInfo } from '../admission/types.js';
import type { Action, AnyRule, RuleContext, RuleFinding } from '../rules/types.js';
import {
  EXEMPT_ANNOTATION,
  EXEMPT_REASON_ANNOTATION,
  type Deadline,
  type Effect,
  type Evaluation,
  type Finding,
  type NamespaceExemption,
  type OrgPolicy,
  type ResolvedRule,
  type SkippedRule,
} from './types.js';

export interface EvaluationInput {
  readonly operation: Operation;
  /** The object as stored after the write (CREATE/UPDATE), or the stored object (DELETE). */
  readonly policy: NetworkPolicy;
  readonly submitted?: NetworkPolicy;
  readonly old?: NetworkPolicy;
  readonly namespace: string;
  readonly userInfo?: UserInfo;
  readonly cluster?: ClusterView;
  /** What the change does to traffic, or why that is not known (review.ts works it out once). */
  readonly impact?: ImpactAssessment | ImpactSkip;
}

/** The first of the rule's namespace exemptions that covers `namespace` (admission and audit rules alike). */
export function namespaceExemption(resolved: Pick<ResolvedRule, 'exemptions'>, namespace: string, cluster: ClusterView | undefined): NamespaceExemption | undefined {
  return resolved.exemptions.find((ex) => {
    if (ex.namespaces?.includes(namespace)) return true;
    if (ex.namespaceSelector && cluster?.ready) {
      const labels = cluster.namespaceLabels(namespace);
      return labels !== undefined && labelSelectorMatches(ex.namespaceSelector, labels);
    }
    return false;
  });
}

/** The rules a NetworkPolicy exempts itself from by its annotations, when the policy allows it. */
export function objectExemption(policy: OrgPolicy, np: NetworkPolicy): Evaluation['objectExemption'] {
  if (!policy.objectExemptions.enabled) return undefined;
  const annotations = np.metadata?.annotations ?? {};
  const listed = annotations[EXEMPT_ANNOTATION];
  const reason = annotations[EXEMPT_REASON_ANNOTATION]?.trim();
  if (!listed || !reason) return undefined;
  const allowed = policy.objectExemptions.allowedRules;
  const rules = listed
    .split(',')
    .map((r) => r.trim())
    .filter((r) => r.length > 0 && (allowed.length === 0 || allowed.includes(r)));
  return rules.length > 0 ? { rules, reason } : undefined;
}

/** What a finding of a rule with this action does under the policy's mode. */
export function effectOf(policy: OrgPolicy, action: Exclude<Action, 'off'>): Effect {
  if (policy.mode === 'audit') return 'audit';
  if (policy.mode === 'warn') return 'warn';
  return action;
}

/** Runs every enabled rule of the compiled policy that applies to the operation; never throws. */
export function evaluateOrgPolicy(input: EvaluationInput, policy: OrgPolicy, deadline?: Deadline): Evaluation {
  const findings: Finding[] = [];
  const skipped: SkippedRule[] = [];
  const review = reviewFacts(input, policy);
  let timedOut = false;
  for (const resolved of policy.rules) {
    const { rule } = resolved;
    if (resolved.action === 'off' || !rule.operations.includes(input.operation)) continue;
    if (timedOut || deadline?.expired()) {
      timedOut = true;
      skipped.push({ rule: rule.id, reason: 'deadline', detail: `review deadline of ${deadline?.ms}ms exceeded` });
      continue;
    }
    const cannot = whyItCannotRun(rule, input);
    if (cannot) {
      skipped.push(cannot);
      continue;
    }
    let results: RuleFinding[];
    try {
      results = rule.check(input.policy, ruleContext(review.shared, rule, resolved.params, input.cluster));
    } catch (err) {
      // A rule bug must not take admission down; it is reported like any other skip.
      skipped.push({ rule: rule.id, reason: 'rule-failed', detail: `rule failed: ${(err as Error).message}` });
      continue;
    }
    if (results.length > 0) for (const f of findingsOf(resolved, results, input, policy, review)) findings.push(f);
  }
  // Optional parts are added to the literal, not spread into it: see ruleContext.
  const evaluation: { -readonly [K in keyof Evaluation]: Evaluation[K] } = { findings, skipped };
  if (timedOut) evaluation.timedOut = timedOut;
  if (review.exemptByObject) evaluation.objectExemption = review.exemptByObject;
  return evaluation;
}

/** What does not change from rule to rule within one review: worked out once. */
interface ReviewFacts {
  readonly shared: SharedContext;
  readonly exemptByObject: Evaluation['objectExemption'];
  /** A metadata-only update: the spec was judged when it was written. */
  readonly specUnchanged: boolean;
}

function reviewFacts(input: EvaluationInput, policy: OrgPolicy): ReviewFacts {
  return {
    shared: sharedRuleContext(input),
    exemptByObject: objectExemption(policy, input.policy),
    specUnchanged: input.operation === 'UPDATE' && input.old !== undefined && sameSpec(input.old, input.policy),
  };
}

/** Why a rule cannot judge this review (no ready cluster view, no submitted object), if so. */
function whyItCannotRun(rule: AnyRule, input: EvaluationInput): SkippedRule | undefined {
  if (rule.cluster === 'needs' && !input.cluster?.ready) {
    return input.cluster
      ? { rule: rule.id, reason: 'cluster-not-synced', detail: 'cluster state not synced' }
      : { rule: rule.id, reason: 'cluster-off', detail: 'no cluster state' };
  }
  if (rule.impact && !isAssessed(input.impact)) {
    // No impact asked for (a caller without a connectivity model, such as the audit of stored
    // policies) is configuration, like cluster-off; an impact asked for and not had is news.
    return input.impact === undefined
      ? { rule: rule.id, reason: 'impact-off', detail: 'no connectivity model' }
      : { rule: rule.id, reason: 'impact-not-run', detail: `impact not worked out: ${input.impact.detail}` };
  }
  if (rule.needsSubmitted && !input.submitted) {
    return { rule: rule.id, reason: 'needs-submitted-object', detail: 'the object as submitted is not available' };
  }
  return undefined;
}

/** A rule's results as findings, with the action, effect and exemption the policy gives them. */
function findingsOf(resolved: ResolvedRule, results: readonly RuleFinding[], input: EvaluationInput, policy: OrgPolicy, review: ReviewFacts): Finding[] {
  const { rule } = resolved;
  const action = resolved.action as Exclude<Action, 'off'>;
  const nsExemption = namespaceExemption(resolved, input.namespace, input.cluster);
  const exemption = nsExemption
    ? `namespace exemption: ${nsExemption.reason}`
    : review.exemptByObject?.rules.includes(rule.id)
      ? `object exemption: ${review.exemptByObject.reason}`
      : // A metadata-only update (kubectl label/annotate) does not re-judge the spec: refusing a
        // label change over it would only block unrelated work.
        review.specUnchanged && rule.operations.includes('CREATE')
        ? 'the spec is unchanged by this update'
        : undefined;
  const effect = exemption ? 'exempt' : effectOf(policy, action);
  return results.map((r) => {
    const finding: { -readonly [K in keyof Finding]: Finding[K] } = {
      rule: rule.id,
      title: rule.title,
      field: r.field,
      message: r.message,
      fix: r.fix ?? rule.remediation,
      action,
      effect,
    };
    if (exemption) finding.exemption = exemption;
    return finding;
  });
}

/** What every rule of one review is given, but its parameters and cluster view. */
type SharedContext = Omit<RuleContext<unknown>, 'params' | 'cluster'>;

/**
 * The context of one review, made once and shared by its rules: they all walk the same policy,
 * and walking it once for all of them is a large part of the review's cost.
 */
export function sharedRuleContext(input: EvaluationInput): SharedContext {
  return {
    operation: input.operation,
    submitted: input.submitted,
    old: input.old,
    namespace: input.namespace,
    userInfo: input.userInfo,
    walks: new PolicyWalks(input.policy),
    impact: isAssessed(input.impact) ? input.impact : undefined,
  };
}

/**
 * One rule's context: its parameters, and the cluster view when it may look at it. Every field
 * is written out, in one order, so that all rules of all reviews see contexts of one shape. An
 * object spread of the shared part followed by more properties (`{ ...shared, params }`) takes
 * V8's slow path on Node 20: about 10 µs each, 24 per review, more than all the rules' own work
 * (bench/results.md). Node 22 does it in a fraction of a microsecond; the hot path avoids the
 * pattern for Node 20's sake.
 */
export function ruleContext<P>(shared: SharedContext, rule: AnyRule, params: P, cluster: ClusterView | undefined): RuleContext<P> {
  const sees = rule.cluster === 'needs' || (rule.cluster === 'uses' && cluster?.ready === true);
  return {
    params,
    operation: shared.operation,
    submitted: shared.submitted,
    old: shared.old,
    namespace: shared.namespace,
    userInfo: shared.userInfo,
    cluster: sees ? cluster : undefined,
    walks: shared.walks,
    impact: rule.impact ? shared.impact : undefined,
  };
}

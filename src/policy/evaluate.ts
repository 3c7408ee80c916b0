/**
 * Runs the org-policy rules on one NetworkPolicy and decides what each finding does, given the
 * policy's mode, per-rule actions and exemptions. Pure.
 */
import { labelSelectorMatches } from '../k8s/labels.js';
import type { NetworkPolicy } from '../k8s/types.js';
import type { ClusterView } from '../cluster/view.js';
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
}

function namespaceExemption(policy: OrgPolicy, rule: string, namespace: string, cluster: ClusterView | undefined): NamespaceExemption | undefined {
  return policy.exemptions.find((ex) => {
    if (ex.rules && !ex.rules.includes(rule)) return false;
    if (ex.namespaces?.includes(namespace)) return true;
    if (ex.namespaceSelector && cluster?.ready) {
      const labels = cluster.namespaceLabels(namespace);
      return labels !== undefined && labelSelectorMatches(ex.namespaceSelector, labels);
    }
    return false;
  });
}

function objectExemption(policy: OrgPolicy, np: NetworkPolicy): Evaluation['objectExemption'] {
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

function effectOf(policy: OrgPolicy, action: Exclude<Action, 'off'>): Effect {
  if (policy.mode === 'audit') return 'audit';
  if (policy.mode === 'warn') return 'warn';
  return action;
}

/** Runs every enabled rule that applies to the operation; never throws. */
export function evaluateOrgPolicy(
  input: EvaluationInput,
  policy: OrgPolicy,
  rules: readonly AnyRule[],
  deadline?: Deadline,
): Evaluation {
  return runRules(input, policy, rules, deadline);
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
  };
}

/** One rule's context: its parameters, and the cluster view when it may look at it. */
export function ruleContext<P>(shared: SharedContext, rule: AnyRule, params: P, cluster: ClusterView | undefined): RuleContext<P> {
  const sees = rule.cluster === 'needs' || (rule.cluster === 'uses' && cluster?.ready);
  return { ...shared, params, cluster: sees ? cluster : undefined };
}

function runRules(input: EvaluationInput, policy: OrgPolicy, rules: readonly AnyRule[], deadline: Deadline | undefined): Evaluation {
  const findings: Finding[] = [];
  const skipped: SkippedRule[] = [];
  const exemptByObject = objectExemption(policy, input.policy);
  // A metadata-only update (kubectl label/annotate) does not re-judge the spec: it was judged
  // when it was written, and refusing a label change over it would only block unrelated work.
  const specUnchanged = input.operation === 'UPDATE' && input.old !== undefined && sameSpec(input.old, input.policy);
  let timedOut = false;
  const shared = sharedRuleContext(input);
  for (const rule of rules) {
    const setting = policy.rules.get(rule.id);
    if (!setting || setting.action === 'off' || !rule.operations.includes(input.operation)) continue;
    if (timedOut || deadline?.expired()) {
      timedOut = true;
      skipped.push({ rule: rule.id, reason: 'deadline', detail: `review deadline of ${deadline?.ms}ms exceeded` });
      continue;
    }
    if (rule.cluster === 'needs' && !input.cluster?.ready) {
      skipped.push(
        input.cluster
          ? { rule: rule.id, reason: 'cluster-not-synced', detail: 'cluster state not synced' }
          : { rule: rule.id, reason: 'cluster-off', detail: 'no cluster state' },
      );
      continue;
    }
    if (rule.needsSubmitted && !input.submitted) {
      skipped.push({ rule: rule.id, reason: 'needs-submitted-object', detail: 'the object as submitted is not available' });
      continue;
    }
    let results: RuleFinding[];
    try {
      results = rule.check(input.policy, ruleContext(shared, rule, setting.params, input.cluster));
    } catch (err) {
      // A rule bug must not take admission down; it is reported like any other skip.
      skipped.push({ rule: rule.id, reason: 'rule-failed', detail: `rule failed: ${(err as Error).message}` });
      continue;
    }
    if (results.length === 0) continue;
    const action = setting.action;
    // The same for every finding of the rule: worked out once.
    const nsExemption = namespaceExemption(policy, rule.id, input.namespace, input.cluster);
    const exemption = nsExemption
      ? `namespace exemption: ${nsExemption.reason}`
      : exemptByObject?.rules.includes(rule.id)
        ? `object exemption: ${exemptByObject.reason}`
        : specUnchanged && rule.operations.includes('CREATE')
          ? 'the spec is unchanged by this update'
          : undefined;
    const effect = exemption ? 'exempt' : effectOf(policy, action);
    for (const r of results) {
      findings.push({
        rule: rule.id,
        title: rule.title,
        field: r.field,
        message: r.message,
        fix: r.fix ?? rule.remediation,
        action,
        effect,
        ...(exemption ? { exemption } : {}),
      });
    }
  }
  return {
    findings,
    skipped,
    ...(timedOut ? { timedOut } : {}),
    ...(exemptByObject ? { objectExemption: exemptByObject } : {}),
  };
}

/** The audit rules, in the order their findings are reported. */
import type { AnyAuditRule } from '../rule.js';
import { adminTierOverridesRule } from './admin-tier-overrides-rule.js';
import { baselineRuleNeverApplies } from './baseline-rule-never-applies.js';
import { namespaceWithoutEgressIsolation, namespaceWithoutIngressIsolation } from './namespace-isolation.js';
import { podReachableFromAllNamespaces } from './pod-reachable-from-all-namespaces.js';
import { podReachableFromOutside } from './pod-reachable-from-outside.js';
import { redundantPolicy } from './redundant-policy.js';
import { redundantRule } from './redundant-rule.js';

export const AUDIT_RULES: readonly AnyAuditRule[] = Object.freeze([
  namespaceWithoutIngressIsolation,
  namespaceWithoutEgressIsolation,
  podReachableFromOutside,
  podReachableFromAllNamespaces,
  redundantPolicy,
  redundantRule,
  adminTierOverridesRule,
  baselineRuleNeverApplies,
]);

/**
 * Every rule an org policy can name: the admission rules, which the review runs on each
 * NetworkPolicy written, and the audit rules, which `netpol-guard audit` runs over the cluster as
 * a whole. One catalogue: the same ids, actions, parameters and exemptions, one built-in policy,
 * one chart schema, one docs/rules.md.
 */
import type { AnyAuditRule } from '../audit/rule.js';
import { AUDIT_RULES } from '../audit/rules/index.js';
import { ALL_RULES } from '../rules/index.js';
import type { AnyRule } from '../rules/types.js';

export type CatalogueRule = AnyRule | AnyAuditRule;

export const POLICY_CATALOGUE: readonly CatalogueRule[] = [...ALL_RULES, ...AUDIT_RULES];

export function isAuditRule(rule: CatalogueRule): rule is AnyAuditRule {
  return 'audit' in rule;
}

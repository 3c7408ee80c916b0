/**
 * The embedded default org policy, used when no --policy file is given. Every default is
 * explained in docs/policy.md.
 */
import type { OrgPolicy, RuleSetting } from './types.js';

export function builtinPolicy(settings: ReadonlyMap<string, RuleSetting> = new Map()): OrgPolicy {
  return Object.freeze({
    mode: 'enforce',
    rules: settings,
    exemptions: [{ namespaces: ['kube-system'], reason: 'cluster components manage their own policies' }],
    objectExemptions: { enabled: false, allowedRules: [] },
    source: 'builtin',
  });
}

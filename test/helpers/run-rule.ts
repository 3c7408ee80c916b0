/**
 * Runs one rule on one example the way the engine does: on the defaulted object (the stored one
 * for DELETE), parameters resolved, in the object's namespace, with `view` as the cluster and, for
 * impact rules, the impact of the example's change on that cluster as the review works it out.
 */
import { performance } from 'node:perf_hooks';
import type { ClusterView } from '../../src/cluster/view.js';
import { LiveImpact } from '../../src/impact/live.js';
import type { PolicyChange } from '../../src/impact/types.js';
import { admitNetworkPolicy } from '../../src/netpol/admit.js';
import { decodeNetworkPolicy } from '../../src/netpol/decode.js';
import { ruleContext, sharedRuleContext } from '../../src/policy/evaluate.js';
import type { AnyRule, RuleFinding } from '../../src/rules/types.js';
import type { Example } from '../rules/examples/index.js';

export function runRuleOnExample(rule: AnyRule, ex: Example, view: ClusterView | undefined): RuleFinding[] {
  const operation = ex.operation ?? 'CREATE';
  const params = rule.params.parse(ex.params ?? {});
  const old = ex.old ? decodeNetworkPolicy(ex.old).policy : undefined;
  const impactOf = (change: PolicyChange) => (view && rule.impact ? { impact: new LiveImpact(view, { now: () => performance.now() }).assess(change, 60_000) } : {});
  if (operation === 'DELETE') {
    const namespace = old?.metadata?.namespace ?? 'bar';
    const shared = sharedRuleContext({ operation, policy: old!, old, namespace, userInfo: ex.userInfo, ...impactOf({ operation: 'DELETE', key: `${namespace}/${old?.metadata?.name}` }) });
    return rule.check(old!, ruleContext(shared, rule, params, view));
  }
  const api = admitNetworkPolicy({ operation: operation === 'UPDATE' ? 'UPDATE' : 'CREATE', object: ex.object, oldObject: ex.old, namespace: 'default' });
  if (!api.defaulted) throw new Error(`example ${ex.name} does not decode: ${api.decodeIssues.map((i) => i.message).join('; ')}`);
  const namespace = api.defaulted.metadata?.namespace ?? 'bar';
  const change: PolicyChange = { operation: operation === 'UPDATE' ? 'UPDATE' : 'CREATE', policy: { ...api.defaulted, metadata: { ...api.defaulted.metadata, namespace } } };
  const shared = sharedRuleContext({ operation, policy: api.defaulted, submitted: api.submitted, old, namespace, userInfo: ex.userInfo, ...impactOf(change) });
  return rule.check(api.defaulted, ruleContext(shared, rule, params, view));
}

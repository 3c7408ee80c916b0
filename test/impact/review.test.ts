/**
 * The impact in a review, as the webhook and `check --cluster-state` run it (LiveImpact over a
 * cluster view): the warning lines grouped by workload, the audit annotation, the impact rules
 * (warn by default; deny over a threshold, with a clear message), DELETE with only the stored
 * object, and the visible skips when the view is not synced or the budget runs out.
 */
import { performance } from 'node:perf_hooks';
import t from 'tap';
import { staticClusterView } from '../../src/cluster/static.js';
import type { ClusterView } from '../../src/cluster/view.js';
import { LiveImpact } from '../../src/impact/live.js';
import type { ImpactAssessment, ImpactProvider, ImpactSkip } from '../../src/impact/types.js';
import { builtinPolicy, parsePolicy } from '../../src/policy/parse.js';
import type { OrgPolicy } from '../../src/policy/types.js';
import { reviewNetworkPolicy } from '../../src/review.js';
import { namespaceManifest, podManifest, policyManifest } from '../helpers/impact.js';

const http = [{ containerPort: 8080, protocol: 'TCP' }];
const SHOP = [
  namespaceManifest('shop'),
  namespaceManifest('ingress-nginx'),
  ...[1, 2].map((i) => podManifest('shop', `web-5f6d7-${i}`, { app: 'web', 'pod-template-hash': '5f6d7' }, { ip: `10.2.0.${i}`, ports: http, owner: { kind: 'ReplicaSet', name: 'web-5f6d7' } })),
  podManifest('shop', 'api-0', { app: 'api' }, { ip: '10.2.0.9', ports: [{ containerPort: 9000, protocol: 'TCP' }], owner: { kind: 'StatefulSet', name: 'api' } }),
  podManifest('ingress-nginx', 'controller-1', { 'app.kubernetes.io/name': 'controller' }, { ip: '10.3.0.1', ports: [{ containerPort: 80, protocol: 'TCP' }] }),
];
const DENY = policyManifest('shop', 'default-deny', { podSelector: {}, policyTypes: ['Ingress'] });

function policyWith(rules: string, rest = ''): OrgPolicy {
  return parsePolicy(`apiVersion: netpol-guard.io/v1alpha1\nkind: OrgPolicy\nrules:\n${rules}${rest}`, 'test');
}

function review(view: ClusterView, operation: 'CREATE' | 'DELETE', object: unknown, policy = builtinPolicy(), impact: ImpactProvider = new LiveImpact(view, { now: () => performance.now() }), budget = 1000) {
  return reviewNetworkPolicy(
    { operation, object: operation === 'DELETE' ? null : object, ...(operation === 'DELETE' ? { oldObject: object } : {}), namespace: 'shop', strictFields: false, includeApiWarnings: false },
    { policy, cluster: view, impact, impactBudgetMs: budget },
  );
}

const skipped = (r: { impact?: ImpactAssessment | ImpactSkip }) => (r.impact && 'skipped' in r.impact ? r.impact.skipped : undefined);

t.test('a default-deny: at most 3 impact lines grouped by workload, the annotation, the rule warns', async (t) => {
  const r = review(staticClusterView(SHOP, 'test'), 'CREATE', DENY);
  t.equal(r.verdict, 'allowed');
  const lines = r.warnings.filter((w) => w.includes('[impact]'));
  t.ok(lines.length >= 1 && lines.length <= 3, `at most 3 impact lines (${lines.length})`);
  t.ok(lines.every((l) => l.startsWith('shop/default-deny: [impact] ') && l.length <= 256), 'each names the object and fits a warning');
  t.match(lines[0], /^shop\/default-deny: \[impact\] isolates 3 pods \(shop\/web, shop\/api\) for ingress; 9 flows lost, 4 sources that can connect today lose access: /);
  t.match(lines[0], /ingress-nginx\/controller -> shop\/web 8080\/TCP/);
  t.ok(r.warnings.some((w) => w.startsWith('shop/default-deny: [impact-cuts-existing-flows] spec: cuts 9 flows allowed today, 4 sources to 3 pods')), 'the rule warns');
  const annotation = JSON.parse(r.auditAnnotations.impact ?? '{}');
  t.same(annotation.counts, { lost: 9, gained: 0, isolatedIngress: 3, isolatedEgress: 0, openedIngress: 0, openedEgress: 0 });
  t.ok(annotation.lost.includes('ingress-nginx/controller-1>shop/web-5f6d7-1:8080/TCP'), 'the flows are in the annotation');
  t.same(annotation.isolated.ingress, ['shop/api-0', 'shop/web-5f6d7-1', 'shop/web-5f6d7-2']);
});

t.test('an impact rule set to deny blocks a change over its threshold, with a clear message', async (t) => {
  const over = review(staticClusterView(SHOP, 'test'), 'CREATE', DENY, policyWith('  impact-cuts-existing-flows: {action: deny, params: {threshold: 8}}\n'));
  t.equal(over.verdict, 'forbidden');
  t.match(over.status?.message, /NetworkPolicy "default-deny" in namespace "shop" violates the cluster's NetworkPolicy rules:/);
  t.match(over.status?.message, /\[impact-cuts-existing-flows\] spec: cuts 9 flows allowed today \(threshold 8\), 4 sources to 3 pods: /);
  t.ok(over.warnings.some((w) => w.startsWith('shop/default-deny: [impact] isolates 3 pods')), 'the impact is still said');
  const at = review(staticClusterView(SHOP, 'test'), 'CREATE', DENY, policyWith('  impact-cuts-existing-flows: {action: deny, params: {threshold: 9}}\n'));
  t.equal(at.verdict, 'allowed', 'at the threshold: allowed');
  const exempt = review(
    staticClusterView(SHOP, 'test'),
    'CREATE',
    DENY,
    policyWith('  impact-cuts-existing-flows: {action: deny, params: {threshold: 8}}\n', 'exemptions:\n  - namespaces: [shop]\n    rules: [impact-cuts-existing-flows]\n    reason: the shop team migrates on its own\n'),
  );
  t.equal(exempt.verdict, 'allowed', 'a namespace exemption of the rule holds');
});

t.test('DELETE of the last isolating policy: warns that pods are left open and newly reachable', async (t) => {
  const r = review(staticClusterView([...SHOP, DENY], 'test'), 'DELETE', DENY);
  t.equal(r.verdict, 'allowed');
  t.match(r.warnings.join('\n'), /shop\/default-deny: \[impact\] opens 3 pods \(shop\/web, shop\/api\) for ingress/);
  t.ok(r.warnings.some((w) => w.startsWith('shop/default-deny: [delete-leaves-pods-open] metadata: leaves 3 pods with no policy isolating their ingress (shop/web, shop/api)')), 'delete-leaves-pods-open');
  t.ok(r.warnings.some((w) => w.startsWith('shop/default-deny: [impact-opens-to-world] metadata: lets every address outside the cluster reach 3 pods')), 'impact-opens-to-world');
  t.equal(JSON.parse(r.auditAnnotations.impact ?? '{}').counts.gained, 9);
});

t.test('a change that changes nothing says so in one line', async (t) => {
  const r = review(staticClusterView([...SHOP, DENY], 'test'), 'CREATE', policyManifest('shop', 'deny-again', { podSelector: {}, policyTypes: ['Ingress'] }));
  t.same(r.warnings.filter((w) => w.includes('[impact]')), ['shop/deny-again: [impact] no allowed flow between pods changes and no pod\'s isolation changes']);
});

t.test('an invalid object has no impact: the API server will not store it', async (t) => {
  const r = review(staticClusterView(SHOP, 'test'), 'CREATE', policyManifest('shop', 'bad', { podSelector: {}, policyTypes: ['Sideways'] }));
  t.equal(r.verdict, 'invalid');
  t.equal(r.impact, undefined);
  t.notOk(r.warnings.some((w) => w.includes('[impact]')));
});

t.test('skipped visibly: a view not synced, a budget too small, a failure', async (t) => {
  const view = staticClusterView(SHOP, 'test');
  const stale: ClusterView = Object.create(view, { ready: { value: false } });
  const r1 = review(stale, 'CREATE', DENY);
  t.equal(r1.verdict, 'allowed');
  t.equal(skipped(r1), 'cluster-not-synced');
  t.equal(r1.auditAnnotations['impact-skipped'], 'cluster state not synced');
  t.ok(r1.warnings.includes('shop/default-deny: [impact] not worked out: cluster state not synced'), 'a warning line says so');
  t.ok(r1.notRun.some((s) => s.rule === 'impact-cuts-existing-flows' && s.reason === 'cluster-not-synced'), 'the impact rules are skipped as cluster rules are');

  // A clock that jumps a second on every reading: any budget runs out.
  let now = 0;
  const slow = new LiveImpact(view, { now: () => (now += 1000) });
  const r2 = review(view, 'CREATE', DENY, builtinPolicy(), slow, 500);
  t.equal(skipped(r2), 'budget');
  t.match(r2.warnings.join('\n'), /shop\/default-deny: \[impact\] not worked out: over its budget of 500ms/);
  t.equal(r2.auditAnnotations['impact-skipped'], r2.impact && 'detail' in r2.impact ? r2.impact.detail : 'missing');
  const notRun = JSON.parse(r2.auditAnnotations['skipped-rules'] ?? '[]') as { rule: string; reason: string }[];
  t.same(notRun.map((s) => s.rule).sort(), ['impact-cuts-existing-flows', 'impact-opens-to-world']);
  t.ok(notRun.every((s) => s.reason.startsWith('impact not worked out: over its budget of 500ms')), 'the skipped rules say why');
  t.same(r2.notRun.map((s) => s.reason), ['impact-not-run', 'impact-not-run'], 'typed as impact-not-run');

  const broken: ImpactProvider = {
    assess() {
      throw new Error('boom');
    },
  };
  const r3 = review(view, 'CREATE', DENY, builtinPolicy(), broken);
  t.equal(r3.verdict, 'allowed', 'a failing analysis does not take admission down');
  t.equal(skipped(r3), 'failed');
  t.match(r3.warnings.join('\n'), /not worked out: failed: boom/);
});

t.test('the impact budget is cut to what is left of the review deadline', async (t) => {
  const view = staticClusterView(SHOP, 'test');
  let asked = -1;
  const probe: ImpactProvider = {
    assess(_change, budgetMs) {
      asked = budgetMs;
      return { skipped: 'budget', detail: 'probe' };
    },
  };
  reviewNetworkPolicy(
    { operation: 'CREATE', object: DENY, namespace: 'shop', strictFields: false, includeApiWarnings: false },
    { policy: builtinPolicy(), cluster: view, impact: probe, impactBudgetMs: 500, deadline: { ms: 100, expired: () => false, remainingMs: () => 100 } },
  );
  t.equal(asked, 80, 'four fifths of the 100ms left, below the 500ms budget');
  const none = reviewNetworkPolicy(
    { operation: 'CREATE', object: DENY, namespace: 'shop', strictFields: false, includeApiWarnings: false },
    { policy: builtinPolicy(), cluster: view, impact: probe, impactBudgetMs: 500, deadline: { ms: 100, expired: () => true, remainingMs: () => -5 } },
  );
  t.match(none.impact && 'detail' in none.impact ? none.impact.detail : '', /no time left within the review deadline of 100ms/);
});

t.test('no impact asked for (impact off, the audit of stored policies): the impact rules are off, not news', async (t) => {
  const view = staticClusterView(SHOP, 'test');
  const r = reviewNetworkPolicy({ operation: 'CREATE', object: DENY, namespace: 'shop', strictFields: false, includeApiWarnings: false }, { policy: builtinPolicy(), cluster: view });
  t.equal(r.impact, undefined);
  t.notOk(r.warnings.some((w) => w.includes('[impact')), 'no impact line, no impact finding');
  t.same(r.evaluation.skipped.filter((s) => s.rule.startsWith('impact-')).map((s) => s.reason), ['impact-off', 'impact-off']);
  t.same(r.notRun, [], 'not reported with the review');
  t.equal(r.auditAnnotations['skipped-rules'], undefined);
});

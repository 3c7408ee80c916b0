/**
 * How the org policy turns rule findings into effects: modes, actions, namespace and object
 * exemptions, skipped rules, the deadline — through reviewNetworkPolicy, as the webhook and CLI use it.
 */
import t from 'tap';
import type { ClusterView } from '../../src/cluster/view.js';
import { parsePolicy } from '../../src/policy/parse.js';
import { type ReviewContext, type ReviewRequest, reviewNetworkPolicy } from '../../src/review.js';
import { ALL_RULES } from '../../src/rules/index.js';
import type { AnyRule } from '../../src/rules/types.js';
import { z } from 'zod';
import { stubClusterView } from '../helpers/cluster.js';
import { makeNetworkPolicy, toIPBlock, withPolicyTypes } from '../helpers/netpol.js';

/** Egress to 0.0.0.0/0: cloud-metadata-egress (deny by default) and ipblock-world (warn). */
const world = makeNetworkPolicy(toIPBlock({ cidr: '0.0.0.0/0' }), withPolicyTypes('Egress'), (np) => {
  np.spec!.egress![0]!.ports = [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }, { protocol: 'TCP', port: 443 }];
});

const request = (object: unknown, extra: Partial<ReviewRequest> = {}): ReviewRequest => ({
  operation: 'CREATE',
  object,
  strictFields: false,
  includeApiWarnings: false,
  ...extra,
});
const ctx = (policyYaml: string, extra: Partial<ReviewContext> = {}): ReviewContext => ({
  policy: parsePolicy(policyYaml, 'test.yaml'),

  ...extra,
});
const effects = (r: ReturnType<typeof reviewNetworkPolicy>) => r.evaluation.findings.map((f) => `${f.rule}:${f.effect}`).sort();

t.test('enforce: each rule at its action', async (t) => {
  const r = reviewNetworkPolicy(request(world), ctx(''));
  t.same(effects(r), ['cloud-metadata-egress:deny', 'ipblock-world:warn']);
  t.equal(r.verdict, 'forbidden');
  t.equal(r.status?.code, 403);
  t.equal(r.status?.reason, 'Forbidden');
  t.equal(
    r.status?.message,
    [
      'NetworkPolicy "foo" in namespace "bar" violates the cluster\'s NetworkPolicy rules:',
      '[cloud-metadata-egress] spec.egress[0].to[0].ipBlock.cidr: 0.0.0.0/0 includes the cloud metadata address 169.254.169.254; add 169.254.169.254/32 to except',
    ].join('\n'),
  );
  t.same(r.warnings, [
    'bar/foo: [ipblock-world] spec.egress[0].to[0].ipBlock.cidr: 0.0.0.0/0 reaches every address; narrow the CIDR to the networks you need, or add except ranges for the pod, service and private networks',
  ], 'warnings carry the fix when it fits');
  t.equal(r.auditAnnotations.rules, 'cloud-metadata-egress,ipblock-world');
});

t.test('per-rule actions', async (t) => {
  const r = reviewNetworkPolicy(request(world), ctx('rules:\n  cloud-metadata-egress: {action: warn}\n  ipblock-world: {action: off}\n'));
  t.same(effects(r), ['cloud-metadata-egress:warn']);
  t.equal(r.verdict, 'allowed');
});

t.test('warn mode turns denials into warnings', async (t) => {
  const r = reviewNetworkPolicy(request(world), ctx('mode: warn\n'));
  t.same(effects(r), ['cloud-metadata-egress:warn', 'ipblock-world:warn']);
  t.equal(r.allowed, true);
  t.equal(r.warnings.length, 2);
});

t.test('audit mode allows everything and only records', async (t) => {
  const r = reviewNetworkPolicy(request(world), ctx('mode: audit\n'));
  t.same(effects(r), ['cloud-metadata-egress:audit', 'ipblock-world:audit']);
  t.equal(r.allowed, true);
  t.same(r.warnings, []);
  t.same(JSON.parse(r.auditAnnotations['audit-findings'] ?? '[]').map((f: { rule: string }) => f.rule).sort(), ['cloud-metadata-egress', 'ipblock-world']);
});

t.test('namespace exemptions, by name and by label selector', async (t) => {
  const byName = reviewNetworkPolicy(request(world), ctx('exemptions:\n  - namespaces: [bar]\n    rules: [cloud-metadata-egress]\n    reason: the scraper needs it\n'));
  t.same(effects(byName), ['cloud-metadata-egress:exempt', 'ipblock-world:warn']);
  t.equal(byName.allowed, true);
  t.match(byName.auditAnnotations.exempted, /namespace exemption: the scraper needs it/);

  const selectorPolicy = 'exemptions:\n  - namespaceSelector: {matchLabels: {tier: platform}}\n    reason: platform namespaces\n';
  const view = (labels: Record<string, string>): ClusterView => stubClusterView({ namespaceLabels: (ns) => (ns === 'bar' ? labels : undefined) });
  t.same(effects(reviewNetworkPolicy(request(world), ctx(selectorPolicy, { cluster: view({ tier: 'platform' }) }))), ['cloud-metadata-egress:exempt', 'ipblock-world:exempt']);
  t.same(effects(reviewNetworkPolicy(request(world), ctx(selectorPolicy, { cluster: view({ tier: 'apps' }) }))), ['cloud-metadata-egress:deny', 'ipblock-world:warn']);
  t.same(effects(reviewNetworkPolicy(request(world), ctx(selectorPolicy))), ['cloud-metadata-egress:deny', 'ipblock-world:warn'], 'no cluster view: a selector cannot match');
});

t.test('object exemptions by annotation, only when the policy allows them', async (t) => {
  const annotated = structuredClone(world);
  annotated.metadata!.annotations = { 'netpol-guard.io/exempt': 'cloud-metadata-egress, ipblock-world', 'netpol-guard.io/exempt-reason': 'ticket NET-42' };
  t.same(effects(reviewNetworkPolicy(request(annotated), ctx(''))), ['cloud-metadata-egress:deny', 'ipblock-world:warn'], 'off by default');
  const on = reviewNetworkPolicy(request(annotated), ctx('objectExemptions: {enabled: true, allowedRules: [ipblock-world]}\n'));
  t.same(effects(on), ['cloud-metadata-egress:deny', 'ipblock-world:exempt'], 'only the allowed rules');
  t.same(JSON.parse(on.auditAnnotations['object-exemption'] ?? '{}'), { rules: ['ipblock-world'], reason: 'ticket NET-42' }, 'recorded');
  const noReason = structuredClone(annotated);
  delete noReason.metadata!.annotations!['netpol-guard.io/exempt-reason'];
  t.same(effects(reviewNetworkPolicy(request(noReason), ctx('objectExemptions: {enabled: true}\n'))), ['cloud-metadata-egress:deny', 'ipblock-world:warn'], 'no reason, no exemption');
});

t.test('the built-in exemption for kube-system', async (t) => {
  const inKubeSystem = structuredClone(world);
  inKubeSystem.metadata!.namespace = 'kube-system';
  t.equal(reviewNetworkPolicy(request(inKubeSystem), ctx('exemptions: [{namespaces: [kube-system], reason: system}]\n')).allowed, true);
});

t.test('skipped rules are said out loud', async (t) => {
  const needsCluster: AnyRule = {
    ...ALL_RULES[0]!,
    id: 'needs-cluster',
    cluster: 'needs',
    operations: ['CREATE'],
    params: z.strictObject({}),
    check: () => [{ field: 'spec', message: 'x' }],
  };
  const policy = parsePolicy('', 'p.yaml', [needsCluster]);
  const r = reviewNetworkPolicy(request(world), { policy });
  t.same(r.evaluation.skipped, [{ rule: 'needs-cluster', reason: 'cluster-off', detail: 'no cluster state' }]);
  t.equal(r.auditAnnotations['skipped-rules'], undefined, 'cluster state off by configuration is not repeated per request');
  t.same(r.notRun, [], 'nor counted among the rules not run (logs, metrics)');
  const stale = reviewNetworkPolicy(request(world), { policy, cluster: stubClusterView({ ready: false }) });
  t.same(JSON.parse(stale.auditAnnotations['skipped-rules'] ?? '[]'), [{ rule: 'needs-cluster', reason: 'cluster state not synced' }], 'a cluster that is not synced is');
  t.same(stale.warnings, ['bar/foo: netpol-guard: cluster state not synced; rules not run: needs-cluster'], 'and the person applying is told');
  t.same(stale.notRun, [{ rule: 'needs-cluster', reason: 'cluster-not-synced', detail: 'cluster state not synced' }], 'one list for the annotation, the log line and the metric');
  t.same(r.warnings, [], 'cluster state off by configuration is no warning');
  const throwing: AnyRule = { ...needsCluster, id: 'broken', cluster: 'none', check: () => { throw new Error('boom'); } };
  const r2 = reviewNetworkPolicy(request(world), { policy: parsePolicy('', 'p.yaml', [throwing]), });
  t.same(r2.evaluation.skipped, [{ rule: 'broken', reason: 'rule-failed', detail: 'rule failed: boom' }], 'a failing rule is a skip, not a crash');
  t.equal(r2.allowed, true);
});

t.test('the deadline: failure mode allow warns, deny denies', async (t) => {
  const expired = { ms: 5, expired: () => true };
  const allow = reviewNetworkPolicy(request(world), ctx('', { deadline: expired, failureMode: 'allow' }));
  t.equal(allow.allowed, true);
  t.equal(allow.evaluation.timedOut, true);
  t.match(allow.warnings[0], /^bar\/foo: netpol-guard: review did not finish within 5ms; rules not run: .*cloud-metadata-egress/);
  const deny = reviewNetworkPolicy(request(world), ctx('', { deadline: expired, failureMode: 'deny' }));
  t.equal(deny.verdict, 'timeout');
  t.equal(deny.status?.code, 500);
  t.match(deny.status?.message, /denied by the configured failure mode/);
  const fine = reviewNetworkPolicy(request(world), ctx('', { deadline: { ms: 5, expired: () => false }, failureMode: 'deny' }));
  t.equal(fine.verdict, 'forbidden', 'within the deadline, the normal verdict');
});

t.test('a metadata-only update does not re-judge the spec; a spec change does', async (t) => {
  const stored = structuredClone(world);
  stored.metadata!.resourceVersion = '3';
  const labelled = structuredClone(stored);
  labelled.metadata!.labels = { team: 'a' };
  const r = reviewNetworkPolicy(request(labelled, { operation: 'UPDATE', oldObject: stored }), ctx(''));
  t.equal(r.allowed, true);
  t.same(effects(r), ['cloud-metadata-egress:exempt', 'ipblock-world:exempt']);
  t.same(r.warnings, [], 'no repeated warnings for a label change');
  t.match(r.auditAnnotations.exempted, /the spec is unchanged by this update/);
  const changed = structuredClone(stored);
  changed.spec!.egress![0]!.ports = [{ protocol: 'TCP', port: 443 }];
  t.same(effects(reviewNetworkPolicy(request(changed, { operation: 'UPDATE', oldObject: stored }), ctx(''))), ['cloud-metadata-egress:deny', 'egress-without-dns:warn', 'ipblock-world:warn']);
});

/**
 * The audit as reports: one per namespace with NetworkPolicies or findings, the cluster report
 * for Namespace findings, result and severity from the rule's action, a pass per clean policy,
 * resource references, summaries, truncation, owner, and both report APIs.
 */
import t from 'tap';
import { computeReports } from '../../src/reports/compute.js';
import { OMITTED_ANNOTATION } from '../../src/reports/build.js';
import type { ReportObject, ReportResult } from '../../src/reports/types.js';
import { NOW, np, reportCluster, reportJob } from '../helpers/reports.js';

const byNs = (reports: readonly ReportObject[]): Record<string, ReportObject> => Object.fromEntries(reports.map((r) => [r.metadata.namespace ?? '', r]));
const line = (r: ReportResult) => `${r.result} ${r.severity ?? '-'} ${r.rule} ${r.resources?.map((x) => `${x.kind}/${x.namespace ? `${x.namespace}/` : ''}${x.name}`).join(',') ?? ''}`;

t.test('one PolicyReport per namespace with policies or findings, and the cluster report', async (t) => {
  const { reports, findings } = computeReports(reportJob());
  t.same(reports.namespaced.map((r) => r.metadata.namespace), ['quiet', 'shop'], 'open has no policies and only cluster-level findings: no report of its own');
  const { shop, quiet } = byNs(reports.namespaced);
  t.same(shop!.results.map(line), [
    'fail high allow-all-ingress NetworkPolicy/shop/allow-all',
    'warn medium redundant-policy NetworkPolicy/shop/db',
    'warn medium pod-reachable-from-all-namespaces Pod/shop/db-1',
    'warn medium pod-reachable-from-outside Pod/shop/db-1',
    'warn medium pod-reachable-from-all-namespaces Pod/shop/web-1',
    'warn medium pod-reachable-from-outside Pod/shop/web-1',
  ]);
  t.same(shop!.summary, { pass: 0, fail: 1, warn: 5, error: 0, skip: 0 });
  t.same(quiet!.results.map(line), ['pass - org-policy NetworkPolicy/quiet/deny-ingress'], 'a policy without findings passes');
  t.match(quiet!.results[0]!.message, /^no findings from the \d+ rules the org policy runs/);
  t.same(reports.cluster.results.map(line), [
    'warn medium namespace-without-egress-isolation Namespace/open',
    'warn medium namespace-without-egress-isolation Namespace/quiet',
    'warn medium namespace-without-egress-isolation Namespace/shop',
    'skip - namespace-without-ingress-isolation Namespace/open',
  ]);
  t.equal(reports.cluster.results[3]!.properties?.exemption, 'namespace exemption: public by design', 'a skip says why');
  t.same(reports.cluster.summary, { pass: 0, fail: 0, warn: 3, error: 0, skip: 1 });
  t.same(
    findings.find((f) => f.rule === 'allow-all-ingress'),
    { rule: 'allow-all-ingress', result: 'fail', severity: 'high', count: 1 },
    'finding counts for the metrics',
  );
});

t.test('each result: source, policy and rule are the rule id, message, properties, first-seen timestamp', async (t) => {
  const { reports } = computeReports(reportJob());
  const fail = byNs(reports.namespaced).shop!.results[0]!;
  t.equal(fail.source, 'netpol-guard');
  t.equal(fail.policy, 'allow-all-ingress');
  t.equal(fail.rule, 'allow-all-ingress');
  t.equal(fail.category, 'NetworkPolicy org policy');
  t.equal(fail.scored, true);
  t.same(fail.timestamp, { seconds: NOW / 1000, nanos: 0 });
  t.same(fail.resources, [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', namespace: 'shop', name: 'allow-all' }]);
  t.equal(fail.properties?.field, 'spec.ingress[0]');
  t.equal(fail.properties?.effect, 'deny');
  t.ok(fail.properties?.fix, 'says how to fix it');
  const redundant = byNs(reports.namespaced).shop!.results[1]!;
  t.equal(redundant.category, 'NetworkPolicy audit', 'audit rules are told apart from admission rules');
  t.equal(redundant.properties?.related, 'shop/allow-all', 'names what covers it');
  const workload = byNs(reports.namespaced).shop!.results[2]!;
  t.equal(workload.properties?.workload, 'db');
  t.equal(workload.properties?.pods, '1');
});

t.test('metadata: fixed name, our label, the namespace as scope, the owner on every report', async (t) => {
  const owner = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'netpol-guard', uid: 'u-1' };
  const { reports } = computeReports(reportJob(undefined, { owner }));
  for (const r of [...reports.namespaced, reports.cluster]) {
    t.equal(r.apiVersion, 'wgpolicyk8s.io/v1alpha2');
    t.equal(r.metadata.name, 'netpol-guard');
    t.same(r.metadata.labels, { 'app.kubernetes.io/managed-by': 'netpol-guard' });
    t.same(r.metadata.ownerReferences, [owner]);
    t.notOk('source' in r, 'no top-level source in wgpolicyk8s.io');
  }
  t.same(reports.namespaced.map((r) => r.kind), ['PolicyReport', 'PolicyReport']);
  t.equal(reports.cluster.kind, 'ClusterPolicyReport');
  t.same(byNs(reports.namespaced).shop!.scope, { apiVersion: 'v1', kind: 'Namespace', name: 'shop' });
  t.equal(reports.cluster.scope, undefined);
  t.equal(reports.cluster.metadata.namespace, undefined);
  t.equal(computeReports(reportJob()).reports.cluster.metadata.ownerReferences, undefined, 'no owner given: none set');
});

t.test('openreports.io/v1alpha1: Report and ClusterReport with a top-level source, same results', async (t) => {
  const wg = computeReports(reportJob()).reports;
  const or = computeReports(reportJob(undefined, { api: 'openreports.io/v1alpha1' })).reports;
  t.same(or.namespaced.map((r) => [r.apiVersion, r.kind, r.source]), [
    ['openreports.io/v1alpha1', 'Report', 'netpol-guard'],
    ['openreports.io/v1alpha1', 'Report', 'netpol-guard'],
  ]);
  t.same([or.cluster.kind, or.cluster.source], ['ClusterReport', 'netpol-guard']);
  t.same(or.namespaced.map((r) => r.results), wg.namespaced.map((r) => r.results));
});

t.test('results beyond --report-max-results: failures kept first, the rest counted in an annotation and the summary', async (t) => {
  const { reports } = computeReports(reportJob(undefined, { maxResults: 2 }));
  const shop = byNs(reports.namespaced).shop!;
  t.equal(shop.results.length, 2);
  t.equal(shop.results[0]!.result, 'fail');
  t.equal(shop.metadata.annotations?.[OMITTED_ANNOTATION], '4');
  t.same(shop.summary, { pass: 0, fail: 1, warn: 5, error: 0, skip: 0 }, 'the summary counts every result');
  t.equal(byNs(reports.namespaced).quiet!.metadata.annotations, undefined, 'nothing left out: no annotation');
});

t.test('a namespace whose policies go away loses its report; a new policy brings its results', async (t) => {
  const without = reportCluster().filter((o) => (o as { metadata: { name: string } }).metadata.name !== 'deny-ingress');
  t.same(computeReports(reportJob(without)).reports.namespaced.map((r) => r.metadata.namespace), ['shop']);
  const withOpen = computeReports(reportJob(reportCluster([np('open', 'allow-all', { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] })]))).reports;
  t.same(byNs(withOpen.namespaced).open!.results.filter((r: ReportResult) => r.result === 'fail').map(line), ['fail high allow-all-ingress NetworkPolicy/open/allow-all']);
});

t.test('what the audit could not judge is an error in the cluster report', async (t) => {
  const broken = np('shop', 'bad', { podSelector: {}, ingress: [{ ports: [{ port: 8080, endPort: 80 }] }], policyTypes: ['Ingress'] });
  const { reports, notJudged } = computeReports(reportJob(reportCluster([broken])));
  t.ok(notJudged > 0, 'the audit says it could not judge something');
  const errors = reports.cluster.results.filter((r) => r.result === 'error');
  t.ok(errors.length > 0);
  t.equal(errors[0]!.rule, 'not-judged');
  t.equal(reports.cluster.summary.error, errors.length);
});

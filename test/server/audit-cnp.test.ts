/**
 * The in-cluster audit sees ClusterNetworkPolicies: the informer view (against the fake API
 * server) of the audit fixture cluster goes to the real audit worker thread, and the reports it
 * gives hold the ClusterNetworkPolicy findings that `netpol-guard audit` (the built CLI) gives
 * for the same manifests — the same reports as from the static view of them, in fact. Without
 * the watch (forbidden), those findings are gone, so they come from it.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadAll } from 'js-yaml';
import t from 'tap';
import { viewData } from '../../src/cluster/data-view.js';
import { staticClusterView } from '../../src/cluster/static.js';
import type { ClusterView } from '../../src/cluster/view.js';
import type { ReportObject } from '../../src/reports/types.js';
import { AuditThread } from '../../src/server/audit-thread.js';
import { setup } from '../cluster/informer-setup.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/audit/cluster.yaml', import.meta.url));
const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const CNP_RULES = new Set(['admin-tier-overrides-rule', 'baseline-rule-never-applies']);

type Obj = { kind: string; metadata: { name: string; labels?: Record<string, string> } };

/** The fixture as the API server would store it: namespaces carry their name label. */
function fixtureObjects(): Obj[] {
  return (loadAll(readFileSync(FIXTURE, 'utf8')) as Obj[])
    .filter(Boolean)
    .map((o) => (o.kind === 'Namespace' ? { ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, 'kubernetes.io/metadata.name': o.metadata.name } } } : o));
}

const thread = new AuditThread();
t.teardown(() => thread.close());

async function reportsOf(view: ClusterView): Promise<ReportObject[]> {
  const { outcome } = await thread.run({ data: viewData(view), policySource: 'built-in', api: 'wgpolicyk8s.io/v1alpha2', maxResults: 1000, now: Date.UTC(2026, 0, 1) });
  return [...outcome.reports.namespaced, outcome.reports.cluster];
}

/** `rule kind/name` of every result of the ClusterNetworkPolicy rules, with the report's namespace. */
function cnpResults(reports: readonly ReportObject[]): string[] {
  return reports
    .flatMap((r) => (r as unknown as { results: { rule: string; resources?: { kind: string; name: string; namespace?: string }[] }[] }).results.map((x) => ({ ns: r.metadata.namespace ?? '(cluster)', ...x })))
    .filter((x) => CNP_RULES.has(x.rule))
    .map((x) => `${x.ns}: ${x.rule} ${x.resources?.map((res) => `${res.kind}/${res.name}`).join(',')}`)
    .sort();
}

t.test('the reports from the informer view carry the ClusterNetworkPolicy findings of `netpol-guard audit`', async (t) => {
  const objects = fixtureObjects();
  const { view } = await setup(t, objects);
  t.equal(view.clusterNetworkPolicies!().length, 2, 'both ClusterNetworkPolicies of the fixture are watched');
  const live = await reportsOf(view);
  t.same(live, await reportsOf(staticClusterView(objects, 'static')), 'the same reports as from the manifests');

  const cli = spawnSync(process.execPath, [MAIN, 'audit', '--cluster-state', FIXTURE, '-o', 'json'], { encoding: 'utf8' });
  const findings = (JSON.parse(cli.stdout) as { findings: { rule: string; subject: { kind: string; name: string; namespace?: string } }[] }).findings.filter((f) => CNP_RULES.has(f.rule));
  t.same(
    findings.map((f) => `${f.rule} ${f.subject.kind}/${f.subject.name}`).sort(),
    ['admin-tier-overrides-rule NetworkPolicy/prometheus', 'baseline-rule-never-applies ClusterNetworkPolicy/baseline-shop'],
    'what the CLI finds',
  );
  t.same(cnpResults(live), ['(cluster): baseline-rule-never-applies ClusterNetworkPolicy/baseline-shop', 'monitoring: admin-tier-overrides-rule NetworkPolicy/prometheus'], 'the same findings in the reports: the Baseline one in the cluster report, the overridden rule in its namespace');
});

t.test('without the ClusterNetworkPolicies (forbidden), the reports have none of their findings', async (t) => {
  const { view } = await setup(t, fixtureObjects(), { before: (fake) => fake.forbidden.add('clusternetworkpolicies') });
  t.same(view.clusterNetworkPolicies!(), []);
  t.same(cnpResults(await reportsOf(view)), []);
});

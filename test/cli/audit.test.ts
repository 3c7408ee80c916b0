/**
 * `netpol-guard audit`, the built CLI spawned as a user runs it, on the fixture cluster
 * (test/fixtures/audit/cluster.yaml, where every finding kind fires): the JSON contract of
 * docs/cli.md, text, SARIF, exit codes, --namespace, and bad input answered clearly.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURE = 'test/fixtures/audit/cluster.yaml';

// Each case spawns the CLI several times: generous on a busy machine.
t.setTimeout(600_000);

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, 'audit', ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

t.test('-o json: the documented report', async (t) => {
  const r = cli(['--cluster-state', FIXTURE, '-o', 'json']);
  t.equal(r.code, 0, 'warnings only: exit 0');
  t.equal(r.stderr, '', 'no progress line when stderr is not a terminal');
  const report = JSON.parse(r.stdout);
  t.same(Object.keys(report), ['source', 'scope', 'summary', 'namespaces', 'findings', 'matrix', 'notJudged']);
  t.equal(report.source, `static:${FIXTURE}`);
  t.same(report.scope, []);
  const s = report.summary;
  t.same([s.namespaces, s.pods, s.hostNetworkPods, s.workloads, s.networkPolicies, s.clusterNetworkPolicies], [4, 7, 0, 5, 8, 2]);
  t.same(s.ingress, { isolated: 6, notIsolated: 1 });
  t.same(s.egress, { isolated: 3, notIsolated: 4 });
  t.same(s.findings.byRule, {
    ...Object.fromEntries(Object.keys(s.findings.byRule).map((k) => [k, 0])),
    'ipblock-world': 1,
    'namespace-selector-all': 1,
    'egress-without-dns': 2,
    'ports-unrestricted': 1,
    'pod-selector-matches-nothing': 1,
    'peer-matches-nothing': 2,
    'namespace-without-ingress-isolation': 1,
    'namespace-without-egress-isolation': 3,
    'pod-reachable-from-outside': 1,
    'pod-reachable-from-all-namespaces': 2,
    'redundant-policy': 3,
    'redundant-rule': 2,
    'admin-tier-overrides-rule': 1,
    'baseline-rule-never-applies': 1,
  });
  t.ok('protected-policy' in s.findings.byRule && 'redundant-rule' in s.findings.byRule, 'every rule that ran is counted, zero included');
  t.equal(s.findings.total, report.findings.length);
  t.equal(s.findings.warn, 22);

  const byRule = (rule: string) => report.findings.filter((f: { rule: string }) => f.rule === rule);
  t.same(byRule('redundant-policy').map((f: { subject: { name: string }; related: string[] }) => [f.subject.name, f.related]), [['db', ['shop/db-copy']], ['db-copy', ['shop/db']], ['from-cache', []]]);
  t.same(byRule('pod-selector-matches-nothing')[0].subject, { kind: 'NetworkPolicy', namespace: 'shop', name: 'old-worker' }, 'a policy selecting no pod');
  t.same(byRule('admin-tier-overrides-rule')[0], {
    rule: 'admin-tier-overrides-rule',
    title: 'NetworkPolicy rule overridden by an Admin-tier ClusterNetworkPolicy',
    action: 'warn',
    effect: 'warn',
    namespace: 'monitoring',
    subject: { kind: 'NetworkPolicy', namespace: 'monitoring', name: 'prometheus' },
    field: 'spec.ingress[0]',
    message: 'dead: every flow it allows is denied first by ClusterNetworkPolicy monitoring-from-shop ingress[0] "no-shop" (Admin, priority 10: Deny)',
    fix: 'remove the rule, or ask the platform team to narrow the ClusterNetworkPolicy (or to Pass these flows to NetworkPolicies)',
    related: ['monitoring-from-shop'],
  });
  t.same(byRule('baseline-rule-never-applies')[0].subject, { kind: 'ClusterNetworkPolicy', name: 'baseline-shop' });
  t.notOk('namespace' in byRule('baseline-rule-never-applies')[0], 'cluster-scoped: no namespace');
  t.same(byRule('pod-reachable-from-outside')[0].subject, { kind: 'Workload', namespace: 'web', name: 'frontend' });

  t.same(report.namespaces.map((n: { name: string; pods: number; findings: number }) => [n.name, n.pods, n.findings]), [['legacy', 1, 2], ['monitoring', 1, 2], ['shop', 3, 12], ['web', 2, 5]]);
  t.same(report.matrix.workloads.map((w: { key: string; pods: number }) => [w.key, w.pods]), [['legacy/batch', 1], ['monitoring/prometheus', 1], ['shop/api', 2], ['shop/db', 1], ['web/frontend', 2]]);
  t.equal(report.matrix.cells.length, 25);
  t.equal(report.matrix.totalWorkloads, 5);
  const cell = (from: string, to: string) => report.matrix.cells.find((c: { from: string; to: string }) => c.from === from && c.to === to);
  t.equal(cell('web/frontend', 'shop/api').state, 'allowed', '8080 allowed for frontend, 9090 for every namespace');
  t.same(cell('web/frontend', 'shop/api').ports.map((p: { port: number; state: string }) => [p.port, p.state]), [[8080, 'allowed'], [9090, 'allowed']]);
  t.equal(cell('monitoring/prometheus', 'shop/api').state, 'partly', '9090 from every namespace, 8080 only from the frontend');
  t.same(cell('monitoring/prometheus', 'shop/api').ports.map((p: { port: number; state: string }) => [p.port, p.state]), [[8080, 'denied'], [9090, 'allowed']]);
  t.equal(cell('monitoring/prometheus', 'monitoring/prometheus').state, 'self', 'one pod and itself');
  t.equal(cell('shop/api', 'shop/api').state, 'denied', 'two api pods: no rule lets them talk to each other');
  t.equal(cell('legacy/batch', 'shop/db').state, 'denied');
  t.match(cell('legacy/batch', 'shop/db').ports[0], { port: 5432, protocol: 'TCP', state: 'denied', egress: 'not isolated for egress' });
  t.equal(cell('shop/api', 'shop/db').state, 'allowed');
  t.match(cell('shop/api', 'shop/db').ports[0].ingress, /allowed by shop\/db ingress\[0\], shop\/db-copy ingress\[0\]/);
  t.equal(cell('shop/api', 'monitoring/prometheus').state, 'denied', 'the Admin Deny');
  t.match(cell('shop/api', 'monitoring/prometheus').ports[0].ingress, /denied by ClusterNetworkPolicy monitoring-from-shop/);
  t.same(report.notJudged, []);
});

t.test('text, SARIF, --namespace, --strict, exit codes', async (t) => {
  const text = cli(['--cluster-state', FIXTURE]);
  t.equal(text.code, 0);
  t.match(text.stdout, /^Audit of static:test\/fixtures\/audit\/cluster.yaml\n  4 namespaces, 7 pods/);
  t.match(text.stdout, /ingress isolated: 6 pods \(86%\), not isolated: 1/);
  t.match(text.stdout, /\nNamespace shop\n  NetworkPolicy shop\/api\n    warn  \[egress-without-dns\]/);
  t.match(text.stdout, /\nCluster-wide\n  ClusterNetworkPolicy baseline-shop\n    warn  \[baseline-rule-never-applies\] spec.ingress\[0\]: never applies: NetworkPolicies isolate its pods in shop for ingress; /);

  const only = JSON.parse(cli(['--cluster-state', FIXTURE, '-o', 'json', '--namespace', 'web', '--namespace', 'nope']).stdout);
  t.same(only.scope, ['web', 'nope']);
  t.ok(only.findings.every((f: { namespace?: string }) => f.namespace === 'web' || f.namespace === undefined), 'findings of web (and cluster-wide) only');
  t.same(only.notJudged, [{ what: 'namespace nope', reason: 'not found in the cluster state' }]);
  t.same(only.matrix.workloads.map((w: { key: string }) => w.key), ['web/frontend']);

  const sarif = JSON.parse(cli(['--cluster-state', FIXTURE, '-o', 'sarif']).stdout);
  t.equal(sarif.version, '2.1.0');
  const run = sarif.runs[0];
  t.ok(run.tool.driver.rules.some((r: { id: string }) => r.id === 'redundant-policy'), 'audit rules in the tool rules');
  t.ok(run.tool.driver.rules.some((r: { id: string }) => r.id === 'ipblock-world'), 'admission rules too');
  const redundant = run.results.find((r: { ruleId: string }) => r.ruleId === 'redundant-policy');
  t.equal(redundant.level, 'warning');
  t.same(redundant.locations[0].logicalLocations[0], { fullyQualifiedName: 'NetworkPolicy/shop/db', name: 'db', kind: 'resource' });
  t.equal(run.results.length, 22);

  t.equal(cli(['--cluster-state', FIXTURE, '--strict', '-o', 'json']).code, 1, '--strict: warnings fail');
  const dir = mkdtempSync(join(tmpdir(), 'npg-audit-'));
  writeFileSync(join(dir, 'policy.yaml'), 'rules: {namespace-without-ingress-isolation: {action: deny}}\n');
  const denied = cli(['--cluster-state', FIXTURE, '--policy', join(dir, 'policy.yaml')]);
  t.equal(denied.code, 1, 'a finding with effect deny: exit 1');
  t.match(denied.stdout, /deny  \[namespace-without-ingress-isolation\]/);
});

t.test('bad input: a clear answer, and what could not be judged', async (t) => {
  const none = cli([]);
  t.equal(none.code, 2);
  t.match(none.stderr, /give exactly one of --kubeconfig and --cluster-state/);
  t.match(cli(['--cluster-state', FIXTURE, '-o', 'yaml']).stderr, /-o must be text, json, sarif or html, got "yaml"/);
  t.match(cli(['--cluster-state', 'no/such/dir']).stderr, /cluster state no\/such\/dir: /);
  t.equal(cli(['--cluster-state', 'no/such/dir']).code, 2);

  const dir = mkdtempSync(join(tmpdir(), 'npg-audit-'));
  writeFileSync(join(dir, 'good.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x, labels: {app: a}}\nspec: {containers: [{name: c, ports: [{containerPort: 80}]}]}\nstatus: {podIP: 10.0.0.1}\n');
  writeFileSync(join(dir, 'broken.yaml'), 'kind: [\n');
  writeFileSync(join(dir, 'bad-policy.yaml'), 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\nspec: {podSelector: 7}\n');
  const r = cli(['--cluster-state', dir, '-o', 'json']);
  t.equal(r.code, 0, 'continues with what it can read');
  const report = JSON.parse(r.stdout);
  t.equal(report.summary.pods, 1, 'the readable pod is judged');
  t.equal(report.notJudged.length, 2);
  t.match(report.notJudged[0], { what: 'cluster state', reason: /broken.yaml document 1 \(line \d+\): not valid YAML or JSON/ });
  t.match(report.notJudged[1], { what: 'cluster state', reason: /bad-policy.yaml document 1: NetworkPolicy x\/p: spec.podSelector: expected an object, got number 7/ });
  t.match(cli(["--cluster-state", dir]).stdout, /\nNot judged\n  cluster state: .*broken.yaml.*\n  cluster state: .*bad-policy.yaml/);

  const kc = join(dir, 'kubeconfig');
  writeFileSync(kc, 'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: c, user: u}}]\ncurrent-context: c\n');
  const down = cli(['--kubeconfig', kc]);
  t.equal(down.code, 2);
  t.match(down.stderr, /cannot reach the API server at https:\/\/127.0.0.1:1/);
  t.match(cli(['--kubeconfig', join(dir, 'missing')]).stderr, /--kubeconfig .*missing: no such file/);
});

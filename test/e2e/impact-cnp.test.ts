/**
 * ClusterNetworkPolicies in the webhook's impact, against a real API server (v1.20.2): the built
 * CLI serves with cluster state from its informers and starts before the ClusterNetworkPolicy
 * CRD exists — it is ready all the same and says in /readyz that they are not served. The CRD is
 * then installed (a minimal structural one, test/e2e/fixtures) with an Admin-tier Deny of the
 * partner namespace into shop, and the same server, not restarted, picks it up: a NetworkPolicy
 * that opens shop/web to every namespace no longer "gains" the partner's flows in its impact
 * warning, because the Admin tier decides them first. Deleting the ClusterNetworkPolicy brings
 * them back.
 *
 * Writes docs/transcripts/impact-cnp.txt from the real output, which the README quotes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { createNamespace, type KubectlRun, kubectlIn, REPO_ROOT, registerWebhook, startWebhook, transcript, webhookTestBed, SHOP_DEFAULT_DENY as DEFAULT_DENY } from './webhook-fixture.js';

const TRANSCRIPTS = join(REPO_ROOT, 'docs', 'transcripts');
const CRD = join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'clusternetworkpolicies-crd.yaml');

const pod = (ns: string, name: string, app: string, ports = '[]') => `---
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: ${ns}, labels: {app: ${app}}}
spec:
  containers: [{name: c, image: example/${app}:1, ports: ${ports}}]
`;

const PODS = [pod('shop', 'web-1', 'web', '[{containerPort: 8080}]'), pod('partner', 'client-1', 'client'), pod('ops', 'monitor-1', 'monitor')].join('');

const WEB_FROM_EVERYWHERE = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-from-all-namespaces, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress:
  - from: [{namespaceSelector: {}}]
    ports: [{port: 8080}]
`;

const DENY_PARTNER = `apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: partner-not-into-shop}
spec:
  tier: Admin
  priority: 10
  subject:
    namespaces: {matchLabels: {team: shop}}
  ingress:
  - name: no-partner
    action: Deny
    from:
    - namespaces: {matchLabels: {team: partner}}
`;

const IMPACT = 'Warning: shop/web-from-all-namespaces: [impact] ';
const EVERY_FLOW = `${IMPACT}every flow: audit annotation impact (first 100), log at debug level`;

t.test('the webhook\'s impact accounts for a ClusterNetworkPolicy whose CRD is installed after it started', async (t) => {
  const { workDir, cluster, manifests, started } = await webhookTestBed(t, 'impact-cnp');
  await writeFile(join(manifests, 'web-from-all-namespaces.yaml'), WEB_FROM_EVERYWHERE);
  await writeFile(join(manifests, 'partner-not-into-shop.yaml'), DENY_PARTNER);
  const kubectl = (args: string[]) => kubectlIn(cluster, manifests, args, { combined: true });
  const runs: KubectlRun[] = [];

  const serving = await cluster.issueCertificate({ name: 'netpol-guard', usage: 'server', subjectAltNames: ['IP:127.0.0.1'] });
  // startWebhook waits for /readyz: ready although ClusterNetworkPolicies are not served.
  const webhook = started(await startWebhook({ workDir, name: 'impact-cnp', certFile: serving.certFile, keyFile: serving.keyFile, kubeconfig: cluster.kubeconfig, startTimeoutMs: 120_000 }));
  const readyz = async () => {
    const res = await fetch(`${webhook.healthUrl}/readyz`);
    return { status: res.status, body: await res.text() };
  };
  const before = await readyz();
  t.equal(before.status, 200, 'ready without the ClusterNetworkPolicy CRD');
  t.match(before.body, /clusternetworkpolicies not read, taken as none: not served by the API server \(its CRD is not installed\)/);
  t.notOk(webhook.logLines().some((l) => l.level >= 40 && String(l.resource) === 'clusternetworkpolicies'), 'no warning for a cluster without the CRD');

  await createNamespace(cluster, 'probe-impact-cnp', 'impact-cnp');
  await registerWebhook(cluster, { name: 'impact-cnp', url: webhook.url, caPem: cluster.caPem, failurePolicy: 'Fail', mutating: false }, 'probe-impact-cnp');
  for (const [ns, team] of [['shop', 'shop'], ['partner', 'partner'], ['ops', 'ops']] as const) {
    await createNamespace(cluster, ns, 'impact-cnp');
    await cluster.kubectl(['label', 'namespace', ns, `team=${team}`], { check: true });
  }
  await cluster.kubectl(['apply', '-f', '-'], { input: PODS, check: true });
  await cluster.kubectl(['apply', '-f', '-'], { input: DEFAULT_DENY, check: true });

  const preview = async (until: (out: string) => boolean, description: string): Promise<KubectlRun> => {
    let run: KubectlRun | undefined;
    await cluster.waitFor(
      async () => {
        run = await kubectl(['apply', '--dry-run=server', '-f', 'web-from-all-namespaces.yaml']);
        return until(run.stdout) || undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500, description },
    );
    return run!;
  };
  const impactLines = (run: KubectlRun) => run.stdout.split('\n').filter((l) => l.startsWith(IMPACT));

  await t.test('without ClusterNetworkPolicies: both namespaces gain access', async (t) => {
    const run = await preview((out) => out.includes('2 flows gained'), 'the model to hold the pods and the default-deny');
    runs.push(run);
    t.same(impactLines(run), [
      `${IMPACT}newly reachable from every namespace: 1 pod (shop/web); 2 flows gained from 2 sources: ops/monitor -> shop/web 8080/TCP, partner/client -> shop/web 8080/TCP`,
      EVERY_FLOW,
    ]);
    t.match(run.stdout, /\[impact-opens-to-world\] spec\.ingress: lets pods of every namespace reach/, 'the rule on the impact sees the reach from every namespace');
  });

  await t.test('the CRD installed later and an Admin-tier Deny: the partner gains nothing, said so', async (t) => {
    const crd = await kubectl(['apply', '-f', CRD]);
    t.equal(crd.code, 0, crd.stdout);
    await cluster.kubectl(['wait', '--for', 'condition=Established', '--timeout=60s', 'crd/clusternetworkpolicies.policy.networking.k8s.io'], { check: true });
    let created: KubectlRun | undefined;
    // kubectl learns of the new kind through discovery, which may lag the CRD by a moment.
    await cluster.waitFor(
      async () => {
        created = await kubectl(['apply', '-f', 'partner-not-into-shop.yaml']);
        return created.code === 0 || undefined;
      },
      { timeoutMs: 30_000, intervalMs: 500, description: 'the ClusterNetworkPolicy to be created' },
    );
    runs.push(created!);
    // The server was not restarted: it asks again every watch window (30 s with the defaults).
    const run = await preview((out) => out.includes('1 flow gained'), 'the webhook to read the ClusterNetworkPolicy');
    runs.push(run);
    t.same(impactLines(run), [`${IMPACT}1 flow gained from 1 source: ops/monitor -> shop/web 8080/TCP`, EVERY_FLOW], 'the partner\'s flow is decided by the Admin tier: not gained, and shop/web is not reachable from every namespace');
    t.notMatch(run.stdout, /impact-opens-to-world/, 'nor does the rule on the impact see it');
    const after = await readyz();
    t.equal(after.status, 200);
    t.notMatch(after.body, /not read/, 'readiness no longer says they are not read');
    // The log is written asynchronously: the line may reach the file a moment after the model.
    const pickup = await cluster
      .waitFor(async () => webhook.logLines().some((l) => l.msg === 'cluster cache: optional resource is served and readable now' && l.resource === 'clusternetworkpolicies') || undefined, { timeoutMs: 10_000, intervalMs: 200, description: 'the pickup in the log' })
      .catch(() => false);
    t.ok(pickup, 'the pickup is logged');
  });

  await t.test('deleting the ClusterNetworkPolicy: the partner gains access again', async (t) => {
    const del = await kubectl(['delete', 'clusternetworkpolicy', 'partner-not-into-shop']);
    runs.push(del);
    t.equal(del.code, 0);
    const run = await preview((out) => out.includes('2 flows gained'), 'the deletion to reach the model');
    runs.push(run);
    t.match(impactLines(run)[0] ?? '', /2 flows gained from 2 sources: ops\/monitor -> shop\/web 8080\/TCP, partner\/client -> shop\/web 8080\/TCP$/);
    const metrics = await webhook.metrics();
    t.match(metrics, /netpol_guard_connectivity_model_updates_total\{kind="built"\} [3-9]/, 'built at the start and again on each ClusterNetworkPolicy change');
  });

  await mkdir(TRANSCRIPTS, { recursive: true });
  await writeFile(join(TRANSCRIPTS, 'impact-cnp.txt'), transcript(...runs));
});

/**
 * The Helm chart against a real API server (v1.20.2): every documented values combination is
 * accepted by a server-side dry run, a real `helm install` + `helm upgrade` keeps the generated
 * certificate and caBundle (the chart's `lookup` only works against a server), the default
 * registers the validating webhook alone, an upgrade from a release that had the mutating webhook
 * removes its configuration, the installed webhook configuration selects exactly the
 * namespaces it should, and the PolicyReport CRDs are installed with a release when the cluster
 * has none and left alone when another tool (Kyverno ships them) installed them first.
 *
 * Nothing runs the webhook pods here (no kubelet), so the Service has no endpoints: a NetworkPolicy
 * write in a reviewed namespace fails closed with "failed calling webhook", which is what shows
 * that the namespaceSelector matched it.
 */
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { type Cluster, newWorkDir, startCluster } from './harness/cluster.js';

const CHART = fileURLToPath(new URL('../../charts/netpol-guard/', import.meta.url));
const RELEASE = 'npg';
const FULLNAME = `${RELEASE}-netpol-guard`;

/**
 * Labels a namespace as 1.21+ API servers do by themselves. The chart excludes namespaces by
 * kubernetes.io/metadata.name, which 1.20 does not set (NOTES.txt tells 1.20 users the same).
 */
async function createNamespace(cluster: Cluster, name: string, labels: Record<string, string> = {}): Promise<void> {
  const r = await cluster.kubectl(['get', 'namespace', name]);
  if (r.code !== 0) await cluster.kubectl(['create', 'namespace', name], { check: true });
  const pairs = Object.entries({ 'kubernetes.io/metadata.name': name, ...labels }).map(([k, v]) => `${k}=${v}`);
  await cluster.kubectl(['label', '--overwrite', 'namespace', name, ...pairs], { check: true });
}

const probePolicy = (namespace: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: probe, namespace: ${namespace}}
spec:
  podSelector: {}
  policyTypes: [Ingress]
`;

/**
 * The values combinations the chart documents. tls.mode=certManager is not among them: this API
 * server has no cert-manager CRDs (cert-manager.io/v1), so its Issuer and Certificate objects
 * cannot be applied, and the chart refuses to render that mode without the API (chart.test.ts
 * covers its rendering with --api-versions).
 */
function combinations(caPem: string): { name: string; args: string[] }[] {
  return [
    { name: 'defaults', args: [] },
    { name: 'replicas 1', args: ['--set', 'replicas=1'] },
    { name: 'tls.mode=existingSecret', args: ['--set', 'tls.mode=existingSecret', '--set', 'tls.existingSecret.name=byo-tls', '--set-string', `tls.existingSecret.caBundle=${Buffer.from(caPem).toString('base64')}`] },
    { name: 'failurePolicy Ignore', args: ['--set', 'webhook.failurePolicy=Ignore'] },
    { name: 'mutating webhook on', args: ['--set', 'webhook.mutating.enabled=true'] },
    { name: 'mutating webhook on, failurePolicy Fail', args: ['--set', 'webhook.mutating.enabled=true', '--set', 'webhook.mutating.failurePolicy=Fail'] },
    { name: 'networkPolicy disabled', args: ['--set', 'networkPolicy.enabled=false'] },
    { name: 'cluster-aware rules disabled', args: ['--set', 'clusterAware.enabled=false'] },
    { name: 'custom org policy', args: ['--set', 'policy.mode=audit', '--set', 'policy.rules.ipblock-world.action=deny', '--set', 'networkPolicy.apiServer.cidrs={10.0.0.1/32}'] },
    { name: 'hard anti-affinity, rollout on change', args: ['--set', 'antiAffinity=hard', '--set', 'rolloutOnChange=true', '--set', 'topologySpread.enabled=false'] },
  ];
}

t.test('the chart on a real API server', async (t) => {
  const workDir = await newWorkDir('chart');
  const cluster = await startCluster({ workDir });
  t.teardown(async () => {
    await cluster.stop();
    if (t.passing()) await rm(workDir, { recursive: true, force: true });
  });
  const ns = 'netpol-guard';
  await createNamespace(cluster, ns);
  await createNamespace(cluster, 'kube-system');

  t.test('helm template --validate | kubectl apply --dry-run=server accepts every combination', async (t) => {
    for (const combo of combinations(cluster.caPem)) {
      // --validate: render with this server's capabilities (PodDisruptionBudget is policy/v1beta1 on 1.20).
      const rendered = await cluster.helm(['template', RELEASE, CHART, '--namespace', ns, '--validate', ...combo.args], { check: true });
      const applied = await cluster.kubectl(['apply', '--dry-run=server', '-f', '-'], { input: rendered.stdout });
      t.equal(applied.code, 0, `${combo.name}: server-side dry run succeeds${applied.stderr ? `: ${applied.stderr}` : ''}`);
      const kinds = [...rendered.stdout.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1]);
      const created = applied.stdout.split('\n').filter((l) => l.endsWith('created (server dry run)'));
      t.equal(created.length, kinds.length, `${combo.name}: every rendered object (${kinds.join(', ')}) accepted`);
    }
  });

  t.test('helm install (validating webhook only), upgrades to and from the mutating webhook, certificate kept', async (t) => {
    const get = async (args: string[]) => (await cluster.kubectl(args, { check: true })).stdout;
    const caBundle = (kind: string) => get(['get', kind, FULLNAME, '-o', 'jsonpath={.webhooks[0].clientConfig.caBundle}']);
    const configurations = async () => (await get(['get', 'validatingwebhookconfigurations,mutatingwebhookconfigurations', '-o', 'name'])).trim().split('\n').filter(Boolean).sort();
    const readTls = async () => ({
      validating: await caBundle('validatingwebhookconfiguration'),
      ca: await get(['get', 'secret', '-n', ns, `${FULLNAME}-tls`, '-o', 'jsonpath={.data.ca\\.crt}']),
      cert: await get(['get', 'secret', '-n', ns, `${FULLNAME}-tls`, '-o', 'jsonpath={.data.tls\\.crt}']),
      key: await get(['get', 'secret', '-n', ns, `${FULLNAME}-tls`, '-o', 'jsonpath={.data.tls\\.key}']),
    });

    await cluster.helm(['install', RELEASE, CHART, '--namespace', ns], { check: true, timeoutMs: 120_000 });
    t.same(await configurations(), [`validatingwebhookconfiguration.admissionregistration.k8s.io/${FULLNAME}`], 'the default installs the validating webhook alone');
    const before = await readTls();
    t.match(Buffer.from(before.ca, 'base64').toString('utf8'), /^-----BEGIN CERTIFICATE-----/);
    t.equal(before.validating, before.ca, 'the validating webhook trusts the Secret CA');

    // A release that had the mutating webhook, configured as the chart used to register it by default.
    await cluster.helm(['upgrade', RELEASE, CHART, '--namespace', ns, '--set', 'webhook.mutating.enabled=true', '--set', 'webhook.mutating.failurePolicy=Fail'], { check: true, timeoutMs: 120_000 });
    t.same(await configurations(), [
      `mutatingwebhookconfiguration.admissionregistration.k8s.io/${FULLNAME}`,
      `validatingwebhookconfiguration.admissionregistration.k8s.io/${FULLNAME}`,
    ], 'webhook.mutating.enabled adds the mutating webhook');
    t.equal(await get(['get', 'mutatingwebhookconfiguration', FULLNAME, '-o', 'jsonpath={.webhooks[0].name} {.webhooks[0].failurePolicy} {.webhooks[0].clientConfig.service.path}']), 'mutate.netpol-guard.io Fail /mutate');
    t.equal(await caBundle('mutatingwebhookconfiguration'), before.ca, 'the mutating webhook trusts the same CA');
    t.same(await readTls(), before, 'certificate, key and caBundle are unchanged');

    // Upgrading that release to the defaults.
    await cluster.helm(['upgrade', RELEASE, CHART, '--namespace', ns, '--set', 'replicas=3'], { check: true, timeoutMs: 120_000 });
    const replicas = await cluster.kubectl(['get', 'deployment', '-n', ns, FULLNAME, '-o', 'jsonpath={.spec.replicas}'], { check: true });
    t.equal(replicas.stdout, '3', 'the upgrade was applied');
    t.same(await configurations(), [`validatingwebhookconfiguration.admissionregistration.k8s.io/${FULLNAME}`], 'the upgrade removed the MutatingWebhookConfiguration');
    const gone = await cluster.kubectl(['get', 'mutatingwebhookconfiguration', FULLNAME]);
    t.match(gone.stderr, /NotFound/, 'the mutating configuration is gone, not just renamed');
    const history = await cluster.helm(['history', RELEASE, '--namespace', ns, '-o', 'json'], { check: true });
    t.equal((JSON.parse(history.stdout) as unknown[]).length, 3, 'three revisions');
    t.same(await readTls(), before, 'certificate, key and caBundle are unchanged across both upgrades');

    // On 1.20, PodDisruptionBudget is only served as policy/v1beta1; the chart picks it.
    const pdb = await cluster.kubectl(['get', 'poddisruptionbudget', '-n', ns, FULLNAME, '-o', 'jsonpath={.spec.minAvailable}'], { check: true });
    t.equal(pdb.stdout, '1');
  });

  t.test('the installed webhook reviews exactly the namespaces it should', async (t) => {
    await createNamespace(cluster, 'team-a');
    await createNamespace(cluster, 'legacy', { 'netpol-guard.io/ignore': 'true' });
    // The API server picks up webhook configurations through an informer; wait until it calls ours.
    const reviewed = await cluster.waitFor(
      async () => {
        const r = await cluster.kubectl(['apply', '--dry-run=server', '-f', '-'], { input: probePolicy('team-a') });
        return r.code !== 0 && r.stderr.includes('failed calling webhook') ? r.stderr : undefined;
      },
      { description: 'the API server to call the netpol-guard webhooks for namespace team-a', timeoutMs: 30_000 },
    );
    t.match(reviewed, /failed calling webhook "validate\.netpol-guard\.io"/, 'a reviewed namespace is sent to netpol-guard (failing closed: no pod serves it here), to the validating webhook');
    for (const namespace of ['kube-system', ns, 'legacy']) {
      const r = await cluster.kubectl(['apply', '--dry-run=server', '-f', '-'], { input: probePolicy(namespace) });
      t.equal(r.code, 0, `${namespace} is not reviewed${r.stderr ? `: ${r.stderr}` : ''}`);
    }
    await cluster.helm(['uninstall', RELEASE, '--namespace', ns], { check: true, timeoutMs: 120_000 });
    const left = await cluster.kubectl(['get', 'validatingwebhookconfigurations,mutatingwebhookconfigurations', '-o', 'name'], { check: true });
    t.equal(left.stdout.trim(), '', 'uninstall removes the webhook configuration');
  });

  t.test('report CRDs: installed with the release when absent, left alone when another tool installed them', async (t) => {
    const release = 'npr';
    const releaseNs = 'npg-reports';
    const crds = ['policyreports.wgpolicyk8s.io', 'clusterpolicyreports.wgpolicyk8s.io'];
    await createNamespace(cluster, releaseNs);
    const crd = async (name: string) => {
      const r = await cluster.kubectl(['get', 'crd', name, '-o', 'json']);
      return r.code === 0 ? (JSON.parse(r.stdout) as { metadata: { labels?: Record<string, string>; annotations?: Record<string, string> } }) : undefined;
    };
    const removeCrds = async () => {
      await cluster.kubectl(['delete', 'crd', ...crds, '--ignore-not-found', '--wait=true'], { check: true, timeoutMs: 60_000 });
      await cluster.waitFor(async () => ((await Promise.all(crds.map(crd))).every((c) => c === undefined) ? true : undefined), { description: 'the report CRDs to be gone', timeoutMs: 60_000 });
    };
    const install = () => cluster.helm(['install', release, CHART, '--namespace', releaseNs], { timeoutMs: 120_000 });
    const uninstall = () => cluster.helm(['uninstall', release, '--namespace', releaseNs], { check: true, timeoutMs: 120_000 });

    // As Kyverno installs them: the same CRDs, its own labels, no Helm annotations of this release.
    await removeCrds();
    for (const name of crds) {
      await cluster.kubectl(['apply', '-f', fileURLToPath(new URL(`files/report-crds/${name}.yaml`, `file://${CHART}`))], { check: true });
      await cluster.kubectl(['label', 'crd', name, 'app.kubernetes.io/managed-by=kyverno'], { check: true });
    }
    const withKyverno = await install();
    t.equal(withKyverno.code, 0, `helm install succeeds over CRDs another tool installed${withKyverno.stderr ? `: ${withKyverno.stderr}` : ''}`);
    for (const name of crds) {
      const c = await crd(name);
      t.equal(c?.metadata.labels?.['app.kubernetes.io/managed-by'], 'kyverno', `${name} is still the other tool's`);
      t.equal(c?.metadata.annotations?.['meta.helm.sh/release-name'], undefined, `${name} was not taken over by the release`);
    }
    await uninstall();
    for (const name of crds) t.ok(await crd(name), `${name} stays when the release goes`);

    // A cluster without them: the release installs them, upgrades keep them, uninstall keeps them.
    await removeCrds();
    const alone = await install();
    t.equal(alone.code, 0, `helm install succeeds on a cluster without report CRDs${alone.stderr ? `: ${alone.stderr}` : ''}`);
    for (const name of crds) {
      const c = await crd(name);
      t.equal(c?.metadata.annotations?.['meta.helm.sh/release-name'], release, `${name} installed by the release`);
      t.equal(c?.metadata.annotations?.['helm.sh/resource-policy'], 'keep', `${name} marked to be kept on uninstall`);
    }
    const served = await cluster.waitFor(async () => ((await cluster.kubectl(['get', 'policyreports', '-A'])).code === 0 ? true : undefined), { description: 'PolicyReports to be served', timeoutMs: 30_000 });
    t.ok(served, 'the API server serves PolicyReports');
    const upgraded = await cluster.helm(['upgrade', release, CHART, '--namespace', releaseNs, '--set', 'replicas=1'], { timeoutMs: 120_000 });
    t.equal(upgraded.code, 0, `an upgrade keeps managing its own CRDs${upgraded.stderr ? `: ${upgraded.stderr}` : ''}`);
    t.equal((await crd(crds[0]!))?.metadata.annotations?.['meta.helm.sh/release-name'], release, 'still the release\'s after the upgrade');
    await uninstall();
    for (const name of crds) t.ok(await crd(name), `${name} kept on uninstall (other tools may write reports)`);
  });
});

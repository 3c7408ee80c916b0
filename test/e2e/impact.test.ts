/**
 * Impact at admission against a real API server (v1.20.2) and the real kubectl v1.35: the built
 * CLI serving with cluster state from its informers, registered by URL. Namespaces and pods are
 * created through the API (they stay Pending: no kubelet), their IPs set through the status
 * subresource. Then what a person sees: a server-side dry run of a default-deny shows the impact
 * and stores nothing; the real apply shows it too; a policy from an ipBlock is judged by the pods'
 * IPs; deleting the last isolating policy warns; an impact rule set to deny (by editing the
 * watched org-policy file) blocks a change over its threshold with a clear message. The metrics
 * and the debug log carry the rest.
 *
 * Writes docs/transcripts/impact.txt from the real output, which the README quotes.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { createNamespace, type KubectlRun, kubectlIn, REPO_ROOT, registerWebhook, startWebhook, transcript, VALIDATING_WEBHOOK, webhookTestBed, SHOP_DEFAULT_DENY as DEFAULT_DENY } from './webhook-fixture.js';

const TRANSCRIPTS = join(REPO_ROOT, 'docs', 'transcripts');

const CLUSTER = `apiVersion: v1
kind: Namespace
metadata: {name: ingress-nginx, labels: {kubernetes.io/metadata.name: ingress-nginx}}
---
apiVersion: v1
kind: Pod
metadata: {name: controller-1, namespace: ingress-nginx, labels: {app.kubernetes.io/name: controller}}
spec:
  containers: [{name: c, image: example/controller:1, ports: [{containerPort: 80}]}]
${[1, 2]
  .map(
    (i) => `---
apiVersion: v1
kind: Pod
metadata:
  name: web-5f6d7-${i}
  namespace: shop
  labels: {app: web, pod-template-hash: 5f6d7}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-5f6d7, uid: 6a1f3e52-0000-4000-8000-00000000000${i}, controller: true}]
spec:
  containers: [{name: web, image: example/web:1, ports: [{name: http, containerPort: 8080}]}]
`,
  )
  .join('')}---
apiVersion: v1
kind: Pod
metadata:
  name: api-0
  namespace: shop
  labels: {app: api}
  ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: api, uid: 6a1f3e52-0000-4000-8000-000000000009, controller: true}]
spec:
  containers: [{name: api, image: example/api:1, ports: [{name: grpc, containerPort: 9000}]}]
`;

const IPS: Record<string, string> = { 'ingress-nginx/controller-1': '10.3.0.1', 'shop/web-5f6d7-1': '10.2.0.1', 'shop/web-5f6d7-2': '10.2.0.2', 'shop/api-0': '10.2.0.9' };

const FROM_CONTROLLER_RANGE = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-from-ingress, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress:
  - from: [{ipBlock: {cidr: 10.3.0.0/24}}]
    ports: [{port: 8080}]
`;

const ORG_POLICY = (rules: string) => `apiVersion: netpol-guard.io/v1alpha1\nkind: OrgPolicy\nrules:\n${rules}`;

t.test('impact at admission through a real API server', async (t) => {
  const { workDir, cluster, manifests, started } = await webhookTestBed(t, 'impact');
  await writeFile(join(manifests, 'default-deny.yaml'), DEFAULT_DENY);
  await writeFile(join(manifests, 'web-from-ingress.yaml'), FROM_CONTROLLER_RANGE);
  const policyFile = join(workDir, 'org-policy.yaml');
  await writeFile(policyFile, ORG_POLICY('  policy-name-pattern: {action: off}\n'));
  /** kubectl as a terminal shows it (warnings, then the result), run from the manifests' directory. */
  const kubectl = (args: string[]) => kubectlIn(cluster, manifests, args, { combined: true });

  const serving = await cluster.issueCertificate({ name: 'netpol-guard', usage: 'server', subjectAltNames: ['IP:127.0.0.1'] });
  const webhook = started(await startWebhook({ workDir, name: 'impact', certFile: serving.certFile, keyFile: serving.keyFile, kubeconfig: cluster.kubeconfig, extraArgs: ['--policy', policyFile, '--log-level', 'debug'], startTimeoutMs: 120_000 }));
  const logs = () => webhook.logLines();
  await createNamespace(cluster, 'probe-impact', 'impact');
  await registerWebhook(cluster, { name: 'impact', url: webhook.url, caPem: cluster.caPem, failurePolicy: 'Fail', mutating: false }, 'probe-impact');

  await createNamespace(cluster, 'shop', 'impact');
  await cluster.kubectl(['apply', '-f', '-'], { input: CLUSTER, check: true });
  for (const [key, ip] of Object.entries(IPS)) {
    const [ns, name] = key.split('/') as [string, string];
    await cluster.kubectl(['patch', 'pod', name, '-n', ns, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { podIP: ip, podIPs: [{ ip }] } })], { check: true });
  }
  const phases = await cluster.kubectl(['get', 'pods', '-A', '-o', 'jsonpath={range .items[*]}{.metadata.name}={.status.phase}/{.status.podIP} {end}'], { check: true });
  t.match(phases.stdout, /web-5f6d7-1=Pending\/10\.2\.0\.1/, 'pods stay Pending, with the IPs set through the status subresource');

  // The informers and the model catch up within a few seconds: poll the preview until it sees all pods.
  let preview: KubectlRun | undefined;
  await cluster.waitFor(
    async () => {
      preview = await kubectl(['apply', '--dry-run=server', '-f', 'default-deny.yaml']);
      return preview.stdout.includes('isolates 3 pods') || undefined;
    },
    { timeoutMs: 90_000, intervalMs: 500, description: 'the webhook to see the pods in its model' },
  );
  t.ok(logs().some((l) => l.msg === 'connectivity model built'), 'the model was built once the view synced, off the review path');

  const runs: KubectlRun[] = [];
  await t.test('kubectl apply --dry-run=server of a default-deny: the impact, nothing stored', async (t) => {
    const dry = preview!;
    runs.push(dry);
    const lines = dry.stdout.trimEnd().split('\n');
    const impact = lines.filter((l) => l.startsWith('Warning: shop/default-deny: [impact] '));
    t.ok(impact.length >= 1 && impact.length <= 3, `at most 3 impact lines (${impact.length})`);
    t.equal(
      impact[0],
      'Warning: shop/default-deny: [impact] isolates 3 pods (shop/web, shop/api) for ingress; 9 flows lost, 4 sources that can connect today lose access: shop/web -> shop/web 8080/TCP, ingress-nginx/controller -> shop/web 8080/TCP, +3 more',
    );
    t.ok(lines.includes('Warning: shop/default-deny: [impact-cuts-existing-flows] spec: cuts 9 flows allowed today, 4 sources to 3 pods: shop/web -> shop/web 8080/TCP, ingress-nginx/controller -> shop/web 8080/TCP, +3 more'), 'the rule warns');
    t.equal(lines.at(-1), 'networkpolicy.networking.k8s.io/default-deny created (server dry run)');
    const get = await kubectl(['get', 'networkpolicies', '-n', 'shop']);
    runs.push(get);
    t.equal(get.stdout, 'No resources found in shop namespace.\n', 'nothing stored');
  });

  await t.test('the real apply shows it too; a policy from an ipBlock is judged by the pods\' IPs', async (t) => {
    const apply = await kubectl(['apply', '-f', 'default-deny.yaml']);
    runs.push(apply);
    t.equal(apply.code, 0);
    t.match(apply.stdout, /^Warning: shop\/default-deny: \[impact\] isolates 3 pods \(shop\/web, shop\/api\) for ingress; 9 flows lost/m);
    t.match(apply.stdout, /networkpolicy\.networking\.k8s\.io\/default-deny created\n$/);
    // The model follows the stored policy (an informer event): the next change is judged against it.
    let ipBlock: KubectlRun | undefined;
    await cluster.waitFor(
      async () => {
        ipBlock = await kubectl(['apply', '--dry-run=server', '-f', 'web-from-ingress.yaml']);
        return ipBlock.stdout.includes('flows gained') || undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, description: 'the model to hold the default-deny' },
    );
    runs.push(ipBlock!);
    t.match(ipBlock!.stdout, /Warning: shop\/web-from-ingress: \[impact\] 2 flows gained from 1 source: ingress-nginx\/controller -> shop\/web 8080\/TCP/, 'only the controller, by its IP 10.3.0.1, gains access');
    t.notMatch(ipBlock!.stdout, /isolates/, 'the web pods were isolated already');
  });

  await t.test('DELETE of the last isolating policy warns', async (t) => {
    const del = await kubectl(['delete', 'networkpolicy', 'default-deny', '-n', 'shop']);
    runs.push(del);
    t.equal(del.code, 0);
    const lines = del.stdout.trimEnd().split('\n');
    t.match(del.stdout, /Warning: shop\/default-deny: \[impact\] opens 3 pods \(shop\/web, shop\/api\) for ingress: no NetworkPolicy isolates them any more/);
    t.ok(lines.some((l) => l.startsWith('Warning: shop/default-deny: [delete-leaves-pods-open] metadata: leaves 3 pods with no policy isolating their ingress (shop/web, shop/api)')), 'delete-leaves-pods-open');
    t.ok(lines.some((l) => l.startsWith('Warning: shop/default-deny: [impact-opens-to-world] metadata: lets every address outside the cluster reach 3 pods')), 'impact-opens-to-world');
    t.equal(lines.at(-1), 'networkpolicy.networking.k8s.io "default-deny" deleted from shop namespace');
  });

  await t.test('an impact rule set to deny blocks a change over its threshold, with a clear message', async (t) => {
    const reloads = logs().filter((l) => l.msg === 'org policy reloaded').length;
    await writeFile(policyFile, ORG_POLICY('  impact-cuts-existing-flows:\n    action: deny\n    params: {threshold: 8}\n'));
    await cluster.waitFor(() => logs().filter((l) => l.msg === 'org policy reloaded').length > reloads || undefined, { timeoutMs: 30_000, description: 'the org policy to reload' });
    let denied: KubectlRun | undefined;
    // The deletion reaches the model through the informers: wait until the cut is whole again.
    await cluster.waitFor(
      async () => {
        denied = await kubectl(['apply', '-f', 'default-deny.yaml']);
        return denied.stdout.includes('Forbidden') || undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, description: 'the deny to apply' },
    );
    runs.push(denied!);
    t.equal(denied!.code, 1);
    t.match(
      denied!.stdout,
      `Error from server (Forbidden): error when creating "default-deny.yaml": admission webhook "${VALIDATING_WEBHOOK}" denied the request: NetworkPolicy "default-deny" in namespace "shop" violates the cluster's NetworkPolicy rules:\n[impact-cuts-existing-flows] spec: cuts 9 flows allowed today (threshold 8), 4 sources to 3 pods: shop/web -> shop/web 8080/TCP, ingress-nginx/controller -> shop/web 8080/TCP, +3 more`,
    );
    t.match(denied!.stdout, /Warning: shop\/default-deny: \[impact\] isolates 3 pods/, 'the impact is still said');
    const get = await kubectl(['get', 'networkpolicies', '-n', 'shop']);
    t.equal(get.stdout, 'No resources found in shop namespace.\n', 'nothing stored');
    const under = await kubectl(['apply', '--dry-run=server', '-f', 'web-from-ingress.yaml']);
    t.match(under.stdout, /created \(server dry run\)\n$/, 'a change under the threshold (4 flows cut) passes');
  });

  await t.test('the metrics and the debug log carry the rest', async (t) => {
    const metrics = await webhook.metrics();
    const computed = Number(/netpol_guard_impact_total\{outcome="computed"\} (\d+)/.exec(metrics)?.[1] ?? 0);
    t.ok(computed >= 6, `impact computed for every review (${computed})`);
    t.match(metrics, /netpol_guard_connectivity_model_updates_total\{kind="built"\} 1\n/, 'built once');
    t.match(metrics, /netpol_guard_connectivity_model_updates_total\{kind="derived"\} [1-9]/, 'then derived from the informers\' changes');
    t.match(metrics, /netpol_guard_impact_duration_seconds_count [1-9]/);
    const impactLines = logs().filter((l) => l.msg === 'impact' && Array.isArray(l.lost) && (l.lost as unknown[]).length === 9);
    t.ok(impactLines.length > 0, 'the debug log lists every flow');
    t.ok((impactLines[0]?.lost as string[]).includes('ingress-nginx/controller-1>shop/web-5f6d7-1:8080/TCP'));
  });

  await mkdir(TRANSCRIPTS, { recursive: true });
  await writeFile(join(TRANSCRIPTS, 'impact.txt'), transcript(...runs));
});

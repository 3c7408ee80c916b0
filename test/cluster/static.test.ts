/**
 * The static ClusterView: the manifest loader (files, directories, multi-document, Lists, other
 * kinds, unusable documents), the view it builds, and every cluster rule flagging and passing
 * through it — also end to end through reviewNetworkPolicy.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import t from 'tap';
import { loadClusterState } from '../../src/cluster/load-state.js';
import { staticClusterView } from '../../src/cluster/static.js';
import { NpgError } from '../../src/errors.js';
import { builtinPolicy } from '../../src/policy/parse.js';
import { reviewNetworkPolicy } from '../../src/review.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { fromNamespaceSelector, makeNetworkPolicy, port, withIngressPorts, withPodSelector } from '../helpers/netpol.js';
import { parsePolicy } from '../../src/policy/parse.js';
import { stubClusterView } from '../helpers/cluster.js';
import { type Example, EXAMPLES } from '../rules/examples/index.js';
import { runRuleOnExample } from '../helpers/run-rule.js';
import { SHOP, namespace, pod, service, validatingWebhook } from './manifests.js';

async function tempDir(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'npg-state-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const dump = (objects: readonly unknown[]) => objects.map((o) => yaml.dump(o)).join('---\n');

async function rejection(p: Promise<unknown>): Promise<NpgError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof NpgError) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

t.test('loader: files, directories, multi-document, Lists, JSON, other kinds', async (t) => {
  const dir = await tempDir(t);
  await mkdir(join(dir, 'nested', 'deeper'), { recursive: true });
  await mkdir(join(dir, '..data'), { recursive: true });
  await writeFile(join(dir, 'namespaces.yaml'), dump([namespace('shop', { team: 'shop' }), null, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }]));
  await writeFile(
    join(dir, 'nested', 'pods.yml'),
    yaml.dump({ apiVersion: 'v1', kind: 'List', items: [pod('shop', 'web-1', { app: 'web' }), { apiVersion: 'v1', kind: 'PodList', items: [pod('shop', 'web-2', { app: 'web' })] }] }),
  );
  await writeFile(join(dir, 'nested', 'deeper', 'svc.json'), JSON.stringify(service('shop', 'web', { app: 'web' }, [{ port: 80, targetPort: 8080 }])));
  await writeFile(join(dir, 'nested', 'deploy.yaml'), yaml.dump({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'shop' }, spec: {} }));
  await writeFile(join(dir, 'README.md'), 'not a manifest: [');
  await writeFile(join(dir, '..data', 'hidden.yaml'), 'kind: [');
  await writeFile(join(dir, 'node.yaml'), yaml.dump({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec: { podCIDR: '10.244.0.0/24' } }));
  const extra = join(await tempDir(t), 'policy.yaml');
  await writeFile(extra, yaml.dump(makeNetworkPolicy((np) => (np.metadata!.namespace = 'shop'))));

  const view = await loadClusterState([dir, extra]);
  t.equal(view.ready, true);
  t.equal(view.source, `static:${dir},${extra}`);
  t.same(view.pods('shop').map((p) => p.name).sort(), ['web-1', 'web-2'], 'List and nested PodList expanded');
  t.same(view.services('shop')[0], { namespace: 'shop', name: 'web', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] });
  t.same(view.nodes(), [{ name: 'n1', podCIDRs: ['10.244.0.0/24'] }]);
  t.same(view.namespaceLabels('shop'), { team: 'shop', 'kubernetes.io/metadata.name': 'shop' });
  t.same(view.networkPolicies('shop')[0]?.spec?.policyTypes, ['Ingress'], 'policies defaulted as the API server stores them');
  t.equal(view.status().counts.pods, 2);
  t.equal(view.status().counts.daemonsets, 0, 'Deployments and ConfigMaps are not part of the view');
});

t.test('loader: unusable documents name the file, the document and the reason', async (t) => {
  const dir = await tempDir(t);
  const cases: [string, string, RegExp][] = [
    ['scalar.yaml', `${dump([namespace('a')])}---\njust a string\n`, /scalar\.yaml document 2: expected a Kubernetes object, got "just a string"/],
    ['nokind.yaml', 'apiVersion: v1\nmetadata: {name: x}\n', /nokind\.yaml document 1: kind: required/],
    ['port.yaml', dump([pod('a', 'p', {}, [{ containerPort: '80' as unknown as number }])]), /port\.yaml document 1: Pod a\/p: spec\.containers\[0\]\.ports\[0\]\.containerPort: expected a port number 1-65535, got "80"/],
    ['label.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: x, labels: {version: 1}}\n', /label\.yaml document 1: Namespace x: metadata\.labels\.version: expected a string, got 1/],
    ['noname.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {namespace: a}\n', /noname\.yaml document 1: Service: metadata\.name: required/],
    ['list.yaml', yaml.dump({ apiVersion: 'v1', kind: 'List', items: [namespace('a'), 7] }), /list\.yaml document 1 items\[1\]: expected a Kubernetes object, got 7/],
    ['policy.yaml', yaml.dump({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p' }, spec: { ingress: 'all' } }), /policy\.yaml document 1: NetworkPolicy p: spec\.ingress/],
    ['syntax.yaml', `${dump([namespace('a')])}---\nkind: [unclosed\n`, /syntax\.yaml document 2 \(line \d+\): not valid YAML or JSON/],
  ];
  for (const [file, text, message] of cases) {
    await writeFile(join(dir, file), text);
    const err = await rejection(loadClusterState([join(dir, file)]));
    t.equal(err.code, 'NPG_CLUSTER_STATE_INVALID', file);
    t.match(err.message, message, file);
  }
  t.equal((await rejection(loadClusterState([join(dir, 'missing.yaml')]))).code, 'NPG_INPUT_UNREADABLE');
  const empty = join(dir, 'empty');
  await mkdir(empty);
  t.match((await rejection(loadClusterState([empty]))).message, /no \.yaml, \.yml or \.json files/);
});

t.test('the view: projections, implicit namespaces, finished pods, shared label sets', async (t) => {
  const view = staticClusterView(
    [
      pod('web', 'a', { app: 'web' }, [{ name: 'http', containerPort: 8080 }], { hostNetwork: true }),
      pod('web', 'b', { app: 'web' }, [{ name: 'http', containerPort: 8080 }]),
      pod('web', 'done', { app: 'web' }, [], { phase: 'Failed' }),
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'no-namespace' }, spec: { initContainers: [{ ports: [{ containerPort: 53, protocol: 'UDP' }] }] } },
      validatingWebhook('hook', { namespace: 'web', name: 'svc' }),
      { apiVersion: 'admissionregistration.k8s.io/v1beta1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'm' }, webhooks: [{ name: 'm.io', clientConfig: { url: 'https://x' } }] },
    ],
    'test',
  );
  const [a, b] = view.pods('web');
  t.same(a, { namespace: 'web', name: 'a', labels: { app: 'web' }, hostNetwork: true, ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] });
  t.equal(a?.labels, b?.labels, 'replicas share one label map');
  t.equal(a?.ports, b?.ports, 'and one port list');
  t.equal(view.pods('web').length, 2, 'finished pods are left out');
  t.same(view.pods('default')[0]?.ports, [{ containerPort: 53, protocol: 'UDP' }], 'namespace defaulted; init container ports kept');
  t.same(
    view.namespaces().map((n) => n.name).sort(),
    ['default', 'web'],
    'namespaces that objects live in exist, labelled as the API server would',
  );
  t.same(view.namespaceLabels('web'), { 'kubernetes.io/metadata.name': 'web' });
  t.same(view.webhooks(), [
    { configuration: 'hook', kind: 'ValidatingWebhookConfiguration', webhook: 'hook.example.io', failurePolicy: 'Fail', service: { namespace: 'web', name: 'svc', port: 443 } },
    { configuration: 'm', kind: 'MutatingWebhookConfiguration', webhook: 'm.io', failurePolicy: 'Ignore' },
  ]);
  t.throws(() => (view.pods('web') as unknown as unknown[]).push(1), 'lists handed out are frozen');
  t.equal(view.pods('web'), view.pods('web'), 'and cached');
  t.throws(() => staticClusterView(['x'], 'code'), /code: object 0: expected a Kubernetes object/);
});

t.test('every cluster rule flags and passes through a loaded static view', async (t) => {
  const dir = await tempDir(t);
  let n = 0;
  for (const rule of ALL_RULES.filter((r) => r.cluster !== 'none')) {
    const examples = EXAMPLES[rule.id]!;
    const withCluster = (list: readonly Example[]) => list.filter((ex) => ex.cluster);
    t.ok(withCluster(examples.flagged).length > 0 && withCluster(examples.passes).length > 0, `${rule.id} has cluster examples both ways`);
    for (const [expected, list] of [['flags', examples.flagged], ['passes', examples.passes]] as const) {
      for (const ex of withCluster(list)) {
        const file = join(dir, `state-${n++}.yaml`);
        await writeFile(file, dump(ex.cluster!));
        const found = runRuleOnExample(rule, ex, await loadClusterState([file]));
        if (expected === 'flags') t.ok(found.length > 0 && (!ex.field || found[0]?.field === ex.field), `${rule.id} flags: ${ex.name}`);
        else t.same(found, [], `${rule.id} passes: ${ex.name}`);
      }
    }
  }
});

t.test('through reviewNetworkPolicy: warnings, a denial, and visible skips', async (t) => {
  const policy = builtinPolicy();
  const review = (object: unknown, cluster?: ReturnType<typeof staticClusterView>) =>
    reviewNetworkPolicy({ operation: 'CREATE', object, strictFields: true, includeApiWarnings: false }, { policy, ...(cluster ? { cluster } : {}) });

  const cluster = staticClusterView(SHOP, 'test');
  const wrongPort = makeNetworkPolicy((np) => (np.metadata!.namespace = 'default'), withPodSelector({ matchLabels: { app: 'hello' } }), withIngressPorts(port('TCP', 80)));
  const r1 = review(wrongPort, cluster);
  t.equal(r1.verdict, 'allowed');
  t.ok(
    r1.warnings.some((w) =>
      w.startsWith('default/foo: [service-port-not-pod-port] spec.ingress[0].ports[0].port: port 80 is the port of service hello, not of its pods; did you mean 8080 (targetPort of service hello)?'),
    ),
    'service-port-not-pod-port warns',
  );

  const typo = makeNetworkPolicy((np) => (np.metadata!.namespace = 'default'), withPodSelector({ matchLabels: { app: 'postgress' } }));
  const r2 = review(typo, cluster);
  t.ok(r2.warnings.some((w) => w.startsWith('default/foo: [pod-selector-matches-nothing] spec.podSelector: selects no pod in namespace "default"')), 'pod-selector-matches-nothing warns');

  const webhookState = staticClusterView(
    [
      ...SHOP,
      namespace('netpol-guard'),
      pod('netpol-guard', 'npg-1', { app: 'netpol-guard' }, [{ name: 'https', containerPort: 8443 }]),
      service('netpol-guard', 'netpol-guard', { app: 'netpol-guard' }, [{ port: 443, targetPort: 8443 }]),
      validatingWebhook('netpol-guard', { namespace: 'netpol-guard', name: 'netpol-guard', port: 443 }),
    ],
    'test',
  );
  const denyAll = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny-all', namespace: 'netpol-guard' }, spec: { podSelector: {}, policyTypes: ['Ingress'] } };
  const r3 = review(denyAll, webhookState);
  t.equal(r3.verdict, 'forbidden', 'webhook-backend-isolated denies by default');
  t.match(r3.status?.message, /\[webhook-backend-isolated\] spec\.policyTypes: blocks TCP 8443 of webhook service netpol-guard/);

  const none = review(typo);
  t.same(none.evaluation.skipped.find((s) => s.rule === 'pod-selector-matches-nothing'), {
    rule: 'pod-selector-matches-nothing',
    reason: 'cluster-off',
    detail: 'no cluster state',
  });
  t.equal(none.auditAnnotations['skipped-rules'], undefined, 'no cluster by configuration: not repeated per request');
  t.notOk(none.warnings.some((w) => w.includes('pod-selector-matches-nothing')));
  const stale = review(typo, stubClusterView({ ready: false }));
  t.match(stale.auditAnnotations['skipped-rules'], /"rule":"pod-selector-matches-nothing","reason":"cluster state not synced"/);
  t.ok(stale.warnings.some((w) => /^default\/foo: netpol-guard: cluster state not synced; rules not run: .*pod-selector-matches-nothing/.test(w)), 'a stale cluster: the person applying is told');
});

t.test('rules that only use the cluster run without it, and get it only when ready', async (t) => {
  const policy = builtinPolicy();
  const seed002 = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'allow-myapp-ingress', namespace: 'default' },
    spec: { podSelector: { matchLabels: { app: 'myapp' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '10.244.0.0/16' } }] }] },
  };
  const run = (cluster?: ReturnType<typeof staticClusterView>) =>
    reviewNetworkPolicy({ operation: 'CREATE', object: seed002, strictFields: true, includeApiWarnings: false }, { policy, ...(cluster ? { cluster } : {}) }).warnings.filter((w) =>
      w.startsWith('default/allow-myapp-ingress: [ipblock-cluster-cidr]'),
    );
  t.same(run(), [], 'no pod CIDR known: nothing');
  t.match(run(staticClusterView(SHOP, 'x'))[0], /overlaps the pod network 10\.244\.0\.0\/24 \(a node's podCIDR\)/);
  const notReady = { ...staticClusterView(SHOP, 'x'), ready: false };
  t.same(run(notReady), [], 'a view that is not ready is not used');
});

t.test('one root cause, one warning: a namespace label never set beats "matches no namespace"', async (t) => {
  const review = (object: unknown, policy = builtinPolicy()) =>
    reviewNetworkPolicy({ operation: 'CREATE', object, strictFields: true, includeApiWarnings: false }, { policy, cluster: staticClusterView(SHOP, 'test') });
  const byName = makeNetworkPolicy((np) => (np.metadata!.namespace = 'default'), withIngressPorts(port('TCP', 80)), fromNamespaceSelector({ matchLabels: { name: 'shop' } }));
  const r = review(byName);
  const active = r.evaluation.findings.filter((f) => f.effect === 'warn').map((f) => `${f.rule} ${f.field}`);
  t.same(active.filter((x) => x.includes('namespaceSelector')).sort(), [
    'namespace-label-never-set spec.ingress[0].from[0].namespaceSelector.matchLabels',
    'peer-matches-nothing spec.ingress[0].from[0].namespaceSelector',
  ], 'both rules fire on the selector');
  const aboutSelector = r.warnings.filter((w) => w.includes('namespaceSelector'));
  t.same(aboutSelector, [
    'default/foo: [namespace-label-never-set] spec.ingress[0].from[0].namespaceSelector.matchLabels: namespace label "name" is never set by Kubernetes; use "kubernetes.io/metadata.name: shop"',
  ], 'the warning says the more specific one only');
  t.match(r.auditAnnotations.rules, /namespace-label-never-set/);
  t.match(r.auditAnnotations.rules, /peer-matches-nothing/, 'the other stays in the audit annotation');

  const off = review(byName, parsePolicy('rules:\n  namespace-label-never-set: {action: off}\n', 'p.yaml', ALL_RULES));
  t.same(off.warnings.filter((w) => w.includes('namespaceSelector')).map((w) => w.split(':')[1]), [' [peer-matches-nothing] spec.ingress[0].from[0].namespaceSelector'], 'with the specific rule off, the general one warns');

  const typo = makeNetworkPolicy((np) => (np.metadata!.namespace = 'default'), withIngressPorts(port('TCP', 80)), fromNamespaceSelector({ matchLabels: { team: 'shop' } }));
  t.ok(review(typo).warnings.some((w) => w.startsWith('default/foo: [peer-matches-nothing] spec.ingress[0].from[0].namespaceSelector: matches no namespace')), 'another cause: the general one warns');
});

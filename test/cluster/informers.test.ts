/**
 * The informer view against a fake API server (fake-apiserver.ts): sync, projection, watch
 * updates, pagination, relist on 410 and on resync, staleness and recovery, hung and forbidden
 * servers, configuration errors, the RBAC rules against the requests really made, and the same
 * verdicts as the static view for every cluster rule example.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { CLUSTER_RBAC_RULES, createInformerClusterView, informerTiming } from '../../src/cluster/informers.js';
import { loadKubeConfig } from '../../src/cluster/kubeconfig.js';
import { staticClusterView } from '../../src/cluster/static.js';
import { NpgError } from '../../src/errors.js';
import { admitNetworkPolicy } from '../../src/netpol/admit.js';
import { decodeNetworkPolicy } from '../../src/netpol/decode.js';
import { ruleContext, sharedRuleContext } from '../../src/policy/evaluate.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { EXAMPLES, type Example } from '../rules/examples/index.js';
import { COLLECTIONS, FakeApiServer } from './fake-apiserver.js';
import { quiet, setup, until } from './informer-setup.js';
import { SHOP, namespace, pod } from './manifests.js';

t.test('syncs, projects on arrival and follows watch events', async (t) => {
  const { fake, informers, view } = await setup(t, SHOP);
  t.equal(view.ready, true);
  t.equal(view.source, 'informers');
  t.equal(informers.readiness().ok, true);
  t.match(informers.readiness().detail, /^synced from --kubeconfig .*; cache age \d+s; 4 namespaces, 7 pods, 3 services, 0 policies, 0 ClusterNetworkPolicies$/);
  t.same(Object.keys(view.pods('default')[0]!).sort(), ['hostNetwork', 'labels', 'name', 'namespace', 'ports'], 'only the projected fields are kept');
  t.notOk(view.pods('default').some((p) => p.name === 'job-1'), 'finished pods are left out');

  fake.put('pods', pod('default', 'hello-1', { app: 'hello', version: '2' }) as never);
  fake.put('namespaces', namespace('shop', { team: 'shop' }) as never);
  fake.put('networkpolicies', {
    metadata: { name: 'from', namespace: 'shop' },
    spec: { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { a: 'b' } } }], ports: [{ port: 80, protocol: 'TCP' }] }] },
  });
  await until('the label change', () => view.pods('default').find((p) => p.name === 'hello-1')?.labels.version === '2');
  await until('the new namespace', () => view.namespaceLabels('shop')?.team === 'shop');
  await until('the policy', () => view.networkPolicies('shop').length === 1);
  t.same(view.networkPolicies('shop')[0]?.spec?.ingress, [{ from: [{ podSelector: { matchLabels: { a: 'b' } } }], ports: [{ port: 80, protocol: 'TCP' }] }], 'from survives the client models');

  fake.put('pods', pod('default', 'balance-1', { app: 'balance' }, [], { phase: 'Succeeded' }) as never);
  fake.remove('services', 'hello', 'default');
  await until('the finished pod to go', () => !view.pods('default').some((p) => p.name === 'balance-1'));
  await until('the deleted service to go', () => !view.services('default').some((s) => s.name === 'hello'));
  t.pass('updates, finishes and deletions applied');
});

t.test('the same verdicts as the static view for every cluster rule example', async (t) => {
  const byCluster = new Map<readonly unknown[], { rule: (typeof ALL_RULES)[number]; ex: Example }[]>();
  for (const rule of ALL_RULES.filter((r) => r.cluster !== 'none')) {
    for (const ex of [...EXAMPLES[rule.id]!.flagged, ...EXAMPLES[rule.id]!.passes]) {
      if (!ex.cluster) continue;
      byCluster.set(ex.cluster, [...(byCluster.get(ex.cluster) ?? []), { rule, ex }]);
    }
  }
  for (const [objects, cases] of byCluster) {
    const { view, informers } = await setup(t, objects);
    const stat = staticClusterView(objects, 'static');
    for (const { rule, ex } of cases) {
      const operation = ex.operation ?? 'CREATE';
      const api = admitNetworkPolicy({ operation: operation === 'UPDATE' ? 'UPDATE' : 'CREATE', object: ex.object, oldObject: ex.old, namespace: 'default' });
      const shared = sharedRuleContext({
        operation,
        policy: api.defaulted!,
        submitted: api.submitted,
        old: ex.old ? decodeNetworkPolicy(ex.old).policy : undefined,
        namespace: api.defaulted!.metadata!.namespace!,
      });
      const params = rule.params.parse(ex.params ?? {});
      t.same(
        rule.check(api.defaulted!, ruleContext(shared, rule, params, view)),
        rule.check(api.defaulted!, ruleContext(shared, rule, params, stat)),
        `${rule.id}: ${ex.name}`,
      );
    }
    await informers.stop();
  }
});

t.test('pages through long lists', async (t) => {
  const many = Array.from({ length: 1234 }, (_, i) => pod(`ns-${i % 7}`, `p-${i}`, { app: `a-${i % 5}` }));
  const { fake, view } = await setup(t, many);
  t.equal(view.pods().length, 1234);
  const pages = fake.requests.filter((r) => r.path === COLLECTIONS.pods && r.query.get('watch') !== 'true');
  t.same(pages.map((r) => r.query.get('continue')), [null, '500', '1000'], 'three pages of 500');
});

t.test('relists on 410 Gone and every resyncSeconds', async (t) => {
  const { fake, view } = await setup(t, SHOP, { staleAfterSeconds: 4, resyncSeconds: 2 });
  const lists = () => fake.requests.filter((r) => r.path === COLLECTIONS.pods && r.query.get('watch') !== 'true').length;
  const first = lists();
  await until('a periodic relist', () => lists() > first, 6000);
  fake.compactedBefore = Number.MAX_SAFE_INTEGER;
  const before = lists();
  await until('a relist after 410', () => lists() > before, 6000);
  fake.compactedBefore = 0;
  fake.put('pods', pod('default', 'late', { app: 'late' }) as never);
  await until('the cache to follow again', () => view.pods('default').some((p) => p.name === 'late'));
  t.equal(view.ready, true);
});

t.test('an unreachable API server: not ready within the bound, never throws, recovers by itself', async (t) => {
  const staleAfterSeconds = 2;
  const { fake, view, informers } = await setup(t, SHOP, { staleAfterSeconds });
  await fake.pause();
  const wentStale = await until('ready to turn false', () => !view.ready, 10_000);
  t.ok(wentStale <= (staleAfterSeconds + 2) * 1000, `not ready after ${wentStale}ms (bound ${staleAfterSeconds}s, plus slack for a loaded machine)`);
  t.equal(view.pods().length, 7, 'the last known state is still readable');
  t.equal(view.status().synced, true);
  t.ok(view.status().ageSeconds >= staleAfterSeconds);
  t.match(view.status().lastError, /ECONNREFUSED|closed|Premature/);
  t.equal(informers.readiness().ok, true, 'a stale cache keeps the webhook in service');
  t.match(informers.readiness().detail, /^stale: .* cluster-aware rules are skipped/);

  fake.put('pods', pod('default', 'while-away', { app: 'x' }) as never);
  await fake.resume();
  const recovered = await until('ready again', () => view.ready, 15_000);
  t.ok(recovered < 8000, `ready again ${recovered}ms after the API server came back`);
  await until('the missed change', () => view.pods('default').some((p) => p.name === 'while-away'));
});

t.test('a hung API server: not ready within the bound; a silent watch is reopened', async (t) => {
  const { fake, view } = await setup(t, SHOP, { staleAfterSeconds: 2 });
  fake.hang = true; // open watches end on their own; reopening them gets no answer
  const wentStale = await until('ready to turn false', () => !view.ready, 10_000);
  t.ok(wentStale <= 4500, `not ready after ${wentStale}ms`);
  t.match(view.status().lastError, /no answer in time|watch stalled/);
  fake.hang = false;
  await until('ready again', () => view.ready, 10_000);

  const stalled = await setup(t, SHOP, { staleAfterSeconds: 4 });
  stalled.fake.silentWatches = true;
  const watches = () => stalled.fake.requests.filter((r) => r.path === COLLECTIONS.pods && r.query.get('watch') === 'true').length;
  const before = watches();
  await until('the silent watch to be aborted and reopened', () => watches() >= before + 2, 10_000);
  t.equal(stalled.view.ready, true, 'a server that accepts watches is current');
  t.match(stalled.view.status().lastError, /watch stalled: nothing from the API server for \d+s; reopened/);
});

t.test('start() never hangs: a hung or forbidden API server, an abort, a stop', async (t) => {
  const hung = await setup(t, SHOP, { start: false, staleAfterSeconds: 4 });
  hung.fake.hang = true;
  const started = Date.now();
  await t.rejects(hung.informers.start({ timeoutMs: 1500 }), /cluster state not synced within 1.5s: waiting for namespaces, pods/);
  t.ok(Date.now() - started < 4000, 'rejected on time');
  t.equal(hung.view.ready, false);
  t.same(hung.informers.readiness().ok, false);
  t.match(hung.informers.readiness().detail, /^waiting for the first sync of namespaces/);
  hung.fake.hang = false;
  await until('the informers to get through once the server answers', () => hung.view.ready, 15_000);
  t.equal(hung.informers.readiness().ok, true);

  const forbidden = await setup(t, SHOP, { start: false });
  forbidden.fake.forbidden.add('pods');
  // On a loaded machine other resources may still be listing after 1.5 s: pods must be among them, and the error theirs.
  await t.rejects(forbidden.informers.start({ timeoutMs: 1500 }), /waiting for [^(]*\bpods\b[^(]*\(last error: pods: HTTP 403: pods is forbidden.*needs list and watch on pods/);

  const aborted = await setup(t, SHOP, { start: false });
  aborted.fake.hang = true;
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  await t.rejects(aborted.informers.start({ signal: ac.signal, timeoutMs: 60_000 }), /before start was aborted/);

  const stopped = await setup(t, SHOP, { start: false });
  stopped.fake.hang = true;
  const pending = stopped.informers.start({ timeoutMs: 60_000 });
  const s0 = Date.now();
  await stopped.informers.stop();
  await t.rejects(pending, /before stop\(\)/);
  t.ok(Date.now() - s0 < 2000, 'stop() does not wait for hung requests');
  await stopped.informers.stop();
  t.equal(stopped.informers.readiness().ok, false);
  await t.rejects(stopped.informers.start(), /already stopped/);
});

t.test('CLUSTER_RBAC_RULES are exactly what the informers use', async (t) => {
  const { fake } = await setup(t, SHOP, { staleAfterSeconds: 2 });
  await sleep(1200); // let the first watches end and reopen
  // RBAC knows group and resource, not version: the ClusterNetworkPolicy version asked first
  // and not served (404) needs the same grant as the one that answers.
  const used = new Set(
    fake.requests.map((r) => {
      const group = r.path.startsWith('/api/') ? '' : r.path.split('/')[2]!;
      const resource = r.path.split('/').pop()!;
      return `${group}/${resource}/${r.query.get('watch') === 'true' ? 'watch' : 'list'}`;
    }),
  );
  const granted = new Set(CLUSTER_RBAC_RULES.flatMap((rule) => rule.apiGroups.flatMap((g) => rule.resources.flatMap((res) => rule.verbs.map((v) => `${g}/${res}/${v}`)))));
  t.same([...used].sort(), [...granted].sort(), 'every request is granted and every grant is used');
  t.ok(CLUSTER_RBAC_RULES.every((r) => r.verbs.every((v) => v === 'list' || v === 'watch')), 'read-only');
  t.ok(fake.requests.every((r) => r.method === 'GET'));
});

t.test('client configuration', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'npg-kubeconfig-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const fake = await FakeApiServer.start();
  t.teardown(() => fake.close());
  const file = await fake.writeKubeconfig(join(dir, 'config'));
  const opts = { requestTimeoutMs: 1000, homeDir: join(dir, 'home'), serviceAccountDir: join(dir, 'sa') };

  t.equal(loadKubeConfig({ ...opts, kubeconfig: file, env: {} }).origin, `--kubeconfig ${file}`);
  t.equal(loadKubeConfig({ ...opts, env: { KUBECONFIG: `${join(dir, 'nope')}:${file}` } }).server, fake.url, 'KUBECONFIG, missing files skipped');
  await mkdir(join(dir, 'home', '.kube'), { recursive: true });
  await writeFile(join(dir, 'home', '.kube', 'config'), await (await import('node:fs/promises')).readFile(file, 'utf8'));
  t.equal(loadKubeConfig({ ...opts, env: {} }).origin, join(dir, 'home', '.kube', 'config'), '~/.kube/config');
  await mkdir(join(dir, 'sa'));
  await writeFile(join(dir, 'sa', 'token'), 'token');
  const inCluster = loadKubeConfig({ ...opts, env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' } });
  t.same([inCluster.origin, inCluster.server], ['in-cluster', 'https://[fd00::1]:443'], 'in-cluster wins over ~/.kube/config');

  const code = (f: () => unknown) => {
    try {
      f();
    } catch (err) {
      return err instanceof NpgError ? `${err.code}: ${err.message}` : String(err);
    }
    return 'no error';
  };
  t.match(code(() => loadKubeConfig({ ...opts, homeDir: join(dir, 'nohome'), serviceAccountDir: join(dir, 'nosa'), env: {} })), /^NPG_CLUSTER_CONFIG: no Kubernetes client configuration/);
  t.match(code(() => loadKubeConfig({ ...opts, kubeconfig: join(dir, 'missing') })), /^NPG_CLUSTER_CONFIG: --kubeconfig .*missing: no such file/);
  await writeFile(join(dir, 'bad'), 'clusters: [oops');
  t.match(code(() => loadKubeConfig({ ...opts, kubeconfig: join(dir, 'bad') })), /^NPG_CLUSTER_CONFIG: --kubeconfig .*bad: cannot load/);
  await writeFile(join(dir, 'nocontext'), 'apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\n');
  t.match(code(() => loadKubeConfig({ ...opts, kubeconfig: join(dir, 'nocontext') })), /no current-context/);

  const informers = createInformerClusterView({ kubeconfig: join(dir, 'missing'), resyncSeconds: 60, logger: quiet });
  await t.rejects(informers.start(), { code: 'NPG_CLUSTER_CONFIG' });
  t.throws(() => createInformerClusterView({ resyncSeconds: 0, logger: quiet }), { code: 'NPG_OPTION_INVALID' });
});

t.test('the timing derived from the staleness bound', async (t) => {
  t.same(informerTiming(300, 120), {
    resyncMs: 300_000,
    watchWindowSeconds: 30,
    requestTimeoutMs: 30_000,
    stallMs: 45_000,
    backoffBaseMs: 500,
    backoffMaxMs: 30_000,
    pageSize: 500,
    tickMs: 5000,
  });
  const small = informerTiming(60, 4);
  t.ok(small.watchWindowSeconds * 1000 < 4000 && small.stallMs < 4000 && small.backoffMaxMs < 4000, 'every knob fits inside a small bound');
});

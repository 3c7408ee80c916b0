/**
 * The informer ClusterView against a real kube-apiserver v1.20.2: as a user holding only the
 * ClusterRole made of CLUSTER_RBAC_RULES, it syncs, sees labelled namespaces, Pending pods with
 * container ports and Services, follows a label change without a restart, and the cluster rules
 * flag and pass on what it sees. The view talks to the API server through a TCP pass-through on
 * loopback, so "the API server goes away and comes back on the same address" can be played by
 * closing and reopening that pass-through; finally the API server itself is stopped.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { CLUSTER_RBAC_RULES, createInformerClusterView } from '../../src/cluster/informers.js';
import type { ClusterView } from '../../src/cluster/view.js';
import { builtinPolicy } from '../../src/policy/parse.js';
import { reviewNetworkPolicy } from '../../src/review.js';
import { type Cluster, newWorkDir, startCluster } from './harness/cluster.js';

const STALE_AFTER_SECONDS = 4;

/** A loopback TCP pass-through to the API server that can be closed and reopened on its port. */
class PassThrough {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: number) {}

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  /** Every connection reset, new ones refused: the API server is unreachable. */
  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

async function viewKubeconfig(cluster: Cluster, file: string, server: string, user: string): Promise<string> {
  const cert = await cluster.issueCertificate({ name: user, commonName: user, usage: 'client' });
  await writeFile(
    file,
    `apiVersion: v1
kind: Config
clusters:
- name: e2e
  cluster: {server: "${server}", certificate-authority-data: ${b64(cluster.caPem)}}
users:
- name: ${user}
  user: {client-certificate-data: ${b64(cert.certPem)}, client-key-data: ${b64(cert.keyPem)}}
contexts:
- name: e2e
  context: {cluster: e2e, user: ${user}}
current-context: e2e
`,
    { mode: 0o600 },
  );
  return file;
}

function clusterRole(name: string, rules: readonly { apiGroups: readonly string[]; resources: readonly string[]; verbs: readonly string[] }[], user: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
        subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user }],
      },
    ],
  });
}

const STATE = `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {team: shop, kubernetes.io/metadata.name: shop}}
---
apiVersion: v1
kind: Namespace
metadata: {name: hooks, labels: {kubernetes.io/metadata.name: hooks}}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: shop, labels: {app: web}}
spec:
  containers:
  - {name: web, image: example/web:1, ports: [{name: http, containerPort: 8080}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db-0, namespace: shop, labels: {app: db}}
spec:
  containers:
  - {name: db, image: example/db:1, ports: [{name: pg, containerPort: 5432}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080, protocol: TCP}]
---
apiVersion: v1
kind: Pod
metadata: {name: coredns-1, namespace: kube-system, labels: {k8s-app: kube-dns}}
spec:
  containers:
  - name: coredns
    image: example/coredns:1
    ports: [{name: dns, containerPort: 53, protocol: UDP}, {name: dns-tcp, containerPort: 53, protocol: TCP}]
---
apiVersion: v1
kind: Pod
metadata: {name: hook-1, namespace: hooks, labels: {app: hook}}
spec:
  containers:
  - {name: hook, image: example/hook:1, ports: [{name: https, containerPort: 8443}]}
---
apiVersion: v1
kind: Service
metadata: {name: hook, namespace: hooks}
spec:
  selector: {app: hook}
  ports: [{port: 443, targetPort: 8443, protocol: TCP}]
---
# Called for a resource that does not exist, so the API server never actually calls it here.
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: hook}
webhooks:
- name: hook.example.io
  sideEffects: None
  admissionReviewVersions: [v1]
  failurePolicy: Fail
  clientConfig: {service: {namespace: hooks, name: hook, port: 443}}
  rules: [{apiGroups: [example.io], apiVersions: [v1], operations: [CREATE], resources: [widgets]}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: kube-flannel-ds, namespace: kube-system}
spec:
  selector: {matchLabels: {app: flannel}}
  template:
    metadata: {labels: {app: flannel}}
    spec:
      containers: [{name: kube-flannel, image: docker.io/flannel/flannel:v0.25.1}]
`;

const policy = (namespace: string, spec: unknown) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace }, spec });

function review(object: unknown, cluster: ClusterView) {
  return reviewNetworkPolicy({ operation: 'CREATE', object, strictFields: true, includeApiWarnings: false }, { policy: builtinPolicy(), cluster });
}

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const started = Date.now();
  const value = await f();
  return [value, Date.now() - started];
}

t.test('the informer view against a real API server', async (t) => {
  const workDir = await newWorkDir('cluster-view');
  const cluster = await startCluster({ workDir });
  const passThrough = new PassThrough(cluster.ports.api);
  await passThrough.open();
  const logs: string[] = [];
  const logger = {
    info: (o: object, m: string) => logs.push(`info ${m} ${JSON.stringify(o)}`),
    warn: (o: object, m: string) => logs.push(`warn ${m} ${JSON.stringify(o)}`),
    error: (o: object, m: string) => logs.push(`error ${m} ${JSON.stringify(o)}`),
  };
  const stops: (() => Promise<void>)[] = [];
  t.teardown(async () => {
    for (const stop of stops) await stop();
    await passThrough.close();
    await cluster.stop();
    if (t.passing()) await rm(workDir, { recursive: true, force: true });
    else t.comment(`work dir kept: ${workDir}\n${logs.slice(-30).join('\n')}`);
  });
  t.comment(`API server ready after ${cluster.startupMs} ms`);

  await cluster.kubectl(['apply', '-f', '-'], { input: clusterRole('netpol-guard-view', CLUSTER_RBAC_RULES, 'netpol-guard-view'), check: true });
  await cluster.kubectl(['label', 'namespace', 'kube-system', 'kubernetes.io/metadata.name=kube-system'], { check: true });
  await cluster.kubectl(['apply', '-f', '-'], { input: STATE, check: true });

  const kubeconfig = await viewKubeconfig(cluster, join(workDir, 'view.kubeconfig'), `https://127.0.0.1:${passThrough.port}`, 'netpol-guard-view');
  const informers = createInformerClusterView({ kubeconfig, resyncSeconds: 60, staleAfterSeconds: STALE_AFTER_SECONDS, logger });
  stops.push(() => informers.stop());
  const view = informers.view;

  await t.test('syncs with nothing but CLUSTER_RBAC_RULES and sees the state', async (t) => {
    const [, ms] = await timed(() => informers.start({ timeoutMs: 30_000 }));
    t.comment(`first sync in ${ms} ms`);
    t.equal(view.ready, true);
    t.equal(informers.readiness().ok, true);
    t.same(view.namespaceLabels('shop'), { team: 'shop', 'kubernetes.io/metadata.name': 'shop' });
    t.same(
      view.pods('shop').map((p) => [p.name, p.labels.app, p.ports.map((x) => `${x.name}:${x.containerPort}/${x.protocol}`)]).sort(),
      [
        ['db-0', 'db', ['pg:5432/TCP']],
        ['web-1', 'web', ['http:8080/TCP']],
      ],
    );
    t.same(view.services('shop')[0]?.ports, [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }]);
    t.same(view.webhooks().map((w) => w.service), [{ namespace: 'hooks', name: 'hook', port: 443 }]);
    t.ok(view.daemonSets().some((d) => d.name === 'kube-flannel-ds'));
  });

  await t.test('cluster rules flag and pass on what it sees', async (t) => {
    const servicePort = review(policy('shop', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 80 }] }] }), view);
    t.ok(servicePort.warnings.some((w) => w.startsWith('shop/p: [service-port-not-pod-port] spec.ingress[0].ports[0].port: port 80 is the port of service web')));
    t.ok(servicePort.warnings.some((w) => w.startsWith('shop/p: [cni-without-policy-support] spec: flannel (kube-system/kube-flannel-ds)')));
    const podPort = review(policy('shop', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 8080 }] }] }), view);
    t.notOk(podPort.warnings.some((w) => /service-port-not-pod-port|pod-selector-matches-nothing/.test(w)));
    const dns = review(
      policy('shop', {
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 'dns', protocol: 'UDP' }, { port: 'dns-tcp', protocol: 'TCP' }] }],
      }),
      view,
    );
    t.notOk(dns.warnings.some((w) => /egress-without-dns|named-port-missing|peer-matches-nothing/.test(w)), 'DNS to the real DNS pods by named ports');
    const hooks = review(policy('hooks', { podSelector: {}, policyTypes: ['Ingress'] }), view);
    t.equal(hooks.verdict, 'forbidden');
    t.match(hooks.status?.message, /\[webhook-backend-isolated\] spec\.policyTypes: blocks TCP 8443 of webhook service hook/);
  });

  await t.test('follows a label change without a restart', async (t) => {
    const web = policy('shop', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 8080 }] }] });
    t.notOk(review(web, view).warnings.some((w) => w.includes('pod-selector-matches-nothing')));
    await cluster.kubectl(['label', 'pod', 'web-1', '-n', 'shop', 'app=frontend', '--overwrite'], { check: true });
    const [, ms] = await timed(() => cluster.waitFor(() => view.pods('shop').find((p) => p.name === 'web-1')?.labels.app === 'frontend', { timeoutMs: 10_000, intervalMs: 20, description: 'the new label' }));
    t.comment(`label change seen after ${ms} ms`);
    t.ok(review(web, view).warnings.some((w) => w.startsWith('shop/p: [pod-selector-matches-nothing] spec.podSelector: selects no pod in namespace "shop"')));
  });

  await t.test('unreachable API server: not ready within the bound, rules skipped, recovery by itself', async (t) => {
    await passThrough.close();
    const [, stale] = await timed(() => cluster.waitFor(() => !view.ready, { timeoutMs: 20_000, intervalMs: 50, description: 'the view to go stale' }));
    t.comment(`not ready ${stale} ms after the API server became unreachable`);
    t.ok(stale <= (STALE_AFTER_SECONDS + 1.5) * 1000, `within staleAfterSeconds (${STALE_AFTER_SECONDS}s) plus a tick`);
    const during = review(policy('shop', { podSelector: { matchLabels: { app: 'nothing' } } }), view);
    t.match(during.auditAnnotations['skipped-rules'], /"rule":"pod-selector-matches-nothing","reason":"cluster state not synced"/);
    t.equal(during.verdict, 'allowed');
    t.ok(during.warnings.some((w) => /^shop\/p: netpol-guard: cluster state not synced; rules not run: .*pod-selector-matches-nothing/.test(w)), 'the person applying is told');
    t.equal(informers.readiness().ok, true, 'stale, but the webhook stays in service');
    t.match(informers.readiness().detail, /^stale:/);

    await cluster.kubectl(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: Pod\nmetadata: {name: late-1, namespace: shop, labels: {app: late}}\nspec:\n  containers: [{name: c, image: example/late:1}]\n', check: true });
    await passThrough.open();
    const [, back] = await timed(() => cluster.waitFor(() => view.ready, { timeoutMs: 30_000, intervalMs: 50, description: 'the view to recover' }));
    t.comment(`ready again ${back} ms after the API server became reachable`);
    await cluster.waitFor(() => view.pods('shop').some((p) => p.name === 'late-1'), { timeoutMs: 10_000, description: 'the change made during the outage' });
    t.pass('caught up with the change made while away');
  });

  await t.test('a ClusterRole missing a resource: start() rejects on time, naming it', async (t) => {
    const partial = CLUSTER_RBAC_RULES.map((r) => ({ ...r, resources: r.resources.filter((x) => x !== 'pods') })).filter((r) => r.resources.length > 0);
    await cluster.kubectl(['apply', '-f', '-'], { input: clusterRole('netpol-guard-partial', partial, 'netpol-guard-partial'), check: true });
    const file = await viewKubeconfig(cluster, join(workDir, 'partial.kubeconfig'), cluster.apiUrl, 'netpol-guard-partial');
    const denied = createInformerClusterView({ kubeconfig: file, resyncSeconds: 60, staleAfterSeconds: STALE_AFTER_SECONDS, logger: { info() {}, warn() {}, error() {} } });
    stops.push(() => denied.stop());
    await t.rejects(denied.start({ timeoutMs: 3000 }), /waiting for pods \(last error: pods: HTTP 403: pods is forbidden: User "netpol-guard-partial" cannot list resource "pods".*needs list and watch on pods/);
    await denied.stop();
  });

  await t.test('the API server stops: not ready within the bound; nothing throws or hangs', async (t) => {
    await cluster.stop();
    const [, stale] = await timed(() => cluster.waitFor(() => !view.ready, { timeoutMs: 20_000, intervalMs: 50, description: 'the view to go stale' }));
    t.comment(`not ready ${stale} ms after kube-apiserver stopped`);
    t.ok(stale <= (STALE_AFTER_SECONDS + 1.5) * 1000);
    t.doesNotThrow(() => [view.pods(), view.services('shop'), view.status(), informers.readiness()]);
    const [, ms] = await timed(() => informers.stop());
    t.ok(ms < 2000, `stop() took ${ms} ms`);
    t.equal(informers.readiness().ok, false);
  });
});

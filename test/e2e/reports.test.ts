/**
 * Audit reports against a real kube-apiserver v1.20.2: the chart's report CRDs (and a
 * ClusterNetworkPolicy CRD with a Baseline policy that never applies) installed, two
 * replicas of the built server (two processes) with --audit-reports. Only the Lease holder
 * writes; reports appear for the namespaces with policies or findings, owned by a ClusterRole;
 * an audit of an unchanged cluster rewrites nothing; changing a NetworkPolicy updates its
 * namespace's report; deleting one removes its results (and the report, when it was the last);
 * killing the leader (SIGKILL, no release) hands writing to the other replica within the lease
 * duration plus a retry period.
 */
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { type Cluster, newWorkDir, startCluster } from './harness/cluster.js';
import { ManagedProcess } from './harness/processes.js';
import { get } from './harness/net.js';
import { waitFor } from './harness/wait.js';
import { REPO_ROOT } from './webhook-fixture.js';

const LEASE_MS = 4000;
const RENEW_MS = 3000;
const RETRY_MS = 1000;
const CRD_DIR = join(REPO_ROOT, 'charts/netpol-guard/files/report-crds');
const CNP_CRD = join(REPO_ROOT, 'test/e2e/fixtures/clusternetworkpolicies-crd.yaml');

/** A Baseline rule that never decides a flow: every shop pod is isolated by allow-all. */
const BASELINE_SHOP = `apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: {name: baseline-shop}
spec:
  tier: Baseline
  priority: 10
  subject:
    namespaces: {matchLabels: {kubernetes.io/metadata.name: shop}}
  ingress:
  - {name: deny-all, action: Deny, from: [{namespaces: {}}]}
`;

interface Replica {
  readonly name: string;
  readonly proc: ManagedProcess;
  readonly healthUrl: string;
  logLines(): Record<string, unknown>[];
  metrics(): Promise<string>;
}

function readLog(file: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    if (!raw.startsWith('{')) continue;
    try {
      out.push(JSON.parse(raw) as Record<string, unknown>);
    } catch {
      // a line still being written
    }
  }
  return out;
}

async function startReplica(cluster: Cluster, workDir: string, name: string, policyFile: string, extraArgs: string[] = []): Promise<Replica> {
  const dir = join(workDir, name);
  await mkdir(dir, { recursive: true });
  const logFile = join(dir, 'serve.log');
  await writeFile(logFile, '');
  const proc = new ManagedProcess({
    name: `netpol-guard ${name}`,
    command: process.execPath,
    args: [
      join(REPO_ROOT, 'dist/main.js'), 'serve',
      '--listen', '127.0.0.1:0',
      '--health-listen', '127.0.0.1:0',
      '--cert-dir', join(dir, 'certs'),
      '--kubeconfig', cluster.kubeconfig,
      '--policy', policyFile,
      '--shutdown-delay', '0',
      '--audit-reports',
      '--report-owner', 'netpol-guard-e2e',
      '--lease-namespace', 'default',
      '--lease-identity', name,
      '--lease-duration', String(LEASE_MS),
      '--lease-renew-deadline', String(RENEW_MS),
      '--lease-retry-period', String(RETRY_MS),
      '--audit-debounce', '300',
      '--audit-min-interval', '500',
      ...extraArgs,
    ],
    logFile,
    cwd: REPO_ROOT,
  });
  const serving = await waitFor(
    () => {
      if (!proc.running) throw new Error(`${name} ${proc.describeExit()}:\n${readFileSync(logFile, 'utf8')}`);
      return readLog(logFile).find((l) => typeof l.health === 'string');
    },
    { timeoutMs: 120_000, intervalMs: 100, description: `${name} to log its addresses` },
  );
  const healthUrl = serving.health as string;
  return { name, proc, healthUrl, logLines: () => readLog(logFile), metrics: async () => (await get(`${healthUrl}/metrics`)).body };
}

const STATE = `
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {kubernetes.io/metadata.name: shop}}
---
apiVersion: v1
kind: Namespace
metadata: {name: quiet, labels: {kubernetes.io/metadata.name: quiet}}
---
apiVersion: v1
kind: Namespace
metadata: {name: open, labels: {kubernetes.io/metadata.name: open}}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: shop, labels: {app: web}}
spec:
  containers: [{name: web, image: example/web:1, ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: db-1, namespace: shop, labels: {app: db}}
spec:
  containers: [{name: db, image: example/db:1, ports: [{containerPort: 5432}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: app-1, namespace: open, labels: {app: app}}
spec:
  containers: [{name: app, image: example/app:1, ports: [{containerPort: 8080}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress: [{}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 5432}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-ingress, namespace: quiet}
spec:
  podSelector: {}
  policyTypes: [Ingress]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: {name: netpol-guard-e2e}
rules: []
`;

const POLICY = `rules:
  allow-all-ingress: {action: deny}
`;

interface Report {
  metadata: { name: string; namespace?: string; resourceVersion: string; ownerReferences?: { kind: string; name: string; uid: string }[] };
  summary: Record<string, number>;
  results: { policy: string; rule: string; result: string; severity?: string; resources?: { kind: string; namespace?: string; name: string }[] }[];
}

t.test('audit reports on a real API server, two replicas', async (t) => {
  const workDir = await newWorkDir('reports');
  const cluster = await startCluster({ workDir });
  t.teardown(() => cluster.stop());
  const kubectl = async (args: string[], input?: string) => (await cluster.kubectl(args, { check: true, ...(input !== undefined ? { input } : {}) })).stdout;
  const json = async <T>(args: string[]): Promise<T> => JSON.parse(await kubectl([...args, '-o', 'json'])) as T;

  await kubectl(['apply', '-f', CRD_DIR, '-f', CNP_CRD]);
  await kubectl(['wait', '--for', 'condition=established', '--timeout', '60s', 'crd/policyreports.wgpolicyk8s.io', 'crd/clusterpolicyreports.wgpolicyk8s.io', 'crd/reports.openreports.io', 'crd/clusterreports.openreports.io', 'crd/clusternetworkpolicies.policy.networking.k8s.io']);
  await kubectl(['apply', '-f', '-'], STATE);
  // kubectl learns of a new kind through discovery, which may lag the CRD by a moment.
  await cluster.waitFor(async () => (await cluster.kubectl(['apply', '-f', '-'], { input: BASELINE_SHOP })).code === 0 || undefined, { timeoutMs: 30_000, description: 'the ClusterNetworkPolicy to be created' });
  const ownerUid = (await json<{ metadata: { uid: string } }>(['get', 'clusterrole', 'netpol-guard-e2e'])).metadata.uid;
  const policyFile = join(workDir, 'policy.yaml');
  await writeFile(policyFile, POLICY);

  const reports = async () => (await json<{ items: Report[] }>(['get', 'policyreports', '-A'])).items;
  const byNs = async () => Object.fromEntries((await reports()).map((r) => [r.metadata.namespace!, r]));
  const holder = async () => (await json<{ spec: { holderIdentity?: string } }>(['get', 'lease', 'netpol-guard-audit', '-n', 'default'])).spec.holderIdentity ?? '';

  const a = await startReplica(cluster, workDir, 'replica-a', policyFile);
  const b = await startReplica(cluster, workDir, 'replica-b', policyFile);
  const replicas = [a, b];
  t.teardown(async () => {
    for (const r of replicas) r.proc.killNow();
  });

  const leaderName = await cluster.waitFor(async () => (await holder()) || undefined, { timeoutMs: 30_000, description: 'a Lease holder' });
  t.ok(leaderName === 'replica-a' || leaderName === 'replica-b', `the Lease is held by one replica (${leaderName})`);
  const leader = leaderName === 'replica-a' ? a : b;
  const follower = leader === a ? b : a;

  await t.test('reports appear for the namespaces with policies or findings, written by the leader only', async (t) => {
    const ns = await cluster.waitFor(
      async () => {
        const m = await byNs();
        return m.shop && m.quiet ? m : undefined;
      },
      { timeoutMs: 60_000, description: 'PolicyReports in shop and quiet' },
    );
    t.same(Object.keys(ns).sort(), ['quiet', 'shop'], 'open has no policies: only cluster-level findings');
    const shop = ns.shop!;
    const fail = shop.results.filter((r) => r.result === 'fail');
    t.same(fail.map((r) => [r.policy, r.severity, r.resources?.[0]?.name]), [['allow-all-ingress', 'high', 'allow-all']]);
    t.ok(shop.results.some((r) => r.rule === 'redundant-policy' && r.resources?.[0]?.name === 'db'), 'db is redundant next to allow-all');
    t.equal(shop.summary.fail, 1);
    t.same(ns.quiet!.results.map((r) => [r.result, r.resources?.[0]?.name]), [['pass', 'deny-ingress']]);
    for (const r of Object.values(ns)) t.same(r.metadata.ownerReferences?.map((o) => [o.kind, o.name, o.uid]), [['ClusterRole', 'netpol-guard-e2e', ownerUid]], 'owned by the ClusterRole');
    const cluster_ = await json<Report>(['get', 'clusterpolicyreport', 'netpol-guard']);
    t.ok(cluster_.results.some((r) => r.rule === 'namespace-without-ingress-isolation' && r.resources?.[0]?.name === 'open'), 'open without ingress isolation, in the cluster report');
    t.same(
      cluster_.results.filter((r) => r.rule === 'baseline-rule-never-applies').map((r) => [r.result, r.resources?.map((x) => `${x.kind}/${x.name}`)]),
      [['warn', ['ClusterNetworkPolicy/baseline-shop']]],
      'the ClusterNetworkPolicy finding, from the watched ClusterNetworkPolicy, in the cluster report',
    );

    const leaderMetrics = await leader.metrics();
    const followerMetrics = await follower.metrics();
    t.match(leaderMetrics, /netpol_guard_audit_leader 1/);
    t.match(leaderMetrics, /netpol_guard_report_writes_total\{operation="create",result="success"\} [1-9]/);
    t.match(followerMetrics, /netpol_guard_audit_leader 0/);
    t.notMatch(followerMetrics, /netpol_guard_report_writes_total\{/, 'the follower wrote nothing');
    t.notMatch(followerMetrics, /netpol_guard_audit_runs_total\{/, 'the follower did not audit');
    t.notOk(follower.logLines().some((l) => l.msg === 'audit reports current'));
    t.equal((await get(`${follower.healthUrl}/readyz`)).status, 200, 'the follower is ready: it serves admission');
    const table = `$ kubectl get policyreports -A\n${await kubectl(['get', 'policyreports', '-A'])}$ kubectl get clusterpolicyreports\n${await kubectl(['get', 'clusterpolicyreports'])}`;
    await writeFile(join(workDir, 'kubectl-get-policyreports-first.txt'), table);
    t.comment(table);
  });

  await t.test('an unchanged cluster is audited again without a write', async (t) => {
    const before = Object.fromEntries((await reports()).map((r) => [r.metadata.namespace!, r.metadata.resourceVersion]));
    const runs = () => leader.logLines().filter((l) => l.msg === 'audit reports current').length;
    const seen = runs();
    // A change the audit sees but that changes no finding: a label on a pod nobody selects on.
    await kubectl(['label', 'pod', 'app-1', '-n', 'open', 'touched=yes']);
    await cluster.waitFor(() => runs() > seen, { timeoutMs: 30_000, description: 'another audit' });
    const last = leader.logLines().filter((l) => l.msg === 'audit reports current').at(-1)!;
    t.same([last.created, last.updated, last.deleted], [0, 0, 0], 'nothing written');
    t.same(Object.fromEntries((await reports()).map((r) => [r.metadata.namespace!, r.metadata.resourceVersion])), before, 'no resourceVersion moved');
  });

  await t.test('changing a NetworkPolicy updates its report, and only that one', async (t) => {
    const quietRv = (await byNs()).quiet!.metadata.resourceVersion;
    await kubectl(['apply', '-f', '-'], `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 8080}]}]
`);
    const shop = await cluster.waitFor(
      async () => {
        const s = (await byNs()).shop;
        return s && !s.results.some((r) => r.policy === 'allow-all-ingress') ? s : undefined;
      },
      { timeoutMs: 30_000, description: 'the allow-all-ingress failure to leave shop' },
    );
    t.equal(shop.summary.fail, 0);
    t.notOk(shop.results.some((r) => r.rule === 'redundant-policy'), 'db no longer redundant');
    t.equal((await byNs()).quiet!.metadata.resourceVersion, quietRv, "quiet's report was not rewritten");
  });

  await t.test("deleting a NetworkPolicy removes its results; the namespace's last one, its report", async (t) => {
    await kubectl(['delete', 'networkpolicy', 'db', '-n', 'shop']);
    await cluster.waitFor(async () => !(await byNs()).shop?.results.some((r) => r.resources?.some((x) => x.kind === 'NetworkPolicy' && x.name === 'db')), {
      timeoutMs: 30_000,
      description: "db's results to leave shop's report",
    });
    await kubectl(['delete', 'networkpolicy', 'deny-ingress', '-n', 'quiet']);
    await cluster.waitFor(async () => !(await byNs()).quiet, { timeoutMs: 30_000, description: "quiet's report to be deleted" });
    t.same(Object.keys(await byNs()).sort(), ['shop']);
  });

  await t.test('killing the leader hands writing to the other replica within the lease time', async (t) => {
    const killedAt = Date.now();
    leader.proc.killNow();
    await cluster.waitFor(async () => (await holder()) === follower.name, {
      timeoutMs: LEASE_MS + RETRY_MS + 10_000,
      intervalMs: 100,
      description: `${follower.name} to take the Lease`,
    });
    const handoverMs = Date.now() - killedAt;
    t.comment(`handover after SIGKILL of the leader: ${handoverMs} ms (lease ${LEASE_MS} ms, retry ${RETRY_MS} ms)`);
    await writeFile(join(workDir, 'handover-ms.txt'), String(handoverMs));
    await kubectl(['apply', '-f', '-'], `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all, namespace: open}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress: [{}]
`);
    const open = await cluster.waitFor(async () => (await byNs()).open, { timeoutMs: 30_000, description: 'the new leader to write open' });
    t.same(open.results.filter((r) => r.result === 'fail').map((r) => r.resources?.[0]?.name), ['allow-all']);
    t.match(await follower.metrics(), /netpol_guard_audit_leader 1/);
    t.match(await follower.metrics(), /netpol_guard_report_writes_total\{operation="create",result="success"\} [1-9]/);
    const table = await kubectl(['get', 'policyreports', '-A']);
    const clusterTable = await kubectl(['get', 'clusterpolicyreports']);
    await writeFile(join(workDir, 'kubectl-get-policyreports.txt'), `$ kubectl get policyreports -A\n${table}$ kubectl get clusterpolicyreports\n${clusterTable}`);
    t.comment(`$ kubectl get policyreports -A\n${table}$ kubectl get clusterpolicyreports\n${clusterTable}`);
    t.match(table, /open\s+netpol-guard\s+0\s+1\s+/);
  });

  await t.test('--report-api openreports.io/v1alpha1: Report and ClusterReport', async (t) => {
    const c = await startReplica(cluster, workDir, 'replica-openreports', policyFile, ['--report-api', 'openreports.io/v1alpha1', '--lease-name', 'netpol-guard-openreports']);
    replicas.push(c);
    const items = await cluster.waitFor(
      async () => {
        const list = (await json<{ items: (Report & { source?: string })[] }>(['get', 'reports.openreports.io', '-A'])).items;
        return list.length >= 2 ? list : undefined;
      },
      { timeoutMs: 60_000, description: 'openreports Reports' },
    );
    t.same(items.map((r) => r.metadata.namespace).sort(), ['open', 'shop']);
    t.ok(items.every((r) => r.source === 'netpol-guard'), 'top-level source');
    const open = items.find((r) => r.metadata.namespace === 'open')!;
    t.same(open.results.filter((r) => r.result === 'fail').map((r) => r.resources?.[0]?.name), ['allow-all']);
    const clusterReport = await json<Report & { source?: string }>(['get', 'clusterreports.openreports.io', 'netpol-guard']);
    t.equal(clusterReport.source, 'netpol-guard');
    const table = `$ kubectl get reports.openreports.io -A\n${await kubectl(['get', 'reports.openreports.io', '-A'])}`;
    t.comment(table);
    await c.proc.stop();
  });

  await t.test('a replica that stops releases the Lease', async (t) => {
    const stopping = follower.proc.stop();
    await stopping;
    const lease = await json<{ spec: { holderIdentity?: string } }>(['get', 'lease', 'netpol-guard-audit', '-n', 'default']);
    t.equal(lease.spec.holderIdentity ?? '', '', 'released on SIGTERM');
  });
});

/**
 * The offline commands read a live cluster (--kubeconfig) against a real kube-apiserver v1.20.2
 * and give the same answers as from manifests of the same objects (--cluster-state, written
 * with `kubectl get -o yaml`): simulate, impact and explain. Pods are created through the API
 * (they stay Pending: no kubelet), their IPs set through the status subresource.
 */
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import t from 'tap';
import { type Cluster, newWorkDir, startCluster } from './harness/cluster.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const PORTS = [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'dns', containerPort: 53, protocol: 'UDP' }];

function objects(): object[] {
  const out: object[] = [];
  let ip = 1;
  for (const ns of ['shop', 'web']) {
    out.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { team: ns } } });
    for (const app of ['api', 'db', 'ui']) {
      out.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${app}-0`, namespace: ns, labels: { app }, annotations: { ip: `10.3.0.${ip++}` } },
        spec: { containers: [{ name: 'c', image: 'registry.invalid/app:1', ports: PORTS }] },
      });
    }
  }
  out.push({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'db', namespace: 'shop' },
    spec: { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [{ port: 'http' }] }] },
  });
  return out;
}

let cluster: Cluster;
let kubeconfig: string;
let state: string;
let dir: string;

t.before(async () => {
  dir = await newWorkDir('live');
  cluster = await startCluster({ workDir: join(dir, 'cluster') });
  kubeconfig = cluster.kubeconfig;
  await cluster.kubectl(['apply', '-f', '-'], { input: objects().map((o) => yaml.dump(o)).join('---\n'), check: true });
  for (const o of objects() as { kind: string; metadata: { name: string; namespace?: string; annotations?: { ip?: string } } }[]) {
    const ip = o.metadata.annotations?.ip;
    if (o.kind !== 'Pod' || !ip) continue;
    await cluster.kubectl(['patch', 'pod', o.metadata.name, '-n', o.metadata.namespace!, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { podIP: ip, podIPs: [{ ip }] } })], { check: true });
  }
  const got = await cluster.kubectl(['get', 'namespaces,pods,networkpolicies', '-A', '-o', 'yaml'], { check: true });
  state = join(dir, 'state.yaml');
  await writeFile(state, got.stdout);
});
t.teardown(() => cluster?.stop());

t.test('simulate: the same flows live and from manifests', async (t) => {
  const live = cli(['simulate', '--kubeconfig', kubeconfig, '--namespace', 'shop', '-o', 'json']);
  t.equal(live.code, 0, live.stderr);
  const fromFiles = cli(['simulate', '--cluster-state', state, '--namespace', 'shop', '-o', 'json']);
  t.equal(fromFiles.code, 0, fromFiles.stderr);
  const liveOut = JSON.parse(live.stdout);
  t.same(liveOut, JSON.parse(fromFiles.stdout), 'flow for flow');
  const http = liveOut.probes.find((p: { port: number; protocol: string }) => p.port === 8080 && p.protocol === 'TCP');
  const flow = (from: string, to: string) => http.flows.find((f: { from: string; to: string }) => f.from === from && f.to === to);
  t.equal(flow('shop/api-0', 'shop/db-0').allowed, true, 'the policy admits the api');
  t.equal(flow('shop/ui-0', 'shop/db-0').allowed, false, 'and no one else');
});

t.test('impact of a default-deny: the same live and from manifests', async (t) => {
  const deny = join(dir, 'deny.yaml');
  await writeFile(deny, yaml.dump({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'web' }, spec: { podSelector: {} } }));
  const live = cli(['impact', '--kubeconfig', kubeconfig, deny, '-o', 'json']);
  t.equal(live.code, 0, live.stderr);
  const fromFiles = cli(['impact', '--cluster-state', state, deny, '-o', 'json']);
  const liveOut = JSON.parse(live.stdout);
  t.same(liveOut, JSON.parse(fromFiles.stdout));
  t.ok(liveOut.lost.some((f: { to: string }) => f.to === 'web/ui-0'), 'flows into web are lost');
});

t.test('explain: the live side names the same pods', async (t) => {
  const policy = join(dir, 'policy.yaml');
  await writeFile(policy, (await cluster.kubectl(['get', 'networkpolicy', 'db', '-n', 'shop', '-o', 'yaml'], { check: true })).stdout);
  const live = cli(['explain', '--kubeconfig', kubeconfig, policy, '-o', 'json']);
  t.equal(live.code, 0, live.stderr);
  const [e] = JSON.parse(live.stdout);
  t.same(e.cluster.selects.pods, ['shop/db-0']);
  t.same(e.cluster.ingress[0].peers[0].pods, { count: 1, pods: ['shop/api-0'] });
  const [fromFiles] = JSON.parse(cli(['explain', '--cluster-state', state, policy, '-o', 'json']).stdout);
  t.same({ ...e.cluster, source: '' }, { ...fromFiles.cluster, source: '' });
});

t.test('an API server that cannot be reached: a clear error, not a hang', async (t) => {
  const down = join(dir, 'down.kubeconfig');
  await writeFile(down, (await import('node:fs')).readFileSync(kubeconfig, 'utf8').replace(/server: https:\/\/127\.0\.0\.1:\d+/, 'server: https://127.0.0.1:1'));
  for (const command of ['simulate', 'impact']) {
    const r = cli([command, '--kubeconfig', down, ...(command === 'impact' ? ['--delete', 'shop/db'] : [])]);
    t.not(r.code, 0, `${command}: fails`);
    t.match(r.stderr, /NPG_CLUSTER_CONFIG/, `${command}: says the cluster could not be read`);
  }
});

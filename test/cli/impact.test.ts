/**
 * `netpol-guard impact`, the built CLI spawned as a user runs it: the JSON contract of
 * docs/cli.md on Kubernetes' own NetworkPolicy e2e cluster (create, update, delete; named,
 * numeric and default ports), the text summary grouped by workload, and bad input.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { E2E_CONTAINER_PORTS, e2eClusterObjects, namespaceManifest, podManifest, policyManifest, writeManifests } from '../helpers/impact.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, 'impact', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function json(args: string[]) {
  const r = cli([...args, '-o', 'json']);
  return { ...r, out: r.code === 0 || r.stdout ? JSON.parse(r.stdout) : undefined };
}

const pairs = (flows: { from: string; to: string; port: number; protocol: string }[]) => flows.map((f) => `${f.from}>${f.to} ${f.port}/${f.protocol}`);

const allowClient = (from: string) => policyManifest('x', 'allow-client-a', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ podSelector: { matchLabels: { pod: from } } }] }] });

t.test('UPDATE: the contract of the issue, flow for flow', async (t) => {
  const state = writeManifests([...e2eClusterObjects(), allowClient('b')]);
  const change = writeManifests([allowClient('c')]);
  const r = json(['--cluster-state', state, change, '--port', '80']);
  t.equal(r.code, 0, r.stderr);
  t.same(Object.keys(r.out), ['changes', 'lost', 'gained', 'isolated', 'opened', 'withoutPorts', 'reach']);
  t.same(r.out.changes, [{ operation: 'UPDATE', policy: 'x/allow-client-a' }]);
  t.same(r.out.lost, [{ from: 'x/b', to: 'x/a', port: 80, protocol: 'TCP' }]);
  t.same(r.out.gained, [{ from: 'x/c', to: 'x/a', port: 80, protocol: 'TCP' }]);
  t.same(r.out.isolated, { ingress: [], egress: [] });
  t.same(r.out.opened, { ingress: [], egress: [] });
});

t.test('CREATE of a default-deny: every flow into x, on each port asked or declared', async (t) => {
  const state = writeManifests(e2eClusterObjects());
  const deny = writeManifests([policyManifest('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] })]);
  const one = json(['--cluster-state', state, deny, '--port', '80', '--port', '81/udp']);
  t.equal(one.code, 0, one.stderr);
  t.same(one.out.changes, [{ operation: 'CREATE', policy: 'x/deny-all' }]);
  t.equal(one.out.lost.length, 3 * 8 * 2, '3 pods in x, 8 other pods each, 2 probes');
  t.same(new Set(one.out.lost.map((f: { port: number; protocol: string }) => `${f.port}/${f.protocol}`)), new Set(['80/TCP', '81/UDP']));
  t.ok(one.out.lost.every((f: { to: string; from: string }) => f.to.startsWith('x/') && f.from !== f.to));
  t.same(one.out.isolated, { ingress: ['x/a', 'x/b', 'x/c'], egress: [] });
  const all = json(['--cluster-state', state, deny]);
  t.equal(all.out.lost.length, 3 * 8 * E2E_CONTAINER_PORTS.length, 'default: every declared port, TCP, UDP and SCTP');
  const named = json(['--cluster-state', state, deny, '--port', 'serve-81-sctp/SCTP']);
  t.same(new Set(named.out.lost.map((f: { port: number; protocol: string }) => `${f.port}/${f.protocol}`)), new Set(['81/SCTP']), 'a named port resolves to its number');
  t.equal(named.out.lost.length, 24);
});

t.test('egress: a policy limiting y/a to DNS loses y/a to everyone, not the others', async (t) => {
  const state = writeManifests(e2eClusterObjects());
  const dnsOnly = writeManifests([policyManifest('y', 'dns-only', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] })]);
  const r = json(['--cluster-state', state, dnsOnly, '--port', '80']);
  t.same(pairs(r.out.lost), ['y/a>x/a 80/TCP', 'y/a>x/b 80/TCP', 'y/a>x/c 80/TCP', 'y/a>y/b 80/TCP', 'y/a>y/c 80/TCP', 'y/a>z/a 80/TCP', 'y/a>z/b 80/TCP', 'y/a>z/c 80/TCP']);
  t.same(r.out.isolated, { ingress: [], egress: ['y/a'] });
});

t.test('DELETE of the last isolating policy: flows come back, pods open, new reach named', async (t) => {
  const state = writeManifests([...e2eClusterObjects(), policyManifest('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] })]);
  const r = json(['--cluster-state', state, '--delete', 'x/deny-all', '--port', '80']);
  t.equal(r.code, 0, r.stderr);
  t.same(r.out.changes, [{ operation: 'DELETE', policy: 'x/deny-all' }]);
  t.same(r.out.lost, []);
  t.equal(r.out.gained.length, 24);
  t.same(r.out.opened, { ingress: ['x/a', 'x/b', 'x/c'], egress: [] });
  t.same(r.out.reach.world, ['x/a', 'x/b', 'x/c']);
  const text = cli(['--cluster-state', state, '--delete', 'x/deny-all', '--port', '80']);
  t.match(text.stdout, /^\[impact\] delete x\/deny-all: opens 3 pods \(x\/a, x\/b, x\/c\) for ingress/);
  t.match(text.stdout, /newly reachable from outside the cluster: 3 pods/);
  t.match(text.stdout, /Gained flows \(24\):\n {2}x\/a -> x\/b 80\/TCP {2}\(was ingress: isolated for ingress by x\/deny-all/);
});

t.test('text: grouped by workload (Deployment from its ReplicaSet, StatefulSet, labels), at most 3 short lines', async (t) => {
  const http = [{ containerPort: 8080, protocol: 'TCP' }];
  const state = writeManifests([
    namespaceManifest('shop'),
    namespaceManifest('ingress-nginx'),
    ...[1, 2, 3].map((i) => podManifest('shop', `web-7d4b9c-${i}`, { app: 'web', 'pod-template-hash': '7d4b9c' }, { ip: `10.2.0.${i}`, ports: http, owner: { kind: 'ReplicaSet', name: 'web-7d4b9c' } })),
    podManifest('shop', 'db-0', { app: 'db' }, { ip: '10.2.0.10', owner: { kind: 'StatefulSet', name: 'db' } }),
    podManifest('ingress-nginx', 'ctl-1', { 'app.kubernetes.io/name': 'controller' }, { ip: '10.3.0.1' }),
  ]);
  const deny = writeManifests([policyManifest('shop', 'default-deny', { podSelector: {}, policyTypes: ['Ingress'] })]);
  const r = cli(['--cluster-state', state, deny]);
  t.equal(r.code, 0, r.stderr);
  const summary = r.stdout.split('\n\n')[0]?.split('\n') ?? [];
  t.ok(summary.length >= 1 && summary.length <= 3, 'at most 3 summary lines');
  t.ok(summary.every((l) => l.length <= 256 && l.startsWith('[impact]')));
  t.match(summary[0], /^\[impact\] shop\/default-deny: isolates 4 pods \(shop\/web, shop\/db\) for ingress; 12 flows lost, 5 sources that can connect today lose access: /);
  t.match(summary[0], /ingress-nginx\/controller -> shop\/web 8080\/TCP/);
  t.match(r.stdout, /1 selected pod declares no container ports, so flows to it were not compared \(shop\/db\)/);
  t.match(r.stdout, /Selected pods without declared ports \(not compared\) \(1\):\n {2}shop\/db-0\n/);
});

t.test('bad input: a clear message and exit 2, never a crash', async (t) => {
  const state = writeManifests(e2eClusterObjects());
  const deny = writeManifests([policyManifest('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] })]);
  const cases: [string[], RegExp][] = [
    [[deny], /give exactly one of --cluster-state or --kubeconfig/],
    [['--cluster-state', state], /no change given: FILES or --delete/],
    [['--cluster-state', state, deny, '--port', '80/ICMP'], /expected PORT or PORT\/PROTOCOL with TCP, UDP or SCTP/],
    [['--cluster-state', state, '--delete', 'x/nope'], /--delete x\/nope: no NetworkPolicy x\/nope in the cluster, nothing to delete/],
    [['--cluster-state', '/nonexistent/state', deny], /NPG_INPUT_UNREADABLE/],
    [['--kubeconfig', '/nonexistent/kubeconfig', deny], /NPG_CLUSTER_CONFIG/],
  ];
  for (const [args, message] of cases) {
    const r = cli(args);
    t.equal(r.code, 2, `${args.join(' ')}: exit 2`);
    t.match(r.stderr, message);
    t.notMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
  }
});

t.test('a policy the API server would reject is left out with file and line; the others still count', async (t) => {
  const state = writeManifests(e2eClusterObjects());
  const files = writeManifests([
    policyManifest('x', 'bad', { podSelector: { matchLabels: { 'no good/key': 'a' } }, policyTypes: ['Ingress'] }),
    policyManifest('y', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] }),
  ]);
  const r = json(['--cluster-state', state, files, '--port', '80']);
  t.equal(r.code, 2);
  t.match(r.stderr, /state\.yaml:\d+: the API server would reject this NetworkPolicy, left out: .*spec\.podSelector\.matchLabels/);
  t.same(r.out.changes, [{ operation: 'CREATE', policy: 'y/deny-all' }]);
  t.equal(r.out.lost.length, 24);
});

/**
 * `netpol-guard simulate` as a user runs it (the built CLI): the JSON contract's shape, the truth
 * table, the why of one flow, selectors, default and named ports, outside addresses, and every
 * kind of bad input answered clearly.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const STATE = fileURLToPath(new URL('../fixtures/simulate/e2e-cluster.yaml', import.meta.url));
t.setTimeout(300_000);

const dir = mkdtempSync(join(tmpdir(), 'npg-simulate-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [MAIN, 'simulate', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const DENY_X = file(
  'deny-x.yaml',
  `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: x}
spec:
  podSelector: {}
  ingress:
    - from: [{ipBlock: {cidr: 203.0.113.0/24}}]
      ports: [{port: serve-80-tcp}]
`,
);

t.test('JSON: one entry per ordered pair of distinct pods per probe, with both sides', async (t) => {
  const r = run(DENY_X, '--cluster-state', STATE, '-o', 'json', '--port', '80', '--namespace', 'x', '--namespace', 'y');
  t.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  t.same(Object.keys(out), ['probes', 'podsWithoutPorts', 'unknown', 'errors']);
  t.equal(out.probes.length, 1);
  t.same([out.probes[0].port, out.probes[0].protocol], [80, 'TCP']);
  t.equal(out.probes[0].flows.length, 6 * 5);
  const f = out.probes[0].flows.find((x: { from: string; to: string }) => x.from === 'y/a' && x.to === 'x/b');
  t.same(Object.keys(f), ['from', 'to', 'allowed', 'egress', 'ingress']);
  t.equal(f.allowed, false);
  t.equal(f.egress.decidedBy, 'default');
  t.equal(f.ingress.decidedBy, 'networkpolicy');
  t.same(f.ingress.policies, ['x/deny']);
  t.ok(out.probes[0].flows.some((x: { from: string; to: string; allowed: boolean }) => x.from === 'x/a' && x.to === 'y/b' && x.allowed));
});

t.test('default ports: every port each destination declares; outside addresses with cidr:', async (t) => {
  const r = run(DENY_X, '--cluster-state', STATE, '-o', 'json', '--from', 'cidr:203.0.113.7', '--to', 'x/*');
  t.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  t.same(out.probes.map((p: { port: number; protocol: string }) => `${p.port}/${p.protocol}`), ['80/TCP', '80/UDP', '80/SCTP', '81/TCP', '81/UDP', '81/SCTP']);
  const allowed = out.probes.map((p: { flows: { allowed: boolean }[] }) => p.flows.filter((f) => f.allowed).length);
  t.same(allowed, [3, 0, 0, 0, 0, 0], 'the address block on the named port 80/TCP only');
  t.equal(out.probes[0].flows[0].from, 'cidr:203.0.113.7');
  t.equal(out.probes[0].flows[0].egress.decidedBy, 'outside');
});

t.test('a named probe port resolves per destination; a pod without it is denied with the reason', async (t) => {
  const extra = file(
    'extra.yaml',
    `apiVersion: v1
kind: Pod
metadata: {name: plain, namespace: y, labels: {pod: plain}}
spec: {containers: [{name: c, image: i}]}
status: {podIP: 10.0.1.1}
`,
  );
  const r = run(DENY_X, extra, '--cluster-state', STATE, '-o', 'json', '--port', 'serve-81-udp/udp', '--from', 'x/a', '--to', 'y/a', '--to', 'y/plain');
  t.equal(r.code, 0, r.stderr);
  const [probe] = JSON.parse(r.stdout).probes;
  t.same([probe.port, probe.protocol], ['serve-81-udp', 'UDP']);
  t.same(
    probe.flows.map((f: { to: string; allowed: boolean; port?: number }) => [f.to, f.allowed, f.port]),
    [
      ['y/a', true, 81],
      ['y/plain', false, undefined],
    ],
  );
  t.match(probe.flows[1].ingress.reason, /declares no UDP port named "serve-81-udp"/);
});

t.test('table: the e2e truth table; one source and one destination: the why', async (t) => {
  const table = run(DENY_X, '--cluster-state', STATE, '--port', '80');
  t.equal(table.code, 0, table.stderr);
  t.match(table.stdout, /Probe 80\/TCP: 48 of 72 flows allowed/);
  t.match(table.stdout, /^-\s+x\/a\s+x\/b\s+x\/c\s+y\/a/m);
  t.match(table.stdout, /^y\/a\s+X\s+X\s+X\s+-\s+\.\s+\./m);
  const why = run(DENY_X, '--cluster-state', STATE, '--from', 'y/a', '--to', 'x/a', '--port', '80');
  t.equal(why.code, 0, why.stderr);
  t.match(why.stdout, /y\/a → x\/a 80\/TCP: DENIED/);
  t.match(why.stdout, /source \(egress of y\/a\): allowed — not isolated for egress/);
  t.match(why.stdout, /destination \(ingress of x\/a\): DENIED — isolated for ingress by x\/deny; no rule allows this source on TCP\/80/);
  const sel = run(DENY_X, '--cluster-state', STATE, '-o', 'json', '--from', 'pod in (a,b)', '--to', 'y/pod=c', '--port', '80');
  t.same(
    JSON.parse(sel.stdout).probes[0].flows.map((f: { from: string; to: string }) => `${f.from}>${f.to}`),
    ['x/a>y/c', 'x/b>y/c', 'y/a>y/c', 'y/b>y/c', 'z/a>y/c', 'z/b>y/c'],
    'label selectors, with or without a namespace',
  );
});

t.test('many pods: rows and columns grouped by workload', async (t) => {
  const pods = Array.from({ length: 30 }, (_, i) => `apiVersion: v1
kind: Pod
metadata: {name: web-7d4b9c6f5d-${String(i).padStart(5, 'a')}, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: i, ports: [{containerPort: 8080}]}]}
status: {podIP: 10.1.0.${i + 1}}
`).concat(
    Array.from({ length: 15 }, (_, i) => `apiVersion: v1
kind: Pod
metadata: {name: db-${i}, namespace: shop, labels: {app: db}}
spec: {containers: [{name: c, image: i, ports: [{containerPort: 5432}]}]}
status: {podIP: 10.1.1.${i + 1}}
`),
  );
  const state = file('shop.yaml', pods.join('---\n'));
  const policy = file(
    'db.yaml',
    `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress: [{from: [{podSelector: {matchLabels: {app: web}}}], ports: [{port: 5432}]}]
`,
  );
  const r = run(policy, '--cluster-state', state);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /Probe 5432\/TCP: 450 of 660 flows allowed/);
  t.match(r.stdout, /^shop\/web \(30\)\s+\.\s*$/m, 'web → db allowed');
  t.match(r.stdout, /^shop\/db \(15\)\s+X\s*$/m, 'db → db denied');
  t.match(r.stdout, /^\s+2\s+shop\/db \(15\)$/m);
});

t.test('bad input: a clear answer each time, never a crash', async (t) => {
  const broken = file('broken.yaml', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: a, namespace: x\n');
  const invalid = file('invalid.yaml', 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: b, namespace: x}\nspec:\n  podSelector: 7\n');
  const cnp = file('cnp.yaml', 'apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata: {name: c}\nspec: {tier: Admin, priority: 5000, subject: {namespaces: {}}}\n');
  const r = run(broken, invalid, cnp, DENY_X, '--cluster-state', STATE, '-o', 'json', '--port', '80', '--from', 'x/nope', '--to', 'y/a');
  t.equal(r.code, 2, 'input errors: exit 2, with the answer for what could be read');
  t.match(r.stderr, /NPG_INPUT_INVALID: .*broken\.yaml:\d+: not valid YAML/);
  t.match(r.stderr, /invalid\.yaml:1: NetworkPolicy: .*podSelector/);
  t.match(r.stderr, /cnp\.yaml:1: ClusterNetworkPolicy: spec.priority: expected an integer 0-1000/);
  t.match(r.stderr, /x\/nope: no such running pod/);
  const out = JSON.parse(r.stdout);
  t.equal(out.errors.length, 3);
  t.same(out.unknown, ['x/nope']);
  for (const [args, msg] of [
    [['--cluster-state', STATE, '--port', '0'], /--port "0": a port number is 1-65535/],
    [['--cluster-state', STATE, '--port', '80/ICMP'], /protocol must be TCP, UDP or SCTP/],
    [['--cluster-state', STATE, '--from', 'cidr:300.1.1.1'], /not an IP address or CIDR/],
    [['--cluster-state', STATE, '--to', 'justaword'], /expected NAMESPACE\/POD/],
    [['--cluster-state', STATE, '-o', 'yaml'], /-o must be table or json/],
    [[], /nothing to simulate/],
    [['--cluster-state', STATE, '--kubeconfig', '/x'], /not both/],
  ] as const) {
    const bad = run(...args);
    t.equal(bad.code, 2, args.join(' '));
    t.match(bad.stderr, msg);
  }
  const big = run('--cluster-state', STATE, '--max-flows', '100');
  t.equal(big.code, 1);
  t.match(big.stderr, /NPG_INPUT_TOO_LARGE: 9 sources × 9 destinations × 6 ports is up to 486 flows, more than --max-flows 100/);
  const many = run('--cluster-state', STATE, '--max-pods', '5');
  t.match(many.stderr, /NPG_INPUT_TOO_LARGE: the cluster state holds 9 pods, more than --max-pods 5/);
  const missing = run('--cluster-state', join(dir, 'no-such-dir'));
  t.equal(missing.code, 1);
  t.match(missing.stderr, /NPG_INPUT_UNREADABLE/);
});

/**
 * `explain` with a cluster: the pods a policy selects and what each peer matches today, from
 * cluster-state manifests, through the real CLI (text and the JSON contract's `cluster` field).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { e2eClusterObjects, podManifest, policyManifest, writeManifests } from '../helpers/impact.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [MAIN, 'explain', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// The e2e cluster (x, y, z × a, b, c; x/a is 10.0.0.1 … z/c 10.0.0.9) and a host-network pod in x.
const hostPod = { ...podManifest('x', 'node-agent', { pod: 'a' }, { ip: '192.168.0.5' }), spec: { hostNetwork: true, containers: [{ name: 'c', image: 'agent' }] } };
const state = writeManifests([...e2eClusterObjects(), hostPod]);

const policy = policyManifest('x', 'mixed', {
  podSelector: { matchLabels: { pod: 'a' } },
  ingress: [
    { from: [{ podSelector: { matchLabels: { pod: 'b' } } }, { namespaceSelector: { matchLabels: { ns: 'y' } } }] },
    { from: [{ podSelector: { matchLabels: { pod: 'nobody' } } }, { namespaceSelector: { matchLabels: { team: 'none' } } }] },
    { from: [{ ipBlock: { cidr: '10.0.0.0/29', except: ['10.0.0.4/30'] } }] },
    {},
  ],
  egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { pod: 'c' } } }] }],
});
const inputs = writeManifests([policy, policyManifest('ghost', 'deny', { podSelector: {} })], 'policies.yaml');

t.test('-o json: the cluster field, peer by peer', async (t) => {
  const r = cli(['--cluster-state', state, inputs, '-o', 'json']);
  t.equal(r.code, 0, r.stderr);
  const [mixed, ghost] = JSON.parse(r.stdout);
  const c = mixed.cluster;
  t.equal(c.source, `static:${state}`);
  t.same(c.selects, { count: 2, pods: ['x/a', 'x/node-agent'], hostNetwork: ['x/node-agent'], namespaceExists: true }, 'the selected pods, the host-network one named');
  t.same(c.ingress.map((r: { field: string }) => r.field), ['spec.ingress[0]', 'spec.ingress[1]', 'spec.ingress[2]', 'spec.ingress[3]']);
  const [own, ns] = c.ingress[0].peers;
  t.same(own.pods, { count: 1, pods: ['x/b'] }, 'a podSelector alone: the policy’s own namespace');
  t.same(own.namespaces, { count: 1, names: ['x'] });
  t.same(ns.pods, { count: 3, pods: ['y/a', 'y/b', 'y/c'] }, 'a namespaceSelector: every pod of the matching namespaces');
  t.same(ns.namespaces, { count: 1, names: ['y'] });
  const [nobody, noNamespace] = c.ingress[1].peers;
  t.equal(nobody.pods.count, 0);
  t.equal(nobody.text, 'no pod today');
  t.same(noNamespace.namespaces, { count: 0, names: [] });
  t.match(noNamespace.text, /no namespace matches its namespaceSelector/);
  t.same(c.ingress[2].peers[0].pods, { count: 3, pods: ['x/a', 'x/b', 'x/c'] }, 'ipBlock: the pods inside the block, outside its except (10.0.0.4-7)');
  t.same(c.ingress[3].peers, [], 'a rule without peers: nothing to match');
  t.same(c.egress[0].peers[0].pods, { count: 3, pods: ['x/c', 'y/c', 'z/c'] }, 'namespaceSelector {} AND podSelector: that label in every namespace');
  t.same(ghost.cluster.selects, { count: 0, pods: [], hostNetwork: [], namespaceExists: false }, 'a namespace the cluster does not have');
});

t.test('text: a paragraph on the cluster after the explanation', async (t) => {
  const r = cli(['--cluster-state', state, inputs]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, `In the cluster (static:${state}):\n  Selects 2 pods: x/a, x/node-agent.\n  On the host network, so not isolated by any policy: x/node-agent.`);
  t.match(r.stdout, '  Ingress rule 1:\n    - from[0]: 1 pod: x/b\n    - from[1]: 3 pods: y/a, y/b, y/c\n');
  t.match(r.stdout, '    - from[1]: no pod today (no namespace matches its namespaceSelector)');
  t.match(r.stdout, '    - from[0]: the addresses of 3 pods: x/a, x/b, x/c fall inside this block');
  t.match(r.stdout, '  Selects no pod today (namespace ghost does not exist).');
});

t.test('without a cluster nothing changes; bad cluster input is a clear error', async (t) => {
  const r = cli([inputs, '-o', 'json']);
  t.equal(r.code, 0, r.stderr);
  t.notOk('cluster' in JSON.parse(r.stdout)[0], 'no cluster field without a cluster');
  t.notMatch(cli([inputs]).stdout, /In the cluster/);
  const both = cli(['--cluster-state', state, '--kubeconfig', '/nonexistent', inputs]);
  t.equal(both.code, 2);
  t.match(both.stderr, /give exactly one of --cluster-state or --kubeconfig/);
  const missing = cli(['--cluster-state', '/nonexistent/state.yaml', inputs]);
  t.not(missing.code, 0);
  t.match(missing.stderr, /\/nonexistent\/state\.yaml/, 'names the file it could not read');
  t.notMatch(missing.stderr, /at .*\.js:\d+/, 'no stack trace');
});

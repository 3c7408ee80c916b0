/**
 * Before and after a change: lost and gained flows, newly isolated and newly open pods; and the
 * snapshot helpers that make the "after" (replace by namespace/name, delete).
 */
import t from 'tap';
import { ConnectivityModel, diffConnectivity, snapshotFromClusterView, withPolicyChanges } from '../../src/connectivity/index.js';
import { staticClusterView } from '../../src/cluster/static.js';
import { e2eSnapshot, np } from '../helpers/connectivity.js';

t.test('a default-deny in x: every flow into x is lost on every declared port, x pods become isolated', async (t) => {
  const before = ConnectivityModel.build(e2eSnapshot());
  const after = before.withPolicies([np('x', 'deny', { podSelector: {}, ingress: [] })]);
  const d = diffConnectivity(before, after);
  // 9 pods, 3 of them in x: 8 sources each, 6 declared ports.
  t.equal(d.lost.length, 3 * 8 * 6);
  t.ok(d.lost.every((f) => f.to.startsWith('x/') && f.before.allowed && !f.after.allowed));
  t.same(d.gained, []);
  t.same(d.isolated.ingress, ['x/a', 'x/b', 'x/c']);
  t.same(d.isolated.egress, []);
  t.same(d.opened, { ingress: [], egress: [] });
  const back = diffConnectivity(after, before, { probes: [{ port: 80, protocol: 'TCP' }] });
  t.equal(back.gained.length, 3 * 8, 'reversed, on one probe: all gained');
  t.same(back.opened.ingress, ['x/a', 'x/b', 'x/c']);
  const scoped = diffConnectivity(before, after, { from: ['y/a'], to: ['x/a', 'y/b'], probes: [{ port: 80, protocol: 'TCP' }] });
  t.same(scoped.lost.map((f) => `${f.from}>${f.to}`), ['y/a>x/a'], 'scope limits sources and destinations');
});

t.test('withPolicyChanges replaces by namespace/name and deletes; snapshotFromClusterView reads IPs and ClusterNetworkPolicies', async (t) => {
  const base = e2eSnapshot([np('x', 'deny', { podSelector: {}, ingress: [] })]);
  const replaced = withPolicyChanges(base, { networkPolicies: [np('x', 'deny', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [] })] });
  t.equal(replaced.networkPolicies.length, 1);
  t.equal(ConnectivityModel.build(replaced).verdict({ from: { pod: 'y/a' }, to: { pod: 'x/b' }, port: 80, protocol: 'TCP' }).allowed, true);
  const deleted = withPolicyChanges(base, { deleteNetworkPolicies: ['x/deny'] });
  t.same(deleted.networkPolicies, []);
  t.equal(base.networkPolicies.length, 1, 'the input is not modified');

  const view = staticClusterView(
    [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', labels: { team: 'x' } } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'x', labels: { pod: 'a' } }, spec: { nodeName: 'n1', containers: [{ name: 'c', ports: [{ containerPort: 80, name: 'http' }] }] }, status: { podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }] } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b', namespace: 'x', labels: { pod: 'b' } }, spec: {}, status: { phase: 'Pending' } },
      { apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name: 'deny' }, spec: { tier: 'Admin', priority: 1, subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { pod: 'b' } } } }] }] } },
    ],
    'test',
  );
  const snap = snapshotFromClusterView(view);
  const a = snap.pods.find((p) => p.name === 'a');
  t.same(a?.ips, ['10.0.0.1', 'fd00::1']);
  t.equal(a?.node, 'n1');
  t.same(snap.pods.find((p) => p.name === 'b')?.ips, []);
  t.equal(snap.clusterNetworkPolicies?.length, 1);
  const m = ConnectivityModel.build(snap);
  t.equal(m.verdict({ from: { pod: 'x/b' }, to: { pod: 'x/a' }, port: 'http', protocol: 'TCP' }).allowed, false);
  t.equal(m.verdict({ from: { pod: 'x/a' }, to: { pod: 'x/b' }, port: 80, protocol: 'TCP' }).allowed, true);
  t.throws(
    () => staticClusterView([{ apiVersion: 'policy.networking.k8s.io/v1beta1', kind: 'ClusterNetworkPolicy', metadata: { name: 'bad' }, spec: { tier: 'Middle', priority: 1, subject: { namespaces: {} } } }], 'test'),
    /ClusterNetworkPolicy bad: spec.tier: expected Admin or Baseline/,
  );
});

/**
 * ClusterNetworkPolicy tiers: Admin (by priority, rules in order; Accept/Deny final, Pass hands
 * over) before NetworkPolicies, Baseline after them and only for pods they do not isolate.
 *
 * The first test carries the facts of kubernetes-sigs/kube-network-policies
 * pkg/networkpolicy/clusternetworkpolicy_test.go (Test_ClusterNetworkPolicy_Evaluation and
 * Test_evaluateClusterNetworkPolicyPort), rewritten for the v1alpha2/v1beta1 shape (`Accept`,
 * `protocols`); the others are ours.
 */
import t from 'tap';
import { type ClusterNetworkPolicy, ConnectivityModel, type ConnectivitySnapshot, decodeClusterNetworkPolicy, type FlowVerdict, type Protocol } from '../../src/connectivity/index.js';
import type { NetworkPolicy } from '../../src/k8s/types.js';
import { e2eSnapshot, np, ns, pod } from '../helpers/connectivity.js';

function v(m: ConnectivityModel, from: string, to: string, port: number | string = 80, protocol: Protocol = 'TCP'): FlowVerdict {
  const end = (s: string) => (s.startsWith('cidr:') ? { external: s.slice(5) } : { pod: s });
  return m.verdict({ from: end(from), to: end(to), port, protocol });
}

function cnp(name: string, tier: 'Admin' | 'Baseline', priority: number, rest: Partial<ClusterNetworkPolicy>): ClusterNetworkPolicy {
  return { name, tier, priority, subject: { namespaces: {} }, ingress: [], egress: [], ...rest };
}

// kube-network-policies' three pods: app=a in ns-foo (team=foo), app=b in ns-bar (team=bar), app=c in ns-baz (team=baz).
const KNP: ConnectivitySnapshot = {
  namespaces: [ns('ns-foo', { team: 'foo' }), ns('ns-bar', { team: 'bar' }), ns('ns-baz', { team: 'baz' })],
  pods: [
    pod('ns-foo', 'a', { app: 'a' }, { ips: ['192.168.1.11'], ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }] }),
    pod('ns-bar', 'b', { app: 'b' }, { ips: ['192.168.2.22'], ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }] }),
    pod('ns-baz', 'c', { app: 'c' }, { ips: ['192.168.3.33'], ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }] }),
  ],
  networkPolicies: [],
};
const adminDenyAllEgress = cnp('admin-deny-all-egress', 'Admin', 100, { egress: [{ action: 'Deny', peers: [{ namespaces: {} }] }] });
const adminAcceptEgressToBar = cnp('admin-allow-egress-to-ns-bar', 'Admin', 50, {
  subject: { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'ns-foo' } } },
  egress: [{ action: 'Accept', peers: [{ namespaces: { matchLabels: { team: 'bar' } } }] }],
});
const baselineDenyAllIngress = cnp('baseline-deny-all-ingress', 'Baseline', 100, { ingress: [{ action: 'Deny', peers: [{ namespaces: {} }] }] });
const baselineAcceptFromFoo = cnp('baseline-allow-ingress-from-ns-foo', 'Baseline', 50, {
  subject: { namespaces: { matchLabels: { team: 'bar' } } },
  ingress: [{ action: 'Accept', peers: [{ namespaces: { matchLabels: { team: 'foo' } } }] }],
});

function knp(cnps: ClusterNetworkPolicy[], nps: NetworkPolicy[] = []): ConnectivityModel {
  return ConnectivityModel.build({ ...KNP, networkPolicies: nps, clusterNetworkPolicies: cnps });
}

t.test('kube-network-policies: ClusterNetworkPolicy evaluation and ports', async (t) => {
  const r1 = v(knp([adminDenyAllEgress, adminAcceptEgressToBar]), 'ns-foo/a', 'ns-bar/b');
  t.equal(r1.allowed, true, 'Admin: the Accept at priority 50 wins over the Deny at 100');
  t.equal(r1.egress.clusterRule?.policy, 'admin-allow-egress-to-ns-bar');
  const r2 = v(knp([adminDenyAllEgress]), 'ns-foo/a', 'ns-baz/c');
  t.equal(r2.allowed, false, 'Admin: the deny-all egress denies');
  t.equal(r2.egress.decidedBy, 'admin');
  const r3 = v(knp([baselineDenyAllIngress, baselineAcceptFromFoo]), 'ns-foo/a', 'ns-bar/b');
  t.equal(r3.allowed, true, 'Baseline: Accept from ns-foo (priority 50) before the deny-all (100)');
  t.equal(r3.ingress.decidedBy, 'baseline');
  const r4 = v(knp([baselineDenyAllIngress, baselineAcceptFromFoo]), 'ns-baz/c', 'ns-bar/b');
  t.equal(r4.allowed, false, 'Baseline: ingress from another namespace is denied');
  t.equal(r4.ingress.clusterRule?.policy, 'baseline-deny-all-ingress');
  t.equal(v(knp([]), 'ns-foo/a', 'ns-bar/b').allowed, true, 'no policies: allowed');

  // Test_evaluateClusterNetworkPolicyPort: empty matches all; number; named; range; a number that differs.
  const withProtocols = (protocols: ClusterNetworkPolicy['ingress'][number]['protocols']) =>
    knp([cnp('deny', 'Admin', 1, { ingress: [{ action: 'Deny', peers: [{ namespaces: {} }], ...(protocols ? { protocols } : {}) }] })]);
  t.equal(v(withProtocols(undefined), 'ns-foo/a', 'ns-bar/b', 80).allowed, false, 'no protocols: every port matches');
  t.equal(v(withProtocols([{ tcp: { destinationPort: { number: 80 } } }]), 'ns-foo/a', 'ns-bar/b', 80).allowed, false, 'port number matches');
  t.equal(v(withProtocols([{ destinationNamedPort: 'http' }]), 'ns-foo/a', 'ns-bar/b', 80).allowed, false, 'named port matches');
  t.equal(v(withProtocols([{ tcp: { destinationPort: { range: { start: 80, end: 90 } } } }]), 'ns-foo/a', 'ns-bar/b', 85).allowed, false, 'port range matches');
  t.equal(v(withProtocols([{ tcp: { destinationPort: { number: 80 } } }]), 'ns-foo/a', 'ns-bar/b', 443).allowed, true, 'another port number does not match');
});

t.test('Admin tier overrides NetworkPolicies both ways; Pass hands the decision to them', async (t) => {
  const denyAll = np('x', 'deny-all', { podSelector: {}, ingress: [] });
  const allowFromY = np('x', 'allow-y', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }] });
  const accept = cnp('accept-z', 'Admin', 10, { subject: { namespaces: { matchLabels: { ns: 'x' } } }, ingress: [{ action: 'Accept', peers: [{ namespaces: { matchLabels: { ns: 'z' } } }] }] });
  const deny = cnp('deny-y', 'Admin', 10, { subject: { namespaces: { matchLabels: { ns: 'x' } } }, ingress: [{ name: 'no-y', action: 'Deny', peers: [{ namespaces: { matchLabels: { ns: 'y' } } }] }] });
  const m = ConnectivityModel.build(e2eSnapshot([denyAll, allowFromY], [accept, deny]));
  const accepted = v(m, 'z/a', 'x/a');
  t.equal(accepted.allowed, true, 'Admin Accept beats the deny-all');
  t.same(accepted.ingress.clusterRule, { tier: 'Admin', policy: 'accept-z', priority: 10, rule: 0, action: 'Accept' });
  t.equal(accepted.ingress.isolated, true, 'the pod is still isolated by NetworkPolicy');
  const denied = v(m, 'y/a', 'x/a');
  t.equal(denied.allowed, false, 'Admin Deny beats the NetworkPolicy allow');
  t.match(denied.ingress.reason, /deny-y \(Admin tier, priority 10\) ingress\[0\] "no-y": Deny/);

  const pass = cnp('pass-y', 'Admin', 1, { subject: { namespaces: { matchLabels: { ns: 'x' } } }, ingress: [{ action: 'Pass', peers: [{ namespaces: { matchLabels: { ns: 'y' } } }] }] });
  const passed = ConnectivityModel.build(e2eSnapshot([denyAll, allowFromY], [pass, deny]));
  const p = v(passed, 'y/a', 'x/a');
  t.equal(p.allowed, true, 'Pass at priority 1 skips the Deny at 10; the NetworkPolicy allows');
  t.equal(p.ingress.decidedBy, 'networkpolicy');
  t.equal(p.ingress.clusterRule?.action, 'Pass');
  const p2 = ConnectivityModel.build(e2eSnapshot([denyAll], [pass, deny]));
  t.equal(v(p2, 'y/a', 'x/a').allowed, false, 'after a Pass, the deny-all NetworkPolicy decides');
  t.equal(v(ConnectivityModel.build(e2eSnapshot([], [pass, deny])), 'y/a', 'x/a').allowed, true, 'after a Pass with no NetworkPolicy: allowed');
});

t.test('Baseline applies only to pods no NetworkPolicy isolates', async (t) => {
  const baseline = cnp('baseline-deny', 'Baseline', 5, { ingress: [{ action: 'Deny', peers: [{ namespaces: {} }] }] });
  const allowY = np('x', 'allow-y', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }] });
  const m = ConnectivityModel.build(e2eSnapshot([allowY], [baseline]));
  t.equal(v(m, 'y/b', 'x/a').allowed, true, 'x/a is isolated: the NetworkPolicy decides');
  t.equal(v(m, 'y/b', 'x/b').allowed, false, 'x/b is not: the Baseline deny applies');
  t.equal(v(m, 'y/b', 'x/b').ingress.decidedBy, 'baseline');
  t.equal(v(m, 'cidr:192.0.2.1', 'x/b').allowed, true, 'namespaces peers do not match outside addresses');
});

t.test('priorities, rule order and ties', async (t) => {
  const low = cnp('b-accept', 'Admin', 20, { ingress: [{ action: 'Accept', peers: [{ namespaces: {} }] }] });
  const high = cnp('a-deny', 'Admin', 10, { ingress: [{ action: 'Deny', peers: [{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { pod: 'a' } } } }] }, { action: 'Accept', peers: [{ namespaces: {} }] }] });
  const m = ConnectivityModel.build(e2eSnapshot([], [low, high]));
  t.equal(v(m, 'y/a', 'x/b').allowed, false, 'rule 0 of the higher-precedence policy');
  t.equal(v(m, 'y/b', 'x/b').allowed, true, 'rule 1 of it');
  t.equal(v(m, 'y/b', 'x/b').ingress.clusterRule?.rule, 1);
  const tieA = cnp('a', 'Admin', 5, { ingress: [{ action: 'Deny', peers: [{ namespaces: {} }] }] });
  const tieB = cnp('b', 'Admin', 5, { ingress: [{ action: 'Accept', peers: [{ namespaces: {} }] }] });
  t.equal(v(ConnectivityModel.build(e2eSnapshot([], [tieB, tieA])), 'y/a', 'x/a').ingress.clusterRule?.policy, 'a', 'equal priorities: by name, so answers are stable');
});

t.test('egress peers: networks match pod IPs and outside addresses; nodes and domainNames match nothing; unknown peers fail closed', async (t) => {
  const nets = cnp('deny-net', 'Admin', 1, { egress: [{ action: 'Deny', peers: [{ networks: ['10.0.0.4/31'] }] }] });
  const m = ConnectivityModel.build(e2eSnapshot([], [nets]));
  t.equal(v(m, 'x/a', 'y/a').allowed, false, 'y/a is 10.0.0.4');
  t.equal(v(m, 'x/a', 'y/b').allowed, false, 'y/b is 10.0.0.5');
  t.equal(v(m, 'x/a', 'y/c').allowed, true, 'y/c (10.0.0.6) is outside the /31');
  t.equal(v(m, 'x/a', 'cidr:10.0.0.5').allowed, false);
  const named = cnp('dom', 'Admin', 1, { egress: [{ action: 'Accept', peers: [{ domainNames: ['example.com'] }] }, { action: 'Deny', peers: [{ networks: ['0.0.0.0/0'] }] }] });
  const d = v(ConnectivityModel.build(e2eSnapshot([], [named])), 'x/a', 'cidr:93.184.216.34');
  t.equal(d.allowed, false, 'domain names cannot be matched offline: the Deny after it applies');
  t.match(d.egress.notes, [/names nodes or domain names/]);
  const unknownDeny = cnp('u', 'Admin', 1, { egress: [{ action: 'Deny', peers: [{}] }] });
  t.equal(v(ConnectivityModel.build(e2eSnapshot([], [unknownDeny])), 'x/a', 'y/a').allowed, false, 'an unknown peer in a Deny denies everything');
  const unknownAccept = cnp('u', 'Admin', 1, { egress: [{ action: 'Accept', peers: [{}] }] });
  t.equal(v(ConnectivityModel.build(e2eSnapshot([np('x', 'deny', { podSelector: {}, policyTypes: ['Egress'] })], [unknownAccept])), 'x/a', 'y/a').allowed, false, 'an unknown peer in an Accept matches nothing');
});

t.test('subjects: host-network pods are never selected', async (t) => {
  const snap: ConnectivitySnapshot = {
    namespaces: [ns('x')],
    pods: [pod('x', 'host', { app: 'h' }, { ips: ['192.168.0.1'], hostNetwork: true }), pod('x', 'web', { app: 'w' }, { ips: ['10.0.0.1'] })],
    networkPolicies: [],
    clusterNetworkPolicies: [cnp('deny', 'Admin', 1, { ingress: [{ action: 'Deny', peers: [{ namespaces: {} }] }] })],
  };
  const m = ConnectivityModel.build(snap);
  t.equal(v(m, 'x/web', 'x/host').allowed, true);
  t.equal(v(m, 'x/web', 'x/host').ingress.decidedBy, 'host-network');
  t.equal(v(m, 'x/host', 'x/web').allowed, true, 'and a namespaces peer does not match the host-network source');
});

t.test('decoding manifests: v1alpha2 and v1beta1; broken objects say what is wrong', async (t) => {
  const manifest = {
    apiVersion: 'policy.networking.k8s.io/v1beta1',
    kind: 'ClusterNetworkPolicy',
    metadata: { name: 'sensitive' },
    spec: {
      tier: 'Admin',
      priority: 3,
      subject: { pods: { namespaceSelector: { matchLabels: { ns: 'x' } }, podSelector: { matchLabels: { pod: 'a' } } } },
      ingress: [{ name: 'only-y', action: 'Accept', from: [{ namespaces: { matchLabels: { ns: 'y' } } }], protocols: [{ tcp: { destinationPort: { number: 80 } } }] }, { action: 'Deny', from: [{ namespaces: {} }] }],
    },
  };
  const d = decodeClusterNetworkPolicy(manifest);
  t.ok(d.ok);
  if (!d.ok) return;
  const m = ConnectivityModel.build(e2eSnapshot([], [d.value]));
  t.equal(v(m, 'y/b', 'x/a', 80).allowed, true);
  t.equal(v(m, 'y/b', 'x/a', 81).allowed, false);
  t.equal(v(m, 'z/b', 'x/a', 80).allowed, false);
  t.equal(v(m, 'z/b', 'x/b', 80).allowed, true, 'x/b is not a subject');
  const bad = (spec: unknown) => {
    const r = decodeClusterNetworkPolicy({ ...manifest, spec });
    return r.ok ? 'ok' : r.reason;
  };
  t.match(bad({ ...manifest.spec, tier: 'Developer' }), /spec.tier: expected Admin or Baseline/);
  t.match(bad({ ...manifest.spec, priority: 1001 }), /spec.priority: expected an integer 0-1000/);
  t.match(bad({ ...manifest.spec, subject: {} }), /spec.subject: exactly one of namespaces and pods/);
  t.match(bad({ ...manifest.spec, ingress: [{ action: 'Allow', from: [{ namespaces: {} }] }] }), /spec.ingress\[0\].action: expected Accept, Deny or Pass, got "Allow"/);
  t.match(bad({ ...manifest.spec, egress: [{ action: 'Deny', to: [] }] }), /spec.egress\[0\].to: at least one peer/);
});

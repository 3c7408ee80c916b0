/**
 * Every semantic point of the connectivity model, each with a flow it allows and one it denies,
 * on the e2e universe (x, y, z × a, b, c; test/helpers/connectivity.ts) or small clusters of
 * their own.
 */
import t from 'tap';
import { ConnectivityModel, type ConnectivitySnapshot, type FlowVerdict, type Protocol } from '../../src/connectivity/index.js';
import type { NetworkPolicy } from '../../src/k8s/types.js';
import { e2eSnapshot, np, ns, pod } from '../helpers/connectivity.js';

function model(nps: NetworkPolicy[], base?: ConnectivitySnapshot): ConnectivityModel {
  return ConnectivityModel.build(base ? { ...base, networkPolicies: nps } : e2eSnapshot(nps));
}

function v(m: ConnectivityModel, from: string, to: string, port: number | string = 80, protocol: Protocol = 'TCP'): FlowVerdict {
  const end = (s: string) => (s.startsWith('cidr:') ? { external: s.slice(5) } : { pod: s });
  return m.verdict({ from: end(from), to: end(to), port, protocol });
}

const DENY_ALL_INGRESS = (n: string) => np(n, 'deny-ingress', { podSelector: {}, ingress: [] });

t.test('no policy: everything is allowed, by default on both sides', async (t) => {
  const r = v(model([]), 'x/a', 'y/b');
  t.equal(r.allowed, true);
  t.equal(r.egress.decidedBy, 'default');
  t.equal(r.ingress.decidedBy, 'default');
  t.equal(r.ingress.isolated, false);
});

t.test('ingress: [] isolates every selected pod; pods it does not select stay open', async (t) => {
  const m = model([np('x', 'deny-a', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [] })]);
  const denied = v(m, 'y/b', 'x/a');
  t.equal(denied.allowed, false);
  t.same(denied.ingress.policies, ['x/deny-a']);
  t.equal(denied.ingress.isolated, true);
  t.same(denied.ingress.allowedBy, []);
  t.equal(denied.egress.allowed, true, 'the source side is not affected');
  t.equal(v(m, 'y/b', 'x/b').allowed, true, 'x/b is not selected');
});

t.test('policyTypes defaulting: egress rules alone isolate egress AND ingress; ingress rules alone do not isolate egress', async (t) => {
  const egressOnly = model([np('x', 'egress', { podSelector: { matchLabels: { pod: 'a' } }, egress: [{ to: [{ podSelector: { matchLabels: { pod: 'b' } } }] }] })]);
  t.equal(v(egressOnly, 'x/a', 'x/b').allowed, true, 'egress rule allows x/a → x/b');
  t.equal(v(egressOnly, 'x/a', 'x/c').allowed, false, 'egress isolated: x/a → x/c denied');
  t.equal(v(egressOnly, 'x/b', 'x/a').allowed, false, 'inferred Ingress with no ingress rules: x/a takes nothing');
  t.equal(v(egressOnly, 'x/b', 'x/a').ingress.decidedBy, 'networkpolicy');
  const ingressOnly = model([np('x', 'ingress', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{}] })]);
  t.equal(v(ingressOnly, 'x/a', 'z/c').allowed, true, 'egress not isolated');
  t.equal(v(ingressOnly, 'x/a', 'z/c').egress.isolated, false);
  const explicit = model([np('x', 'egress-only', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Egress'], ingress: [], egress: [{}] })]);
  t.equal(v(explicit, 'y/a', 'x/a').allowed, true, 'explicit policyTypes [Egress]: the (empty) ingress list does not isolate');
  const egressDeny = model([np('x', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] })]);
  t.equal(v(egressDeny, 'x/a', 'y/a').allowed, false, 'policyTypes [Egress] with no rules denies all egress');
  t.equal(v(egressDeny, 'y/a', 'x/a').allowed, true, 'and leaves ingress alone');
});

t.test('allowed = the union of the rules of every policy selecting the pod', async (t) => {
  const m = model([
    np('x', 'from-b', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }] }),
    np('x', 'from-c', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'c' } } }] }] }),
  ]);
  t.same(v(m, 'x/b', 'x/a').ingress.allowedBy, [{ policy: 'x/from-b', rule: 0 }]);
  t.same(v(m, 'x/c', 'x/a').ingress.allowedBy, [{ policy: 'x/from-c', rule: 0 }]);
  t.equal(v(m, 'y/b', 'x/a').allowed, false, 'podSelector alone: only the policy namespace');
  t.same(v(m, 'x/c', 'x/a').ingress.policies, ['x/from-b', 'x/from-c']);
});

t.test('namespaceSelector and podSelector in ONE peer are ANDed; separate peers are ORed', async (t) => {
  const and = model([np('x', 'and', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } }, podSelector: { matchLabels: { pod: 'b' } } }] }] })]);
  t.equal(v(and, 'y/b', 'x/a').allowed, true);
  t.equal(v(and, 'y/c', 'x/a').allowed, false, 'right namespace, wrong pod');
  t.equal(v(and, 'z/b', 'x/a').allowed, false, 'right pod, wrong namespace');
  const or = model([np('x', 'or', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }, { podSelector: { matchLabels: { pod: 'b' } } }] }] })]);
  t.equal(v(or, 'y/c', 'x/a').allowed, true, 'any pod of y');
  t.equal(v(or, 'x/b', 'x/a').allowed, true, 'x/b through the second peer');
  t.equal(v(or, 'z/b', 'x/a').allowed, false, 'the podSelector peer means x only');
});

t.test('empty selectors select everything; absent from/ports mean every peer and port', async (t) => {
  const allNs = model([np('x', 'all-ns', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] })]);
  t.equal(v(allNs, 'z/c', 'x/a').allowed, true);
  t.equal(v(allNs, 'cidr:192.0.2.1', 'x/a').allowed, false, 'namespaceSelector {} matches pods, not outside addresses');
  const anyPeer = model([np('x', 'any', { podSelector: {}, ingress: [{ ports: [{ port: 81 }] }] })]);
  t.equal(v(anyPeer, 'cidr:192.0.2.1', 'x/a', 81).allowed, true, 'no from: every source, outside ones too');
  t.equal(v(anyPeer, 'y/a', 'x/a', 80).allowed, false, 'but only on port 81');
  const anyPort = model([np('x', 'ports', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] })]);
  t.equal(v(anyPort, 'x/b', 'x/a', 81, 'SCTP').allowed, true, 'no ports: every port and protocol');
  t.equal(v(anyPort, 'y/b', 'x/a', 81, 'SCTP').allowed, false);
});

t.test('ipBlock with except, IPv4 and IPv6, against pods and outside addresses', async (t) => {
  const snap: ConnectivitySnapshot = {
    namespaces: [ns('x')],
    pods: [
      pod('x', 'server', { app: 's' }, { ips: ['10.1.0.5', 'fd00::5'] }),
      pod('x', 'in', { app: 'c' }, { ips: ['10.2.0.7'] }),
      pod('x', 'excepted', { app: 'c' }, { ips: ['10.2.9.7'] }),
      pod('x', 'v6', { app: 'c' }, { ips: ['fd00:1::7'] }),
      pod('x', 'v6-excepted', { app: 'c' }, { ips: ['fd00:1:9::7'] }),
      pod('x', 'no-ip', { app: 'c' }),
    ],
    networkPolicies: [],
  };
  const m = model(
    [np('x', 'blocks', { podSelector: { matchLabels: { app: 's' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.2.0.0/16', except: ['10.2.9.0/24'] } }, { ipBlock: { cidr: 'fd00:1::/48', except: ['fd00:1:9::/64'] } }] }] })],
    snap,
  );
  t.same(v(m, 'x/in', 'x/server').ingress.allowedBy, [{ policy: 'x/blocks', rule: 0 }]);
  t.equal(v(m, 'x/excepted', 'x/server').allowed, false);
  t.equal(v(m, 'x/v6', 'x/server').allowed, true);
  t.equal(v(m, 'x/v6-excepted', 'x/server').allowed, false);
  const noIp = v(m, 'x/no-ip', 'x/server');
  t.equal(noIp.allowed, false);
  t.match(noIp.ingress.notes, [/has no IP, so no ipBlock can match it/]);
  t.equal(v(m, 'cidr:10.2.3.4', 'x/server').allowed, true, 'an outside address in the block');
  t.equal(v(m, 'cidr:10.2.3.0/24', 'x/server').allowed, true, 'an outside range inside the block');
  t.equal(v(m, 'cidr:10.2.8.0/23', 'x/server').allowed, false, 'a range that reaches into the except');
  t.equal(v(m, 'cidr:10.3.0.1', 'x/server').allowed, false, 'an address outside the block');
  const v4only = model([np('x', 'v4', { podSelector: { matchLabels: { app: 's' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] })], snap);
  const mismatch = v(v4only, 'x/v6', 'x/server');
  t.equal(mismatch.allowed, false, 'an IPv6 pod against an IPv4 ipBlock');
  t.match(mismatch.ingress.notes, [/is IPv4 and the source pod has only IPv6 addresses/]);
  t.equal(v(v4only, 'x/in', 'x/server').allowed, true);
});

t.test('named ports resolve against the destination pod, for ingress and for egress', async (t) => {
  const snap: ConnectivitySnapshot = {
    namespaces: [ns('x')],
    pods: [
      pod('x', 'web', { app: 'web' }, { ips: ['10.0.0.1'], ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }),
      pod('x', 'api', { app: 'api' }, { ips: ['10.0.0.2'], ports: [{ name: 'http', containerPort: 9090, protocol: 'TCP' }] }),
      pod('x', 'client', { app: 'client' }, { ips: ['10.0.0.3'], ports: [{ name: 'http', containerPort: 7070, protocol: 'TCP' }] }),
    ],
    networkPolicies: [],
  };
  const ingress = model([np('x', 'http', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 'http' }] }] })], snap);
  t.equal(v(ingress, 'x/client', 'x/web', 8080).allowed, true);
  t.equal(v(ingress, 'x/client', 'x/web', 7070).allowed, false, "the source's own http port does not count");
  const egress = model([np('x', 'out', { podSelector: { matchLabels: { app: 'client' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http', protocol: 'TCP' }] }] })], snap);
  t.equal(v(egress, 'x/client', 'x/api', 9090).allowed, true, "egress: the destination's http port (9090)");
  t.equal(v(egress, 'x/client', 'x/api', 7070).allowed, false, "egress: not the source's own http port (7070)");
  t.equal(v(egress, 'x/client', 'cidr:192.0.2.1', 9090).allowed, false, 'an outside destination has no named ports');
  const probe = v(egress, 'x/client', 'x/api', 'http');
  t.equal(probe.allowed, true, 'a named probe resolves per destination');
  t.equal(probe.port, 9090);
  const missing = v(egress, 'x/client', 'x/api', 'grpc');
  t.equal(missing.allowed, false);
  t.equal(missing.ingress.decidedBy, 'port');
  t.match(missing.ingress.reason, /declares no TCP port named "grpc"/);
});

t.test('endPort ranges and protocols (TCP default, UDP, SCTP)', async (t) => {
  const m = model([np('x', 'range', { podSelector: {}, ingress: [{ ports: [{ port: 80, endPort: 81 }, { port: 81, protocol: 'SCTP' }] }] })]);
  t.equal(v(m, 'y/a', 'x/a', 80).allowed, true);
  t.equal(v(m, 'y/a', 'x/a', 81).allowed, true, 'inside the range');
  t.equal(v(m, 'y/a', 'x/a', 82).allowed, false, 'past endPort');
  t.equal(v(m, 'y/a', 'x/a', 80, 'UDP').allowed, false, 'protocol defaults to TCP');
  t.equal(v(m, 'y/a', 'x/a', 81, 'SCTP').allowed, true);
  t.equal(v(m, 'y/a', 'x/a', 80, 'SCTP').allowed, false);
  const udp = model([np('x', 'udp', { podSelector: {}, ingress: [{ ports: [{ port: 80, protocol: 'UDP' }] }] })]);
  t.equal(v(udp, 'y/a', 'x/a', 80, 'UDP').allowed, true);
  t.equal(v(udp, 'y/a', 'x/a', 80, 'TCP').allowed, false);
});

t.test('a connection needs both sides', async (t) => {
  const m = model([
    np('x', 'no-egress', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Egress'] }),
    DENY_ALL_INGRESS('y'),
  ]);
  const egressDenied = v(m, 'x/a', 'z/a');
  t.equal(egressDenied.allowed, false);
  t.equal(egressDenied.egress.allowed, false);
  t.equal(egressDenied.ingress.allowed, true);
  const ingressDenied = v(m, 'z/a', 'y/a');
  t.equal(ingressDenied.allowed, false);
  t.equal(ingressDenied.egress.allowed, true);
  t.equal(ingressDenied.ingress.allowed, false);
  t.equal(v(m, 'z/a', 'x/b').allowed, true);
});

t.test('host-network pods are not selected, and selectors do not match them as peers', async (t) => {
  const snap: ConnectivitySnapshot = {
    namespaces: [ns('x')],
    pods: [
      pod('x', 'host', { app: 'agent' }, { ips: ['192.168.1.10'], hostNetwork: true }),
      pod('x', 'agent', { app: 'agent' }, { ips: ['10.0.0.4'] }),
      pod('x', 'db', { app: 'db' }, { ips: ['10.0.0.5'] }),
    ],
    networkPolicies: [],
  };
  const m = model([np('x', 'deny', { podSelector: {}, ingress: [] }), np('x', 'agents', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'agent' } } }] }] })], snap);
  const toHost = v(m, 'x/db', 'x/host');
  t.equal(toHost.allowed, true, 'the deny-all does not select the host-network pod');
  t.equal(toHost.ingress.decidedBy, 'host-network');
  t.equal(v(m, 'x/db', 'x/agent').allowed, false, 'a regular pod with the same labels is isolated');
  t.equal(v(m, 'x/agent', 'x/db').allowed, true);
  const fromHost = v(m, 'x/host', 'x/db');
  t.equal(fromHost.allowed, false, 'the podSelector peer does not match the host-network pod');
  t.match(fromHost.ingress.notes, [/uses the host network/]);
});

t.test('terminated pods are left out; unknown pods are answers, not exceptions', async (t) => {
  const snap: ConnectivitySnapshot = {
    namespaces: [ns('x')],
    pods: [pod('x', 'done', {}, { phase: 'Succeeded', ips: ['10.0.0.1'] }), pod('x', 'failed', {}, { phase: 'Failed' }), pod('x', 'running', {}, { phase: 'Running', ips: ['10.0.0.2'] }), pod('x', 'pending', {}, { phase: 'Pending' })],
    networkPolicies: [],
  };
  const m = model([], snap);
  t.same(m.pods.map((p) => p.name), ['running', 'pending']);
  t.equal(v(m, 'x/pending', 'x/running').allowed, true);
  const gone = v(m, 'x/done', 'x/running');
  t.equal(gone.allowed, false);
  t.match(gone.egress.reason, /no running pod x\/done/);
  t.equal(v(m, 'cidr:not-an-ip', 'x/running').allowed, false);
});

t.test('an outside address as source or destination is decided on the pod side only', async (t) => {
  const m = model([np('x', 'egress-web', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }], ports: [{ port: 443 }] }] })]);
  const out = v(m, 'x/a', 'cidr:203.0.113.9', 443);
  t.equal(out.allowed, true);
  t.equal(out.ingress.decidedBy, 'outside');
  t.equal(v(m, 'x/a', 'cidr:169.254.169.254', 443).allowed, false, 'the metadata address is excepted');
  t.equal(v(m, 'x/a', 'y/a', 443).allowed, true, '0.0.0.0/0 covers pod IPs too');
  t.equal(v(m, 'x/a', 'y/a', 80).allowed, false);
});

/**
 * Facts carried over from kubernetes-sigs/kube-network-policies pkg/networkpolicy/networkpolicy_test.go
 * (TestSyncPacket): its pods a (foo, 192.168.1.11) and b (bar, 192.168.2.22) labelled a=b, c
 * (namespace "blocked", which has no Namespace object, 192.168.3.33) and d (bar, 192.168.4.44)
 * labelled c=d; namespaces foo and bar labelled a=b; and its policies and packets, one test per
 * case, with the same expected answer. Written as our own fixtures.
 */
import t from 'tap';
import { ConnectivityModel, type ConnectivitySnapshot } from '../../src/connectivity/index.js';
import type { NetworkPolicy } from '../../src/k8s/types.js';
import { np, ns, pod } from '../helpers/connectivity.js';

const BASE: ConnectivitySnapshot = {
  namespaces: [ns('foo', { a: 'b' }), ns('bar', { a: 'b' })],
  pods: [
    pod('foo', 'a', { a: 'b' }, { ips: ['192.168.1.11'] }),
    pod('bar', 'b', { a: 'b' }, { ips: ['192.168.2.22'] }),
    pod('blocked', 'c', { c: 'd' }, { ips: ['192.168.3.33'] }),
    pod('bar', 'd', { c: 'd' }, { ips: ['192.168.4.44'] }),
  ],
  networkPolicies: [],
};

const AB = { matchLabels: { a: 'b' } };
const denyIngress = np('bar', 'default-deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] });
const denyEgress = np('bar', 'default-deny-egress', { podSelector: {}, policyTypes: ['Egress'] });
const allowAllIngress = np('bar', 'default-allow-ingress', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] });
const ipBlockIngress = np('bar', 'default-allow-ingress-ipBlock', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '192.168.0.0/16' } }] }] });
const egress = (name: string, rule: object): NetworkPolicy => np('foo', name, { podSelector: AB, policyTypes: ['Egress'], egress: [rule] });
const multiPort = egress('multiport-egress', { ports: [{ protocol: 'TCP', port: 30000, endPort: 65535 }], to: [] });
const multiPortIpBlock = egress('multiport-egress-ipblock', { to: [{ ipBlock: { cidr: '192.168.0.0/16' } }] });
const multiPortPod = egress('multiport-egress-pod', { to: [{ podSelector: AB }] });
const multiPortNs = egress('multiport-egress-ns', { to: [{ namespaceSelector: AB }] });
const multiPortPodNs = egress('multiport-egress-pod-ns', { to: [{ podSelector: AB, namespaceSelector: AB }] });
const ingressPodNs = np('bar', 'multiport-ingress-pod-ns', { podSelector: AB, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: AB, namespaceSelector: AB }] }] });

const CASES: [name: string, policies: NetworkPolicy[], from: string, to: string, port: number, expect: boolean][] = [
  ['no network policy', [], 'foo/a', 'bar/b', 80, true],
  ['deny ingress', [denyIngress], 'foo/a', 'bar/b', 80, false],
  ['deny egress', [denyEgress], 'bar/b', 'foo/a', 80, false],
  ['deny egress (of bar) does not touch foo → bar', [denyEgress], 'foo/a', 'bar/b', 80, true],
  ['allow all overrides deny ingress', [denyIngress, allowAllIngress], 'foo/a', 'bar/b', 80, true],
  ['ip block overrides deny ingress', [denyIngress, ipBlockIngress], 'foo/a', 'bar/b', 80, true],
  ['ip block denies ingress from outside it', [ipBlockIngress], 'cidr:10.0.0.1', 'bar/b', 80, false],
  ['multiport deny egress port', [denyEgress, multiPort], 'foo/a', 'bar/b', 80, false],
  ['multiport allow egress port', [denyEgress, multiPort], 'foo/a', 'bar/b', 30080, true],
  ['multiport allow egress', [denyEgress, multiPort, multiPortIpBlock], 'foo/a', 'bar/b', 80, true],
  ['multiport allow egress port selector not match ns', [denyEgress, multiPort, multiPortPod], 'foo/a', 'bar/b', 80, false],
  ['multiport allow egress port selector not match pod selector', [denyEgress, multiPort, multiPortPod], 'foo/a', 'blocked/c', 80, false],
  ['multiport allow egress ns selector', [denyEgress, multiPort, multiPortNs], 'foo/a', 'bar/b', 80, true],
  ['multiport allow egress ns selector fail', [denyEgress, multiPort, multiPortNs], 'foo/a', 'blocked/c', 80, false],
  ['multiport allow egress ns and pod selector', [denyEgress, multiPort, multiPortPodNs], 'foo/a', 'bar/b', 80, true],
  ['multiport allow egress ns and pod selector fail', [denyEgress, multiPort, multiPortPodNs], 'foo/a', 'blocked/c', 80, false],
  ['multiport allow ingress ns and pod selector', [denyIngress, ingressPodNs], 'foo/a', 'bar/b', 80, true],
  ['multiport allow ingress ns and pod selector fail', [denyIngress, ingressPodNs], 'foo/a', 'bar/d', 80, false],
];

for (const [name, policies, from, to, port, expect] of CASES) {
  t.test(name, async (t) => {
    const model = ConnectivityModel.build({ ...BASE, networkPolicies: policies });
    const end = (s: string) => (s.startsWith('cidr:') ? { external: s.slice(5) } : { pod: s });
    const v = model.verdict({ from: end(from), to: end(to), port, protocol: 'TCP' });
    t.equal(v.allowed, expect, `${from} → ${to} ${port}/TCP: ${v.egress.reason} | ${v.ingress.reason}`);
  });
}

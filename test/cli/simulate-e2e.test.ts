/**
 * Kubernetes' own NetworkPolicy e2e scenarios (kubernetes/kubernetes
 * test/e2e/network/netpol/network_policy.go), each run through the built CLI as
 * `simulate FILE --cluster-state test/fixtures/simulate/e2e-cluster.yaml -o json` and compared
 * pair by pair with the scenario's expected truth table. The cluster is the e2e one (x, y, z ×
 * a, b, c, every port of 80/81 × TCP/UDP/SCTP, named serve-80-tcp …). The expectations are
 * written with the same vocabulary the e2e tests use (ExpectPeer, ExpectAllIngress,
 * ExpectAllEgress, Expect) over all nine pods; a pod and itself (loopback, which the e2e
 * tests ignore) is not a flow. Policies mirror the e2e builders: SetSpecIngressRules adds
 * Ingress to policyTypes, SetSpecEgressRules adds Egress.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import t from 'tap';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const STATE = fileURLToPath(new URL('../fixtures/simulate/e2e-cluster.yaml', import.meta.url));
const PODS = ['x', 'y', 'z'].flatMap((n) => ['a', 'b', 'c'].map((p) => `${n}/${p}`));
const IP: Record<string, string> = Object.fromEntries(PODS.map((p, i) => [p, `10.0.0.${i + 1}`]));
const NS_LABEL = 'kubernetes.io/metadata.name';

interface Peer {
  ns?: string;
  pod?: string;
}

/** The e2e tests' Reachability: every pair starts at a default, then Expect* overrides. */
class Reachability {
  readonly expected = new Map<string, boolean>();
  constructor(all: boolean) {
    for (const f of PODS) for (const to of PODS) this.expected.set(`${f}>${to}`, all);
  }
  private static hits(peer: Peer, pod: string): boolean {
    const [n, p] = pod.split('/');
    return (peer.ns === undefined || peer.ns === n) && (peer.pod === undefined || peer.pod === p);
  }
  expectPeer(from: Peer, to: Peer, v: boolean): this {
    for (const f of PODS) for (const d of PODS) if (Reachability.hits(from, f) && Reachability.hits(to, d)) this.expected.set(`${f}>${d}`, v);
    return this;
  }
  expect(from: string, to: string, v: boolean): this {
    this.expected.set(`${from}>${to}`, v);
    return this;
  }
  expectAllIngress(pod: string, v: boolean): this {
    for (const f of PODS) this.expected.set(`${f}>${pod}`, v);
    return this;
  }
  expectAllEgress(pod: string, v: boolean): this {
    for (const d of PODS) this.expected.set(`${pod}>${d}`, v);
    return this;
  }
}

type Obj = Record<string, unknown>;
const reach = (all = true) => new Reachability(all);
const sel = (matchLabels: Record<string, string>) => ({ matchLabels });

/** GenNetworkPolicyWithNameAndPodSelector + SetSpecIngressRules / SetSpecEgressRules. */
function policy(ns: string, name: string, podSelector: Obj, rules: { ingress?: Obj[]; egress?: Obj[]; policyTypes?: string[] }): Obj {
  const policyTypes = rules.policyTypes ?? [...(rules.ingress ? ['Ingress'] : []), ...(rules.egress ? ['Egress'] : [])];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: ns },
    spec: { podSelector, ...(rules.ingress ? { ingress: rules.ingress } : {}), ...(rules.egress ? { egress: rules.egress } : {}), policyTypes },
  };
}

interface Check {
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly reachability: Reachability;
}

interface Scenario {
  readonly name: string;
  /** Policies (and changed Namespaces/Pods) in FILES. */
  readonly objects: Obj[];
  readonly checks: Check[];
}

const podA = sel({ pod: 'a' });
const tcp = (port: number, reachability: Reachability): Check => ({ port, protocol: 'TCP', reachability });

const SCENARIOS: Scenario[] = [
  {
    name: "should support a 'default-deny-ingress' policy",
    objects: [policy('x', 'deny-ingress', {}, { ingress: [] })],
    checks: [tcp(80, reach().expectPeer({}, { ns: 'x' }, false))],
  },
  {
    name: "should support a 'default-deny-all' policy",
    objects: [policy('x', 'deny-all', {}, { ingress: [], egress: [] })],
    checks: [tcp(80, reach().expectPeer({}, { ns: 'x' }, false).expectPeer({ ns: 'x' }, {}, false))],
  },
  {
    name: 'should enforce policy to allow traffic from pods within server namespace based on PodSelector',
    objects: [policy('x', 'x-a-allows-x-b', podA, { ingress: [{ from: [{ podSelector: sel({ pod: 'b' }) }] }] })],
    checks: [tcp(80, reach().expectAllIngress('x/a', false).expect('x/b', 'x/a', true))],
  },
  {
    name: 'should enforce policy to allow ingress traffic for a target',
    objects: [policy('x', 'deny-all', {}, { ingress: [] }), policy('x', 'allow-all-to-a', podA, { ingress: [{ from: [{ podSelector: {}, namespaceSelector: {} }] }] })],
    checks: [tcp(80, reach().expectAllIngress('x/a', true).expectAllIngress('x/b', false).expectAllIngress('x/c', false))],
  },
  {
    name: 'should enforce policy to allow ingress traffic from pods in all namespaces',
    objects: [policy('x', 'allow-from-another-ns', podA, { ingress: [{ from: [{ namespaceSelector: { matchLabels: {} } }] }] })],
    checks: [tcp(80, reach())],
  },
  {
    name: 'should enforce policy to allow traffic only from a different namespace, based on NamespaceSelector',
    objects: [policy('x', 'allow-client-a-via-ns-selector', podA, { ingress: [{ from: [{ namespaceSelector: sel({ [NS_LABEL]: 'y' }) }] }] })],
    checks: [tcp(80, reach().expectPeer({ ns: 'x' }, { ns: 'x', pod: 'a' }, false).expectPeer({ ns: 'z' }, { ns: 'x', pod: 'a' }, false))],
  },
  {
    name: 'should enforce policy based on PodSelector with MatchExpressions',
    objects: [policy('x', 'x-a-allows-x-b', podA, { ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b'] }] } }] }] })],
    checks: [tcp(80, reach().expectAllIngress('x/a', false).expect('x/b', 'x/a', true))],
  },
  {
    name: 'should enforce policy based on NamespaceSelector with MatchExpressions',
    objects: [policy('x', 'allow-ns-y-match-selector', podA, { ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: NS_LABEL, operator: 'In', values: ['y'] }] } }] }] })],
    checks: [tcp(80, reach().expectPeer({ ns: 'x' }, { ns: 'x', pod: 'a' }, false).expectPeer({ ns: 'z' }, { ns: 'x', pod: 'a' }, false))],
  },
  {
    name: 'should enforce policy based on PodSelector or NamespaceSelector',
    objects: [
      policy('x', 'allow-ns-y-match-selector', podA, {
        ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: NS_LABEL, operator: 'NotIn', values: ['x'] }] } }, { podSelector: sel({ pod: 'b' }) }] }],
      }),
    ],
    checks: [tcp(80, reach().expect('x/a', 'x/a', false).expect('x/c', 'x/a', false))],
  },
  {
    name: 'should enforce policy based on PodSelector and NamespaceSelector',
    objects: [
      policy('x', 'allow-ns-y-podselector-and-nsselector', podA, {
        ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: NS_LABEL, operator: 'NotIn', values: ['x'] }] }, podSelector: sel({ pod: 'b' }) }] }],
      }),
    ],
    checks: [tcp(80, reach().expectAllIngress('x/a', false).expect('y/b', 'x/a', true).expect('z/b', 'x/a', true))],
  },
  {
    name: 'should enforce policy based on Multiple PodSelectors and NamespaceSelectors',
    objects: [
      policy('x', 'allow-ns-y-z-pod-b-c', podA, {
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchExpressions: [{ key: NS_LABEL, operator: 'NotIn', values: ['x'] }] },
                podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b', 'c'] }] },
              },
            ],
          },
        ],
      }),
    ],
    checks: [tcp(80, reach().expectPeer({ ns: 'x' }, { ns: 'x', pod: 'a' }, false).expect('y/a', 'x/a', false).expect('z/a', 'x/a', false))],
  },
  {
    name: 'should enforce policy based on any PodSelectors',
    objects: [policy('x', 'allow-ns-x-pod-b-c', podA, { ingress: [{ from: [{ podSelector: sel({ pod: 'b' }) }, { podSelector: sel({ pod: 'c' }) }] }] })],
    checks: [tcp(80, reach().expectAllIngress('x/a', false).expect('x/b', 'x/a', true).expect('x/c', 'x/a', true))],
  },
  {
    name: 'should enforce policy to allow traffic only from a pod in a different namespace based on PodSelector and NamespaceSelector',
    objects: [policy('x', 'allow-ns-y-pod-a-via-namespace-pod-selector', podA, { ingress: [{ from: [{ namespaceSelector: sel({ [NS_LABEL]: 'y' }), podSelector: podA }] }] })],
    checks: [
      tcp(80, reach().expectAllIngress('x/a', false).expect('y/a', 'x/a', true)),
      { port: 80, protocol: 'UDP', reachability: reach().expectAllIngress('x/a', false).expect('y/a', 'x/a', true) },
      { port: 80, protocol: 'SCTP', reachability: reach().expectAllIngress('x/a', false).expect('y/a', 'x/a', true) },
    ],
  },
  {
    name: 'should enforce policy based on Ports',
    objects: [policy('x', 'allow-client-a-via-ns-selector', podA, { ingress: [{ from: [{ namespaceSelector: sel({ [NS_LABEL]: 'y' }) }], ports: [{ port: 81, protocol: 'TCP' }] }] })],
    checks: [
      tcp(81, reach().expectPeer({ ns: 'x' }, { ns: 'x', pod: 'a' }, false).expectPeer({ ns: 'y' }, { ns: 'x', pod: 'a' }, true).expectPeer({ ns: 'z' }, { ns: 'x', pod: 'a' }, false)),
      tcp(80, reach().expectAllIngress('x/a', false)),
    ],
  },
  {
    name: 'should enforce multiple, stacked policies with overlapping podSelectors',
    objects: [
      policy('x', 'allow-client-a-via-ns-selector', podA, { ingress: [{ from: [{ namespaceSelector: sel({ [NS_LABEL]: 'y' }) }], ports: [{ port: 81, protocol: 'TCP' }] }] }),
      policy('x', 'allow-client-a-via-ns-selector-80', podA, { ingress: [{ from: [{ namespaceSelector: sel({ [NS_LABEL]: 'y' }) }], ports: [{ port: 80, protocol: 'TCP' }] }] }),
    ],
    checks: [80, 81].map((p) => tcp(p, reach().expectPeer({ ns: 'x' }, { ns: 'x', pod: 'a' }, false).expectPeer({ ns: 'y' }, { ns: 'x', pod: 'a' }, true).expectPeer({ ns: 'z' }, { ns: 'x', pod: 'a' }, false))),
  },
  {
    name: 'should support allow-all policy',
    objects: [policy('x', 'allow-all', {}, { ingress: [{}] })],
    checks: [tcp(80, reach()), tcp(81, reach())],
  },
  {
    name: 'should allow ingress access on one named port',
    objects: [policy('x', 'allow-all', {}, { ingress: [{ ports: [{ port: 'serve-81-tcp' }] }] })],
    checks: [tcp(81, reach()), tcp(80, reach().expectPeer({}, { ns: 'x' }, false))],
  },
  {
    name: 'should allow ingress access from namespace on one named port',
    objects: [policy('x', 'allow-client-a-via-ns-selector-80', podA, { ingress: [{ from: [{ namespaceSelector: sel({ [NS_LABEL]: 'y' }) }], ports: [{ port: 'serve-80-tcp', protocol: 'TCP' }] }] })],
    checks: [tcp(80, reach().expectPeer({ ns: 'x' }, { ns: 'x', pod: 'a' }, false).expectPeer({ ns: 'z' }, { ns: 'x', pod: 'a' }, false)), tcp(81, reach().expectAllIngress('x/a', false))],
  },
  {
    name: 'should allow egress access on one named port',
    objects: [policy('x', 'allow-egress', {}, { egress: [{ ports: [{ port: 'serve-80-tcp' }] }] })],
    checks: [tcp(80, reach()), tcp(81, reach().expectPeer({ ns: 'x' }, {}, false))],
  },
  {
    name: 'should enforce updated policy (after the update to deny all)',
    objects: [policy('x', 'allow-all-mutate-to-deny-all', {}, { ingress: [] })],
    checks: [tcp(81, reach().expectPeer({}, { ns: 'x' }, false))],
  },
  {
    name: 'should allow ingress access from updated namespace (after the label is added)',
    objects: [
      policy('x', 'allow-client-a-via-ns-selector', podA, { ingress: [{ from: [{ namespaceSelector: sel({ ns2: 'updated' }) }] }] }),
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'y', labels: { ns: 'y', ns2: 'updated' } } },
    ],
    checks: [tcp(80, reach().expectAllIngress('x/a', false).expectPeer({ ns: 'y' }, {}, true))],
  },
  {
    name: 'should allow ingress access from updated pod (after the label is added)',
    objects: [
      policy('x', 'allow-client-a-via-pod-selector', podA, { ingress: [{ from: [{ podSelector: sel({ pod: 'b', pod2: 'updated' }) }] }] }),
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'b', namespace: 'x', labels: { pod: 'b', pod2: 'updated' } },
        spec: { containers: [{ name: 'c', image: 'agnhost', ports: [{ containerPort: 80, name: 'serve-80-tcp' }] }] },
        status: { phase: 'Running', podIP: '10.0.0.2' },
      },
    ],
    checks: [tcp(80, reach().expectAllIngress('x/a', false).expect('x/b', 'x/a', true))],
  },
  {
    name: 'should deny ingress from pods on other namespaces',
    objects: [policy('x', 'deny-empty-policy', {}, { ingress: [{ from: [{ podSelector: { matchLabels: {} } }] }] })],
    checks: [tcp(80, reach().expectPeer({ ns: 'y' }, { ns: 'x' }, false).expectPeer({ ns: 'z' }, { ns: 'x' }, false))],
  },
  {
    name: 'should deny ingress access to updated pod (after the label is added)',
    objects: [
      policy('x', 'deny-ingress-via-label-selector', sel({ target: 'isolated' }), { ingress: [] }),
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'a', namespace: 'x', labels: { pod: 'a', target: 'isolated' } },
        spec: { containers: [{ name: 'c', image: 'agnhost', ports: [{ containerPort: 80, name: 'serve-80-tcp' }] }] },
        status: { phase: 'Running', podIP: '10.0.0.1' },
      },
    ],
    checks: [tcp(80, reach().expectAllIngress('x/a', false))],
  },
  {
    name: 'should deny egress from pods based on PodSelector',
    objects: [policy('x', 'deny-egress-pod-a', podA, { egress: [] })],
    checks: [tcp(80, reach().expectAllEgress('x/a', false))],
  },
  {
    name: 'should deny egress from all pods in a namespace',
    objects: [policy('x', 'deny-egress-ns-x', {}, { egress: [] })],
    checks: [tcp(80, reach().expectPeer({ ns: 'x' }, {}, false))],
  },
  {
    name: 'should work with Ingress, Egress specified together',
    objects: [policy('x', 'allow-client-a-via-pod-selector', podA, { ingress: [{ from: [{ podSelector: sel({ pod: 'b' }) }] }], egress: [{ ports: [{ port: 80 }] }], policyTypes: ['Egress', 'Ingress'] })],
    checks: [
      tcp(80, reach().expectAllIngress('x/a', false).expect('x/b', 'x/a', true)),
      tcp(81, reach().expectAllIngress('x/a', false).expectAllEgress('x/a', false).expect('x/b', 'x/a', true)),
    ],
  },
  {
    name: 'should support denying of egress traffic on the client side (even if the server explicitly allows this traffic)',
    objects: [
      policy('x', 'allow-to-ns-y-pod-a', podA, { egress: [{ to: [{ namespaceSelector: sel({ [NS_LABEL]: 'y' }), podSelector: podA }] }] }),
      policy('y', 'allow-from-xa-on-ya-match-selector', podA, { ingress: [{ from: [{ namespaceSelector: sel({ [NS_LABEL]: 'x' }), podSelector: podA }] }] }),
      policy('y', 'allow-from-xa-on-yb-match-selector', sel({ pod: 'b' }), { ingress: [{ from: [{ namespaceSelector: sel({ [NS_LABEL]: 'x' }), podSelector: podA }] }] }),
    ],
    checks: [tcp(80, reach().expectPeer({ ns: 'x', pod: 'a' }, {}, false).expectPeer({}, { ns: 'y', pod: 'a' }, false).expectPeer({ ns: 'x', pod: 'a' }, { ns: 'y', pod: 'a' }, true).expectPeer({}, { ns: 'y', pod: 'b' }, false))],
  },
  {
    name: 'should enforce egress policy allowing traffic to a server in a different namespace based on PodSelector and NamespaceSelector',
    objects: [policy('x', 'allow-to-ns-y-pod-a', podA, { egress: [{ to: [{ namespaceSelector: sel({ [NS_LABEL]: 'y' }), podSelector: podA }] }] })],
    checks: [tcp(80, reach().expectAllEgress('x/a', false).expect('x/a', 'y/a', true))],
  },
  {
    name: 'should enforce ingress policy allowing any port traffic to a server on a specific protocol',
    objects: [policy('x', 'allow-ingress-by-proto', podA, { ingress: [{ ports: [{ protocol: 'TCP' }] }] })],
    checks: [tcp(80, reach()), { port: 80, protocol: 'UDP', reachability: reach().expectPeer({}, { ns: 'x', pod: 'a' }, false) }],
  },
  {
    name: 'should enforce multiple ingress policies with ingress allow-all policy taking precedence',
    objects: [policy('x', 'allow-ingress-port-80', {}, { ingress: [{ ports: [{ port: 80 }] }] }), policy('x', 'allow-ingress', {}, { ingress: [{}] })],
    checks: [tcp(81, reach())],
  },
  {
    name: 'should enforce multiple ingress policies (before the allow-all): only port 80',
    objects: [policy('x', 'allow-ingress-port-80', {}, { ingress: [{ ports: [{ port: 80 }] }] })],
    checks: [tcp(81, reach().expectPeer({}, { ns: 'x' }, false)), tcp(80, reach())],
  },
  {
    name: 'should enforce multiple egress policies with egress allow-all policy taking precedence',
    objects: [policy('x', 'allow-egress-port-80', {}, { egress: [{ ports: [{ port: 80 }] }] }), policy('x', 'allow-egress', {}, { egress: [{}] })],
    checks: [tcp(81, reach())],
  },
  {
    name: 'should allow egress access to server in CIDR block',
    objects: [policy('x', 'allow-client-a-via-cidr-egress-rule', podA, { egress: [{ to: [{ ipBlock: { cidr: `${IP['y/b']}/32` } }] }] })],
    checks: [tcp(80, reach().expectAllEgress('x/a', false).expect('x/a', 'y/b', true))],
  },
  {
    name: 'should enforce except clause while egress access to server in CIDR block',
    objects: [policy('x', 'allow-client-a-via-cidr-egress-rule', podA, { egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24', except: [`${IP['x/b']}/32`] } }] }] })],
    checks: [tcp(80, reach().expect('x/a', 'x/b', false))],
  },
  {
    name: 'should ensure an IP overlapping both IPBlock.CIDR and IPBlock.Except is allowed (after the second policy)',
    objects: [
      policy('x', 'allow-client-a-via-cidr-egress-rule', podA, { egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/24', except: [`${IP['x/b']}/32`] } }] }] }),
      policy('x', 'allow-client-a-via-cidr-egress-rule', podA, { egress: [{ to: [{ ipBlock: { cidr: `${IP['x/b']}/32` } }] }] }),
    ],
    // The second object has the same name: it replaces the first, as the e2e test's update does.
    checks: [tcp(80, reach().expectAllEgress('x/a', false).expect('x/a', 'x/b', true))],
  },
  {
    name: 'should enforce policies to check ingress and egress policies can be controlled independently based on PodSelector',
    objects: [policy('x', 'allow-egress-for-target', podA, { egress: [{}] }), policy('x', 'deny-ingress-via-label-selector', podA, { ingress: [] })],
    checks: [tcp(80, reach().expectAllIngress('x/a', false))],
  },
  {
    name: "should not mistakenly treat 'protocol: SCTP' as 'protocol: TCP'",
    objects: [policy('x', 'deny-ingress', {}, { ingress: [] }), policy('x', 'allow-only-sctp-ingress-on-port-81', podA, { ingress: [{ ports: [{ port: 81, protocol: 'SCTP' }] }] })],
    checks: [tcp(81, reach().expectPeer({}, { ns: 'x' }, false)), { port: 81, protocol: 'SCTP', reachability: reach().expectPeer({}, { ns: 'x' }, false).expectAllIngress('x/a', true) }],
  },
  {
    name: 'should properly isolate pods that are selected by a policy allowing SCTP',
    objects: [policy('x', 'allow-only-sctp-ingress-on-port-80', podA, { ingress: [{ ports: [{ port: 80, protocol: 'SCTP' }] }] })],
    checks: [tcp(81, reach().expectAllIngress('x/a', false))],
  },
  {
    name: 'should not allow access by TCP when a policy specifies only UDP',
    objects: [policy('x', 'allow-only-udp-ingress-on-port-81', podA, { ingress: [{ ports: [{ port: 81, protocol: 'UDP' }] }] })],
    checks: [tcp(81, reach().expectAllIngress('x/a', false)), { port: 81, protocol: 'UDP', reachability: reach() }],
  },
  {
    name: 'should enforce policy based on NamespaceSelector with MatchExpressions using default ns label (egress)',
    objects: [policy('x', 'allow-ns-y-match-selector-for-immutable-ns-label', podA, { egress: [{ to: [{ namespaceSelector: { matchExpressions: [{ key: NS_LABEL, operator: 'NotIn', values: ['y'] }] } }] }] })],
    checks: [tcp(80, reach().expectPeer({ ns: 'x', pod: 'a' }, { ns: 'y' }, false))],
  },
  {
    name: 'UDP: should enforce policy based on Ports',
    objects: [policy('x', 'allow-ingress-on-port-81-ns-x', podA, { ingress: [{ from: [{ namespaceSelector: sel({ [NS_LABEL]: 'y' }) }], ports: [{ port: 81, protocol: 'UDP' }] }] })],
    checks: [{ port: 81, protocol: 'UDP', reachability: reach().expectPeer({ ns: 'x' }, { ns: 'x', pod: 'a' }, false).expectPeer({ ns: 'z' }, { ns: 'x', pod: 'a' }, false) }],
  },
  {
    name: 'SCTP: should enforce policy based on Ports',
    objects: [policy('x', 'allow-ingress-on-port-81-ns-x', podA, { ingress: [{ from: [{ namespaceSelector: sel({ [NS_LABEL]: 'y' }) }], ports: [{ port: 81, protocol: 'SCTP' }] }] })],
    checks: [{ port: 81, protocol: 'SCTP', reachability: reach().expectPeer({ ns: 'x' }, { ns: 'x', pod: 'a' }, false).expectPeer({ ns: 'z' }, { ns: 'x', pod: 'a' }, false) }],
  },
  {
    // From the e2e suite's earlier port-range test (endPort): 80-81 allowed from y, nothing else.
    name: 'should enforce policy based on Ports range (endPort)',
    objects: [policy('x', 'allow-range', podA, { ingress: [{ from: [{ namespaceSelector: sel({ [NS_LABEL]: 'y' }) }], ports: [{ port: 80, endPort: 81, protocol: 'TCP' }] }] })],
    checks: [80, 81].map((p) => tcp(p, reach().expectAllIngress('x/a', false).expectPeer({ ns: 'y' }, { ns: 'x', pod: 'a' }, true))),
  },
];

interface JsonFlow {
  from: string;
  to: string;
  allowed: boolean;
  egress: { allowed: boolean; reason: string };
  ingress: { allowed: boolean; reason: string };
}
interface JsonOut {
  probes: { port: number | string; protocol: string; flows: JsonFlow[] }[];
  errors: unknown[];
}

const dir = mkdtempSync(join(tmpdir(), 'npg-simulate-e2e-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
// Many short CLI runs: started a few at a time up front, then judged one scenario per subtest.
t.setTimeout(600_000);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function simulate(i: number, s: Scenario): Promise<Run> {
  const file = join(dir, `case-${i}.yaml`);
  writeFileSync(file, s.objects.map((o) => yaml.dump(o)).join('---\n'));
  const ports = s.checks.flatMap((c) => ['--port', `${c.port}/${c.protocol}`]);
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, 'simulate', file, '--cluster-state', STATE, '-o', 'json', ...ports], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

const runs: Run[] = [];
for (let i = 0; i < SCENARIOS.length; i += 4) {
  runs.push(...(await Promise.all(SCENARIOS.slice(i, i + 4).map((s, k) => simulate(i + k, s)))));
}

for (const [i, s] of SCENARIOS.entries()) {
  t.test(s.name, async (t) => {
    const r = runs[i] as Run;
    t.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as JsonOut;
    t.same(out.errors, []);
    t.equal(out.probes.length, s.checks.length);
    for (const [j, c] of s.checks.entries()) {
      const probe = out.probes[j];
      t.same([probe?.port, probe?.protocol], [c.port, c.protocol]);
      t.equal(probe?.flows.length, 72, 'one flow per ordered pair of the nine pods');
      const wrong: string[] = [];
      for (const f of probe?.flows ?? []) {
        const want = c.reachability.expected.get(`${f.from}>${f.to}`);
        if (f.allowed !== want) wrong.push(`${f.from} → ${f.to}: got ${f.allowed} (${f.egress.reason} | ${f.ingress.reason}), want ${want}`);
        if (f.allowed !== (f.egress.allowed && f.ingress.allowed)) wrong.push(`${f.from} → ${f.to}: allowed is not both sides`);
      }
      t.same(wrong, [], `${c.port}/${c.protocol}: every pair as the truth table says`);
      const denied = [...c.reachability.expected].filter(([k, v]) => !v && k.split('>')[0] !== k.split('>')[1]).length;
      t.equal(probe?.flows.filter((f) => !f.allowed).length, denied, `${c.port}/${c.protocol}: ${denied} denied`);
    }
  });
}

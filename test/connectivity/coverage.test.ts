/**
 * policyCoverage against "remove it and diff": on random clusters (the e2e pods, every pod
 * serving 80 and 81 on TCP, UDP and SCTP) with random NetworkPolicies whose rules name only those
 * ports, a rule is needed exactly when removing it loses a flow (diffConnectivity), and a policy
 * is removable exactly when removing it changes no flow and no pod's isolation.
 */
import fc from 'fast-check';
import t from 'tap';
import { ConnectivityModel, diffConnectivity, externalRepresentatives, policyCoverage } from '../../src/connectivity/index.js';
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../../src/k8s/types.js';
import { e2eSnapshot, np } from '../helpers/connectivity.js';

const selector = fc.oneof(fc.constant({}), fc.record({ matchLabels: fc.record({ pod: fc.constantFrom('a', 'b', 'c') }) }));
const nsSelector = fc.oneof(fc.constant({}), fc.record({ matchLabels: fc.record({ ns: fc.constantFrom('x', 'y', 'z') }) }));
const peer: fc.Arbitrary<NetworkPolicyPeer> = fc.oneof(fc.record({ podSelector: selector }), fc.record({ namespaceSelector: nsSelector }), fc.record({ namespaceSelector: nsSelector, podSelector: selector }));
const port: fc.Arbitrary<NetworkPolicyPort> = fc.oneof(
  fc.record({ port: fc.constantFrom(80, 81), protocol: fc.constantFrom('TCP', 'UDP', 'SCTP') }),
  fc.record({ port: fc.constant(80), endPort: fc.constant(81), protocol: fc.constantFrom('TCP', 'UDP') }),
  fc.record({ port: fc.constantFrom('serve-80-tcp', 'serve-81-udp') }),
);
const rule = fc.record({ from: fc.array(peer, { minLength: 1, maxLength: 2 }), ports: fc.array(port, { minLength: 1, maxLength: 2 }) });
const policy = fc.record({
  namespace: fc.constantFrom('x', 'y', 'z'),
  podSelector: selector,
  ingress: fc.array(rule, { maxLength: 3 }),
  egress: fc.option(fc.array(rule.map((r) => ({ to: r.from, ports: r.ports })), { maxLength: 2 }), { nil: undefined }),
});
const policies = fc.array(policy, { minLength: 1, maxLength: 5 }).map((list) =>
  list.map((p, i): NetworkPolicy => np(p.namespace, `p${i}`, { podSelector: p.podSelector, ingress: p.ingress, ...(p.egress ? { egress: p.egress, policyTypes: ['Ingress', 'Egress'] } : { policyTypes: ['Ingress'] }) })),
);

function without(nps: readonly NetworkPolicy[], key: string, direction?: 'ingress' | 'egress', index?: number): NetworkPolicy[] {
  return nps.flatMap((p) => {
    if (`${p.metadata!.namespace}/${p.metadata!.name}` !== key) return [p];
    if (direction === undefined) return [];
    const rules = [...(p.spec![direction] as unknown[])];
    rules.splice(index!, 1);
    return [{ ...p, spec: { ...p.spec, [direction]: rules } }];
  });
}

t.test('needed rules and removable policies agree with removing them and diffing', async (t) => {
  let rulesChecked = 0;
  let policiesChecked = 0;
  fc.assert(
    fc.property(policies, (nps) => {
      const model = ConnectivityModel.build(e2eSnapshot(nps));
      const cov = policyCoverage(model);
      for (const u of cov.rules) {
        if (!u.admits) continue;
        const after = model.withPolicies(without(nps, u.policy, u.direction, u.rule));
        const d = diffConnectivity(model, after);
        rulesChecked++;
        if (u.needed !== d.lost.length > 0) return false;
      }
      for (const u of cov.policies) {
        if (u.selectsPods === 0) continue;
        const d = diffConnectivity(model, model.withPolicies(without(nps, u.policy)));
        const changes = d.lost.length + d.gained.length + d.isolated.ingress.length + d.isolated.egress.length + d.opened.ingress.length + d.opened.egress.length;
        policiesChecked++;
        if ((!u.allowsAlone && !u.isolatesAlone) !== (changes === 0)) return false;
      }
      return true;
    }),
    { numRuns: 150, seed: 18 },
  );
  t.ok(rulesChecked > 300, `rules compared: ${rulesChecked}`);
  t.ok(policiesChecked > 100, `policies compared: ${policiesChecked}`);
});

t.test('outside addresses: one per stretch the blocks tell apart', async (t) => {
  const nps = [np('x', 'web', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }, { ipBlock: { cidr: '10.1.0.0/16' } }] }] })];
  const reps = externalRepresentatives(ConnectivityModel.build(e2eSnapshot(nps))).map((p) => (p.kind === 'external' ? p.text : ''));
  // 0.0.0.0/0 minus 10/8 (one stretch, both sides of 10/8 share it), 10/8 minus 10.1/16, 10.1/16; and all of IPv6.
  t.same(reps, ['0.0.0.0', '10.0.0.0', '10.1.0.0', '::']);
  const withExtra = externalRepresentatives(ConnectivityModel.build(e2eSnapshot(nps)), ['192.168.0.0/16']).map((p) => (p.kind === 'external' ? p.text : ''));
  t.same(withExtra, ['0.0.0.0', '10.0.0.0', '10.1.0.0', '192.168.0.0', '::'], 'an extra range is a stretch of its own');
});

t.test('an Admin Deny over everything a rule allows: overridden, not live, not needed', async (t) => {
  const nps = [np('x', 'in', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }] })];
  const cnps = [{ name: 'deny-y', tier: 'Admin' as const, priority: 1, subject: { namespaces: { matchLabels: { ns: 'x' } } }, ingress: [{ action: 'Deny' as const, peers: [{ namespaces: { matchLabels: { ns: 'y' } } }] }], egress: [] }];
  const cov = policyCoverage(ConnectivityModel.build(e2eSnapshot(nps, cnps)));
  const u = cov.rules[0]!;
  t.same([u.admits, u.live, u.needed], [true, false, false]);
  t.same(u.overriddenBy.map((r) => [r.policy, r.action]), [['deny-y', 'Deny']]);
  const open = policyCoverage(ConnectivityModel.build(e2eSnapshot(nps))).rules[0]!;
  t.same([open.admits, open.live, open.needed, open.overriddenBy.length], [true, true, true, 0], 'without it: live and needed');
});

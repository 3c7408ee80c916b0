/**
 * computeImpact: the difference restricted to the pods a change touches is the whole difference
 * (checked against an unrestricted diff on random clusters and changes), and the facts around it:
 * isolation, pods without ports, new reach from outside and from every namespace.
 */
import fc from 'fast-check';
import t from 'tap';
import { ConnectivityModel, type ConnectivitySnapshot, diffConnectivity, withPolicyChanges } from '../../src/connectivity/index.js';
import { analyzeImpact, computeImpact } from '../../src/impact/compute.js';
import type { PolicyChange } from '../../src/impact/types.js';
import type { LabelSelector, NetworkPolicyPeer } from '../../src/k8s/types.js';
import { e2eSnapshot, np, ns, pod } from '../helpers/connectivity.js';

const key = fc.constantFrom('pod', 'tier');
const value = fc.constantFrom('a', 'b', 'c');
const selector: fc.Arbitrary<LabelSelector> = fc.oneof(fc.constant({}), fc.record({ matchLabels: fc.dictionary(key, value, { maxKeys: 1 }) }));
const peer: fc.Arbitrary<NetworkPolicyPeer> = fc.oneof(
  fc.record({ podSelector: selector }),
  fc.record({ namespaceSelector: fc.record({ matchLabels: fc.dictionary(fc.constant('ns'), fc.constantFrom('x', 'y', 'z'), { maxKeys: 1 }) }) }),
  fc.record({ namespaceSelector: selector, podSelector: selector }),
  fc.record({ ipBlock: fc.constantFrom<{ cidr: string; except?: string[] }>({ cidr: '10.0.0.0/30' }, { cidr: '0.0.0.0/0', except: ['10.0.0.4/30'] }) }),
);
const rule = fc.record({ from: fc.array(peer, { maxLength: 2 }), to: fc.array(peer, { maxLength: 2 }), ports: fc.array(fc.record({ port: fc.constantFrom(80, 81, 'serve-81-udp'), protocol: fc.constantFrom('TCP', 'UDP') }), { maxLength: 1 }) });
const policy = (name: string) =>
  fc.record({ namespace: fc.constantFrom('x', 'y', 'z'), podSelector: selector, ingress: fc.option(fc.array(rule, { maxLength: 2 }), { nil: undefined }), egress: fc.option(fc.array(rule, { maxLength: 2 }), { nil: undefined }) }).map((p) => {
    const types = [...(p.ingress ? ['Ingress' as const] : []), ...(p.egress ? ['Egress' as const] : [])];
    return np(p.namespace, name, {
      podSelector: p.podSelector,
      policyTypes: types.length > 0 ? types : ['Ingress'],
      ...(p.ingress ? { ingress: p.ingress.map((r) => ({ from: r.from, ports: r.ports })) } : {}),
      ...(p.egress ? { egress: p.egress.map((r) => ({ to: r.to, ports: r.ports })) } : {}),
    });
  });

function flowIds(list: readonly { from: string; to: string; port: number | string; protocol: string; after?: { port?: number }; before?: { port?: number } }[]): string[] {
  return list.map((f) => `${f.from}>${f.to}:${typeof f.port === 'number' ? f.port : (f.after?.port ?? f.before?.port)}/${f.protocol}`).sort();
}

t.test('restricted to the touched pods, the impact equals the unrestricted difference', async (t) => {
  let runs = 0;
  fc.assert(
    fc.property(fc.array(policy('p'), { maxLength: 1 }), fc.array(policy('q'), { maxLength: 1 }), policy('p'), fc.constantFrom('write', 'delete'), fc.boolean(), (existingP, existingQ, next, op, oneProbe) => {
      const snapshot = e2eSnapshot([...existingP, ...existingQ]);
      const target = existingP[0];
      const change: PolicyChange = op === 'delete' && target ? { operation: 'DELETE', key: `${target.metadata?.namespace}/p` } : { operation: 'CREATE', policy: next };
      const probes = oneProbe ? [{ port: 81, protocol: 'UDP' as const }] : undefined;
      const report = computeImpact(snapshot, [change], probes ? { probes } : {});
      const before = ConnectivityModel.build(snapshot);
      const after = ConnectivityModel.build(withPolicyChanges(snapshot, change.operation === 'DELETE' ? { deleteNetworkPolicies: [change.key] } : { networkPolicies: [change.policy] }));
      const full = diffConnectivity(before, after, probes ? { probes } : {});
      const analysis = analyzeImpact(before, [change], probes ? { probes } : {});
      runs++;
      return (
        analysis?.lostSources === new Set(full.lost.map((f) => f.from)).size &&
        analysis.gainedSources === new Set(full.gained.map((f) => f.from)).size &&
        analysis.lostTargets === new Set(full.lost.map((f) => f.to)).size &&
        analysis.gainedTargets === new Set(full.gained.map((f) => f.to)).size &&
        JSON.stringify(flowIds(report.lost)) === JSON.stringify(flowIds(full.lost)) &&
        JSON.stringify(flowIds(report.gained)) === JSON.stringify(flowIds(full.gained)) &&
        JSON.stringify(report.isolated) === JSON.stringify(full.isolated) &&
        JSON.stringify(report.opened) === JSON.stringify(full.opened)
      );
    }),
    { numRuns: 300, seed: 17 },
  );
  t.equal(runs, 300);
});

t.test('a default-deny: every flow into x lost, x isolated; deleting it gives them back', async (t) => {
  const deny = np('x', 'deny', { podSelector: {}, policyTypes: ['Ingress'] });
  const report = computeImpact(e2eSnapshot(), [{ operation: 'CREATE', policy: deny }], { probes: [{ port: 80, protocol: 'TCP' }] });
  t.equal(report.lost.length, 3 * 8);
  t.same(report.gained, []);
  t.same(report.isolated, { ingress: ['x/a', 'x/b', 'x/c'], egress: [] });
  t.same(report.changes, [{ operation: 'CREATE', policy: 'x/deny' }]);
  const back = computeImpact(e2eSnapshot([deny]), [{ operation: 'DELETE', key: 'x/deny' }]);
  t.equal(back.gained.length, 3 * 8 * 6, 'on the 6 declared ports by default');
  t.same(back.opened.ingress, ['x/a', 'x/b', 'x/c']);
  t.same(back.reach.world, ['x/a', 'x/b', 'x/c'], 'open again to everything, outside included');
  t.same(back.reach.everyNamespace, ['x/a', 'x/b', 'x/c']);
});

t.test('new reach: from 0.0.0.0/0 and from every namespace, told apart', async (t) => {
  const deny = np('x', 'deny', { podSelector: {}, policyTypes: ['Ingress'] });
  const world = np('x', 'web', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] });
  const r1 = computeImpact(e2eSnapshot([deny]), [{ operation: 'CREATE', policy: world }]);
  t.same(r1.reach.world, ['x/a']);
  t.same(r1.reach.everyNamespace, ['x/a'], 'pod IPs are inside 0.0.0.0/0 too');
  const partial = np('x', 'web', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['192.0.2.0/24'] } }] }] });
  t.same(computeImpact(e2eSnapshot([deny]), [{ operation: 'CREATE', policy: partial }]).reach.world, [], 'an except keeps part of the world out');
  const allNs = np('x', 'web', { podSelector: { matchLabels: { pod: 'b' } }, ingress: [{ from: [{ namespaceSelector: {} }] }] });
  const r2 = computeImpact(e2eSnapshot([deny]), [{ operation: 'CREATE', policy: allNs }]);
  t.same(r2.reach.world, []);
  t.same(r2.reach.everyNamespace, ['x/b']);
  const someNs = np('x', 'web', { podSelector: { matchLabels: { pod: 'b' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }] });
  t.same(computeImpact(e2eSnapshot([deny]), [{ operation: 'CREATE', policy: someNs }]).reach.everyNamespace, []);
});

t.test('pods without declared ports are named, not silently skipped', async (t) => {
  const snapshot: ConnectivitySnapshot = {
    namespaces: [ns('shop'), ns('other')],
    pods: [pod('shop', 'db-0', { app: 'db' }, { ips: ['10.1.0.1'] }), pod('shop', 'web-1', { app: 'web' }, { ips: ['10.1.0.2'], ports: [{ containerPort: 8080, protocol: 'TCP' }] }), pod('other', 'x', {}, { ips: ['10.1.0.3'] })],
    networkPolicies: [],
  };
  const deny = np('shop', 'deny', { podSelector: {}, policyTypes: ['Ingress'] });
  const r = computeImpact(snapshot, [{ operation: 'CREATE', policy: deny }]);
  t.same(r.withoutPorts, ['shop/db-0']);
  t.same(r.isolated.ingress, ['shop/db-0', 'shop/web-1']);
  t.same(r.lost.map((f) => `${f.from}>${f.to}:${f.port}`), ['other/x>shop/web-1:8080', 'shop/db-0>shop/web-1:8080']);
  const probed = computeImpact(snapshot, [{ operation: 'CREATE', policy: deny }], { probes: [{ port: 5432, protocol: 'TCP' }] });
  t.same(probed.withoutPorts, [], 'explicit ports are compared on every pod');
  t.equal(probed.lost.filter((f) => f.to === 'shop/db-0').length, 2);
});

t.test('a named probe is reported with the number it resolves to on each destination', async (t) => {
  const deny = np('x', 'deny', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Ingress'] });
  const r = computeImpact(e2eSnapshot(), [{ operation: 'CREATE', policy: deny }], { probes: [{ port: 'serve-81-udp', protocol: 'UDP' }] });
  t.equal(r.lost.length, 8);
  t.ok(r.lost.every((f) => f.port === 81 && f.protocol === 'UDP' && f.to === 'x/a'));
});


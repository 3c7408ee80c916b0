/**
 * Peer sets (peer-sets.ts): the sources a destination's ingress admits, as a set over the
 * model's classes, are exactly the classes sideAllowed admits one by one; and an impact worked
 * out with them (the model after derived for the change, its shared sources taken as sets)
 * lists exactly the flows of a plain diff between the models built before and after, on
 * random clusters with ClusterNetworkPolicies, ipBlocks, host-network pods and named ports.
 */
import fc from 'fast-check';
import t from 'tap';
import { ConnectivityModel, type PodClass, diffConnectivity, podParty, withPolicyChanges } from '../../src/connectivity/index.js';
import { sideAllowed } from '../../src/connectivity/evaluate.js';
import { PeerSets, egressAllows, egressSets, forEachDifference, has, ingressSources } from '../../src/connectivity/peer-sets.js';
import { resolveNamedPort } from '../../src/connectivity/ports.js';
import { analyzeImpact, expandImpact } from '../../src/impact/compute.js';
import type { PolicyChange } from '../../src/impact/types.js';
import type { NetworkPolicy } from '../../src/k8s/types.js';
import { PROBES, clusterArb, npArb, toSnapshot } from '../helpers/connectivity-arbitraries.js';

function portOf(cls: PodClass, port: number | string, protocol: string): number | undefined {
  return typeof port === 'number' ? port : resolveNamedPort(cls.ports, port, protocol)?.containerPort;
}

t.test('the sources a destination admits, as a set, are those sideAllowed admits one by one', async (t) => {
  let compared = 0;
  let admitted = 0;
  let byTiers = 0;
  fc.assert(
    fc.property(clusterArb, (c) => {
      const model = ConnectivityModel.build(toSnapshot(c));
      const sets = new PeerSets(model.classes);
      for (const dst of model.classes) {
        for (const [probe, protocol] of PROBES) {
          const port = portOf(dst, probe, protocol);
          if (port === undefined) continue;
          const set = ingressSources(sets, dst, port, protocol, dst.ports);
          if (!set) {
            if (dst.admin.length === 0 && dst.baseline.length === 0) throw new Error('no set, and no ClusterNetworkPolicy tier applies');
            byTiers++;
            continue;
          }
          model.classes.forEach((src, i) => {
            const want = sideAllowed('ingress', podParty(dst), podParty(src), port, protocol, dst.ports);
            if (has(set, i) !== want) throw new Error(`${src.key} → ${dst.key} ${port}/${protocol}: set ${has(set, i)}, sideAllowed ${want}`);
            compared++;
            if (want) admitted++;
          });
          // No bit past the last class.
          forEachDifference(set, sets.empty(), (i) => {
            if (i >= model.classes.length) throw new Error(`bit ${i} set past ${model.classes.length} classes`);
          });
        }
      }
    }),
    { seed: 20261204, numRuns: 300 },
  );
  t.ok(compared > 5000, `compared ${compared} pairs`);
  t.ok(admitted > compared / 10 && admitted < compared, `both answers occur (${admitted} admitted)`);
  t.ok(byTiers > 50, `destinations under a ClusterNetworkPolicy tier are left to be asked pair by pair (${byTiers})`);
});

t.test("a source's egress as sets answers as sideAllowed for every destination class", async (t) => {
  let compared = 0;
  let allowed = 0;
  let byTiers = 0;
  fc.assert(
    fc.property(clusterArb, (c) => {
      const model = ConnectivityModel.build(toSnapshot(c));
      const sets = new PeerSets(model.classes);
      for (const src of model.classes) {
        const egress = egressSets(sets, src);
        if (!egress) {
          if (src.admin.length === 0 && src.baseline.length === 0) throw new Error('no sets, and no ClusterNetworkPolicy tier applies');
          byTiers++;
          continue;
        }
        model.classes.forEach((dst, i) => {
          for (const [probe, protocol] of PROBES) {
            const port = portOf(dst, probe, protocol);
            if (port === undefined) continue;
            const want = sideAllowed('egress', podParty(src), podParty(dst), port, protocol, dst.ports);
            if (egressAllows(egress, i, port, protocol, dst.ports) !== want) throw new Error(`${src.key} → ${dst.key} ${port}/${protocol}: sets ${!want}, sideAllowed ${want}`);
            compared++;
            if (want) allowed++;
          }
        });
      }
    }),
    { seed: 20261208, numRuns: 300 },
  );
  t.ok(compared > 5000, `compared ${compared} flows`);
  t.ok(allowed > compared / 10 && allowed < compared, `both answers occur (${allowed} allowed)`);
  t.ok(byTiers > 50, `sources under a ClusterNetworkPolicy tier are left to be asked pair by pair (${byTiers})`);
});

t.test('the set difference visits the bits set in one set only, in ascending order', async (t) => {
  fc.assert(
    fc.property(fc.array(fc.boolean(), { minLength: 0, maxLength: 200 }), fc.array(fc.boolean(), { minLength: 0, maxLength: 200 }), (a, b) => {
      const n = Math.max(a.length, b.length);
      const sets = new PeerSets(Array.from({ length: n }) as PodClass[]);
      const x = sets.empty();
      const y = sets.empty();
      a.forEach((v, i) => v && (x[i >>> 5]! |= 1 << (i & 31)));
      b.forEach((v, i) => v && (y[i >>> 5]! |= 1 << (i & 31)));
      const seen: number[] = [];
      forEachDifference(x, y, (i) => seen.push(i));
      const want = Array.from({ length: n }, (_, i) => i).filter((i) => (a[i] ?? false) !== (b[i] ?? false));
      return JSON.stringify(seen) === JSON.stringify(want);
    }),
    { seed: 20261205, numRuns: 300 },
  );
  const sets = new PeerSets(Array.from({ length: 70 }) as PodClass[]);
  const all = sets.all();
  let count = 0;
  forEachDifference(all, sets.empty(), () => count++);
  t.equal(count, 70, 'every class, and no bit past them');
});

const changeArb = fc.record({ np: npArb, kind: fc.constantFrom('write', 'replace', 'delete'), index: fc.nat() });

t.test('an impact by sets lists exactly the flows of a plain diff between the built models', async (t) => {
  let lost = 0;
  let gained = 0;
  fc.assert(
    fc.property(clusterArb, changeArb, (c, spec) => {
      const snap = toSnapshot(c);
      const existing = snap.networkPolicies;
      const target = existing.length > 0 ? existing[spec.index % existing.length] : undefined;
      let change: PolicyChange;
      if (spec.kind === 'delete' && target) change = { operation: 'DELETE', key: `${target.metadata?.namespace}/${target.metadata?.name}` };
      else {
        const metadata = spec.kind === 'replace' && target ? { namespace: target.metadata!.namespace!, name: target.metadata!.name! } : { namespace: spec.np.metadata.namespace, name: 'changed' };
        change = { operation: spec.kind === 'replace' && target ? 'UPDATE' : 'CREATE', policy: { ...spec.np, metadata } as NetworkPolicy };
      }
      const before = ConnectivityModel.build(snap);
      const after = ConnectivityModel.build(withPolicyChanges(snap, change.operation === 'DELETE' ? { deleteNetworkPolicies: [change.key] } : { networkPolicies: [change.policy] }));
      const full = diffConnectivity(before, after);
      const report = expandImpact(analyzeImpact(before, [change])!);
      const ids = (list: readonly { from: string; to: string; port: number | string; protocol: string; before: { port?: number }; after: { port?: number } }[]) =>
        list.map((f) => `${f.from}>${f.to}:${typeof f.port === 'number' ? f.port : (f.after.port ?? f.before.port)}/${f.protocol}`).sort();
      lost += full.lost.length;
      gained += full.gained.length;
      if (JSON.stringify(ids(report.lost)) !== JSON.stringify(ids(full.lost))) throw new Error(`lost: impact ${JSON.stringify(ids(report.lost))}, diff ${JSON.stringify(ids(full.lost))}`);
      if (JSON.stringify(ids(report.gained)) !== JSON.stringify(ids(full.gained))) throw new Error(`gained: impact ${JSON.stringify(ids(report.gained))}, diff ${JSON.stringify(ids(full.gained))}`);
      return JSON.stringify(report.isolated) === JSON.stringify(full.isolated) && JSON.stringify(report.opened) === JSON.stringify(full.opened);
    }),
    { seed: 20261206, numRuns: 400 },
  );
  t.ok(lost > 100 && gained > 100, `flows lost (${lost}) and gained (${gained}) occur`);
});

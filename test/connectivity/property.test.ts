/**
 * The class-based model against the naive pair-by-pair evaluator (naive.ts): on random small
 * clusters with random NetworkPolicies and ClusterNetworkPolicies, every flow between every two
 * pods (and a few outside addresses), on numeric and named ports and every protocol, must get
 * the same allowed/denied answer.
 */
import fc from 'fast-check';
import t from 'tap';
import { ConnectivityModel, connectivityMatrix, type Endpoint } from '../../src/connectivity/index.js';
import { EXTERNALS, PROBES, clusterArb, toSnapshot } from '../helpers/connectivity-arbitraries.js';
import { type NaiveEnd, naiveAllowed } from './naive.js';

t.test('the class-based model agrees with the naive evaluator, flow for flow', async (t) => {
  let flows = 0;
  let allowed = 0;
  let fastChecked = 0;
  fc.assert(
    fc.property(clusterArb, (c) => {
      const snap = toSnapshot(c);
      const model = ConnectivityModel.build(snap);
      const ends: { e: Endpoint; n: NaiveEnd }[] = [
        ...snap.pods.map((p) => ({ e: { pod: `${p.namespace}/${p.name}` }, n: { pod: p } })),
        ...EXTERNALS.map((x) => ({ e: { external: x }, n: { cidr: x } })),
      ];
      for (const s of ends) {
        for (const d of ends) {
          if (s === d || ('external' in s.e && 'external' in d.e)) continue;
          for (const [port, proto] of PROBES) {
            const got = model.verdict({ from: s.e, to: d.e, port, protocol: proto as 'TCP' }).allowed;
            const want = naiveAllowed(snap, s.n, d.n, port, proto);
            // The answer without reasons (impact's many questions) is the same answer.
            const sp = model.party(s.e);
            const dp = model.party(d.e);
            if (sp && dp && model.allows(sp, dp, port, proto as 'TCP') !== got) throw new Error(`${JSON.stringify(s.e)} → ${JSON.stringify(d.e)} ${port}/${proto}: allows() ${!got}, verdict ${got}`);
            if (sp && dp) fastChecked++;
            flows++;
            if (want) allowed++;
            if (got !== want) {
              throw new Error(`${JSON.stringify(s.e)} → ${JSON.stringify(d.e)} ${port}/${proto}: model ${got}, naive ${want}\n${JSON.stringify(model.verdict({ from: s.e, to: d.e, port, protocol: proto as 'TCP' }), null, 1)}`);
            }
          }
        }
      }
    }),
    { seed: 20261201, numRuns: 400 },
  );
  t.ok(flows > 10000, `compared ${flows} flows`);
  t.ok(fastChecked > flows / 2, `allows() compared on ${fastChecked} flows`);
  t.ok(allowed > flows / 10 && allowed < flows, `both answers occur (${allowed} allowed of ${flows})`);
});

t.test('the matrix (verdicts shared per pair of classes) agrees with the naive evaluator', async (t) => {
  let flows = 0;
  fc.assert(
    fc.property(clusterArb, (c) => {
      const snap = toSnapshot(c);
      const model = ConnectivityModel.build(snap);
      const pods = snap.pods.map((p) => ({ pod: `${p.namespace}/${p.name}` }));
      const byKey = new Map(snap.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
      const m = connectivityMatrix(model, { from: [...pods, { external: '10.0.1.9' }], to: pods, probes: PROBES.map(([port, protocol]) => ({ port, protocol: protocol as 'TCP' })) });
      for (const probe of m.probes) {
        if (probe.flows.length !== (pods.length + 1) * pods.length - pods.length) throw new Error(`probe ${probe.port}: ${probe.flows.length} flows`);
        for (const f of probe.flows) {
          const src: NaiveEnd = f.from.startsWith('cidr:') ? { cidr: f.from.slice(5) } : { pod: byKey.get(f.from)! };
          const want = naiveAllowed(snap, src, { pod: byKey.get(f.to)! }, probe.port, probe.protocol);
          flows++;
          if (f.verdict.allowed !== want) throw new Error(`${f.from} → ${f.to} ${probe.port}/${probe.protocol}: matrix ${f.verdict.allowed}, naive ${want}`);
        }
      }
    }),
    { seed: 4242, numRuns: 300 },
  );
  t.ok(flows > 5000, `compared ${flows} flows`);
});

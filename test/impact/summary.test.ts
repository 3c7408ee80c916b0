/**
 * The impact summary's flow list (summary.ts): flows grouped by workload pair, most flows first,
 * ports in the order met, only the first pairs written and how many there are — checked against
 * a plain reference (every pair sorted) on random groups whose pod lists are shared as a
 * diff's are. And WorkloadNames' numbers: fixed within a pass, forgotten past their limit.
 */
import fc from 'fast-check';
import t from 'tap';
import type { FlowGroup } from '../../src/connectivity/index.js';
import { flowList } from '../../src/impact/summary.js';
import { type PodIdentity, WorkloadNames } from '../../src/impact/workloads.js';

function identify(key: string): PodIdentity {
  const [namespace, name] = key.split('/') as [string, string];
  // Pods named <app>-<n> belong to the Deployment-less workload of their app label.
  return { namespace, name, labels: { app: name.replace(/-\d+$/, '') } };
}

/** The list as a plain implementation words it: every pair, sorted in full. */
function referenceList(groups: readonly FlowGroup[], room: number): string {
  const pairs = new Map<string, { from: string; to: string; flows: number; ports: string[] }>();
  const workload = (key: string) => `${identify(key).namespace}/${identify(key).labels.app}`;
  for (const g of groups) {
    const port = `${g.port}/${g.protocol}`;
    const count = (pods: readonly string[]) => {
      const m = new Map<string, number>();
      for (const p of pods) m.set(workload(p), (m.get(workload(p)) ?? 0) + 1);
      return m;
    };
    for (const [from, fromPods] of count(g.from)) {
      for (const [to, toPods] of count(g.to)) {
        const k = `${from} -> ${to}`;
        let e = pairs.get(k);
        if (!e) pairs.set(k, (e = { from, to, flows: 0, ports: [] }));
        e.flows += fromPods * toPods;
        if (!e.ports.includes(port)) e.ports.push(port);
      }
    }
  }
  const all = [...pairs.values()].sort((a, b) => b.flows - a.flows || (a.from < b.from ? -1 : a.from > b.from ? 1 : a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
  const items = all.slice(0, 32).map((e) => `${e.from} -> ${e.to} ${e.ports.slice(0, 2).join(',')}${e.ports.length > 2 ? ` +${e.ports.length - 2} ports` : ''}`);
  // fitted(), as summary.ts words a list that may not fit.
  const out: string[] = [];
  let used = 0;
  for (const [i, item] of items.entries()) {
    const rest = all.length - i - 1;
    const tail = rest > 0 ? `, +${rest} more`.length : 0;
    if (out.length > 0 && used + 2 + item.length + tail > room) return `${out.join(', ')}, +${all.length - i} more`;
    out.push(item);
    used += (out.length > 1 ? 2 : 0) + item.length;
  }
  return all.length > items.length ? `${out.join(', ')}, +${all.length - items.length} more` : out.join(', ');
}

const podArb = fc.tuple(fc.constantFrom('x', 'y'), fc.constantFrom('web', 'api', 'db', 'cache', 'job'), fc.integer({ min: 0, max: 3 })).map(([ns, app, n]) => `${ns}/${app}-${n}`);
const listsArb = fc.array(fc.uniqueArray(podArb, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 });
const groupsArb = listsArb.chain((lists) =>
  fc.array(fc.record({ from: fc.nat(lists.length - 1), to: fc.nat(lists.length - 1), port: fc.constantFrom(80, 443, 8080, 9090), protocol: fc.constantFrom('TCP', 'UDP') }), { minLength: 1, maxLength: 40 }).map((gs) =>
    gs.map((g): FlowGroup => ({ from: lists[g.from]!, to: lists[g.to]!, port: g.port, probePort: g.port, protocol: g.protocol as 'TCP', lost: true, count: 1, verdicts: () => { throw new Error('not asked'); } })),
  ),
);

t.test('the flow list words the groups as the plain reference does', async (t) => {
  let cut = 0;
  fc.assert(
    fc.property(groupsArb, fc.constantFrom(60, 150, 2000), fc.nat(3), (groups, room, limit) => {
      // A small number limit: the numbers are forgotten between passes, never within one.
      const names = new WorkloadNames(identify, limit);
      for (let pass = 0; pass < 2; pass++) {
        const got = flowList(groups, names, room);
        const want = referenceList(groups, room);
        if (got !== want) throw new Error(`got  ${got}\nwant ${want}`);
        if (got.includes(' more')) cut++;
      }
    }),
    { seed: 20261207, numRuns: 400 },
  );
  t.ok(cut > 20, `lists cut to fit occur (${cut})`);
});

t.test('a workload keeps its number within a pass; past the limit the numbers start again', async (t) => {
  const names = new WorkloadNames(identify, 2);
  names.newPass();
  const a = names.count(['x/web-0', 'x/web-1', 'x/api-0']);
  t.same(a.map((c) => [c.workload, c.pods]), [['x/web', 2], ['x/api', 1]]);
  const b = names.count(['x/db-0', 'x/web-2']);
  t.equal(b[1]!.id, a[0]!.id, 'x/web has one number');
  t.equal(names.nameOf(b[0]!.id), 'x/db');
  const list = ['x/cache-0'];
  names.count(list);
  t.equal(names.nameOf(2), 'x/db', 'numbers are not forgotten within the pass, past the limit or not');
  names.newPass();
  const again = names.count(list);
  t.equal(again[0]!.id, 0, 'forgotten at the next pass: numbering starts again');
  t.equal(names.nameOf(0), 'x/cache');
});

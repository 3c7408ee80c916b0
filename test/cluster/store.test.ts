/**
 * The store behind the informers' view: an object equal in content to the one stored (a relist,
 * a status-only update) keeps the stored object, its namespace's list and the revision, so a
 * relist that changed a few pods reaches the impact's model as those few changes — derived, not
 * built again.
 */
import { performance } from 'node:perf_hooks';
import t from 'tap';
import { projectorFor } from '../../src/cluster/projection.js';
import { ClusterStore, NamespacedIndex, clusterViewOf } from '../../src/cluster/store.js';
import { LiveImpact } from '../../src/impact/live.js';
import { namespace, pod } from './manifests.js';

function storeOf(objects: { pods: object[]; namespaces: object[] }) {
  const store = new ClusterStore();
  const entries = (resource: 'pods' | 'namespaces', list: object[]) =>
    list.map((o) => {
      const p = projectorFor(resource, store.intern)(o);
      if (!p.ok || p.value === undefined) throw new Error('unusable');
      return [p.namespace, p.name, p.value] as const;
    });
  const relist = (resource: 'pods' | 'namespaces', list: object[]) => {
    store.renewInterner(); // as the informers do before a full relist of the pods
    (store.indexes[resource] as NamespacedIndex<unknown>).replaceAll(entries(resource, list));
  };
  relist('namespaces', objects.namespaces);
  relist('pods', objects.pods);
  return { store, relist, entries };
}

const withIP = (o: ReturnType<typeof pod>, ip: string) => ({ ...o, status: { ...o.status, podIP: ip, conditions: [{ type: 'Ready', status: 'True' }] } });

t.test('a relist keeps every object, list and the revision that did not change', async (t) => {
  const pods = [withIP(pod('a', 'one', { app: 'x' }, [{ containerPort: 80 }]), '10.0.0.1'), withIP(pod('a', 'two', { app: 'x' }), '10.0.0.2'), withIP(pod('b', 'three', { app: 'y' }), '10.0.0.3')];
  const { store, relist } = storeOf({ pods, namespaces: [namespace('a'), namespace('b')] });
  const ix = store.indexes.pods;
  const listA = ix.list('a');
  const listB = ix.list('b');
  const one = ix.get('a', 'one');
  const revision = store.revision;

  // The same content, new objects (status fields the view does not keep changed): nothing changes.
  relist('pods', pods.map((p) => ({ ...structuredClone(p), status: { ...p.status, conditions: [] } })));
  t.equal(store.revision, revision, 'no change counted');
  t.equal(ix.list('a'), listA, 'the list of a is the same object');
  t.equal(ix.get('a', 'one'), one, 'the stored pod is kept');

  // One pod of b relabelled: b's list and that pod change, a's stay.
  relist('pods', [pods[0]!, pods[1]!, withIP(pod('b', 'three', { app: 'z' }), '10.0.0.3')]);
  t.equal(store.revision, revision + 1, 'one change counted');
  t.equal(ix.list('a'), listA, "a's list kept");
  t.not(ix.list('b'), listB, "b's list is new");
  t.equal(ix.get('b', 'three')?.labels.app, 'z');
  t.equal(ix.get('a', 'one'), one);

  // A pod gone from a: a's list changes though every remaining object is kept.
  relist('pods', [pods[0]!, withIP(pod('b', 'three', { app: 'z' }), '10.0.0.3')]);
  t.not(ix.list('a'), listA, "a's list is new once a pod left");
  t.same(ix.list('a').map((p) => p.name), ['one']);
  t.equal(ix.get('a', 'one'), one, 'the pod that stayed is still the stored object');
  t.equal(ix.size, 2);

  // Every pod of b gone: b has no list, the whole list has a's pod only.
  relist('pods', [pods[0]!]);
  t.same(ix.list('b'), []);
  t.same(ix.list().map((p) => p.name), ['one']);
  t.same([...ix.namespaces()], ['a']);
});

t.test('an update equal in content to the stored object is no change', async (t) => {
  let changes = 0;
  const ix = new NamespacedIndex<{ n: number; tags: string[] }>(() => changes++);
  ix.set('a', 'x', { n: 1, tags: ['p'] });
  const stored = ix.get('a', 'x');
  const list = ix.list('a');
  ix.set('a', 'x', { n: 1, tags: ['p'] });
  t.equal(changes, 1);
  t.equal(ix.get('a', 'x'), stored);
  t.equal(ix.list('a'), list);
  ix.set('a', 'x', { n: 2, tags: ['p'] });
  t.equal(changes, 2);
  t.not(ix.list('a'), list);
});

t.test("after a relist that changed one pod, the impact's model is derived by that pod, not built again", async (t) => {
  const pods = Array.from({ length: 40 }, (_, i) => withIP(pod(`ns${i % 4}`, `p${i}`, { app: `a${i % 5}` }, [{ containerPort: 80 }]), `10.0.0.${i + 1}`));
  const { store, relist } = storeOf({ pods, namespaces: [0, 1, 2, 3].map((i) => namespace(`ns${i}`)) });
  const view = clusterViewOf(store, { source: 'test', ready: () => true, status: () => ({ synced: true, ageSeconds: 0, counts: store.counts() }) });
  const live = new LiveImpact(view, { now: () => performance.now(), rebuildAbove: 5 });
  t.equal(live.sync().kind, 'built');
  relist('pods', pods.map((p) => structuredClone(p)));
  t.equal(live.sync().kind, 'unchanged', 'a relist of the same pods changes nothing');
  const moved = pods.map((p, i) => (i === 7 ? withIP(p, '10.9.9.9') : structuredClone(p)));
  relist('pods', moved);
  const r = live.sync();
  t.equal(r.kind, 'derived');
  t.equal(r.changed, 1, 'by the one pod that changed');
  t.same(live.model?.pod('ns3/p7')?.ips, ['10.9.9.9']);
});

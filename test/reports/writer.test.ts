/**
 * Compare-before-update and the retries: an unchanged audit writes nothing, a change rewrites
 * only its report and keeps first-seen timestamps, an emptied namespace's report is deleted,
 * reports not ours are never touched; conflicts re-read and retry, server errors back off and
 * retry, client errors give up, and every attempt is counted.
 */
import t from 'tap';
import { computeReports } from '../../src/reports/compute.js';
import { planSync, planSyncInTurns } from '../../src/reports/plan.js';
import { ReportWriter, type WriteOutcome } from '../../src/reports/writer.js';
import { ApiError, MemoryReportStore } from '../helpers/report-store.js';
import { NOW, reportCluster, reportJob } from '../helpers/reports.js';

const quietLog = { info: () => {}, warn: () => {}, debug: () => {} };

function writer(store: MemoryReportStore, opts: { mayWrite?: () => boolean; attempts?: number } = {}) {
  const events: string[] = [];
  const w = new ReportWriter({
    store,
    logger: quietLog,
    events: { onWrite: (op: string, outcome: WriteOutcome) => events.push(`${op} ${outcome}`) },
    backoffBaseMs: 1,
    backoffMaxMs: 2,
    mayWrite: opts.mayWrite ?? (() => true),
    ...(opts.attempts ? { attempts: opts.attempts } : {}),
  });
  return { w, events };
}

const desired = (objects = reportCluster(), now = NOW) => computeReports(reportJob(objects, { now })).reports;

t.test('first sync creates every report; the same audit again writes nothing', async (t) => {
  const store = new MemoryReportStore();
  const { w, events } = writer(store);
  t.same(await w.sync(desired()), { created: 3, updated: 0, deleted: 0, unchanged: 0, failed: 0 });
  t.same([...store.objects.keys()].sort(), ['/netpol-guard', 'quiet/netpol-guard', 'shop/netpol-guard']);
  const versions = [...store.objects.values()].map((r) => r.metadata.resourceVersion);
  store.calls.length = 0;
  // A later audit of the same cluster: new timestamps, same content.
  t.same(await w.sync(desired(reportCluster(), NOW + 60_000)), { created: 0, updated: 0, deleted: 0, unchanged: 3, failed: 0 });
  t.same(store.calls, ['list '], 'one list, no write');
  t.same([...store.objects.values()].map((r) => r.metadata.resourceVersion), versions, 'no resourceVersion moved');
  t.same(events, ['create success', 'create success', 'create success']);
});

t.test('a change rewrites only its report; results that stay keep their first-seen timestamp', async (t) => {
  const store = new MemoryReportStore();
  const { w } = writer(store);
  await w.sync(desired());
  const quietRv = store.objects.get('quiet/netpol-guard')!.metadata.resourceVersion;
  // db's policy goes away later: shop's report changes, quiet's does not.
  const later = reportCluster().filter((o) => (o as { metadata: { name: string } }).metadata.name !== 'db');
  t.same(await w.sync(desired(later, NOW + 60_000)), { created: 0, updated: 1, deleted: 0, unchanged: 2, failed: 0 }, "only shop's report changes");
  t.equal(store.objects.get('quiet/netpol-guard')!.metadata.resourceVersion, quietRv);
  const shop = store.objects.get('shop/netpol-guard') as unknown as { results: { rule: string; timestamp: { seconds: number } }[] };
  t.notOk(shop.results.some((r) => r.rule === 'redundant-policy'), 'the deleted policy lost its results');
  t.equal(shop.results.find((r) => r.rule === 'allow-all-ingress')!.timestamp.seconds, NOW / 1000, 'an unchanged result keeps when it was first seen');
});

t.test('a namespace that empties loses its report; reports not ours are never touched', async (t) => {
  const store = new MemoryReportStore();
  const { w } = writer(store);
  await w.sync(desired());
  store.put({ apiVersion: 'wgpolicyk8s.io/v1alpha2', kind: 'PolicyReport', metadata: { name: 'kyverno-pol', namespace: 'quiet', labels: { 'app.kubernetes.io/managed-by': 'kyverno' } }, results: [] });
  const noQuiet = reportCluster().filter((o) => (o as { metadata: { name: string } }).metadata.name !== 'deny-ingress');
  const r = await w.sync(desired(noQuiet));
  t.equal(r.deleted, 1);
  t.notOk(store.objects.has('quiet/netpol-guard'));
  t.ok(store.objects.has('quiet/kyverno-pol'), "another tool's report stays");
  t.same(planSync([{ metadata: { name: 'netpol-guard', namespace: 'x', labels: {} } }], desired()).ops.filter((o) => o.op === 'delete'), [], 'an unlabelled report of the same name is not ours to delete');
});

t.test('our label and annotation are compared; annotations others add do not cause rewrites', async (t) => {
  const store = new MemoryReportStore();
  const { w } = writer(store);
  await w.sync(desired());
  store.touch('shop', 'netpol-guard', (r) => ((r.metadata as Record<string, unknown>).annotations = { 'backup.example/at': 'now' }));
  t.equal((await w.sync(desired())).unchanged, 3);
  store.touch('shop', 'netpol-guard', (r) => ((r as { results: unknown[] }).results = []));
  t.same(await w.sync(desired()), { created: 0, updated: 1, deleted: 0, unchanged: 2, failed: 0 }, 'an edited report is put back');
});

t.test('a conflict re-reads the report and retries; counted as a conflict, then a success', async (t) => {
  const store = new MemoryReportStore();
  const { w, events } = writer(store);
  await w.sync(desired());
  store.touch('shop', 'netpol-guard', (r) => ((r as { results: unknown[] }).results = []));
  events.length = 0;
  // Between our list and our write, someone else changes it again.
  store.failNext('replace', new ApiError(409, 'the object has been modified'));
  const r = await w.sync(desired());
  t.same(r, { created: 0, updated: 1, deleted: 0, unchanged: 2, failed: 0 });
  t.same(events, ['update conflict', 'update success']);
  t.ok(store.calls.includes('get shop/netpol-guard'), 're-read after the conflict');
});

t.test('server errors back off and retry; client errors and exhausted attempts give up, to the next pass', async (t) => {
  const store = new MemoryReportStore();
  const { w, events } = writer(store, { attempts: 3 });
  store.failNext('create', new ApiError(503, 'unavailable'));
  store.failNext('create', new Error('socket hang up'));
  const first = await w.sync(desired());
  t.same(first, { created: 3, updated: 0, deleted: 0, unchanged: 0, failed: 0 });
  t.same(events.slice(0, 3), ['create error', 'create error', 'create success']);

  const store2 = new MemoryReportStore();
  const two = writer(store2, { attempts: 3 });
  store2.failNext('create', new ApiError(403, 'forbidden'));
  const r = await two.w.sync(desired());
  t.equal(r.failed, 1, 'a 403 is not retried');
  t.equal(r.created, 2);
  t.same(two.events.filter((e) => e.endsWith('error')), ['create error']);

  const store3 = new MemoryReportStore();
  const three = writer(store3, { attempts: 2 });
  for (let i = 0; i < 2; i++) store3.failNext('create', new ApiError(500, 'etcd timeout'));
  t.equal((await three.w.sync(desired())).failed, 1, 'given up after its attempts');
  t.equal((await three.w.sync(desired())).created, 1, 'the next pass writes what the last one gave up');
});

t.test('a create that finds the report already there updates it instead', async (t) => {
  const store = new MemoryReportStore();
  const { w, events } = writer(store);
  const d = desired();
  // Appears between our list and our create (a previous leader's last write).
  store.failNext('list', new Error('x'));
  await t.rejects(w.sync(d), /x/, 'a failed list fails the pass');
  store.put({ ...d.namespaced[0]!, results: [] });
  const listed = store.list.bind(store);
  store.list = async () => (await listed()).filter((r) => r.metadata.namespace !== 'quiet');
  const r = await w.sync(d);
  t.same(r, { created: 2, updated: 1, deleted: 0, unchanged: 0, failed: 0 });
  t.same(events.filter((e) => !e.startsWith('create success')), ['create conflict', 'update success']);
});

t.test('no write once this replica stops leading', async (t) => {
  const store = new MemoryReportStore();
  let leading = true;
  const { w } = writer(store, { mayWrite: () => leading });
  const origCreate = store.create.bind(store);
  store.create = async (r) => {
    await origCreate(r);
    leading = false; // lost the Lease after the first write
  };
  const r = await w.sync(desired());
  t.equal(r.created, 1);
  t.equal(r.failed, 2);
  t.equal(store.objects.size, 1);
});

t.test('planning in turns gives the plan planSync gives', async (t) => {
  const store = new MemoryReportStore();
  const { w } = writer(store);
  await w.sync(desired());
  const later = reportCluster().filter((o) => (o as { metadata: { name: string } }).metadata.name !== 'deny-ingress');
  const existing = await store.list();
  t.same(await planSyncInTurns(existing, desired(later), 1), planSync(existing, desired(later)));
  t.equal(planSync(existing, desired(later)).ops.length, 2, 'a delete and an update: the comparison is not empty');
});

/**
 * ClusterNetworkPolicies in the informer view, against the fake API server: an optional CRD
 * that is watched where it is served (in the version the API server has), empty and never in
 * the way of readiness where it is not served or may not be read, picked up when it appears
 * later, and a list whose identity changes only when a ClusterNetworkPolicy does.
 */
import t from 'tap';
import { staticClusterView } from '../../src/cluster/static.js';
import { LiveImpact } from '../../src/impact/live.js';
import { COLLECTIONS } from './fake-apiserver.js';
import { setup, until } from './informer-setup.js';
import { DENY_BAR_TO_DATABASE, SHOP, clusterNetworkPolicy } from './manifests.js';

const BASELINE = clusterNetworkPolicy('baseline-default-deny', {
  tier: 'Baseline',
  priority: 50,
  subject: { namespaces: {} },
  ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }],
});

const names = (view: { clusterNetworkPolicies?(): readonly { name: string }[] }) => (view.clusterNetworkPolicies?.() ?? []).map((c) => c.name).sort();

/** A logger that keeps what it was told, at each level. */
function recording() {
  const lines: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
  const at = (level: string) => (obj: Record<string, unknown>, msg: string) => void lines.push({ level, msg, obj });
  return { lines, logger: { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') } };
}

t.test('served: listed in the version served, projected as from a manifest, updates and deletes followed', async (t) => {
  const { fake, informers, view } = await setup(t, [...SHOP, DENY_BAR_TO_DATABASE]);
  t.same(view.clusterNetworkPolicies!(), staticClusterView([DENY_BAR_TO_DATABASE], 'static').clusterNetworkPolicies!(), 'the same ClusterNetworkPolicy as the static view reads from the manifest');
  await until('the watch', () => fake.requests.some((r) => r.path === COLLECTIONS.clusternetworkpolicies && r.query.get('watch') === 'true'));
  const asked = fake.requests.filter((r) => r.path.endsWith('/clusternetworkpolicies')).map((r) => `${r.path.split('/')[3]} ${r.query.get('watch') === 'true' ? 'watch' : 'list'}`);
  t.same(asked.slice(0, 3), ['v1beta1 list', 'v1alpha2 list', 'v1alpha2 watch'], 'the newest version first; the watch on the version that answered');
  t.match(informers.readiness().detail, /, 1 ClusterNetworkPolicies$/);
  t.equal(view.status().counts.clusternetworkpolicies, 1);

  fake.put('clusternetworkpolicies', BASELINE as never);
  await until('the new ClusterNetworkPolicy', () => names(view).length === 2);
  t.same(names(view), ['baseline-default-deny', 'deny-bar-to-database']);

  fake.put('clusternetworkpolicies', clusterNetworkPolicy('baseline-default-deny', { ...BASELINE.spec, priority: 60 }) as never);
  await until('the changed priority', () => view.clusterNetworkPolicies!().find((c) => c.name === 'baseline-default-deny')?.priority === 60);

  fake.remove('clusternetworkpolicies', 'deny-bar-to-database');
  await until('the deletion', () => names(view).length === 1);
  t.same(names(view), ['baseline-default-deny']);
});

t.test('an unusable ClusterNetworkPolicy is left out with a warning; the rest are kept', async (t) => {
  const { lines, logger } = recording();
  const broken = clusterNetworkPolicy('broken', { tier: 'Admin', priority: 1, subject: { namespaces: {} }, ingress: [{ action: 'Allow', from: [{ namespaces: {} }] }] });
  const { view } = await setup(t, [...SHOP, DENY_BAR_TO_DATABASE, broken], { logger });
  t.same(names(view), ['deny-bar-to-database']);
  const warned = lines.find((l) => l.level === 'warn' && l.obj.resource === 'clusternetworkpolicies');
  t.equal(warned?.obj.object, 'broken');
  t.match(warned?.obj.reason, /action: expected Accept, Deny or Pass, got "Allow"/);
});

t.test('the list keeps its identity until a ClusterNetworkPolicy changes: relists and status-only events change nothing', async (t) => {
  const { fake, informers, view } = await setup(t, [...SHOP, DENY_BAR_TO_DATABASE], { resyncSeconds: 1 });
  const impact = new LiveImpact(view, { now: () => performance.now() });
  t.equal(impact.sync().kind, 'built');
  const first = view.clusterNetworkPolicies!();
  const revision = informers.revision();
  const lists = () => fake.requests.filter((r) => r.path === COLLECTIONS.clusternetworkpolicies && r.query.get('watch') !== 'true').length;
  const listed = lists();
  await until('two relists', () => lists() >= listed + 2);
  fake.put('clusternetworkpolicies', { ...DENY_BAR_TO_DATABASE, metadata: { ...DENY_BAR_TO_DATABASE.metadata, annotations: { note: 'changed' } }, status: { conditions: [] } } as never);
  // A later event that changes something (an event equal to what is stored is no change), so the one before has surely been applied.
  const shopPod = SHOP.find((o) => (o as { kind: string }).kind === 'Pod') as { metadata: { labels?: Record<string, string> } };
  fake.put('pods', { ...shopPod, metadata: { ...shopPod.metadata, labels: { ...shopPod.metadata.labels, later: 'yes' } } } as never);
  await until('the later pod event', () => informers.revision() > revision);
  t.equal(view.clusterNetworkPolicies!(), first, 'the same array after relists and an annotation change');
  t.equal(view.clusterNetworkPolicies!()[0], first[0], 'the same object');
  t.not(impact.sync().kind, 'built', 'so the connectivity model is not built again');

  fake.put('clusternetworkpolicies', clusterNetworkPolicy(DENY_BAR_TO_DATABASE.metadata.name, { ...DENY_BAR_TO_DATABASE.spec, priority: 11 }) as never);
  await until('the spec change', () => view.clusterNetworkPolicies!() !== first);
  t.equal(view.clusterNetworkPolicies!()[0]?.priority, 11);
  t.equal(impact.sync().kind, 'built', 'a changed ClusterNetworkPolicy rebuilds the model');
});

t.test('not served (404): ready without them, said in readiness, picked up once the CRD is installed', async (t) => {
  const { lines, logger } = recording();
  const { fake, informers, view } = await setup(t, SHOP, { logger, staleAfterSeconds: 4, before: (fake) => fake.notServed.add('clusternetworkpolicies') });
  t.equal(view.ready, true, 'ready without ClusterNetworkPolicies');
  t.same(view.clusterNetworkPolicies!(), []);
  t.equal(informers.readiness().ok, true);
  t.match(informers.readiness().detail, /0 ClusterNetworkPolicies; clusternetworkpolicies not read, taken as none: not served by the API server \(its CRD is not installed\)$/);
  const checks = () => fake.requests.filter((r) => r.path === COLLECTIONS.clusternetworkpolicies).length;
  const before = checks();
  await until('two more checks', () => checks() >= before + 2);
  t.equal(view.ready, true, 'still ready: each answer confirms the view');
  t.equal(lines.filter((l) => l.msg.includes('not served')).filter((l) => l.level === 'info').length, 1, 'said once at info, then at debug');
  t.notOk(lines.some((l) => l.level === 'warn'), 'a cluster without the CRD is nothing to warn about');

  fake.notServed.delete('clusternetworkpolicies');
  fake.put('clusternetworkpolicies', DENY_BAR_TO_DATABASE as never);
  await until('the ClusterNetworkPolicy of the CRD installed later', () => names(view).length === 1);
  t.notMatch(informers.readiness().detail, /not read/);
  t.ok(lines.some((l) => l.level === 'info' && l.msg.includes('served and readable now')));
  fake.put('clusternetworkpolicies', BASELINE as never);
  await until('a watch event after that', () => names(view).length === 2);

  fake.notServed.add('clusternetworkpolicies'); // the CRD removed: its watch ends, and is not served again
  await until('the view to let go of them', () => names(view).length === 0);
  t.equal(view.ready, true);
  t.match(informers.readiness().detail, /not served/);
});

t.test('forbidden (403): ready, warned once, named in readiness; read once allowed', async (t) => {
  const { lines, logger } = recording();
  const { fake, informers, view } = await setup(t, [...SHOP, DENY_BAR_TO_DATABASE], { logger, before: (fake) => fake.forbidden.add('clusternetworkpolicies') });
  t.equal(view.ready, true);
  t.same(view.clusterNetworkPolicies!(), []);
  t.match(informers.readiness().detail, /; clusternetworkpolicies not read, taken as none: HTTP 403: clusternetworkpolicies is forbidden.*needs list and watch on clusternetworkpolicies/);
  const checks = () => fake.requests.filter((r) => r.path.endsWith('/clusternetworkpolicies')).length;
  const before = checks();
  await until('two more checks', () => checks() >= before + 2);
  const warns = lines.filter((l) => l.level === 'warn');
  t.equal(warns.length, 1, 'one warning, not one per check');
  t.match(warns[0]?.msg, /may not be read/);
  t.equal(warns[0]?.obj.resource, 'clusternetworkpolicies');
  t.equal(view.ready, true);

  fake.forbidden.delete('clusternetworkpolicies');
  await until('the ClusterNetworkPolicy once the grant is there', () => names(view).length === 1);
  t.notMatch(informers.readiness().detail, /not read/);
});

t.test('served but failing: waited on and retried like any resource', async (t) => {
  const { fake, informers, view } = await setup(t, SHOP, { start: false, before: (fake) => fake.failing.add('clusternetworkpolicies') });
  await t.rejects(informers.start({ timeoutMs: 1500 }), /waiting for clusternetworkpolicies \(last error: clusternetworkpolicies: HTTP 500: listing clusternetworkpolicies failed\)/);
  t.equal(view.ready, false);
  t.match(informers.readiness().detail, /^waiting for the first sync of clusternetworkpolicies/);
  fake.failing.delete('clusternetworkpolicies');
  await until('the retry to get through', () => view.ready);
  t.equal(informers.readiness().ok, true);
});

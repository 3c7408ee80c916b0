/**
 * The webhook's model kept current from its cluster view (LiveImpact): built once, then derived
 * by the pods, namespaces and NetworkPolicies that changed, never rebuilt from scratch for pod
 * events; a burst of events costs one derivation at the next review; a relist or a change of
 * ClusterNetworkPolicies builds again. After every step the model answers as one built from the
 * view's state from scratch.
 */
import t, { type Test } from 'tap';
import type { ClusterView, NamespaceInfo, PodInfo } from '../../src/cluster/view.js';
import { ConnectivityModel, snapshotFromClusterView } from '../../src/connectivity/index.js';
import { LiveImpact } from '../../src/impact/live.js';
import type { NetworkPolicy } from '../../src/k8s/types.js';

/** A view whose lists are replaced (new arrays, new objects for what changed), as the store does. */
class FakeView implements Partial<ClusterView> {
  ready = true;
  source = 'test';
  ns: readonly NamespaceInfo[] = [];
  podList: readonly PodInfo[] = [];
  nps: readonly NetworkPolicy[] = [];
  cnps: readonly never[] = [];
  namespaces = () => this.ns;
  pods = () => this.podList;
  networkPolicies = () => this.nps;
  clusterNetworkPolicies = () => this.cnps;
  namespaceLabels = (name: string) => this.ns.find((n) => n.name === name)?.labels;
}

const pod = (namespace: string, name: string, app: string, ip: string): PodInfo => ({ namespace, name, labels: { app }, hostNetwork: false, ports: [{ containerPort: 80, protocol: 'TCP' }], ips: [ip] });
const np = (namespace: string, name: string, spec: NetworkPolicy['spec']): NetworkPolicy => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace, name }, spec });

function sameAnswers(t: Test, live: LiveImpact, view: FakeView, what: string): void {
  const fresh = ConnectivityModel.build(snapshotFromClusterView(view as unknown as ClusterView));
  const model = live.model!;
  const keys = view.podList.map((p) => `${p.namespace}/${p.name}`);
  let differ = 0;
  let allowed = 0;
  for (const a of keys) {
    for (const b of keys) {
      if (a === b) continue;
      const flow = { from: { pod: a }, to: { pod: b }, port: 80, protocol: 'TCP' as const };
      const got = model.verdict(flow);
      const want = fresh.verdict(flow);
      if (got.allowed) allowed++;
      if (got.allowed !== want.allowed || got.ingress.reason !== want.ingress.reason || got.egress.reason !== want.egress.reason) differ++;
    }
  }
  t.equal(differ, 0, `${what}: answers as a model built from scratch (${keys.length * (keys.length - 1)} flows, ${allowed} allowed)`);
}

t.test('derived on changes, built only at the start, on a relist and on ClusterNetworkPolicy changes', async (t) => {
  const view = new FakeView();
  view.ns = ['a', 'b'].map((name) => ({ name, labels: { 'kubernetes.io/metadata.name': name } }));
  view.podList = [pod('a', 'web-1', 'web', '10.0.0.1'), pod('a', 'web-2', 'web', '10.0.0.2'), ...Array.from({ length: 30 }, (_, i) => pod('b', `cli-${i}`, 'cli', `10.0.1.${100 + i}`))];
  view.nps = [np('a', 'web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'x' } } }] }] })];
  const live = new LiveImpact(view as unknown as ClusterView, { now: () => 0, rebuildAbove: 20 });
  t.equal(live.sync().kind, 'built');
  t.equal(live.sync().kind, 'unchanged', 'nothing changed: nothing done');
  sameAnswers(t, live, view, 'start');

  // A rollout: 40 pod events (new pods, old ones going), then one review.
  for (let i = 0; i < 20; i++) view.podList = [...view.podList, pod('b', `cli-n${i}`, 'cli', `10.0.1.${10 + i}`)];
  for (let i = 0; i < 20; i += 2) view.podList = view.podList.filter((p) => p.name !== `cli-n${i}`);
  const burst = live.sync();
  t.equal(burst.kind, 'derived');
  t.equal(burst.changed, 10, 'the pods that differ, not the events');
  t.equal(live.builds, 1, 'no build from scratch for pod events');
  sameAnswers(t, live, view, 'after the rollout');

  // A pod relabelled (a new object for it), a namespace labelled so the policy admits it.
  view.podList = view.podList.map((p) => (p.name === 'web-2' ? { ...p, labels: { app: 'other' } } : p));
  view.ns = view.ns.map((n) => (n.name === 'b' ? { ...n, labels: { ...n.labels, team: 'x' } } : n));
  t.equal(live.sync().kind, 'derived');
  sameAnswers(t, live, view, 'after a relabel');

  // A NetworkPolicy replaced, one added with a new ipBlock (it splits classes).
  view.nps = [np('a', 'web', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.1.0/28' } }] }] }), np('b', 'deny', { podSelector: {}, policyTypes: ['Ingress'] })];
  t.equal(live.sync().kind, 'derived');
  sameAnswers(t, live, view, 'after policy changes');
  t.equal(live.builds, 1, 'still one build');
  t.equal(live.derivations, 3);

  // A relist: every pod object replaced (more than rebuildAbove, and more than half).
  view.podList = view.podList.map((p) => ({ ...p }));
  t.equal(live.sync().kind, 'built', 'a relist builds again');
  view.cnps = [] as never[];
  t.equal(live.sync().kind, 'built', 'ClusterNetworkPolicies changed: built again');
  t.equal(live.builds, 3);
  sameAnswers(t, live, view, 'after the rebuilds');
});

t.test('a review finds the model current: the change it judges is against the latest view', async (t) => {
  const view = new FakeView();
  view.ns = [{ name: 'a', labels: { 'kubernetes.io/metadata.name': 'a' } }];
  view.podList = [pod('a', 'web-1', 'web', '10.0.0.1')];
  const live = new LiveImpact(view as unknown as ClusterView, { now: () => 0 });
  const deny = { operation: 'CREATE' as const, policy: np('a', 'deny', { podSelector: {}, policyTypes: ['Ingress'] }) };
  const first = live.assess(deny, 1000);
  t.ok('analysis' in first && first.analysis.lostCount === 0, 'one pod: nothing to lose');
  view.podList = [...view.podList, pod('a', 'web-2', 'web', '10.0.0.2')];
  const second = live.assess(deny, 1000);
  t.ok('analysis' in second && second.analysis.lostCount === 2, 'the new pod is seen: two flows lost');
  t.equal(live.builds, 1);
  t.equal(live.derivations, 1);
  view.ready = false;
  t.same(live.assess(deny, 1000), { skipped: 'cluster-not-synced', detail: 'cluster state not synced' });
  const server = new LiveImpact(view as unknown as ClusterView, { now: () => 0, firstBuildInReview: false });
  view.ready = true;
  t.same(server.assess(deny, 1000), { skipped: 'cluster-not-synced', detail: 'the connectivity model of the cluster is still being built' }, 'the webhook never builds the first model inside a review');
});

t.test('the webhook counts and logs every update of its model, a review\'s as well as the timer\'s', async (t) => {
  const { ImpactSource } = await import('../../src/server/impact-source.js');
  const { Metrics } = await import('../../src/server/metrics.js');
  const view = new FakeView();
  view.ns = [{ name: 'x', labels: { 'kubernetes.io/metadata.name': 'x' } }];
  view.podList = [pod('x', 'a', 'a', '10.0.0.1'), pod('x', 'b', 'b', '10.0.0.2')];
  const metrics = new Metrics('test');
  const lines: { msg: string; fields: object }[] = [];
  const log = { info: (fields: object, msg: string) => lines.push({ msg, fields }), debug: (fields: object, msg: string) => lines.push({ msg, fields }), warn: () => {} };
  // A timer that never fires within the test: only the calls below update the model.
  const source = new ImpactSource(view as unknown as ClusterView, log as never, metrics, 3_600_000);
  t.teardown(() => source.close());
  const counts = async () => Object.fromEntries(((await metrics.modelUpdates.get()).values ?? []).map((v) => [v.labels.kind, v.value]));
  source.sync();
  t.same(await counts(), { built: 1 }, 'the first build, by the timer');
  // The view changes and a review comes before the next tick: the review derives the model.
  view.podList = [...view.podList, pod('x', 'c', 'c', '10.0.0.3')];
  const judged = source.assess({ operation: 'CREATE', policy: np('x', 'deny', { podSelector: {}, policyTypes: ['Ingress'] }) }, 1000);
  t.ok('analysis' in judged);
  t.same(await counts(), { built: 1, derived: 1 }, "the review's update is counted");
  view.cnps = [] as never[]; // a new list: ClusterNetworkPolicies changed, so the model is built again
  source.assess({ operation: 'CREATE', policy: np('x', 'deny', { podSelector: {}, policyTypes: ['Ingress'] }) }, 1000);
  t.same(await counts(), { built: 2, derived: 1 });
  t.same(lines.map((l) => l.msg), ['connectivity model built', 'connectivity model updated', 'connectivity model built']);
  source.sync();
  t.same(await counts(), { built: 2, derived: 1 }, 'nothing changed since: nothing counted');
});

/**
 * When the controller audits: only while leading and the view is ready; once per burst of
 * changes (after the quiet time), not per event; at most once per minimum interval; at the
 * latest after the maximum delay while changes keep coming; again on a policy reload and on
 * becoming leader; after a failure, with a growing backoff. The audit itself runs in the real
 * worker thread here (AuditThread), and its reports go through the real writer.
 */
import t, { type Test } from 'tap';
import { staticClusterView } from '../../src/cluster/static.js';
import type { ClusterView } from '../../src/cluster/view.js';
import type { AuditJob } from '../../src/reports/compute.js';
import { ReportWriter } from '../../src/reports/writer.js';
import { AuditController, type AuditTiming } from '../../src/server/audit-controller.js';
import { AuditThread } from '../../src/server/audit-thread.js';
import { Metrics } from '../../src/server/metrics.js';
import { ApiError, MemoryReportStore } from '../helpers/report-store.js';
import { REPORT_POLICY, reportCluster } from '../helpers/reports.js';

const quiet = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} };

function setup(t: Test, timing: Partial<AuditTiming> = {}) {
  const clock = { now: 1_000_000 };
  const state = { revision: 0, ready: true };
  const base = staticClusterView(reportCluster(), 'test');
  const view: ClusterView = {
    ...base,
    get ready() {
      return state.ready;
    },
  };
  const store = new MemoryReportStore();
  const thread = new AuditThread();
  t.teardown(() => thread.close());
  const jobs: AuditJob[] = [];
  const metrics = new Metrics('test');
  let leading = false;
  const controller = new AuditController({
    view,
    revision: () => state.revision,
    policy: () => ({ text: REPORT_POLICY, source: 'policy.yaml' }),
    compute: (job) => {
      jobs.push(job);
      return thread.run(job);
    },
    writer: new ReportWriter({ store, logger: quiet, events: { onWrite: (op, r) => metrics.reportWrites.inc({ operation: op, result: r }) }, mayWrite: () => leading, backoffBaseMs: 1, backoffMaxMs: 2, attempts: 2 }),
    api: 'wgpolicyk8s.io/v1alpha2',
    owner: async () => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'netpol-guard', uid: 'u1' }),
    maxResults: 1000,
    metrics,
    logger: quiet,
    timing: { tickMs: 100, debounceMs: 5_000, minIntervalMs: 30_000, maxDelayMs: 120_000, retryBaseMs: 5_000, ...timing },
    now: () => clock.now,
  });
  const lead = (on: boolean) => {
    leading = on;
    controller.setLeading(on);
  };
  /** Moves the clock and ticks; resolves when an audit it started has finished. */
  const at = async (ms: number) => {
    clock.now += ms;
    await controller.tick();
  };
  return { clock, state, store, jobs, metrics, controller, lead, at };
}

t.test('no audit while not leading; the leader audits once the cluster is quiet', async (t) => {
  const s = setup(t);
  await s.at(0);
  await s.at(10_000);
  t.equal(s.jobs.length, 0, 'not leading: nothing');
  s.lead(true);
  await s.at(1_000);
  t.equal(s.jobs.length, 0, 'waits for the quiet time after becoming leader');
  await s.at(5_000);
  t.equal(s.jobs.length, 1);
  t.same([...s.store.objects.keys()].sort(), ['/netpol-guard', 'quiet/netpol-guard', 'shop/netpol-guard'], 'reports written');
  t.equal(s.jobs[0]!.owner?.uid, 'u1', 'the owner looked up when leading started');
  const text = await s.metrics.registry.metrics();
  t.match(text, /netpol_guard_audit_findings\{rule="allow-all-ingress",result="fail",severity="high"\} 1/);
  t.match(text, /netpol_guard_audit_leader 1/);
  t.match(text, /netpol_guard_audit_runs_total\{result="success"\} 1/);
  t.match(text, /netpol_guard_report_writes_total\{operation="create",result="success"\} 3/);
  t.match(text, /netpol_guard_audit_duration_seconds_count\{stage="compute"\} 1/);
  t.notMatch(text, /netpol_guard_audit_last_success_timestamp_seconds 0\n/);
  t.equal(s.controller.snapshot().lastSync?.created, 3);
});

t.test('a burst of events is one audit, after the quiet time and the minimum interval', async (t) => {
  const s = setup(t);
  s.lead(true);
  await s.at(6_000);
  t.equal(s.jobs.length, 1);
  // 100 pod events over 10 s, one every 100 ms.
  for (let i = 0; i < 100; i++) {
    s.state.revision++;
    await s.at(100);
  }
  t.equal(s.jobs.length, 1, 'none during the burst');
  await s.at(4_000);
  t.equal(s.jobs.length, 1, 'not before the quiet time has passed');
  await s.at(1_000);
  t.equal(s.jobs.length, 1, 'quiet, but within the minimum interval of the last audit');
  await s.at(20_000);
  t.equal(s.jobs.length, 2, 'one audit for the whole burst');
  await s.at(60_000);
  t.equal(s.jobs.length, 2, 'nothing changed since: no audit');
});

t.test('changes that never stop are audited after the maximum delay', async (t) => {
  const s = setup(t);
  s.lead(true);
  await s.at(6_000);
  for (let i = 0; i < 1300; i++) {
    s.state.revision++;
    await s.at(100);
  }
  t.equal(s.jobs.length, 2, 'one more audit within 130 s of constant change');
});

t.test('a policy reload triggers an audit; an unready view holds it', async (t) => {
  const s = setup(t);
  s.lead(true);
  await s.at(6_000);
  await s.at(40_000);
  t.equal(s.jobs.length, 1);
  s.controller.policyChanged();
  s.state.ready = false;
  await s.at(6_000);
  t.equal(s.jobs.length, 1, 'the view is not ready: wait');
  s.state.ready = true;
  await s.at(100);
  t.equal(s.jobs.length, 2);
});

t.test('a failed audit is retried with a growing backoff; losing the lead stops it', async (t) => {
  const s = setup(t, { debounceMs: 0, minIntervalMs: 0 });
  s.lead(true);
  for (let i = 0; i < 2; i++) s.store.failNext('list', new ApiError(503, 'unavailable'));
  await s.at(100);
  t.equal(s.jobs.length, 1);
  t.match(s.controller.snapshot().lastError, /unavailable/);
  await s.at(4_900);
  t.equal(s.jobs.length, 1, 'first backoff: 5 s');
  await s.at(100);
  t.equal(s.jobs.length, 2, 'retried after 5 s');
  await s.at(9_900);
  t.equal(s.jobs.length, 2, 'second backoff: 10 s');
  await s.at(100);
  t.equal(s.jobs.length, 3);
  t.equal(s.controller.snapshot().lastError, undefined, 'recovered');
  t.match(await s.metrics.registry.metrics(), /netpol_guard_audit_runs_total\{result="failure"\} 2/);
  s.lead(false);
  s.state.revision++;
  await s.at(200_000);
  t.equal(s.jobs.length, 3, 'a replica that does not lead does not audit');
  t.match(await s.metrics.registry.metrics(), /netpol_guard_audit_leader 0/);
});

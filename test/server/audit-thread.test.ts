/**
 * The audit worker thread gives what the audit gives in-process, one job at a time, and a job
 * that fails is an error, not a hang.
 */
import t from 'tap';
import { computeReports } from '../../src/reports/compute.js';
import { AuditThread } from '../../src/server/audit-thread.js';
import { reportJob } from '../helpers/reports.js';

t.test('same reports as in-process; one job at a time; errors come back', async (t) => {
  const thread = new AuditThread();
  t.teardown(() => thread.close());
  const job = reportJob();
  const running = thread.run(job);
  await t.rejects(thread.run(job), /already running/);
  const { outcome, elapsedMs } = await running;
  t.same(outcome, computeReports(job));
  t.ok(elapsedMs > 0);
  await t.rejects(thread.run({ ...job, policyText: 'rules: [' }), /audit failed: .*policy/i, 'a policy that does not compile fails the job');
  t.same((await thread.run(job)).outcome, outcome, 'the worker still serves the next job');
});

/**
 * Leader election against an in-memory Lease with the API server's optimistic concurrency and a
 * clock the test moves: one leader among candidates; the others take over only after the lease
 * duration passes without a renewal seen; a released Lease is taken at the next round; a leader
 * that cannot renew steps down within its renew deadline, before anyone may take over.
 */
import t from 'tap';
import { LeaseElector, type LeaseClient, type LeaseObject, microTime } from '../../src/server/lease-elector.js';

class FakeLeaseApi {
  lease: LeaseObject | undefined;
  private rv = 1;
  down = false;
  writes = 0;

  client(): LeaseClient {
    const fail = () => {
      if (this.down) throw Object.assign(new Error('connection refused'), { code: undefined });
    };
    return {
      get: async () => {
        fail();
        return this.lease ? structuredClone(this.lease) : undefined;
      },
      create: async (lease) => {
        fail();
        if (this.lease) throw Object.assign(new Error('exists'), { code: 409 });
        this.writes++;
        return (this.lease = { metadata: { ...lease.metadata, resourceVersion: String(this.rv++) }, spec: lease.spec });
      },
      replace: async (lease) => {
        fail();
        if (!this.lease || lease.metadata.resourceVersion !== this.lease.metadata.resourceVersion) throw Object.assign(new Error('conflict'), { code: 409 });
        this.writes++;
        return (this.lease = { metadata: { ...lease.metadata, resourceVersion: String(this.rv++) }, spec: lease.spec });
      },
    };
  }
}

const quiet = { info: () => {}, warn: () => {}, debug: () => {} };

function candidate(api: FakeLeaseApi, identity: string, clock: { now: number }, events: string[], client = api.client()) {
  return new LeaseElector({
    client,
    name: 'netpol-guard-audit',
    namespace: 'netpol-guard',
    identity,
    leaseDurationMs: 15_000,
    renewDeadlineMs: 10_000,
    retryPeriodMs: 2_000,
    logger: quiet,
    onStartedLeading: () => events.push(`${identity} leads`),
    onStoppedLeading: () => events.push(`${identity} stops`),
    now: () => clock.now,
  });
}

t.test('MicroTime has six fractional digits', async (t) => {
  t.equal(microTime(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), '2026-01-02T03:04:05.678000Z');
});

t.test('one leader; the other takes over only after the lease duration without a renewal', async (t) => {
  const api = new FakeLeaseApi();
  const clock = { now: 1_000_000 };
  const events: string[] = [];
  const a = candidate(api, 'a', clock, events);
  const b = candidate(api, 'b', clock, events);
  await a.step();
  await b.step();
  t.same(events, ['a leads']);
  t.ok(a.isLeader);
  t.notOk(b.isLeader);
  t.equal(api.lease?.spec.holderIdentity, 'a');
  t.equal(api.lease?.spec.leaseDurationSeconds, 15);
  t.equal(b.observedHolder, 'a');

  // a renews every retry period; b keeps seeing the record change and never takes over.
  for (let i = 0; i < 20; i++) {
    clock.now += 2_000;
    await a.step();
    await b.step();
  }
  t.same(events, ['a leads'], 'forty seconds of renewals: still a');
  const acquired = api.lease?.spec.acquireTime;
  t.equal(api.lease?.spec.leaseTransitions, 0);

  // a dies (no more steps, no release). b waits out the lease from the last change it saw.
  const lastRenewal = clock.now;
  clock.now += 2_000;
  await b.step();
  t.notOk(b.isLeader, 'not yet');
  clock.now = lastRenewal + 14_000;
  await b.step();
  t.notOk(b.isLeader, 'still within the lease duration');
  clock.now = lastRenewal + 16_000;
  await b.step();
  t.ok(b.isLeader, 'taken once the lease duration passed without a renewal');
  t.same(events, ['a leads', 'b leads']);
  t.equal(api.lease?.spec.holderIdentity, 'b');
  t.equal(api.lease?.spec.leaseTransitions, 1);
  t.not(api.lease?.spec.acquireTime, acquired);

  // a comes back (a paused process): it sees b holding and steps down at its next round.
  await a.step();
  t.notOk(a.isLeader);
  t.same(events, ['a leads', 'b leads', 'a stops']);
});

t.test('expiry counts from when the candidate saw the record change, not from renewTime (clock skew)', async (t) => {
  const api = new FakeLeaseApi();
  const clock = { now: 5_000_000 };
  const events: string[] = [];
  // A Lease whose renewTime is long past by our clock (the holder's clock runs slow, or it just died).
  api.lease = { metadata: { name: 'netpol-guard-audit', namespace: 'netpol-guard', resourceVersion: '7' }, spec: { holderIdentity: 'old', leaseDurationSeconds: 15, renewTime: microTime(0) } };
  const b = candidate(api, 'b', clock, events);
  await b.step();
  t.notOk(b.isLeader, 'a newcomer first watches the record for a lease duration');
  clock.now += 15_001;
  await b.step();
  t.ok(b.isLeader);
});

t.test('stop() releases the Lease and another replica takes it at its next round', async (t) => {
  const api = new FakeLeaseApi();
  const clock = { now: 1_000_000 };
  const events: string[] = [];
  const a = candidate(api, 'a', clock, events);
  const b = candidate(api, 'b', clock, events);
  await a.step();
  await b.step();
  await a.stop();
  t.same(events, ['a leads', 'a stops']);
  t.equal(api.lease?.spec.holderIdentity, '', 'released');
  clock.now += 2_000;
  await b.step();
  t.ok(b.isLeader, 'no need to wait out the lease duration');
  await a.step();
  t.notOk(a.isLeader, 'a stopped elector never leads again');
});

t.test('racing candidates: the API server accepts one write, the other gets a conflict', async (t) => {
  const api = new FakeLeaseApi();
  const clock = { now: 1_000_000 };
  const events: string[] = [];
  const a = candidate(api, 'a', clock, events);
  const b = candidate(api, 'b', clock, events);
  await Promise.all([a.step(), b.step()]);
  t.equal(events.length, 1, 'exactly one leads');
  t.equal(Number(a.isLeader) + Number(b.isLeader), 1);
});

t.test('a leader that cannot renew stops leading within the renew deadline, before the lease expires for others', async (t) => {
  const api = new FakeLeaseApi();
  const clock = { now: 1_000_000 };
  const events: string[] = [];
  const a = candidate(api, 'a', clock, events);
  await a.step();
  const renewedAt = clock.now;
  api.down = true;
  for (let i = 0; i < 4; i++) {
    clock.now += 2_000;
    await a.step();
  }
  t.ok(a.isLeader, 'still leading 8 s after the last renewal');
  clock.now = renewedAt + 10_000;
  await a.step();
  t.notOk(a.isLeader, 'stopped at the renew deadline');
  t.same(events, ['a leads', 'a stops']);
  t.ok(clock.now - renewedAt < 15_000, 'which is before the lease expires for the others');
  api.down = false;
  clock.now += 2_000;
  await a.step();
  t.ok(a.isLeader, 'leads again once the API server answers and the Lease is still its own');
});

t.test('bad timings are refused', async (t) => {
  const api = new FakeLeaseApi();
  t.throws(() => new LeaseElector({ client: api.client(), name: 'l', namespace: 'n', identity: 'a', leaseDurationMs: 10_000, renewDeadlineMs: 10_000, retryPeriodMs: 2_000, logger: quiet, onStartedLeading: () => {}, onStoppedLeading: () => {} }), /renew deadline/);
  t.throws(() => new LeaseElector({ client: api.client(), name: 'l', namespace: 'n', identity: 'a', leaseDurationMs: 15_000, renewDeadlineMs: 2_000, retryPeriodMs: 2_000, logger: quiet, onStartedLeading: () => {}, onStoppedLeading: () => {} }), /retry period/);
});

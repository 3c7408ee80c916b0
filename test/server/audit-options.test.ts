/** The audit flags of `serve`: defaults, the environment, and every bad value answered in words. */
import t from 'tap';
import { parseServeOptions } from '../../src/server/options.js';

t.test('defaults: off, wgpolicyk8s.io, client-go lease timings', async (t) => {
  const o = parseServeOptions([], {});
  t.same(o.audit, {
    enabled: false,
    reportApi: 'wgpolicyk8s.io/v1alpha2',
    reportOwner: undefined,
    maxResults: 1000,
    debounceMs: 5000,
    minIntervalMs: 30000,
    leaseName: 'netpol-guard-audit',
    leaseNamespace: undefined,
    leaseIdentity: undefined,
    leaseDurationMs: 15000,
    renewDeadlineMs: 10000,
    retryPeriodMs: 2000,
  });
});

t.test('flags and environment', async (t) => {
  const o = parseServeOptions(['--audit-reports', '--report-api', 'openreports.io/v1alpha1', '--report-owner', 'netpol-guard', '--lease-duration', '6000', '--lease-renew-deadline', '4000', '--lease-retry-period', '1000'], {
    NETPOL_GUARD_LEASE_NAMESPACE: 'netpol-guard',
    NETPOL_GUARD_LEASE_IDENTITY: 'netpol-guard-7d9f-abcde',
    NETPOL_GUARD_REPORT_MAX_RESULTS: '50',
  });
  t.equal(o.audit.enabled, true);
  t.equal(o.audit.reportApi, 'openreports.io/v1alpha1');
  t.equal(o.audit.reportOwner, 'netpol-guard');
  t.equal(o.audit.leaseNamespace, 'netpol-guard');
  t.equal(o.audit.leaseIdentity, 'netpol-guard-7d9f-abcde');
  t.equal(o.audit.maxResults, 50);
  t.same([o.audit.leaseDurationMs, o.audit.renewDeadlineMs, o.audit.retryPeriodMs], [6000, 4000, 1000]);
  t.equal(parseServeOptions([], { NETPOL_GUARD_AUDIT_REPORTS: 'true' }).audit.enabled, true);
});

t.test('bad values', async (t) => {
  t.throws(() => parseServeOptions(['--report-api', 'wgpolicyk8s.io/v1beta1'], {}), { code: 'NPG_OPTION_INVALID', message: /--report-api must be wgpolicyk8s.io\/v1alpha2 or openreports.io\/v1alpha1, got "wgpolicyk8s.io\/v1beta1"/ });
  t.throws(() => parseServeOptions(['--audit-reports', '--no-cluster'], {}), { code: 'NPG_OPTION_INVALID', message: /cannot go with --no-cluster/ });
  t.throws(() => parseServeOptions(['--lease-duration', '5000'], {}), { code: 'NPG_OPTION_INVALID', message: /--lease-renew-deadline \(10000\) < --lease-duration \(5000\) must hold/ });
  t.throws(() => parseServeOptions(['--report-max-results', '0'], {}), { message: /--report-max-results must be a whole number >= 1, got "0"/ });
  t.throws(() => parseServeOptions(['--lease-name', 'Not_A_Name'], {}), { message: /--lease-name/ });
});

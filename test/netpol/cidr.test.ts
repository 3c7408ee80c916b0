/**
 * IP/CIDR parsing with Go's acceptance rules (lenient ParseCIDRSloppy and strict
 * netip.ParsePrefix), the API server's CIDR warnings, and the `except` subset test.
 */
import t from 'tap';
import { FieldPath } from '../../src/k8s/field.js';
import {
  cidrWarnings,
  goIPNetString,
  isStrictSubset,
  parseCIDRSloppy,
  rangeContains,
  rangeHasAddress,
  rangesOverlap,
  toRange,
  validateCIDRForLegacyField,
} from '../../src/netpol/cidr.js';
import { parsePrefixStrict } from '../../src/netpol/goip.js';

t.test('lenient parser accepts what Go 1.16 net.ParseCIDR accepted', async (t) => {
  for (const ok of ['10.0.0.0/8', '010.0.0.0/8', '10.0.0.0/08', '10.1.2.3/8', '::/0', '::ffff:1.2.3.4/120', '2001:db8::00001/128', 'FD00::/8', '1:2:3:4:5:6:7:8/128', '::1.2.3.4/128']) {
    t.ok(parseCIDRSloppy(ok), ok);
  }
  for (const bad of ['', '/', '10.0.0.0', '10.0.0.0/', '10.0.0.0/33', '::/129', '10.0.0/8', '10.0.0.0.0/8', '256.0.0.0/8', ' 10.0.0.0/8', '10.0.0.0/+8', '10.0.0.0/8/8', '1:2:3:4:5:6:7:8:9/64', '1::2::3/64', 'fe80::1%eth0/64', '1:2:3:4:5:6:7::8/64', '12345::/16', 'x/8', '1.2.3.4::/64']) {
    t.notOk(parseCIDRSloppy(bad), JSON.stringify(bad));
  }
});

t.test('strict parser is netip.ParsePrefix', async (t) => {
  for (const ok of ['10.0.0.0/8', '10.1.2.3/8', '::/0', '::ffff:1.2.3.4/120', 'FD00::/8', '::1.2.3.4/128']) t.ok(parsePrefixStrict(ok), ok);
  for (const bad of ['010.0.0.0/8', '10.0.0.0/08', '2001:db8::00001/128', '::ffff:01.2.3.4/120', '10.0.0.0/-1', '10.0.0.0/ 8']) {
    t.notOk(parsePrefixStrict(bad), bad);
  }
});

t.test('legacy-field validation messages', async (t) => {
  const path = FieldPath.root('spec', 'egress').index(0).child('to').index(0).child('ipBlock', 'cidr');
  const msg = (v: string, old: string[] = []) => validateCIDRForLegacyField(path, v, old).map(String);
  t.same(msg('10.0.0.0/8'), []);
  t.same(msg('nonsense'), ['spec.egress[0].to[0].ipBlock.cidr: Invalid value: "nonsense": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']);
  t.same(msg('010.0.0.0/8'), ['spec.egress[0].to[0].ipBlock.cidr: Invalid value: "010.0.0.0/8": must not have leading 0s in IP or prefix length']);
  t.same(msg('::ffff:10.0.0.0/104'), ['spec.egress[0].to[0].ipBlock.cidr: Invalid value: "::ffff:10.0.0.0/104": must not have an IPv4-mapped IPv6 address']);
  t.same(msg('10.0.0.1/8'), ['spec.egress[0].to[0].ipBlock.cidr: Invalid value: "10.0.0.1/8": must not have bits set beyond the prefix length']);
  t.same(msg('10.0.0.1/8', ['10.0.0.1/8']), [], 'ratcheted: the old object had it');
  t.same(msg('nonsense', ['nonsense']), [], 'ratcheted before any parsing, as upstream (slices.Contains(validOldCIDRs, value) first)');
  t.same(msg('nonsense', ['other']), ['spec.egress[0].to[0].ipBlock.cidr: Invalid value: "nonsense": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'], 'only values of the old object are ratcheted');
});

t.test('the API server warnings', async (t) => {
  const path = FieldPath.root('spec', 'ingress').index(0).child('from').index(1).child('ipBlock', 'cidr');
  const p = 'spec.ingress[0].from[1].ipBlock.cidr';
  t.same(cidrWarnings(path, '10.0.0.0/8'), []);
  t.same(cidrWarnings(path, '10.0.0.1/8'), [`${p}: CIDR value "10.0.0.1/8" is ambiguous in this context (should be "10.0.0.0/8" or "10.0.0.1/32"?)`]);
  t.same(cidrWarnings(path, '010.0.0.0/8'), [`${p}: non-standard CIDR value "010.0.0.0/8" will be considered invalid in a future Kubernetes release: use "10.0.0.0/8"`]);
  t.same(cidrWarnings(path, '::ffff:1.2.3.0/120'), [`${p}: non-standard CIDR value "::ffff:1.2.3.0/120" will be considered invalid in a future Kubernetes release: use "1.2.3.0/24"`]);
  t.same(cidrWarnings(path, '2001:DB8::/32'), [`${p}: IPv6 CIDR value "2001:DB8::/32" should be in RFC 5952 canonical format ("2001:db8::/32")`]);
  t.same(cidrWarnings(path, '2001:db8:0:0::/64'), [`${p}: IPv6 CIDR value "2001:db8:0:0::/64" should be in RFC 5952 canonical format ("2001:db8::/64")`]);
  t.same(cidrWarnings(path, '2001:db8::1/32'), [`${p}: CIDR value "2001:db8::1/32" is ambiguous in this context (should be "2001:db8::/32" or "2001:db8::1/128"?)`], 'only the first kind when host bits are set');
  t.same(
    cidrWarnings(path, '010.0.0.1/8'),
    [
      `${p}: CIDR value "010.0.0.1/8" is ambiguous in this context (should be "10.0.0.0/8" or "10.0.0.1/32"?)`,
      `${p}: non-standard CIDR value "010.0.0.1/8" will be considered invalid in a future Kubernetes release: use "10.0.0.0/8"`,
    ],
    'both kinds at once',
  );
  t.same(cidrWarnings(path, 'garbage'), [], 'nothing for values that do not parse');
});

t.test('except must be a strict subset, with net.IPNet semantics', async (t) => {
  const sub = (a: string, b: string) => isStrictSubset(parseCIDRSloppy(a)!, parseCIDRSloppy(b)!);
  t.ok(sub('192.168.0.0/16', '192.168.3.0/24'));
  t.ok(sub('192.168.0.0/16', '192.168.3.7/24'), 'the except network is masked first');
  t.notOk(sub('192.168.0.0/16', '192.168.0.0/16'), 'equal is not strict');
  t.notOk(sub('192.168.0.0/24', '192.168.0.0/16'), 'wider is not a subset');
  t.notOk(sub('192.168.8.0/24', '192.168.9.1/32'));
  t.notOk(sub('10.0.0.0/8', 'fd00::/64'), 'families never mix');
  t.ok(sub('fd00:192:168::/48', 'fd00:192:168:3::/64'));
  t.ok(sub('0.0.0.0/0', '10.0.0.0/8'));
  t.ok(sub('10.0.0.0/8', '::ffff:10.1.0.0/112'), 'an IPv4-mapped except is compared as IPv4 by Go');
});

t.test('Go text forms', async (t) => {
  t.equal(goIPNetString(parseCIDRSloppy('10.1.2.3/8')!), '10.0.0.0/8');
  t.equal(goIPNetString(parseCIDRSloppy('::ffff:1.2.3.4/120')!), '1.2.3.0/24');
  t.equal(goIPNetString(parseCIDRSloppy('2001:DB8:0:0:1::/64')!), '2001:db8::/64');
  t.equal(goIPNetString(parseCIDRSloppy('::1.2.3.4/128')!), '::102:304/128');
});

t.test('ranges for policy arithmetic', async (t) => {
  const r = (s: string) => toRange(s)!;
  t.ok(rangeContains(r('10.0.0.0/8'), r('10.1.0.0/16')));
  t.notOk(rangeContains(r('10.1.0.0/16'), r('10.0.0.0/8')));
  t.ok(rangesOverlap(r('10.1.0.0/16'), r('10.0.0.0/8')));
  t.notOk(rangesOverlap(r('10.0.0.0/8'), r('11.0.0.0/8')));
  t.notOk(rangesOverlap(r('0.0.0.0/0'), r('::/0')), 'families never overlap');
  t.ok(rangeHasAddress(r('169.254.0.0/16'), '169.254.169.254'));
  t.ok(rangeHasAddress(r('169.254.0.0/16'), '::ffff:169.254.169.254'), 'mapped addresses count as IPv4');
  t.notOk(rangeHasAddress(r('169.254.0.0/16'), 'fd00:ec2::254'));
  t.ok(rangeHasAddress(r('fd00::/8'), 'fd00:ec2::254'));
  t.same(r('::ffff:10.0.0.0/104'), r('10.0.0.0/8'), 'IPv4-mapped folds to IPv4');
  t.equal(toRange('nonsense'), undefined);
});

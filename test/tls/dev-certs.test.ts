import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFile, stat, writeFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import t from 'tap';
import { NpgError } from '../../src/errors.js';
import { ensureDevCertificates, type DevCertificates } from '../../src/tls/dev-certs.js';

const DAY = 86_400_000;
const SERVICE = 'netpol-guard.netpol-guard.svc';

async function load(certs: DevCertificates): Promise<{ ca: X509Certificate; leaf: X509Certificate; caPem: string }> {
  const caPem = await readFile(certs.caCertPath, 'utf8');
  return { ca: new X509Certificate(caPem), leaf: new X509Certificate(await readFile(certs.certPath, 'utf8')), caPem };
}

function get(port: number, opts: https.RequestOptions): Promise<{ status?: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: '127.0.0.1', port, path: '/', agent: false, ...opts }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    });
    req.on('error', reject);
  });
}

t.test('first start generates a CA and a serving certificate', async (t) => {
  const dir = join(t.testdir(), 'certs', 'dev');
  // Whole seconds: certificates carry no milliseconds, so validity can be compared exactly.
  const now = new Date(Math.floor(Date.now() / 1000) * 1000);
  const certs = await ensureDevCertificates({ dir, sans: [SERVICE, '10.96.0.10'], now });
  t.equal(certs.generated, true);
  t.equal(certs.caGenerated, true);
  t.match(certs.reason, /no CA certificate in .*ca\.crt/);
  t.equal((await stat(dir)).mode & 0o777, 0o700, 'directory created private');
  t.equal((await stat(certs.keyPath)).mode & 0o777, 0o600, 'serving key is 0600');
  t.equal((await stat(certs.caKeyPath)).mode & 0o777, 0o600, 'CA key is 0600');

  const { ca, leaf, caPem } = await load(certs);
  t.equal(Buffer.from(certs.caBundle, 'base64').toString('utf8'), caPem, 'caBundle is the base64 CA PEM');
  t.equal(ca.ca, true);
  t.equal(leaf.ca, false);
  const sans = (leaf.subjectAltName ?? '').split(', ');
  for (const want of ['DNS:localhost', 'IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1', `DNS:${SERVICE}`, 'IP Address:10.96.0.10']) {
    t.ok(sans.includes(want), `SAN ${want} in ${leaf.subjectAltName}`);
  }
  t.same(certs.sans, ['DNS:localhost', 'IP:127.0.0.1', 'IP:0:0:0:0:0:0:0:1', `DNS:${SERVICE}`, 'IP:10.96.0.10']);
  t.same(leaf.keyUsage, ['1.3.6.1.5.5.7.3.1'], 'extendedKeyUsage is serverAuth');
  t.ok(leaf.checkIssued(ca), 'CA issued the leaf (names and key identifiers)');
  t.ok(leaf.verify(ca.publicKey), 'leaf signature verifies with the CA key');
  t.equal(Date.parse(leaf.validTo), now.getTime() + 365 * DAY, 'leaf valid for a year');
  t.equal(Date.parse(ca.validTo), now.getTime() + 3650 * DAY, 'CA valid for ten years');
  t.ok(Date.parse(leaf.validFrom) < now.getTime(), 'backdated for clock skew');
});

t.test('an HTTPS server with the files is reachable by a client trusting only the CA', async (t) => {
  const base = t.testdir();
  const certs = await ensureDevCertificates({ dir: join(base, 'server') });
  const { caPem } = await load(certs);
  const server = https.createServer({ cert: await readFile(certs.certPath), key: await readFile(certs.keyPath) }, (_req, res) =>
    res.end('ok'),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;

  t.same(await get(port, { ca: caPem, servername: 'localhost' }), { status: 200, body: 'ok' }, 'by name (DNS SAN)');
  t.same(await get(port, { ca: caPem }), { status: 200, body: 'ok' }, 'by address (IP SAN 127.0.0.1)');

  // Control: the same request trusting another CA fails, so the successes above were real verification.
  const other = await ensureDevCertificates({ dir: join(base, 'other') });
  const otherCa = await readFile(other.caCertPath, 'utf8');
  await t.rejects(get(port, { ca: otherCa, servername: 'localhost' }), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });
  // And a name the certificate does not carry is refused.
  await t.rejects(get(port, { ca: caPem, servername: 'elsewhere.example' }), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' });
});

t.test('a second start reuses the certificates', async (t) => {
  const dir = t.testdir();
  const first = await load(await ensureDevCertificates({ dir, sans: [SERVICE] }));
  const again = await ensureDevCertificates({ dir, sans: [SERVICE] });
  t.equal(again.generated, false);
  t.equal(again.caGenerated, false);
  t.equal(again.reason, undefined);
  const second = await load(again);
  t.equal(second.leaf.fingerprint256, first.leaf.fingerprint256);
  t.equal(second.ca.fingerprint256, first.ca.fingerprint256);
});

t.test('a new SAN renews the serving certificate and keeps the CA', async (t) => {
  const dir = t.testdir();
  const first = await load(await ensureDevCertificates({ dir }));
  const renewed = await ensureDevCertificates({ dir, sans: [SERVICE] });
  t.equal(renewed.generated, true);
  t.equal(renewed.caGenerated, false);
  t.match(renewed.reason, `lacks requested SAN DNS:${SERVICE}`);
  const second = await load(renewed);
  t.equal(second.ca.fingerprint256, first.ca.fingerprint256, 'CA unchanged: a registered caBundle still works');
  t.not(second.leaf.fingerprint256, first.leaf.fingerprint256, 'new serving certificate');
  t.match(second.leaf.subjectAltName, `DNS:${SERVICE}`);
  t.match(second.leaf.subjectAltName, 'DNS:localhost');
  t.ok(second.leaf.checkIssued(first.ca) && second.leaf.verify(first.ca.publicKey), 'issued by the kept CA');
});

t.test('a serving certificate within 30 days of expiry is renewed, the CA kept', async (t) => {
  const dir = t.testdir();
  const now = Date.now();
  const first = await load(await ensureDevCertificates({ dir, now: new Date(now) }));
  const at300 = await ensureDevCertificates({ dir, now: new Date(now + 300 * DAY) });
  t.equal(at300.generated, false, 'not renewed while more than 30 days remain');
  const at340 = await ensureDevCertificates({ dir, now: new Date(now + 340 * DAY) });
  t.equal(at340.generated, true);
  t.equal(at340.caGenerated, false);
  t.match(at340.reason, /expires within 30 days/);
  t.equal((await load(at340)).ca.fingerprint256, first.ca.fingerprint256);
});

t.test('damaged files are regenerated', async (t) => {
  t.test('garbage serving certificate', async (t) => {
    const dir = t.testdir();
    const first = await load(await ensureDevCertificates({ dir }));
    await writeFile(join(dir, 'tls.crt'), 'not a certificate\n');
    const again = await ensureDevCertificates({ dir });
    t.equal(again.generated, true);
    t.equal(again.caGenerated, false);
    t.match(again.reason, /tls\.crt is not a valid PEM certificate/);
    const second = await load(again);
    t.equal(second.ca.fingerprint256, first.ca.fingerprint256);
    t.ok(second.leaf.checkIssued(second.ca));
  });
  t.test('serving key that does not match', async (t) => {
    const dir = t.testdir();
    await ensureDevCertificates({ dir });
    await writeFile(join(dir, 'tls.key'), await readFile(join(dir, 'ca.key')));
    const again = await ensureDevCertificates({ dir });
    t.equal(again.generated, true);
    t.match(again.reason, /tls\.key does not match .*tls\.crt/);
  });
  t.test('garbage CA certificate: a new CA, and a leaf it issued', async (t) => {
    const dir = t.testdir();
    const first = await load(await ensureDevCertificates({ dir }));
    await writeFile(join(dir, 'ca.crt'), '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    const again = await ensureDevCertificates({ dir });
    t.equal(again.generated, true);
    t.equal(again.caGenerated, true);
    t.match(again.reason, /ca\.crt is not a valid PEM certificate/);
    const second = await load(again);
    t.not(second.ca.fingerprint256, first.ca.fingerprint256);
    t.ok(second.leaf.checkIssued(second.ca) && second.leaf.verify(second.ca.publicKey));
  });
});

t.test('failures are NpgError NPG_TLS_GENERATE_FAILED with the reason', async (t) => {
  await t.rejects(ensureDevCertificates({ dir: t.testdir(), sans: ['not a name!'] }), {
    constructor: NpgError,
    code: 'NPG_TLS_GENERATE_FAILED',
    message: /"not a name!" is neither an IP address nor a valid DNS name/,
  });
  const dir = t.testdir({ 'a-file': 'x' });
  await t.rejects(ensureDevCertificates({ dir: join(dir, 'a-file', 'certs') }), {
    code: 'NPG_TLS_GENERATE_FAILED',
    message: /cannot create certificate directory .*a-file\/certs: .*ENOTDIR/,
  });
});

t.test('a CA within 30 days of expiry is replaced, and the result says the caBundle changed', async (t) => {
  const dir = t.testdir();
  const now = Date.now();
  const first = await load(await ensureDevCertificates({ dir, now: new Date(now) }));
  const late = await ensureDevCertificates({ dir, now: new Date(now + 3630 * DAY) });
  t.equal(late.caGenerated, true);
  t.match(late.reason, /CA certificate .*ca\.crt expires within 30 days/);
  t.not((await load(late)).ca.fingerprint256, first.ca.fingerprint256);
});

const haveOpenssl = ((): boolean => {
  try {
    execFileSync('openssl', ['version']);
    return true;
  } catch {
    return false;
  }
})();

t.test('a CA placed in the directory by hand (RSA, from openssl) is kept and signs the leaf', { skip: haveOpenssl ? false : 'openssl not installed' }, async (t) => {
  const dir = t.testdir();
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '365', '-subj', '/CN=team CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign',
    '-keyout', join(dir, 'ca.key'), '-out', join(dir, 'ca.crt'),
  ], { stdio: 'ignore' });
  const certs = await ensureDevCertificates({ dir });
  t.equal(certs.caGenerated, false);
  t.equal(certs.generated, true);
  const { ca, leaf } = await load(certs);
  t.equal(ca.subject, 'CN=team CA');
  t.ok(leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
});

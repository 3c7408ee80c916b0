import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { NpgError } from '../../src/errors.js';
import type { CertificateAndKey } from '../../src/tls/issue.js';
import { CertificateSource, tlsServerOptions, type CertificateLogger, type CertificateSourceOptions } from '../../src/tls/source.js';
import { helloServer, makeCa, makeLeaf, replaceFile, secretVolume, tlsClient } from '../helpers/tls.js';

const DAY = 86_400_000;
const fingerprint = (pair: CertificateAndKey): string => new X509Certificate(pair.certPem).fingerprint256;

/** Collects log lines; `waitFor` resolves at the first line at `level`. */
function recordingLogger(): CertificateLogger & { lines: { level: string; obj: unknown; msg: string }[]; waitFor(level: string): Promise<void> } {
  const lines: { level: string; obj: unknown; msg: string }[] = [];
  const waiters: { level: string; resolve: () => void }[] = [];
  const log = (level: string) => (obj: Record<string, unknown>, msg: string) => {
    lines.push({ level, obj, msg });
    for (const w of waiters.filter((w) => w.level === level)) w.resolve();
  };
  return {
    lines,
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    waitFor: (level) =>
      lines.some((l) => l.level === level) ? Promise.resolve() : new Promise((resolve) => waiters.push({ level, resolve })),
  };
}

type Test = Parameters<Parameters<typeof t.test>[0]>[0];

/**
 * A CA, two serving pairs (a: CN=first, b: CN=second) and a source opened on `a`, either as plain
 * files or as a kubelet-style Secret volume (`publish` then swaps its ..data link).
 */
async function setup(t: Test, extra: Partial<CertificateSourceOptions> = {}, layout: 'files' | 'secret-volume' = 'files') {
  const ca = await makeCa();
  const [a, b] = await Promise.all([makeLeaf(ca, { commonName: 'first' }), makeLeaf(ca, { commonName: 'second' })]);
  const dir = t.testdir();
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  let publish: (files: Record<string, string>) => Promise<void> = () => Promise.reject(new Error('not a Secret volume'));
  if (layout === 'secret-volume') {
    publish = await secretVolume(dir, { 'tls.crt': a.certPem, 'tls.key': a.keyPem });
  } else {
    await writeFile(certFile, a.certPem);
    await writeFile(keyFile, a.keyPem);
  }
  const source = await CertificateSource.open({ certFile, keyFile, ...extra });
  t.teardown(() => source.close());
  return { ca, a, b, dir, certFile, keyFile, source, publish };
}

t.test('open loads the pair and reports its state', async (t) => {
  const { a, source } = await setup(t);
  const cert = new X509Certificate(a.certPem);
  const state = source.state();
  t.equal(state.ready, true);
  t.equal(state.subject, 'CN=first');
  t.same(state.sans, ['DNS:localhost', 'IP:127.0.0.1']);
  t.equal(state.notBefore.getTime(), Date.parse(cert.validFrom));
  t.equal(state.notAfter.getTime(), Date.parse(cert.validTo));
  t.equal(state.fingerprint256, cert.fingerprint256);
  t.type(state.loadedAt, Date);
  t.equal(state.reloads, 0);
  t.equal(state.failures, 0);
  t.equal(state.lastError, undefined);
  const opts = source.secureContextOptions();
  t.equal(opts.cert, a.certPem);
  t.equal(opts.key, a.keyPem);
  t.notOk('ca' in opts, 'no client CA configured');
  await source.close();
  t.equal(source.state().ready, false, 'not ready once closed');
});

t.test('open refuses broken inputs with a code and the reason', async (t) => {
  const ca = await makeCa();
  const good = await makeLeaf(ca);
  const other = await makeLeaf(ca);
  const expired = await makeLeaf(ca, { notBefore: new Date(Date.now() - 3 * DAY), notAfter: new Date(Date.now() - DAY) });
  const future = await makeLeaf(ca, { notBefore: new Date(Date.now() + DAY), notAfter: new Date(Date.now() + 3 * DAY) });
  const clientOnly = await makeLeaf(ca, { usage: 'client' });
  const dir = t.testdir({
    'good.crt': good.certPem,
    'good.key': good.keyPem,
    'other.key': other.keyPem,
    'garbage.crt': 'hello\n',
    'expired.crt': expired.certPem,
    'expired.key': expired.keyPem,
    'future.crt': future.certPem,
    'future.key': future.keyPem,
    'client.crt': clientOnly.certPem,
    'client.key': clientOnly.keyPem,
    'ca.crt': ca.certPem,
  });
  const f = (name: string): string => join(dir, name);
  const cases: [string, CertificateSourceOptions, string, RegExp][] = [
    ['missing certificate', { certFile: f('nope.crt'), keyFile: f('good.key') }, 'NPG_TLS_CERT_UNREADABLE', /cannot read certificate file: ENOENT.*nope\.crt/],
    ['missing key', { certFile: f('good.crt'), keyFile: f('nope.key') }, 'NPG_TLS_CERT_UNREADABLE', /cannot read key file: ENOENT.*nope\.key/],
    ['not PEM', { certFile: f('garbage.crt'), keyFile: f('good.key') }, 'NPG_TLS_CERT_INVALID', /garbage\.crt contains no PEM certificate/],
    ['swapped paths', { certFile: f('good.key'), keyFile: f('good.crt') }, 'NPG_TLS_CERT_INVALID', /swapped/],
    ['key of another certificate', { certFile: f('good.crt'), keyFile: f('other.key') }, 'NPG_TLS_CERT_INVALID', /other\.key does not match the certificate in .*good\.crt/],
    ['expired', { certFile: f('expired.crt'), keyFile: f('expired.key') }, 'NPG_TLS_CERT_EXPIRED', /expired on/],
    ['not yet valid', { certFile: f('future.crt'), keyFile: f('future.key') }, 'NPG_TLS_CERT_EXPIRED', /is not valid until/],
    ['client-only certificate', { certFile: f('client.crt'), keyFile: f('client.key') }, 'NPG_TLS_CERT_INVALID', /lacks serverAuth/],
    ['missing client CA', { certFile: f('good.crt'), keyFile: f('good.key'), clientCAFile: f('nope-ca.crt') }, 'NPG_TLS_CLIENT_CA_INVALID', /cannot read client CA file/],
    ['client CA not PEM', { certFile: f('good.crt'), keyFile: f('good.key'), clientCAFile: f('garbage.crt') }, 'NPG_TLS_CLIENT_CA_INVALID', /client CA file .*garbage\.crt contains no PEM certificate/],
  ];
  for (const [name, options, code, message] of cases) {
    await t.rejects(CertificateSource.open(options), { constructor: NpgError, code, message }, name);
  }
  // The same files that are good open fine, so each case above fails for its own reason.
  const ok = await CertificateSource.open({ certFile: f('good.crt'), keyFile: f('good.key'), clientCAFile: f('ca.crt') });
  t.equal(ok.state().ready, true);
  await ok.close();
});

t.test('a TLS server serves the new certificate after the files are replaced', async (t) => {
  const check = async (
    t: Test,
    extra: Partial<CertificateSourceOptions>,
    rotate: (env: Awaited<ReturnType<typeof setup>>) => Promise<void>,
    layout: 'files' | 'secret-volume' = 'files',
  ) => {
    const env = await setup(t, extra, layout);
    const { source, ca, a, b } = env;
    const { server, port } = await helloServer(t, tlsServerOptions(source, { clientCA: false }));
    source.on('reload', (opts) => server.setSecureContext(opts));

    const before = await tlsClient(port, { ca: ca.certPem });
    t.equal(before.fingerprint256, fingerprint(a), 'serves the first certificate');
    t.equal(before.data, 'hello');

    const reloaded = once(source, 'reload');
    await rotate(env);
    const [opts, state] = await reloaded;
    t.equal(opts.cert, b.certPem, 'reload carries the new pair');
    t.equal(state.reloads, 1);
    t.equal(state.subject, 'CN=second');

    const after = await tlsClient(port, { ca: ca.certPem });
    t.equal(after.fingerprint256, fingerprint(b), 'a new connection gets the new certificate');
    t.equal(after.protocol, 'TLSv1.3', 'TLS 1.3 still on after the swap');
    const weak = await tlsClient(port, { ca: ca.certPem, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA' });
    t.equal(weak.ok, false, 'a CBC-only TLS 1.2 client is still refused after the swap');
    t.match(weak.error?.message, /handshake failure|no cipher/i);
    const tls12 = await tlsClient(port, { ca: ca.certPem, maxVersion: 'TLSv1.2' });
    t.equal(tls12.protocol, 'TLSv1.2', 'TLS 1.2 with an AEAD suite works');
    t.equal(tls12.data, 'hello');
    t.equal(source.state().failures, 0);
  };

  t.test('files overwritten in place, found by polling alone', (t) =>
    check(t, { watch: false, pollIntervalMs: 20, retryDelayMs: 20, retryAttempts: 50 }, async ({ certFile, keyFile, b }) => {
      await writeFile(keyFile, b.keyPem);
      await writeFile(certFile, b.certPem);
    }),
  );
  t.test('files renamed into place, found by polling alone', (t) =>
    check(t, { watch: false, pollIntervalMs: 20, retryDelayMs: 20, retryAttempts: 50 }, async ({ certFile, keyFile, b }) => {
      await replaceFile(certFile, b.certPem);
      await replaceFile(keyFile, b.keyPem);
    }),
  );
  t.test('a Secret volume ..data swap, found by the directory watch alone', (t) =>
    check(t, { pollIntervalMs: 0, debounceMs: 20 }, ({ publish, b }) => publish({ 'tls.crt': b.certPem, 'tls.key': b.keyPem }), 'secret-volume'),
  );
});

t.test('a broken rotation keeps the old certificate in service', async (t) => {
  const logger = recordingLogger();
  const { ca, a, b, certFile, keyFile, source } = await setup(t, { watch: false, pollIntervalMs: 20, retryAttempts: 3, retryDelayMs: 10, logger });
  const { server, port } = await helloServer(t, tlsServerOptions(source, { clientCA: false }));
  source.on('reload', (opts) => server.setSecureContext(opts));

  let failed = once(source, 'reloadError');
  await replaceFile(certFile, 'garbage\n');
  let [error, state] = await failed;
  t.equal(error.code, 'NPG_TLS_CERT_INVALID');
  t.equal(state.failures, 1);
  t.match(state.lastError, /^NPG_TLS_CERT_INVALID: certificate file .*tls\.crt contains no PEM certificate/);
  t.equal(state.ready, true, 'still ready: the old certificate is valid');
  t.equal((await tlsClient(port, { ca: ca.certPem })).fingerprint256, fingerprint(a), 'old certificate still served');
  await source.check();
  t.equal(source.state().failures, 1, 'the same broken files are not counted again');

  failed = once(source, 'reloadError');
  await replaceFile(certFile, b.certPem); // new certificate, old key
  [error, state] = await failed;
  t.equal(state.failures, 2);
  t.match(state.lastError, /tls\.key does not match the certificate/);
  t.equal((await tlsClient(port, { ca: ca.certPem })).fingerprint256, fingerprint(a), 'old certificate still served');
  t.equal(source.state().reloads, 0);

  const reloaded = once(source, 'reload');
  await replaceFile(keyFile, b.keyPem);
  await reloaded;
  t.equal((await tlsClient(port, { ca: ca.certPem })).fingerprint256, fingerprint(b), 'a good pair is taken again');
  t.equal(source.state().failures, 2);
  t.equal(source.state().reloads, 1);

  t.ok(logger.lines.some((l) => l.level === 'error' && /reload failed/.test(l.msg)), 'failures are logged');
  const logged = JSON.stringify(logger.lines);
  t.notMatch(logged, /PRIVATE KEY|BEGIN CERTIFICATE/, 'no key material or certificate in the logs');
});

t.test('a half-written rotation is retried, not reported', async (t) => {
  const logger = recordingLogger();
  const { b, certFile, keyFile, source } = await setup(t, { watch: false, pollIntervalMs: 20, retryAttempts: 100, retryDelayMs: 20, logger });
  const reloaded = once(source, 'reload');
  source.on('reloadError', (err) => t.fail(`unexpected reloadError: ${err.message}`));
  await replaceFile(certFile, b.certPem);
  // Check now rather than wait for the poll: its timer is unref'd, and nothing else keeps this test alive.
  const checking = source.check();
  await logger.waitFor('warn'); // the source saw the new certificate with the old key and is retrying
  await replaceFile(keyFile, b.keyPem);
  await checking;
  await reloaded;
  t.equal(source.state().failures, 0);
  t.equal(source.state().lastError, undefined);
  t.equal(source.state().fingerprint256, fingerprint(b));
  t.match(logger.lines.find((l) => l.level === 'warn')?.obj, { err: /does not match/ });
});

t.test('client CA mode: only clients with a certificate from the client CA get in', async (t) => {
  const serverCa = await makeCa('server CA');
  const clientCa = await makeCa('client CA');
  const rogueCa = await makeCa('rogue CA');
  const [serving, client, rogue] = await Promise.all([
    makeLeaf(serverCa),
    makeLeaf(clientCa, { usage: 'client', commonName: 'kube-apiserver' }),
    makeLeaf(rogueCa, { usage: 'client', commonName: 'kube-apiserver' }),
  ]);
  const dir = t.testdir({ 'tls.crt': serving.certPem, 'tls.key': serving.keyPem, 'client-ca.crt': clientCa.certPem });
  const source = await CertificateSource.open({
    certFile: join(dir, 'tls.crt'),
    keyFile: join(dir, 'tls.key'),
    clientCAFile: join(dir, 'client-ca.crt'),
    watch: false,
    pollIntervalMs: 0,
  });
  t.teardown(() => source.close());
  const options = tlsServerOptions(source, { clientCA: true });
  t.equal(options.requestCert, true);
  t.equal(options.rejectUnauthorized, true);
  t.equal(options.ca, clientCa.certPem);
  const { port, accepted } = await helloServer(t, options);

  const good = await tlsClient(port, { ca: serverCa.certPem, cert: client.certPem, key: client.keyPem });
  t.equal(good.ok, true, 'client CA certificate accepted');
  t.same(accepted, ['kube-apiserver'], 'the server saw the client certificate');
  const wrong = await tlsClient(port, { ca: serverCa.certPem, cert: rogue.certPem, key: rogue.keyPem });
  t.equal(wrong.ok, false, 'certificate from another CA refused');
  t.equal(wrong.data, '');
  const none = await tlsClient(port, { ca: serverCa.certPem });
  t.equal(none.ok, false, 'no client certificate refused');
  t.match(none.error?.code, /CERTIFICATE_REQUIRED|ECONNRESET/);
  t.same(accepted, ['kube-apiserver'], 'neither refused client reached the handler');

  const plain = await CertificateSource.open({ certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key'), watch: false, pollIntervalMs: 0 });
  t.teardown(() => plain.close());
  t.throws(() => tlsServerOptions(plain, { clientCA: true }), { code: 'NPG_TLS_CLIENT_CA_INVALID' });
});

t.test('after close nothing is reloaded', async (t) => {
  const { b, certFile, keyFile, source } = await setup(t, { pollIntervalMs: 20, debounceMs: 10 });
  await source.close();
  source.on('reload', () => t.fail('reloaded after close'));
  await replaceFile(keyFile, b.keyPem);
  await replaceFile(certFile, b.certPem);
  await source.check();
  t.equal(source.state().reloads, 0);
  t.equal(source.state().subject, 'CN=first');
});

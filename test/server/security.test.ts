/**
 * Security of the listener and the logs: TLS 1.2 or newer with forward-secret AEAD ciphers only,
 * client certificates required and verified with --client-ca, and no request bodies, tokens or
 * certificates in the logs at info level.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import tls from 'node:tls';
import t from 'tap';
import { makeNetworkPolicy, toIPBlock, withPolicyTypes } from '../helpers/netpol.js';
import { admissionReview, postReview, request, startTestServer } from '../helpers/server.js';
import { makeCa, makeLeaf } from '../helpers/tls.js';

function handshake(port: number, opts: tls.ConnectionOptions): Promise<{ ok: boolean; protocol?: string | null; cipher?: string; error?: string }> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ...opts }, () => {
      const result = { ok: true, protocol: socket.getProtocol(), cipher: socket.getCipher().name };
      socket.destroy();
      resolve(result);
    });
    socket.on('error', (err) => resolve({ ok: false, error: err.message }));
  });
}

t.test('TLS 1.2+ only, modern ciphers only', async (t) => {
  const server = await startTestServer(t);
  const port = Number(new URL(server.webhookUrl).port);
  const v13 = await handshake(port, { ca: server.ca });
  t.match(v13, { ok: true, protocol: 'TLSv1.3' }, 'TLS 1.3 by default');
  const v12 = await handshake(port, { ca: server.ca, maxVersion: 'TLSv1.2' });
  t.match(v12, { ok: true, protocol: 'TLSv1.2', cipher: /^ECDHE-ECDSA-(AES\d+-GCM|CHACHA20-POLY1305)/ }, 'TLS 1.2 with ECDHE and an AEAD cipher');
  const v11 = await handshake(port, { ca: server.ca, maxVersion: 'TLSv1.1', minVersion: 'TLSv1' });
  t.equal(v11.ok, false, 'TLS 1.1 refused');
  const cbc = await handshake(port, { ca: server.ca, maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA' });
  t.equal(cbc.ok, false, 'CBC cipher suites refused');
});

t.test('--client-ca: a good client certificate, a wrong one, none', async (t) => {
  const dir = t.testdir();
  const clientCa = await makeCa('API server client CA');
  const otherCa = await makeCa('someone else');
  const good = await makeLeaf(clientCa, { usage: 'client', commonName: 'kube-apiserver' });
  const wrong = await makeLeaf(otherCa, { usage: 'client', commonName: 'kube-apiserver' });
  await writeFile(join(dir, 'client-ca.crt'), clientCa.certPem);
  const server = await startTestServer(t, ['--client-ca', join(dir, 'client-ca.crt')]);
  const body = JSON.stringify(admissionReview(makeNetworkPolicy()));
  const call = (cert?: { certPem: string; keyPem: string }) =>
    new Promise<{ status: number } | { error: string }>((resolve) => {
      const port = Number(new URL(server.webhookUrl).port);
      const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: server.ca, ...(cert ? { cert: cert.certPem, key: cert.keyPem } : {}) }, () => {
        socket.write(`POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      });
      let data = '';
      socket.on('data', (c: Buffer) => (data += c.toString()));
      socket.on('end', () => resolve(data ? { status: Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1] ?? 0) } : { error: 'closed without an answer' }));
      socket.on('error', (err) => resolve({ error: err.message }));
    });
  t.same(await call(good), { status: 200 }, 'a certificate from the client CA gets an answer');
  t.match(await call(wrong), { error: String }, 'a certificate from another CA is refused');
  t.match(await call(), { error: String }, 'no certificate is refused');
  t.equal(server.logs.filter((l) => l.msg === 'admission review').length, 1, 'only the good client reached the handler');
});

t.test('nothing secret in the logs at info level', async (t) => {
  const server = await startTestServer(t, ['--log-level', 'info']);
  const secret = 'TOKEN-c29tZXRoaW5nLXNlY3JldA';
  const np = makeNetworkPolicy(toIPBlock({ cidr: '0.0.0.0/0' }), withPolicyTypes('Egress'), (p) => (p.metadata!.annotations = { 'example.com/token': secret }));
  await postReview(server, '/validate', admissionReview(np, { userInfo: { username: 'alice', groups: ['g'], extra: { token: [secret] } } as object }));
  await request(`${server.webhookUrl}/validate`, { ca: server.ca, body: `{"broken": "${secret}`, headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` } });
  const text = server.logs.map((l) => JSON.stringify(l)).join('\n');
  t.ok(server.logs.some((l) => l.msg === 'admission review'), 'the review was logged');
  t.notMatch(text, secret, 'no request body, annotation or token');
  t.notMatch(text, /BEGIN (CERTIFICATE|PRIVATE KEY|EC PRIVATE KEY)/, 'no certificate or key material');
  t.notMatch(text, /authorization/i, 'no request headers');
});

/**
 * The webhook over real TLS on 127.0.0.1, trusting the generated CA: the AdmissionReview contract
 * for /validate and /mutate, bad input, other kinds, DELETE and dry runs.
 */
import https from 'node:https';
import tls from 'node:tls';
import t from 'tap';
import { CD, INVALID_AND_DENIED_STATUS, fromPodSelector, invalidAndDenied, makeNetworkPolicy, port, toIPBlock, withIngressPorts, withName, withPolicyTypes } from '../helpers/netpol.js';
import { admissionReview, postReview, request, startTestServer } from '../helpers/server.js';
import { DRAIN_LIMIT_BYTES } from '../../src/server/webhook-app.js';

type Review = { apiVersion: string; kind: string; response: Record<string, unknown> & { uid: string; allowed: boolean; status?: Record<string, unknown> } };

t.test('webhook', async (t) => {
  const server = await startTestServer(t);
  const uid = 'b8c1a2d4-0000-4000-8000-000000000001';

  t.test('a good policy is allowed, with nothing else in the answer', async (t) => {
    const good = makeNetworkPolicy(fromPodSelector(CD), withIngressPorts(port('TCP', 80)), withPolicyTypes('Ingress'));
    const res = await postReview(server, '/validate', admissionReview(good));
    t.equal(res.status, 200);
    const body = res.json as Review;
    t.equal(body.apiVersion, 'admission.k8s.io/v1');
    t.equal(body.kind, 'AdmissionReview');
    t.same(body.response, { uid, allowed: true, auditAnnotations: { verdict: 'allowed' } }, 'no warnings, status or patch; cluster rules off by configuration are not repeated per request');
  });

  t.test('an invalid policy: 422 exactly as the API server builds it', async (t) => {
    const res = await postReview(server, '/validate', admissionReview(makeNetworkPolicy(withIngressPorts(port('ICMP', 80)), withPolicyTypes('Ingress'))));
    const body = res.json as Review;
    t.equal(body.response.uid, uid);
    t.equal(body.response.allowed, false);
    t.same(body.response.status, {
      status: 'Failure',
      message: 'NetworkPolicy.networking.k8s.io "foo" is invalid: spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
      reason: 'Invalid',
      details: {
        group: 'networking.k8s.io',
        kind: 'NetworkPolicy',
        name: 'foo',
        causes: [{ reason: 'FieldValueNotSupported', message: 'Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"', field: 'spec.ingress[0].ports[0].protocol' }],
      },
      code: 422,
    });
    t.notOk('patch' in body.response, 'a validating answer never carries a patch');
    t.notOk('patchType' in body.response);
  });

  t.test('an org-policy denial: 403 with every violation, warnings, audit annotations', async (t) => {
    const res = await postReview(server, '/validate', admissionReview(makeNetworkPolicy(toIPBlock({ cidr: '0.0.0.0/0' }), withPolicyTypes('Ingress', 'Egress'))));
    const body = res.json as Review;
    t.equal(body.response.allowed, false);
    t.equal(body.response.status?.code, 403);
    t.equal(body.response.status?.reason, 'Forbidden');
    t.match(body.response.status?.message, /\[cloud-metadata-egress\] spec\.egress\[0\]\.to\[0\]\.ipBlock\.cidr: 0\.0\.0\.0\/0 includes the cloud metadata address/);
    t.match(body.response.warnings, ['bar/foo: [ipblock-world] spec.egress[0].to[0].ipBlock.cidr: 0.0.0.0/0 reaches every address']);
    t.match((body.response.auditAnnotations as Record<string, string>).rules, /cloud-metadata-egress/);
  });

  t.test('invalid before forbidden, at both doors: the API server 422, the org findings as warnings', async (t) => {
    const object = invalidAndDenied();
    const expected = INVALID_AND_DENIED_STATUS;
    for (const door of ['/validate', '/mutate'] as const) {
      const body = (await postReview(server, door, admissionReview(object))).json as Review;
      t.equal(body.response.allowed, false, `${door}: denied`);
      t.same(body.response.status, expected, `${door}: the API server's Invalid, nothing of the org policy in it`);
      t.match(body.response.warnings, [/^bar\/foo: would deny once valid: \[rules-without-policy-type\] spec\.egress: /, /^bar\/foo: \[ipblock-world\] /], `${door}: findings as warnings`);
      t.same(body.response.auditAnnotations, { verdict: 'invalid', rules: 'rules-without-policy-type,ipblock-world' }, `${door}: and in the audit annotations`);
      t.notOk('patch' in body.response, `${door}: no patch on a denial`);
    }
    const valid = makeNetworkPolicy(toIPBlock({ cidr: '0.0.0.0/0' }), withPolicyTypes('Ingress'));
    const forbidden = (await postReview(server, '/validate', admissionReview(valid))).json as Review;
    t.equal(forbidden.response.status?.code, 403, '/validate: the same rule on a valid object is a 403');
    const mutated = (await postReview(server, '/mutate', admissionReview(valid))).json as Review;
    t.same(mutated.response, { uid, allowed: true }, '/mutate: a valid object is left to the validating webhook, whatever the org policy says');
  });

  t.test('every warning names its object, so two policies with one problem give two texts', async (t) => {
    const open = (name: string) => makeNetworkPolicy(withName(name), fromPodSelector(CD), withPolicyTypes('Ingress'));
    const texts: string[] = [];
    for (const name of ['web', 'api']) {
      const body = (await postReview(server, '/validate', admissionReview(open(name)))).json as Review;
      t.equal(body.response.allowed, true);
      const warnings = body.response.warnings as string[];
      t.match(warnings, [new RegExp(`^bar/${name}: \\[ports-unrestricted\\] spec\\.ingress\\[0\\]: rule lists sources but no ports`)], `${name}: named in its warning`);
      t.ok(warnings.every((w) => w.startsWith(`bar/${name}: `)), `${name}: in every warning`);
      texts.push(...warnings);
    }
    t.equal(new Set(texts).size, texts.length, 'no two texts alike: kubectl shows each');
  });

  t.test('v1beta1 is answered in v1beta1', async (t) => {
    const res = await postReview(server, '/validate', admissionReview(makeNetworkPolicy(), { version: 'admission.k8s.io/v1beta1' }));
    t.equal((res.json as Review).apiVersion, 'admission.k8s.io/v1beta1');
    t.equal((res.json as Review).response.uid, uid);
  });

  t.test('/mutate returns the defaulting patch, base64 JSONPatch', async (t) => {
    const submitted = makeNetworkPolicy(withIngressPorts(port(undefined, 80)));
    const res = await postReview(server, '/mutate', admissionReview(submitted));
    const body = res.json as Review;
    t.equal(body.response.allowed, true);
    t.equal(body.response.patchType, 'JSONPatch');
    const ops = JSON.parse(Buffer.from(body.response.patch as string, 'base64').toString('utf8'));
    t.same(ops.map((o: { op: string; path: string }) => `${o.op} ${o.path}`).sort(), ['add /spec/ingress/0/ports/0/protocol', 'add /spec/policyTypes']);
    const nothing = await postReview(server, '/mutate', admissionReview(makeNetworkPolicy(withPolicyTypes('Ingress'))));
    t.same((nothing.json as Review).response, { uid, allowed: true }, 'no patch fields when nothing changes');
    const invalid = await postReview(server, '/mutate', admissionReview({ ...makeNetworkPolicy(), spec: { ingress: 'nonsense' } }));
    t.equal((invalid.json as Review).response.allowed, true, 'an object it cannot decode is left to the API server, which decoded it');
  });

  t.test('other kinds are allowed untouched', async (t) => {
    const res = await postReview(server, '/validate', admissionReview({ kind: 'Pod', metadata: { name: 'p' } }, { kind: { group: '', version: 'v1', kind: 'Pod' } }));
    t.same((res.json as Review).response, { uid, allowed: true });
    const mutate = await postReview(server, '/mutate', admissionReview({ kind: 'Pod' }, { kind: { group: '', version: 'v1', kind: 'Pod' } }));
    t.same((mutate.json as Review).response, { uid, allowed: true });
    t.ok(server.logs.some((l) => l.verdict === 'allowed-other-kind'), 'and logged');
  });

  t.test('DELETE is reviewed only by deletion rules; dry runs get the same verdict', async (t) => {
    const stored = makeNetworkPolicy((np) => (np.metadata!.labels = { 'netpol-guard.io/protected': 'true' }));
    const dev = await postReview(server, '/validate', admissionReview(null, { operation: 'DELETE', oldObject: stored, userInfo: { username: 'dev', groups: ['developers'] } }));
    t.equal((dev.json as Review).response.allowed, false, 'a protected policy');
    t.match((dev.json as Review).response.status?.message, /\[protected-policy\]/);
    const plain = await postReview(server, '/validate', admissionReview(null, { operation: 'DELETE', oldObject: makeNetworkPolicy(toIPBlock({ cidr: '0.0.0.0/0' })) }));
    t.equal((plain.json as Review).response.allowed, true, 'other rules do not look at deletions');
    const risky = makeNetworkPolicy(toIPBlock({ cidr: '0.0.0.0/0' }), withPolicyTypes('Egress'));
    const wet = await postReview(server, '/validate', admissionReview(risky));
    const dry = await postReview(server, '/validate', admissionReview(risky, { dryRun: true }));
    t.same((dry.json as Review).response, (wet.json as Review).response);
    t.ok(server.logs.some((l) => l.dryRun === true && l.verdict === 'forbidden'), 'dryRun is logged');
  });

  t.test('bad input: always a clear answer', async (t) => {
    const post = (body: string, headers = { 'content-type': 'application/json' }) =>
      request(`${server.webhookUrl}/validate`, { ca: server.ca, body, headers });
    const notJson = await post('{"apiVersion": ');
    t.equal(notJson.status, 400);
    t.match(notJson.json, { error: 'BadRequest', message: /not valid JSON/ });
    const noRequest = await post('{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}');
    t.equal(noRequest.status, 400);
    t.same(noRequest.json, { error: 'BadRequest', message: 'the AdmissionReview has no "request" object' });
    const noUid = await post('{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"operation":"CREATE"}}');
    t.equal(noUid.status, 400);
    t.match(noUid.json, { message: /request\.uid is missing/ });
    const badOp = await post(JSON.stringify(admissionReview(makeNetworkPolicy(), { operation: 'PATCH', uid: 'u-7' })));
    t.equal(badOp.status, 200, 'with a uid, the answer is an AdmissionReview');
    t.match(badOp.json, { response: { uid: 'u-7', allowed: false, status: { code: 400, message: /request\.operation "PATCH" is not one of/ } } });
    const badVersion = await post(JSON.stringify({ ...admissionReview(makeNetworkPolicy(), { uid: 'u-8' }), apiVersion: 'admission.k8s.io/v2' }));
    t.match(badVersion.json, { apiVersion: 'admission.k8s.io/v1', response: { uid: 'u-8', allowed: false } });
    const malformed = await post(JSON.stringify(admissionReview({ ...makeNetworkPolicy(), spec: { ingress: [{ ports: [{ port: { x: 1 } }] }] } })));
    t.match(malformed.json, { response: { allowed: false, status: { code: 400, reason: 'BadRequest', message: /expected a port number or a port name/ } } });
    const wrongType = await post('{}', { 'content-type': 'text/html' });
    t.equal(wrongType.status, 415);
    t.match(wrongType.json, { error: 'BadRequest', message: /content type/ });
    const notFound = await request(`${server.webhookUrl}/nope`, { ca: server.ca, method: 'GET' });
    t.equal(notFound.status, 404);
    t.match(notFound.json, { message: /use POST \/validate or POST \/mutate/ });
  });

  t.test('a body over the limit is answered, not dropped', async (t) => {
    // One connection: the answers to both requests must come over it, the 413 included.
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: server.ca });
    t.teardown(() => agent.destroy());
    const sockets = new Set<unknown>();
    for (const size of [4, 40]) {
      // Large enough that the client is still writing when the answer comes back.
      const huge = JSON.stringify(admissionReview({ ...makeNetworkPolicy(), metadata: { name: 'x', annotations: { a: 'x'.repeat(size * 1024 * 1024) } } }));
      const req = https.request(`${server.webhookUrl}/validate`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } });
      req.on('socket', (s) => sockets.add(s));
      const res = await new Promise<{ status: number; json: unknown }>((resolve, reject) => {
        req.on('response', (r) => {
          let text = '';
          r.on('data', (c: Buffer) => (text += c.toString()));
          r.on('end', () => resolve({ status: r.statusCode ?? 0, json: JSON.parse(text) }));
        });
        req.on('error', reject);
        req.end(huge);
      });
      t.equal(res.status, 413, `${size} MiB: 413`);
      t.match(res.json, { error: 'RequestEntityTooLarge', message: /larger than 3145728 bytes/ });
    }
    const after = await request(`${server.webhookUrl}/validate`, { ca: server.ca, agent, body: JSON.stringify(admissionReview(makeNetworkPolicy(), { uid: 'after-413' })), headers: { 'content-type': 'application/json' } });
    t.match(after.json, { response: { uid: 'after-413' } });
    t.equal(sockets.size, 1, 'the connection stays usable after a 413');
  });

  t.test('a chunked body over the limit is answered and read to its end; one that never ends is cut', async (t) => {
    // A raw TLS client: it keeps sending whatever the answer, as a client that only reads once
    // it has sent everything does (HTTP clients differ here; the server must not depend on it).
    const port = Number(new URL(server.webhookUrl).port);
    const MiB = Buffer.alloc(1024 * 1024, 'x');
    const chunk = Buffer.concat([Buffer.from(`${MiB.length.toString(16)}\r\n`), MiB, Buffer.from('\r\n')]);
    const review = JSON.stringify(admissionReview(makeNetworkPolicy(), { uid: 'after-chunked' }));
    /** Sends `mib` MiB chunked (Infinity: until the server closes), then, if still open, one normal review. */
    const session = (mib: number) =>
      new Promise<{ received: string; sentMiB: number; closedByServer: boolean }>((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca: server.ca });
        let received = '';
        let sentMiB = 0;
        let done = false;
        const finish = (closedByServer: boolean) => {
          if (done) return;
          done = true;
          socket.destroy();
          resolve({ received, sentMiB, closedByServer });
        };
        socket.on('data', (d: Buffer) => {
          received += d.toString('latin1');
          if ((received.match(/HTTP\/1\.1 /g) ?? []).length === 2 && /"uid":"after-chunked"/.test(received)) finish(false);
        });
        socket.on('error', () => finish(true));
        socket.on('close', () => finish(true));
        socket.once('secureConnect', () => {
          socket.write('POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n');
          const more = () => {
            while (!done && sentMiB < Math.min(mib, 300)) {
              sentMiB++;
              if (!socket.write(chunk)) return void socket.once('drain', more);
            }
            if (done) return;
            if (sentMiB >= 300) return reject(new Error('the server read 300 MiB of a chunked body and did not cut it'));
            socket.write('0\r\n\r\n');
            socket.write(`POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(review)}\r\n\r\n${review}`);
          };
          more();
        });
      });
    const bounded = await session(8);
    t.match(bounded.received, /^HTTP\/1\.1 413 /, 'chunked 8 MiB: 413');
    t.match(bounded.received, /RequestEntityTooLarge/);
    t.equal(bounded.closedByServer, false, 'the rest of the body was read: the connection stays open');
    t.match(bounded.received, /HTTP\/1\.1 200 [^]*"uid":"after-chunked"/, 'and answers the next review on it');

    const endless = await session(Infinity);
    t.match(endless.received, /^HTTP\/1\.1 413 /, 'endless chunked body: 413');
    t.equal(endless.closedByServer, true, 'then cut');
    t.ok(endless.sentMiB * 1024 * 1024 > DRAIN_LIMIT_BYTES, `after the drain limit (${endless.sentMiB} MiB sent)`);
  });

  t.test('one log line per review, with what an operator needs', async (t) => {
    const line = server.logs.find((l) => l.msg === 'admission review' && l.endpoint === 'validate' && l.verdict === 'invalid');
    t.ok(line);
    t.match(line, { uid, namespace: 'bar', name: 'foo', operation: 'CREATE', dryRun: false, verdict: 'invalid' });
    t.type(line?.durationMs, 'number');
  });
});

/**
 * Operating the server: readiness, metrics, certificate rotation while serving, policy reload,
 * the review deadline, and SIGTERM with requests in flight (the built CLI, as deployed).
 */
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import tls from 'node:tls';
import { makeCa, makeLeaf, replaceFile } from '../helpers/tls.js';
import { CD, fromPodSelector, makeNetworkPolicy, port, toIPBlock, withIngressPorts, withPolicyTypes } from '../helpers/netpol.js';
import { admissionReview, postReview, request, startTestServer } from '../helpers/server.js';

function get(url: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      })
      .on('error', reject);
  });
}

const risky = makeNetworkPolicy(toIPBlock({ cidr: '0.0.0.0/0' }), withPolicyTypes('Egress'));

t.test('readiness and metrics', async (t) => {
  const server = await startTestServer(t, ['--shutdown-delay', '500']);
  const ready = await get(`${server.healthUrl}/readyz`);
  t.equal(ready.status, 200);
  t.match(JSON.parse(ready.text), { status: 'ready', checks: { certificate: { ok: true }, policy: { ok: true, detail: /built-in/ }, shutdown: { ok: true } } });
  t.equal((await get(`${server.healthUrl}/livez`)).status, 200);

  await postReview(server, '/validate', admissionReview(risky));
  await postReview(server, '/mutate', admissionReview(risky));
  const metrics = (await get(`${server.healthUrl}/metrics`)).text;
  t.match(metrics, /netpol_guard_reviews_total\{endpoint="validate",operation="CREATE",verdict="forbidden"\} 1/);
  t.match(metrics, /netpol_guard_reviews_total\{endpoint="mutate",operation="CREATE",verdict="unchanged"\} 1/);
  t.match(metrics, /netpol_guard_findings_total\{rule="cloud-metadata-egress",effect="deny"\} 1/);
  t.match(metrics, /netpol_guard_review_duration_seconds_bucket\{le="[0-9.]+",endpoint="validate"\} 1/);
  t.match(metrics, /netpol_guard_certificate_expiry_timestamp_seconds \d{10}/);
  t.match(metrics, /netpol_guard_policy_last_load_success 1/);
  t.match(metrics, /netpol_guard_build_info\{version="[^"]+",node="v\d+/);
  t.notMatch(metrics, /netpol_guard_rules_skipped_total\{/, 'cluster-aware rules off by configuration are not counted as skipped');
  t.notMatch(metrics, /^netpol_guard_cluster_synced /m, 'no cluster gauges without a cluster view (a 0 would page someone)');

  const stopping = server.shutdown('test');
  const during = await get(`${server.healthUrl}/readyz`).catch(() => ({ status: 0, text: '' }));
  t.equal(during.status, 503, 'not ready once shutting down');
  t.match(JSON.parse(during.text || '{}'), { checks: { shutdown: { ok: false, detail: 'shutting down' } } });
  await stopping;
});

t.test('certificate rotation while serving', async (t) => {
  const dir = t.testdir();
  const ca = await makeCa();
  const first = await makeLeaf(ca);
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  await writeFile(certFile, first.certPem);
  await writeFile(keyFile, first.keyPem);
  const server = await startTestServer(t, ['--tls-cert', certFile, '--tls-key', keyFile]);
  const port = Number(new URL(server.webhookUrl).port);
  const seen = () => servedFingerprint(port, ca.certPem);
  t.equal(await seen(), new X509Certificate(first.certPem).fingerprint256);

  const second = await makeLeaf(ca);
  await replaceFile(keyFile, second.keyPem);
  await replaceFile(certFile, second.certPem);
  await t.resolveMatch(waitFor(async () => (await seen()) === new X509Certificate(second.certPem).fingerprint256), true, 'the new certificate is served, no restart');
  const ok = await request(`${server.webhookUrl}/validate`, { ca: ca.certPem, body: JSON.stringify(admissionReview(makeNetworkPolicy())), headers: { 'content-type': 'application/json' } });
  t.equal(ok.status, 200, 'and reviews keep working');

  await replaceFile(certFile, 'garbage');
  await new Promise((r) => setTimeout(r, 1800));
  t.equal(await seen(), new X509Certificate(second.certPem).fingerprint256, 'garbage keeps the previous certificate');
  const ready = JSON.parse((await get(`${server.healthUrl}/readyz`)).text);
  t.match(ready.checks.certificate, { ok: true, detail: /last rotation rejected/ });
  t.match((await get(`${server.healthUrl}/metrics`)).text, /netpol_guard_certificate_reloads_total\{result="failure"\} 1/);
});

t.test('org policy from a file, reloaded on change; a broken file keeps the last good one', async (t) => {
  const dir = t.testdir();
  const file = join(dir, 'policy.yaml');
  await writeFile(file, 'mode: enforce\n');
  const server = await startTestServer(t, ['--policy', file]);
  const verdict = async () => ((await postReview(server, '/validate', admissionReview(risky))).json as { response: { allowed: boolean } }).response.allowed;
  t.equal(await verdict(), false, 'enforce denies');
  await replaceFile(file, 'mode: audit\n');
  await t.resolveMatch(waitFor(async () => (await verdict()) === true), true, 'audit mode after the reload');
  await replaceFile(file, 'mode: block\n');
  await t.resolveMatch(
    waitFor(async () => /the file is broken/.test((await get(`${server.healthUrl}/readyz`)).text)),
    true,
    '/readyz says the file is broken',
  );
  t.equal(await verdict(), true, 'the last good policy (audit) still serves');
  t.match((await get(`${server.healthUrl}/metrics`)).text, /netpol_guard_policy_last_load_success 0/);
  t.ok(server.logs.some((l) => l.msg === 'org policy reload failed; the last good policy stays in force' && /mode/.test(String(l.err))));
  const broken = join(dir, 'broken.yaml');
  await writeFile(broken, 'rules:\n  egress-without-dns: {action: block}\n');
  await t.rejects(startTestServer(t, ['--policy', broken]), { code: 'NPG_POLICY_INVALID', message: /rules\.egress-without-dns\.action \(line 2\): expected "deny" \| "warn" \| "off", got "block"/ }, 'a broken file at start is fatal, with the reason');
});

t.test('the deadline: the API server timeout parameter bounds it', async (t) => {
  const server = await startTestServer(t, ['--deadline', '2000', '--failure-mode', 'deny']);
  const body = JSON.stringify(admissionReview(makeNetworkPolicy(fromPodSelector(CD), withIngressPorts(port('TCP', 80)))));
  const res = await request(`${server.webhookUrl}/validate?timeout=0ms`, { ca: server.ca, body, headers: { 'content-type': 'application/json' } });
  t.match(res.json, { response: { allowed: false, status: { code: 500, message: /review did not finish within 0ms; .*denied by the configured failure mode/ } } }, 'a review past its deadline gets the failure mode');
  const metrics = (await get(`${server.healthUrl}/metrics`)).text;
  t.match(metrics, /netpol_guard_rules_skipped_total\{rule="cloud-metadata-egress",reason="deadline"\} 1/, 'the skipped rules are counted with their reason');
  t.match(metrics, /netpol_guard_reviews_total\{endpoint="validate",operation="CREATE",verdict="timeout"\} 1/);
  const normal = await request(`${server.webhookUrl}/validate?timeout=10s`, { ca: server.ca, body, headers: { 'content-type': 'application/json' } });
  t.match(normal.json, { response: { allowed: true } });
});

t.test('SIGTERM with requests in flight: all answered, exit 0', async (t) => {
  const dir = t.testdir();
  const main = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
  const child = spawn(process.execPath, [main, 'serve', '--listen', '127.0.0.1:0', '--health-listen', '127.0.0.1:0', '--cert-dir', join(dir, 'certs'), '--no-cluster', '--shutdown-delay', '300'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => child.kill('SIGKILL'));
  let out = '';
  const started = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /"webhook":"(https:\/\/[^"]+)"/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.on('exit', (code) => reject(new Error(`exited early (${code}): ${out}`)));
  });
  const webhookUrl = await started;
  const ca = await readFile(join(dir, 'certs', 'ca.crt'), 'utf8');
  const big = makeNetworkPolicy(withPolicyTypes('Ingress'), (np) => {
    np.spec!.ingress = [{ from: Array.from({ length: 1000 }, (_, i) => ({ podSelector: { matchLabels: { app: `client-${i}` } } })), ports: [{ protocol: 'TCP', port: 80 }] }];
  });
  const requests = Array.from({ length: 40 }, (_, i) =>
    request(`${webhookUrl}/validate`, { ca, body: JSON.stringify(admissionReview(big, { uid: `uid-${i}` })), headers: { 'content-type': 'application/json' } }),
  );
  await new Promise((r) => setTimeout(r, 5));
  child.kill('SIGTERM');
  const results = await Promise.all(requests);
  t.same(results.map((r) => r.status), results.map(() => 200), 'every request answered');
  t.same(results.map((r) => (r.json as { response: { uid: string } }).response.uid), results.map((_, i) => `uid-${i}`), 'each with its own uid');
  const [code] = (await once(child, 'exit')) as [number | null];
  t.equal(code, 0, 'exit 0');
  t.match(out, /shutting down: no longer ready/);
  t.match(out, /"msg":"stopped"/);
});

t.test('shutdown under load that never lets up: stops waiting for a quiet moment, answers every review it received, tells clients to go', async (t) => {
  // Reserve for closing: min(timeout / 2, deadline + 500) = 750 ms, so the drain waits 750 ms.
  const server = await startTestServer(t, ['--shutdown-timeout', '1500', '--deadline', '250']);
  const agent = new https.Agent({ keepAlive: true, maxSockets: 8, ca: server.ca });
  t.teardown(() => agent.destroy());
  const body = JSON.stringify(admissionReview(makeNetworkPolicy()));
  let stopped = false;
  let shuttingDown = false;
  const answers: { status: number; closing: boolean; whileDraining: boolean }[] = [];
  const lost: string[] = [];
  let notDelivered = 0;
  /** One review; `sent` is whether every byte of it reached the socket before anything failed. */
  const call = () =>
    new Promise<{ status: number; closing: boolean } | { error: string; sent: boolean }>((resolve) => {
      let sent = false;
      const req = https.request(`${server.webhookUrl}/validate`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, closing: res.headers.connection === 'close' }));
        res.on('error', (err) => resolve({ error: String((err as NodeJS.ErrnoException).code ?? err), sent: true }));
      });
      req.once('finish', () => (sent = true));
      req.on('error', (err) => resolve({ error: String((err as NodeJS.ErrnoException).code ?? err), sent }));
      req.end(body);
    });
  const client = async () => {
    while (!stopped) {
      const whileDraining = shuttingDown;
      const result = await call();
      if ('status' in result) {
        answers.push({ ...result, whileDraining });
        continue;
      }
      // Refused, or reset before the review was written (still in the listener's queue when it
      // closed): never delivered, so the client goes to another replica. A review that was
      // written and then dropped would be lost.
      if (result.sent && result.error !== 'ECONNREFUSED') lost.push(result.error);
      else notDelivered++;
      return;
    }
  };
  const clients = Array.from({ length: 8 }, client);
  await new Promise((r) => setTimeout(r, 200));
  shuttingDown = true;
  await server.shutdown('test');
  stopped = true;
  await Promise.all(clients);
  t.comment(`${answers.length} answered, ${notDelivered} not delivered, ${lost.length} lost`);
  t.same(lost, [], 'no review that was sent is lost');
  t.ok(answers.length > 0 && answers.every((a) => a.status === 200), 'every answer is a 200');
  const draining = answers.filter((a) => a.whileDraining);
  t.ok(draining.length > 0, 'reviews kept arriving while draining');
  t.ok(draining.every((a) => a.closing), 'every answer sent while draining says Connection: close');
  t.ok(
    server.logs.some((l) => l.msg === 'reviews kept arriving while draining; stopped accepting to finish within the shutdown bound'),
    'the drain gave up on a quiet moment and said so',
  );
  t.notOk(server.logs.some((l) => /connections still open at the end of the shutdown bound/.test(String(l.msg))), 'no connection had to be cut');
});

async function waitFor(probe: () => Promise<boolean>, timeoutMs = 8000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** The fingerprint of the certificate a new TLS connection is served (verified against `ca`). */
function servedFingerprint(port: number, ca: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ca }, () => {
      const fp = socket.getPeerCertificate().fingerprint256;
      socket.destroy();
      resolve(fp);
    });
    socket.on('error', () => resolve(undefined));
  });
}

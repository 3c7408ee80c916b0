/**
 * Proves the e2e harness itself: a real API server that stores and defaults a NetworkPolicy,
 * working kubectl and helm, certificates a webhook can serve with, and a stop() that leaves no
 * process behind. Failures to start must be Errors that quote the component's log.
 */
import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import t from 'tap';
import { newWorkDir, startCluster } from './harness/cluster.js';

/** Processes other than this one whose command line mentions `dir`. */
function processesMentioning(dir: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    if (Number(pid) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
      if (cmd.includes(dir)) found.push(`${pid}: ${cmd.slice(0, 200)}`);
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

const POLICIES = `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-in-dns-out
spec:
  podSelector:
    matchLabels: {app: web}
  ingress:
  - ports:
    - port: 8080
  egress:
  - ports:
    - port: 53
      protocol: UDP
    - port: 53
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: deny-all-ingress
spec:
  podSelector: {}
`;

interface NetworkPolicyJson {
  spec: {
    policyTypes?: string[];
    ingress?: { ports?: { port: number; protocol?: string }[] }[];
    egress?: { ports?: { port: number; protocol?: string }[] }[];
  };
}

t.test('a loopback cluster serves kubectl and helm, then stops cleanly', async (t) => {
  const workDir = await newWorkDir('harness');
  const cluster = await startCluster({ workDir });
  t.teardown(async () => {
    await cluster.stop();
    if (t.passing()) await rm(workDir, { recursive: true, force: true });
    else t.comment(`work dir kept for inspection: ${workDir}`);
  });
  t.comment(`API server ready at ${cluster.apiUrl} after ${cluster.startupMs} ms`);

  await t.test('kubectl apply stores NetworkPolicies, defaulted by the API server', async (t) => {
    const applied = await cluster.kubectl(['apply', '-f', '-'], { input: POLICIES, check: true });
    t.match(applied.stdout, 'networkpolicy.networking.k8s.io/web-in-dns-out created');
    t.match(applied.stdout, 'networkpolicy.networking.k8s.io/deny-all-ingress created');

    const got = await cluster.kubectl(['get', 'networkpolicy', 'web-in-dns-out', '-o', 'json'], { check: true });
    const np = JSON.parse(got.stdout) as NetworkPolicyJson;
    t.equal(np.spec.ingress?.[0]?.ports?.[0]?.protocol, 'TCP', 'ingress port without protocol defaults to TCP');
    t.equal(np.spec.egress?.[0]?.ports?.[0]?.protocol, 'UDP', 'an explicit protocol is kept');
    t.equal(np.spec.egress?.[0]?.ports?.[1]?.protocol, 'TCP', 'egress port without protocol defaults to TCP');
    t.same(np.spec.policyTypes, ['Ingress', 'Egress'], 'policyTypes inferred from the rules present');

    const denyAll = await cluster.kubectl(['get', 'networkpolicy', 'deny-all-ingress', '-o', 'json'], { check: true });
    t.same((JSON.parse(denyAll.stdout) as NetworkPolicyJson).spec.policyTypes, ['Ingress'],
      'a policy without rules is an Ingress policy');
  });

  await t.test('kubectl version reports a v1.35 client and a v1.20.2 server', async (t) => {
    const { code, stdout } = await cluster.kubectl(['version', '-o', 'json']);
    t.equal(code, 0);
    const version = JSON.parse(stdout) as { clientVersion: { gitVersion: string }; serverVersion: { gitVersion: string } };
    t.match(version.clientVersion.gitVersion, /^v1\.35\./);
    t.equal(version.serverVersion.gitVersion, 'v1.20.2');
  });

  await t.test('helm v4 runs and reaches the cluster', async (t) => {
    const version = await cluster.helm(['version', '--short'], { check: true });
    t.match(version.stdout.trim(), /^v4\./);
    const list = await cluster.helm(['list', '--all-namespaces', '-o', 'json'], { check: true });
    t.same(JSON.parse(list.stdout), [], 'no releases yet');
  });

  await t.test('issueCertificate signs a loopback serving certificate with the cluster CA', async (t) => {
    const cert = await cluster.issueCertificate({ name: 'webhook', usage: 'server', subjectAltNames: ['IP:127.0.0.1'] });
    const x509 = new X509Certificate(cert.certPem);
    t.ok(x509.checkIssued(new X509Certificate(cluster.caPem)), 'issued by the cluster CA');
    t.ok(x509.checkIP('127.0.0.1'), 'valid for 127.0.0.1');
    t.match(cert.keyPem, /PRIVATE KEY/);
  });

  await t.test('waitFor returns the first value and explains a timeout', async (t) => {
    let calls = 0;
    t.equal(await cluster.waitFor(() => (++calls >= 3 ? 'done' : undefined), { intervalMs: 10 }), 'done');
    await t.rejects(
      cluster.waitFor(() => false, { timeoutMs: 100, intervalMs: 20, description: 'nothing' }),
      /timed out after 100 ms waiting for nothing; last result: false\n--- last lines of kube-apiserver.log ---/,
    );
  });

  await t.test('logs() returns the components\' logs', async (t) => {
    t.match(cluster.logs('kube-apiserver'), /Serving securely on 127\.0\.0\.1/);
    t.ok(cluster.logs('etcd', { tail: 5 }).split('\n').length <= 5);
  });

  await t.test('stop() ends etcd and kube-apiserver and may be called twice', async (t) => {
    t.not(processesMentioning(workDir).length, 0, 'our processes run before stop()');
    await cluster.stop();
    await cluster.stop();
    t.same(processesMentioning(workDir), [], 'no process mentions the work dir');
    await t.rejects(cluster.kubectl(['get', 'namespaces']), /has been stopped/);
  });
});

t.test('a cluster that cannot start is an Error quoting the log', async (t) => {
  await t.test('kube-apiserver exits at once', async (t) => {
    const workDir = await newWorkDir('harness-bad-flag');
    t.teardown(() => rm(workDir, { recursive: true, force: true }));
    await t.rejects(
      startCluster({ workDir, apiserverFlags: ['--no-such-flag'] }),
      /^kube-apiserver exited with code \d+ before GET \/readyz succeeded \(log: .*kube-apiserver\.log\)\n--- last lines of kube-apiserver\.log ---\n[^]*unknown flag: --no-such-flag/,
    );
    t.same(processesMentioning(workDir), [], 'etcd, started first, was stopped again');
  });

  await t.test('a fixed port is already taken', async (t) => {
    const squatter = createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve));
    t.teardown(() => new Promise<void>((resolve) => squatter.close(() => resolve())));
    const address = squatter.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    const workDir = await newWorkDir('harness-port');
    t.teardown(() => rm(workDir, { recursive: true, force: true }));
    await t.rejects(startCluster({ workDir, ports: { api: port } }), {
      message: `127.0.0.1:${port} (api) is already in use`,
    });
  });

  await t.test('the kube-apiserver binary is missing', async (t) => {
    const workDir = await newWorkDir('harness-missing');
    t.teardown(() => rm(workDir, { recursive: true, force: true }));
    await t.rejects(
      startCluster({ workDir, env: { ...process.env, KUBE_APISERVER: '/nonexistent/kube-apiserver' } }),
      { message: 'kube-apiserver: $KUBE_APISERVER=/nonexistent/kube-apiserver is not an executable file' },
    );
  });

  await t.test('the work dir is not empty', async (t) => {
    const workDir = await newWorkDir('harness-dirty');
    t.teardown(() => rm(workDir, { recursive: true, force: true }));
    await writeFile(`${workDir}/leftover`, '');
    await t.rejects(startCluster({ workDir }), /is not empty \(leftover\)/);
  });
});

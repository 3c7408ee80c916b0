// certs/make-certs.sh is for operators with openssl; CI installs it, so its absence is a failure.
import { execFile, execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';
import { CertificateSource } from '../../src/tls/source.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('../../certs/make-certs.sh', import.meta.url));

let haveOpenssl = true;
try {
  execFileSync('openssl', ['version']);
} catch {
  haveOpenssl = false;
}

t.test('make-certs.sh', async (t) => {
  if (!haveOpenssl) {
    t.fail('openssl is not installed; install it (apt-get install openssl) to test certs/make-certs.sh');
    return;
  }
  const out = join(t.testdir(), 'out');
  const { stdout } = await run('bash', [script, '--secret', 'netpol-guard', 'policy-system', out]);
  const [bundle, command] = stdout.trim().split('\n');
  const caPem = await readFile(join(out, 'ca.crt'), 'utf8');
  t.equal(Buffer.from(bundle ?? '', 'base64').toString('utf8'), caPem, 'first line is the base64 caBundle');
  t.equal(
    command,
    `kubectl -n policy-system create secret tls netpol-guard-tls --cert=${out}/tls.crt --key=${out}/tls.key`,
  );
  t.equal((await stat(join(out, 'tls.key'))).mode & 0o777, 0o600);

  const leaf = new X509Certificate(await readFile(join(out, 'tls.crt')));
  t.equal(
    leaf.subjectAltName,
    'DNS:netpol-guard, DNS:netpol-guard.policy-system, DNS:netpol-guard.policy-system.svc, DNS:netpol-guard.policy-system.svc.cluster.local',
  );
  t.ok(leaf.checkIssued(new X509Certificate(caPem)) && leaf.verify(new X509Certificate(caPem).publicKey));
  const source = await CertificateSource.open({ certFile: join(out, 'tls.crt'), keyFile: join(out, 'tls.key'), watch: false, pollIntervalMs: 0 });
  t.equal(source.state().subject, 'CN=netpol-guard.policy-system.svc', 'the server accepts the pair');
  await source.close();

  await t.rejects(run('bash', [script, 'netpol-guard', 'policy-system', out]), { code: 1, stderr: /refusing to overwrite .*--force/ });
  t.equal(await readFile(join(out, 'ca.crt'), 'utf8'), caPem, 'CA untouched without --force');
  await run('bash', [script, '--force', 'netpol-guard', 'policy-system', out]);
  t.not(await readFile(join(out, 'ca.crt'), 'utf8'), caPem, '--force makes a new CA');

  await t.rejects(run('bash', [script, 'Bad_Name', 'ns', out]), { code: 1, stderr: /not a DNS-1123 label/ });
  await t.rejects(run('bash', [script, 'only-one']), { code: 2, stderr: /Usage:/ });
});

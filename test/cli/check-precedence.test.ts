/**
 * What the built CLI says of an object the API server rejects and the org policy denies too, and
 * of warnings: Invalid comes before Forbidden, and every warning names its object.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import t from 'tap';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

t.test('invalid before forbidden: an invalid object that trips a deny rule', async (t) => {
  const both = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [foo, bar]
  egress:
  - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
`;
  const run = cli(['check', '-o', 'json', '-'], both);
  t.equal(run.code, 1, 'rejected: exit 1');
  const x = JSON.parse(run.stdout).results[0];
  t.match(x, { allowed: false, verdict: 'invalid' });
  t.equal(
    x.message,
    'NetworkPolicy.networking.k8s.io "web" is invalid: [spec.policyTypes[0]: Unsupported value: "foo": supported values: "Ingress", "Egress", spec.policyTypes[1]: Unsupported value: "bar": supported values: "Ingress", "Egress"]',
    'the message is the API server\'s, nothing of the org policy in it',
  );
  t.same(x.validationErrors.map((v: { field: string; line: number }) => `${v.field}@${v.line}`), ['spec.policyTypes[0]@6', 'spec.policyTypes[1]@6']);
  t.match(x.findings, [{ rule: 'rules-without-policy-type', action: 'deny', effect: 'deny', field: 'spec.egress' }], 'the finding is still in the detail');
  t.match(x.warnings, [/would deny once valid: \[rules-without-policy-type\] spec\.egress: /], 'and among the warnings');
  const text = cli(['check', '-'], both).stdout;
  t.match(text, /NetworkPolicy shop\/web \(line 1\): rejected: invalid \(HTTP 422\)/);
  t.match(text, /deny +line 7: \[rules-without-policy-type\] spec\.egress: /);
});

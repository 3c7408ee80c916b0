/**
 * What the built CLI says of an object the API server rejects and the org policy denies too, and
 * of warnings: Invalid comes before Forbidden, and every warning names its object.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
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
  t.match(x.warnings, [/^shop\/web: would deny once valid: \[rules-without-policy-type\] spec\.egress: /], 'and among the warnings');
  const text = cli(['check', '-'], both).stdout;
  t.match(text, /NetworkPolicy shop\/web \(line 1\): rejected: invalid \(HTTP 422\)/);
  t.match(text, /deny +line 7: \[rules-without-policy-type\] spec\.egress: /);
});

t.test('warnings name their object; one root cause, one warning; the detail keeps both', async (t) => {
  const dir = t.testdir({
    'cluster.yaml': `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {kubernetes.io/metadata.name: shop}}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: x}]}
`,
    'policies.yaml': ['web', 'api']
      .map(
        (name) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress:
  - from: [{namespaceSelector: {matchLabels: {name: shop}}}]
`,
      )
      .join('---\n'),
  });
  const run = cli(['check', '-o', 'json', '--cluster-state', join(dir, 'cluster.yaml'), join(dir, 'policies.yaml')]);
  const results = JSON.parse(run.stdout).results as { name: string; warnings: string[]; findings: { rule: string; field: string }[] }[];
  t.same(results.map((r) => r.name), ['web', 'api']);
  for (const r of results) {
    t.ok(r.warnings.length > 0 && r.warnings.every((w) => w.startsWith(`shop/${r.name}: `)), `${r.name}: every warning names shop/${r.name}`);
    t.same(
      r.findings.filter((f) => f.field.includes('namespaceSelector')).map((f) => f.rule).sort(),
      ['namespace-label-never-set', 'peer-matches-nothing'],
      `${r.name}: both findings in the detail`,
    );
    t.same(
      r.warnings.filter((w) => w.includes('namespaceSelector')).map((w) => /\[([a-z-]+)\]/.exec(w)?.[1]),
      ['namespace-label-never-set'],
      `${r.name}: one warning for the selector, the specific one`,
    );
  }
  const text = cli(['check', '--cluster-state', join(dir, 'cluster.yaml'), join(dir, 'policies.yaml')]).stdout;
  t.match(text, /warn +line 8: \[peer-matches-nothing\] spec\.ingress\[0\]\.from\[0\]\.namespaceSelector: matches no namespace/, 'the text detail lists it');
  t.notMatch(text, /warn {4}shop\/[a-z]+: \[(?!impact\])/, 'finding warnings are not listed twice');
  // The impact lines are warnings of their own, not a finding's: the text lists them as they are.
  t.match(text, /warn {4}shop\/web: \[impact\] isolates 1 pod \(shop\/web\) for ingress\n/, 'the impact line is listed');
  t.match(text, /warn {4}shop\/api: \[impact\] isolates 1 pod \(shop\/web\) for ingress\n/, 'for each object');
});

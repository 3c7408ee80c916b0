/**
 * The built CLI, spawned as a user or CI job runs it: exit codes, stdin, directories, Lists,
 * broken YAML, unknown fields with lines, and the JSON and SARIF shapes.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import yaml from 'js-yaml';
import ajvFormats from 'ajv-formats';

// ajv-formats is CommonJS: its default export arrives as the module object under NodeNext.
const addFormats = ajvFormats as unknown as (ajv: Ajv) => Ajv;
import t from 'tap';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd: ROOT, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const GOOD = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{protocol: TCP, port: 8080}]
`;

t.test('exit codes', async (t) => {
  t.equal(cli(['check', 'examples/good-policy.yaml']).code, 0, 'nothing denied: 0');
  t.equal(cli(['check', 'examples/risky-policy.yaml']).code, 0, 'warnings only: 0');
  t.equal(cli(['check', '--strict', 'examples/risky-policy.yaml']).code, 1, 'warnings with --strict: 1');
  t.equal(cli(['check', 'examples/denied-policy.yaml']).code, 1, 'a denial: 1');
  t.equal(cli(['check', 'no/such/file.yaml']).code, 2, 'unreadable input: 2');
  t.equal(cli(['check']).code, 2, 'no input: 2');
  t.equal(cli(['check', '-o', 'xml', 'examples']).code, 2, 'bad option: 2');
  const usage = cli(['check', '--bogus']);
  t.equal(usage.code, 2);
  t.match(usage.stderr, /NPG_OPTION_INVALID: Unknown option '--bogus'/);
});

t.test('stdin, multi-document YAML, Lists, other kinds', async (t) => {
  const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [yaml.load(GOOD)] });
  const input = `${GOOD}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n${list}\n`;
  const r = cli(['check', '-o', 'json', '-'], input);
  t.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  t.equal(report.version, 1);
  t.same(report.summary, { files: 1, documents: 3, networkPolicies: 2, skipped: 1, allowed: 2, denied: 0, withWarnings: 0, inputErrors: 0 });
  t.same(report.results.map((x: { file: string; document: number }) => `${x.file}#${x.document}`), ['<stdin>#0', '<stdin>#2']);
});

t.test('directories, recursively; a YAML error is reported with its line and the rest is checked', async (t) => {
  const dir = t.testdir({
    'a.yaml': GOOD,
    nested: { 'b.yml': GOOD.replace('name: api', 'name: api2'), 'broken.yaml': 'kind: NetworkPolicy\nmetadata: {name: x\n  bad: [\n', 'notes.txt': 'ignored' },
  });
  const r = cli(['check', '-o', 'json', dir]);
  t.equal(r.code, 2, 'an input error wins');
  const report = JSON.parse(r.stdout);
  t.equal(report.summary.networkPolicies, 2);
  t.equal(report.errors.length, 1);
  t.match(report.errors[0], { code: 'NPG_INPUT_INVALID', file: join(dir, 'nested', 'broken.yaml'), line: Number, message: /not valid YAML/ });
  const text = cli(['check', dir]).stdout;
  t.match(text, /nested\/broken\.yaml\n  error line \d+: NPG_INPUT_INVALID: not valid YAML/);
  t.match(text, /2 NetworkPolicies checked in 3 files: 0 denied, 2 allowed \(0 with warnings\), 1 input error/);
});

t.test('the seeds\' typos: unknown fields and a misspelt kind, with file and line', async (t) => {
  const r = cli(['check', '-o', 'json', 'test/fixtures/seeds/002-deny-all-traffic.yaml', 'test/fixtures/seeds/002-allow-tomcat-egress.yaml']);
  t.equal(r.code, 1);
  const report = JSON.parse(r.stdout);
  const issues = report.results.flatMap((x: { decodeIssues: { message: string; line: number }[] }) => x.decodeIssues.map((i) => `${i.message} @${i.line}`));
  t.match(issues.join('\n'), /unknown field "spec\.Ingress" @\d+/);
  t.match(issues.join('\n'), /kind: expected "NetworkPolicy", got string "NetworPolicy" @2/);
  t.ok(report.results.every((x: { verdict: string }) => x.verdict === 'malformed'));
});

t.test('namespaces: assumed when absent, and said so', async (t) => {
  const noNs = GOOD.replace(', namespace: shop', '');
  const r = JSON.parse(cli(['check', '-o', 'json', '-'], noNs).stdout);
  t.match(r.results[0], { namespace: 'default', namespaceAssumed: true });
  const r2 = JSON.parse(cli(['check', '-o', 'json', '--namespace', 'prod', '-'], noNs).stdout);
  t.match(r2.results[0], { namespace: 'prod', namespaceAssumed: true });
  t.match(cli(['check', '-'], noNs).stdout, /note: no namespace in the object; "default" assumed/);
  t.match(JSON.parse(cli(['check', '-o', 'json', '-'], GOOD).stdout).results[0], { namespace: 'shop', namespaceAssumed: false });
});

t.test('JSON: findings, validation errors and the patch, with lines', async (t) => {
  const r = JSON.parse(cli(['check', '-o', 'json', 'examples/denied-policy.yaml']).stdout);
  const x = r.results[0];
  t.match(x, { file: 'examples/denied-policy.yaml', document: 0, line: 3, name: 'shop.web', namespace: 'shop', allowed: false, verdict: 'forbidden' });
  t.match(x.findings, [{ rule: 'cloud-metadata-egress', action: 'deny', effect: 'deny', field: 'spec.egress[0].to[0].ipBlock.cidr', line: 16 }]);
  t.match(x.message, /^NetworkPolicy "shop.web" in namespace "shop" violates/);
  t.same(
    x.skippedRules.find((k: { rule: string }) => k.rule === 'pod-selector-matches-nothing'),
    { rule: 'pod-selector-matches-nothing', reason: 'no cluster state', code: 'cluster-off' },
    'a skipped rule: why in words and as a code',
  );
  const invalid = JSON.parse(cli(['check', '-o', 'json', '-'], GOOD.replace('port: 8080', 'port: 0')).stdout).results[0];
  t.same(invalid.validationErrors, [
    { type: 'FieldValueInvalid', field: 'spec.ingress[0].ports[0].port', message: 'Invalid value: 0: must be between 1 and 65535, inclusive', text: 'spec.ingress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive', line: 9 },
  ]);
  const patch = JSON.parse(cli(['check', '-o', 'json', '-'], GOOD.replace('protocol: TCP, ', '').replace('  policyTypes: [Ingress]\n', '')).stdout).results[0].patch;
  t.same(patch.map((p: { path: string }) => p.path).sort(), ['/spec/ingress/0/ports/0/protocol', '/spec/policyTypes']);
});

t.test('SARIF 2.1.0 validates against the schema and points at lines', async (t) => {
  const r = cli(['check', '-o', 'sarif', 'examples', 'test/fixtures/seeds/002-deny-all-traffic.yaml']);
  const sarif = JSON.parse(r.stdout);
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const schema = JSON.parse(readFileSync(new URL('../fixtures/sarif/sarif-2.1.0-subset.schema.json', import.meta.url), 'utf8'));
  const valid = ajv.validate(schema, sarif);
  t.ok(valid, JSON.stringify(ajv.errors));
  const results = sarif.runs[0].results as { ruleId: string; level: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[];
  t.match(results.find((x) => x.ruleId === 'cloud-metadata-egress'), { level: 'error', locations: [{ physicalLocation: { artifactLocation: { uri: 'examples/denied-policy.yaml' }, region: { startLine: 16 } } }] });
  t.match(results.find((x) => x.ruleId === 'decode'), { level: 'error', locations: [{ physicalLocation: { artifactLocation: { uri: 'test/fixtures/seeds/002-deny-all-traffic.yaml' } } }] });
  t.ok(results.some((x) => x.level === 'warning'), 'warnings are warning-level');
  const ruleIds = sarif.runs[0].tool.driver.rules.map((x: { id: string }) => x.id);
  t.ok(results.every((x) => ruleIds.includes(x.ruleId)), 'every result names a rule the driver declares');
});

t.test('rules and policy commands', async (t) => {
  const json = JSON.parse(cli(['rules', '-o', 'json']).stdout);
  t.ok(json.some((r: { id: string }) => r.id === 'egress-without-dns'));
  t.equal(cli(['rules', '-o', 'markdown']).stdout, readFileSync(join(ROOT, 'docs/rules.md'), 'utf8'));
  t.match(cli(['policy']).stdout, /^# netpol-guard org policy/);
  t.equal(cli(['nonsense']).code, 2);
  for (const args of [['rules', '--help'], ['policy', '-h']]) {
    const r = cli(args);
    t.equal(r.code, 0, `${args.join(' ')}: exits 0`);
    t.match(r.stdout, new RegExp(`^Usage: netpol-guard ${args[0]}`), `${args.join(' ')}: prints the usage`);
  }
  t.ok(json.some((r: { id: string; scope: string }) => r.scope === 'audit'), 'the audit rules are listed too');
  for (const args of [['rules', '--bogus'], ['rules', 'extra'], ['policy', '--bogus'], ['policy', 'extra'], ['explain', '--bogus', 'x.yaml']]) {
    const r = cli(args);
    t.equal(r.code, 2, `${args.join(' ')}: a usage error`);
    t.match(r.stderr, /NPG_OPTION_INVALID: .*\n\nUsage: netpol-guard /, `${args.join(' ')}: says why, then the usage`);
  }
});

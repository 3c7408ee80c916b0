/**
 * netpol-guard as a real API server (v1.20.2) calls it: the built CLI (`node dist/main.js serve`)
 * in a child process, registered by URL as a validating and a mutating webhook, driven with the
 * real kubectl v1.35. Asserts what a person sees: kubectl's exact lines for allowed, warned and
 * denied writes (CREATE, UPDATE through apply / label / patch, DELETE of a protected policy, dry
 * runs), for objects the API server rejects itself, for a webhook that is down under each
 * failurePolicy (registered as the chart does by default: the validating webhook alone), and for a
 * certificate rotated while writes keep coming.
 *
 * Writes docs/transcripts/{denial,warnings,dry-run}.txt from the real output, so that what the
 * README quotes stays true.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { type Cluster, newWorkDir, startCluster } from './harness/cluster.js';
import { runCommand } from './harness/command.js';
import {
  createNamespace,
  fingerprintOf,
  type KubectlRun,
  kubectlIn,
  type LogLine,
  REPO_ROOT,
  registerWebhook,
  type RunningWebhook,
  SecretVolume,
  servedFingerprint,
  startWebhook,
  transcript,
  VALIDATING_WEBHOOK,
  webhookConfigurations,
} from './webhook-fixture.js';

const TRANSCRIPTS = join(REPO_ROOT, 'docs', 'transcripts');
const MAIN_JS = join(REPO_ROOT, 'dist', 'main.js');

/** A NetworkPolicy manifest with the given spec lines (indented two spaces, under `spec:`). */
function networkPolicy(name: string, namespace: string, spec: string, labels = ''): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: ${name}
  namespace: ${namespace}${labels ? `\n  labels: {${labels}}` : ''}
spec:
  podSelector:
    matchLabels: {app: ${name}}
${spec}`;
}

/** Ingress from the frontend pods on TCP 8080: passes every built-in rule. */
const INGRESS_FROM_FRONTEND = `  policyTypes: [Ingress]
  ingress:
  - from:
    - podSelector:
        matchLabels: {app: frontend}
    ports:
    - {port: 8080, protocol: TCP}
`;

/** The same without ports: allowed, with the ports-unrestricted warning. */
const INGRESS_ANY_PORT = `  policyTypes: [Ingress]
  ingress:
  - from:
    - podSelector:
        matchLabels: {app: frontend}
`;

/** Sum of a Prometheus counter over the series whose labels include all of `labels`. */
function counter(metrics: string, name: string, labels: Record<string, string>): number {
  let sum = 0;
  for (const line of metrics.split('\n')) {
    const m = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[3]);
  }
  return sum;
}

async function writeTranscript(name: string, runs: KubectlRun[]): Promise<void> {
  await mkdir(TRANSCRIPTS, { recursive: true });
  await writeFile(join(TRANSCRIPTS, name), transcript(...runs));
}

t.test('netpol-guard serving a real API server', async (t) => {
  const workDir = await newWorkDir('webhook');
  const cluster: Cluster = await startCluster({ workDir });
  const webhooks: RunningWebhook[] = [];
  t.teardown(async () => {
    for (const w of webhooks) await w.stop().catch(() => undefined);
    await cluster.stop();
    if (t.passing()) await rm(workDir, { recursive: true, force: true });
    else t.comment(`work dir kept for inspection: ${workDir}`);
  });
  const manifests = join(workDir, 'manifests');
  await mkdir(manifests);
  /** Writes a manifest next to the others, for `kubectl apply -f NAME` run from that directory. */
  const manifest = async (name: string, text: string) => writeFile(join(manifests, name), text);
  const kubectl = (args: string[], options?: { input?: string; combined?: boolean }) => kubectlIn(cluster, manifests, args, options);
  const inRepo = (args: string[]) => kubectlIn(cluster, REPO_ROOT, args, { combined: true });

  const serving = await cluster.issueCertificate({ name: 'netpol-guard', usage: 'server', subjectAltNames: ['IP:127.0.0.1'] });
  const main = await startWebhook({ workDir, name: 'main', certFile: serving.certFile, keyFile: serving.keyFile });
  webhooks.push(main);
  await createNamespace(cluster, 'probe-main', 'main');
  await registerWebhook(cluster, { name: 'main', url: main.url, caPem: cluster.caPem, failurePolicy: 'Fail' }, 'probe-main');

  await t.test('both configurations are stored with every safety field explicit', async (t) => {
    const get = async (kind: string) => {
      const r = await cluster.kubectl(['get', kind, 'netpol-guard-main', '-o', 'json'], { check: true });
      return (JSON.parse(r.stdout) as { webhooks: Record<string, unknown>[] }).webhooks;
    };
    const [validating] = await get('validatingwebhookconfiguration');
    const [mutating] = await get('mutatingwebhookconfiguration');
    for (const [w, path, operations] of [[validating, '/validate', ['CREATE', 'UPDATE', 'DELETE']], [mutating, '/mutate', ['CREATE', 'UPDATE']]] as const) {
      t.match(w, {
        admissionReviewVersions: ['v1'],
        sideEffects: 'None',
        failurePolicy: 'Fail',
        timeoutSeconds: 5,
        clientConfig: { url: `${main.url}${path}`, caBundle: Buffer.from(cluster.caPem).toString('base64') },
        rules: [{ apiGroups: ['networking.k8s.io'], apiVersions: ['v1'], resources: ['networkpolicies'], operations }],
      });
    }
    t.match(main.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  });

  await t.test('CREATE of the three examples, as a server-side dry run and for real', async (t) => {
    await createNamespace(cluster, 'shop', 'main');
    const goodCreated = 'networkpolicy.networking.k8s.io/shop.api created';
    const riskyWarnings = [
      // With the object named, this line would pass 256 characters: the fix is left out (`netpol-guard check` has it).
      'Warning: shop/shop.db: [selector-and-or-confusion] spec.ingress[0].from: [0] namespaceSelector and [1] podSelector are separate items, so either one admits (OR)',
      'Warning: shop/shop.db: [ports-unrestricted] spec.ingress[0]: rule lists sources but no ports, so every port and protocol is allowed; list the ports the peers need under `ports` (protocol defaults to TCP)',
    ];
    const riskyCreated = 'networkpolicy.networking.k8s.io/shop.db created';
    const deniedWarnings = [
      'Warning: shop/shop.web: [ipblock-world] spec.egress[0].to[0].ipBlock.cidr: 0.0.0.0/0 reaches every address; narrow the CIDR to the networks you need, or add except ranges for the pod, service and private networks',
      'Warning: shop/shop.web: [ports-unrestricted] spec.egress[0]: rule lists destinations but no ports, so every port and protocol is allowed; list the ports the peers need under `ports` (protocol defaults to TCP)',
    ];
    const denial = (verb: string) => [
      `Error from server (Forbidden): error when ${verb} "examples/denied-policy.yaml": admission webhook "${VALIDATING_WEBHOOK}" denied the request: NetworkPolicy "shop.web" in namespace "shop" violates the cluster's NetworkPolicy rules:`,
      '[cloud-metadata-egress] spec.egress[0].to[0].ipBlock.cidr: 0.0.0.0/0 includes the cloud metadata address 169.254.169.254; add 169.254.169.254/32 to except',
    ];
    const notFound = (name: string) => `Error from server (NotFound): networkpolicies.networking.k8s.io "${name}" not found`;

    await t.test('kubectl apply --dry-run=server: the same verdicts, nothing stored', async (t) => {
      // Separate streams first: the result on stdout, the webhook's warnings on stderr.
      const good = await kubectlIn(cluster, REPO_ROOT, ['apply', '--dry-run=server', '-f', 'examples/good-policy.yaml']);
      t.same([good.code, good.stdout, good.stderr], [0, `${goodCreated} (server dry run)\n`, ''], 'good: created, no warning');
      const risky = await kubectlIn(cluster, REPO_ROOT, ['apply', '--dry-run=server', '-f', 'examples/risky-policy.yaml']);
      t.same([risky.code, risky.stdout, risky.stderr], [0, `${riskyCreated} (server dry run)\n`, `${riskyWarnings.join('\n')}\n`], 'risky: created, with warnings on stderr');
      const denied = await kubectlIn(cluster, REPO_ROOT, ['apply', '--dry-run=server', '-f', 'examples/denied-policy.yaml']);
      t.same([denied.code, denied.stdout, denied.stderr], [1, '', `${[...deniedWarnings, ...denial('creating')].join('\n')}\n`], 'denied: Forbidden with our message');

      // Then as a terminal shows them, for the transcript.
      const runs = [
        await inRepo(['apply', '--dry-run=server', '-f', 'examples/good-policy.yaml']),
        await inRepo(['apply', '--dry-run=server', '-f', 'examples/risky-policy.yaml']),
        await inRepo(['apply', '--dry-run=server', '-f', 'examples/denied-policy.yaml']),
        await inRepo(['get', 'networkpolicies', '-n', 'shop']),
      ];
      await writeTranscript('dry-run.txt', runs);
      t.same(runs.map((r) => r.stdout), [
        `${goodCreated} (server dry run)\n`,
        `${[...riskyWarnings, `${riskyCreated} (server dry run)`].join('\n')}\n`,
        `${[...deniedWarnings, ...denial('creating')].join('\n')}\n`,
        'No resources found in shop namespace.\n',
      ], 'transcript: warnings before the result; nothing stored');
    });

    await t.test('kubectl apply: created, created with warnings, denied and not stored', async (t) => {
      const good = await inRepo(['apply', '-f', 'examples/good-policy.yaml']);
      t.same([good.code, good.stdout], [0, `${goodCreated}\n`], 'good: created, no Warning line');

      const risky = await inRepo(['apply', '-f', 'examples/risky-policy.yaml']);
      await writeTranscript('warnings.txt', [risky]);
      t.same([risky.code, risky.stdout], [0, `${[...riskyWarnings, riskyCreated].join('\n')}\n`], 'risky: created, each warning names its rule');

      const denied = await inRepo(['apply', '-f', 'examples/denied-policy.yaml']);
      const lookup = await inRepo(['get', 'networkpolicy', 'shop.web', '-n', 'shop']);
      await writeTranscript('denial.txt', [denied, lookup]);
      t.same([denied.code, denied.stdout], [1, `${[...deniedWarnings, ...denial('creating')].join('\n')}\n`], 'denied: Forbidden, every violation listed');
      t.same([lookup.code, lookup.stdout], [1, `${notFound('shop.web')}\n`], 'the denied policy was not stored');

      const stored = await cluster.kubectl(['get', 'networkpolicies', '-n', 'shop', '-o', 'name'], { check: true });
      t.same(stored.stdout.split('\n').filter(Boolean).sort(), ['networkpolicy.networking.k8s.io/shop.api', 'networkpolicy.networking.k8s.io/shop.db']);
    });
  });

  await t.test('UPDATE through apply, label and patch; DELETE of a protected policy', async (t) => {
    const ns = 'team-a';
    await createNamespace(cluster, ns, 'main');
    // The impersonated developer may edit NetworkPolicies here. The built-in `edit` ClusterRole
    // is filled by the aggregation controller, which this control plane does not run.
    await cluster.kubectl(['create', 'role', 'networkpolicy-editor', '-n', ns, '--verb=get,list,watch,create,update,patch,delete', '--resource=networkpolicies.networking.k8s.io'], { check: true });
    await cluster.kubectl(['create', 'rolebinding', 'developers-networkpolicy-editor', '-n', ns, '--role=networkpolicy-editor', '--group=developers'], { check: true });
    const asDev = ['--as=dev', '--as-group=developers'];
    const denied = (rule: string) => [
      `Error from server (Forbidden): admission webhook "${VALIDATING_WEBHOOK}" denied the request: NetworkPolicy "web" in namespace "${ns}" violates the cluster's NetworkPolicy rules:`,
      rule,
    ];
    const portsWarning = `Warning: ${ns}/web: [ports-unrestricted] spec.ingress[0]: rule lists sources but no ports, so every port and protocol is allowed; list the ports the peers need under \`ports\` (protocol defaults to TCP)`;

    await manifest('web-v1.yaml', networkPolicy('web', ns, INGRESS_FROM_FRONTEND));
    await manifest('web-v2.yaml', networkPolicy('web', ns, INGRESS_ANY_PORT));
    // Egress rules, but policyTypes still says Ingress only: the egress rule would do nothing.
    await manifest('web-v3.yaml', networkPolicy('web', ns, `${INGRESS_FROM_FRONTEND}  egress:
  - to:
    - ipBlock: {cidr: 10.1.0.0/16}
    ports:
    - {port: 5432, protocol: TCP}
`));

    const v1 = await kubectl(['apply', '-f', 'web-v1.yaml']);
    t.same([v1.code, v1.stdout, v1.stderr], [0, 'networkpolicy.networking.k8s.io/web created\n', ''], 'apply: created');

    const v2 = await kubectl(['apply', '-f', 'web-v2.yaml']);
    t.same([v2.code, v2.stdout, v2.stderr], [0, 'networkpolicy.networking.k8s.io/web configured\n', `${portsWarning}\n`], 'apply of a changed spec: configured, warned');

    const v3 = await kubectl(['apply', '-f', 'web-v3.yaml']);
    const v3Lines = v3.stderr.split('\n');
    t.equal(v3.code, 1);
    t.equal(v3.stdout, '');
    t.equal(v3Lines[0], 'Error from server (Forbidden): error when applying patch:', 'apply of a denied change: Forbidden');
    t.same(v3Lines.slice(-6), [
      'to:',
      'Resource: "networking.k8s.io/v1, Resource=networkpolicies", GroupVersionKind: "networking.k8s.io/v1, Kind=NetworkPolicy"',
      `Name: "web", Namespace: "${ns}"`,
      `for: "web-v3.yaml": error when patching "web-v3.yaml": admission webhook "${VALIDATING_WEBHOOK}" denied the request: NetworkPolicy "web" in namespace "${ns}" violates the cluster's NetworkPolicy rules:`,
      '[rules-without-policy-type] spec.egress: the egress rule is ignored: policyTypes lacks Egress; add Egress to policyTypes, or remove spec.egress',
      '',
    ]);
    const afterV3 = await cluster.kubectl(['get', 'networkpolicy', 'web', '-n', ns, '-o', 'jsonpath={.spec.egress}'], { check: true });
    t.equal(afterV3.stdout, '', 'the denied change was not stored');

    const fixPorts = await kubectl(['patch', 'networkpolicy', 'web', '-n', ns, '--type=json', '-p', '[{"op":"add","path":"/spec/ingress/0/ports","value":[{"port":8080,"protocol":"TCP"}]}]']);
    t.same([fixPorts.code, fixPorts.stdout, fixPorts.stderr], [0, 'networkpolicy.networking.k8s.io/web patched\n', ''], 'patch that restores the ports: patched, no warning');

    const worldEgress = await kubectl(['patch', 'networkpolicy', 'web', '-n', ns, '--type=merge', '-p', '{"spec":{"policyTypes":["Ingress","Egress"],"egress":[{"to":[{"ipBlock":{"cidr":"0.0.0.0/0"}}],"ports":[{"port":443,"protocol":"TCP"}]}]}}']);
    t.same([worldEgress.code, worldEgress.stdout, worldEgress.stderr], [1, '', `${[
      `Warning: ${ns}/web: [ipblock-world] spec.egress[0].to[0].ipBlock.cidr: 0.0.0.0/0 reaches every address; narrow the CIDR to the networks you need, or add except ranges for the pod, service and private networks`,
      `Warning: ${ns}/web: [egress-without-dns] spec.egress: egress is isolated but no rule allows DNS (port 53 over UDP and TCP)`,
      ...denied('[cloud-metadata-egress] spec.egress[0].to[0].ipBlock.cidr: 0.0.0.0/0 includes the cloud metadata address 169.254.169.254; add 169.254.169.254/32 to except'),
    ].join('\n')}\n`], 'patch opening egress to 0.0.0.0/0: Forbidden');

    const devLabel = await kubectl(['label', 'networkpolicy', 'web', '-n', ns, 'team=web', ...asDev]);
    t.same([devLabel.code, devLabel.stdout, devLabel.stderr], [0, 'networkpolicy.networking.k8s.io/web labeled\n', ''], 'label by a developer: labeled');

    const protect = await kubectl(['label', 'networkpolicy', 'web', '-n', ns, 'netpol-guard.io/protected=true']);
    t.same([protect.code, protect.stdout, protect.stderr], [0, 'networkpolicy.networking.k8s.io/web labeled\n', ''], 'an admin protects it');

    const relabel = await kubectl(['label', 'networkpolicy', 'web', '-n', ns, 'team=shop', '--overwrite', ...asDev]);
    t.same([relabel.code, relabel.stdout, relabel.stderr], [1, '', `${denied(
      '[protected-policy] metadata.labels[netpol-guard.io/protected]: changing a protected policy is not allowed for dev; only group system:masters may do so',
    ).join('\n')}\n`], 'label of a protected policy by a developer: Forbidden');

    const devDelete = await kubectl(['delete', 'networkpolicy', 'web', '-n', ns, ...asDev]);
    t.same([devDelete.code, devDelete.stdout, devDelete.stderr], [1, '', `${denied(
      '[protected-policy] metadata.labels[netpol-guard.io/protected]: deleting a protected policy is not allowed for dev; only group system:masters may do so',
    ).join('\n')}\n`], 'delete of a protected policy by a developer: Forbidden');
    const stillThere = await cluster.kubectl(['get', 'networkpolicy', 'web', '-n', ns, '-o', 'name']);
    t.equal(stillThere.stdout, 'networkpolicy.networking.k8s.io/web\n', 'still stored');

    const adminDelete = await kubectl(['delete', 'networkpolicy', 'web', '-n', ns]);
    t.same([adminDelete.code, adminDelete.stdout, adminDelete.stderr], [0, `networkpolicy.networking.k8s.io "web" deleted from ${ns} namespace\n`, ''], 'the same delete by an admin (system:masters): deleted');
  });

  await t.test('an invalid object: the API server\'s 422, answered by the mutating webhook with the org findings as warnings', async (t) => {
    const ns = 'rejected';
    await createNamespace(cluster, ns, 'main');
    const before = await main.metrics();
    /** kubectl's lines: our warnings, each naming the object, then the 422 as kubectl prints it. */
    const lines = (r: KubectlRun) => r.stderr.split('\n').filter(Boolean);
    const badPort = await kubectl(['apply', '-f', '-'], { input: networkPolicy('bad-port', ns, `  policyTypes: [Ingress]
  ingress:
  - ports:
    - {port: Not_A_Name, protocol: TCP}
`) });
    t.same([badPort.code, badPort.stdout], [1, ''], 'invalid port name: rejected');
    t.equal(lines(badPort).at(-1), 'The NetworkPolicy "bad-port" is invalid: spec.ingress[0].ports[0].port: Invalid value: "Not_A_Name": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)', 'the 422 reads as the API server\'s own');
    t.ok(lines(badPort).slice(0, -1).every((l) => l.startsWith(`Warning: ${ns}/bad-port: `)), 'any other line is a warning naming the object');
    const badCidr = await kubectl(['apply', '-f', '-'], { input: networkPolicy('bad-cidr', ns, `  policyTypes: [Ingress]
  ingress:
  - from:
    - ipBlock: {cidr: 10.0.0.0/33}
`) });
    t.same([badCidr.code, badCidr.stdout], [1, '']);
    t.equal(lines(badCidr).at(-1), 'The NetworkPolicy "bad-cidr" is invalid: spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)', 'invalid CIDR: the 422 in v1.36\'s words');
    // Invalid and denied by the org policy: the 422 only; the denial comes as a warning.
    const both = await kubectl(['apply', '-f', '-'], { input: networkPolicy('both', ns, `  policyTypes: [foo, bar]
  egress:
  - to:
    - ipBlock: {cidr: 0.0.0.0/0}
`) });
    await writeTranscript('invalid.txt', [{ ...both, command: 'kubectl apply -f both.yaml   # policyTypes: [foo, bar], egress to 0.0.0.0/0' }]);
    t.equal(both.code, 1);
    t.same(lines(both).slice(-3), [
      'The NetworkPolicy "both" is invalid: ',
      '* spec.policyTypes[0]: Unsupported value: "foo": supported values: "Ingress", "Egress"',
      '* spec.policyTypes[1]: Unsupported value: "bar": supported values: "Ingress", "Egress"',
    ], 'Invalid, with its causes, not Forbidden');
    t.match(lines(both), [/^Warning: rejected\/both: would deny once valid: \[rules-without-policy-type\] spec\.egress: /], 'the denial reaches the person as a warning');
    t.notMatch(both.stderr, /Forbidden|violates/, 'nothing of the org policy in the error');

    const reviewsOf = (name: string) => main.logLines().filter((l) => l.msg === 'admission review' && l.namespace === ns && l.name === name);
    // The log is written in batches, at the latest every 500 ms.
    await cluster.waitFor(() => ['bad-port', 'bad-cidr', 'both'].every((name) => reviewsOf(name).length > 0) || undefined, {
      timeoutMs: 10_000,
      description: 'the review lines of bad-port, bad-cidr and both in the log',
    });
    for (const name of ['bad-port', 'bad-cidr', 'both']) {
      t.match(reviewsOf(name), [{ endpoint: 'mutate', operation: 'CREATE', dryRun: false, verdict: 'invalid', uid: /^[0-9a-f-]{36}$/ }], `${name}: answered once, by /mutate`);
      t.notOk(reviewsOf(name).some((l) => l.endpoint === 'validate'), `${name}: never reached /validate (the API server validates first)`);
    }
    const failures = main.logLines().filter((l: LogLine) => l.level >= 50);
    t.same(failures, [], 'the server logged no error');
    const after = await main.metrics();
    const mutate = { endpoint: 'mutate', operation: 'CREATE', verdict: 'invalid' };
    t.equal(counter(after, 'netpol_guard_reviews_total', mutate) - counter(before, 'netpol_guard_reviews_total', mutate), 3, 'metrics: three invalid answers from /mutate');
    t.equal(counter(after, 'netpol_guard_reviews_total', { endpoint: 'validate' }), counter(before, 'netpol_guard_reviews_total', { endpoint: 'validate' }), 'metrics: no validate review');
  });

  await t.test('one file, two policies with the same gap: kubectl shows both warnings', async (t) => {
    const run = await inRepo(['apply', '-f', 'examples/two-policies.yaml']);
    await writeTranscript('two-policies.txt', [run]);
    const warning = (name: string) =>
      `Warning: shop/${name}: [ports-unrestricted] spec.ingress[0]: rule lists sources but no ports, so every port and protocol is allowed; list the ports the peers need under \`ports\` (protocol defaults to TCP)`;
    t.same([run.code, run.stdout.split('\n').filter(Boolean).sort()], [0, [
      warning('shop.cart'),
      warning('shop.checkout'),
      'networkpolicy.networking.k8s.io/shop.cart created',
      'networkpolicy.networking.k8s.io/shop.checkout created',
    ].sort()], 'each policy\'s warning is printed');
  });

  await t.test('the serving certificate is rotated while policies are applied: no write fails', async (t) => {
    const ns = 'rotation';
    const volume = new SecretVolume(join(workDir, 'rotation-tls'));
    const first = await cluster.issueCertificate({ name: 'rotation-1', usage: 'server', subjectAltNames: ['IP:127.0.0.1'] });
    const second = await cluster.issueCertificate({ name: 'rotation-2', usage: 'server', subjectAltNames: ['IP:127.0.0.1'] });
    await volume.write(first.certPem, first.keyPem);
    const rotating = await startWebhook({ workDir, name: 'rotation', certFile: volume.certFile, keyFile: volume.keyFile });
    webhooks.push(rotating);
    await createNamespace(cluster, ns, 'rotation');
    await registerWebhook(cluster, { name: 'rotation', url: rotating.url, caPem: cluster.caPem, failurePolicy: 'Fail' }, ns);
    t.equal(await servedFingerprint(rotating.url, cluster.caPem), fingerprintOf(first.certPem), 'serving the first certificate');

    // Two writers apply policies without pause while the files are replaced. Each policy is warned
    // (no ports), so every answer visibly comes from the webhook; with failurePolicy Fail, a call
    // that failed would fail its apply.
    const results: { name: string; code: number; stdout: string; stderr: string }[] = [];
    let stop = false;
    const writer = async (w: number) => {
      for (let i = 0; !stop && results.length < 1000; i++) {
        const name = `rot-${w}-${i}`;
        results.push({ name, ...(await cluster.kubectl(['apply', '-f', '-'], { input: networkPolicy(name, ns, INGRESS_ANY_PORT) })) });
      }
    };
    const writers = [writer(0), writer(1)];
    try {
      await cluster.waitFor(() => results.length >= 10, { timeoutMs: 120_000, description: '10 applies before the rotation' });
      await volume.write(second.certPem, second.keyPem);
      const beforeReload = results.length;
      await cluster.waitFor(async () => (await servedFingerprint(rotating.url, cluster.caPem)) === fingerprintOf(second.certPem), {
        timeoutMs: 60_000,
        description: 'the webhook to serve the new certificate',
      });
      const atReload = results.length;
      await cluster.waitFor(() => results.length >= atReload + 20, { timeoutMs: 120_000, description: '20 applies after the rotation' });
      t.comment(`${beforeReload} applies before the files changed, ${atReload - beforeReload} while the new certificate was loaded, ${results.length - atReload} after`);
    } finally {
      stop = true;
      await Promise.all(writers);
    }
    const unexpected = results.filter((r) => r.code !== 0 || r.stdout !== `networkpolicy.networking.k8s.io/${r.name} created\n` || r.stderr !== `Warning: ${ns}/${r.name}: [ports-unrestricted] spec.ingress[0]: rule lists sources but no ports, so every port and protocol is allowed; list the ports the peers need under \`ports\` (protocol defaults to TCP)\n`);
    t.same(unexpected, [], `all ${results.length} applies created and reviewed`);
    t.equal(await servedFingerprint(rotating.url, cluster.caPem), fingerprintOf(second.certPem), 'a new connection gets the new certificate');
    const reloaded = await cluster.waitFor(() => rotating.logLines().some((l) => l.msg === 'TLS certificate reloaded') || undefined, {
      timeoutMs: 10_000,
      description: 'the reload in the log (written in batches)',
    });
    t.ok(reloaded, 'the server logged the reload');
    t.equal(counter(await rotating.metrics(), 'netpol_guard_certificate_reloads_total', { result: 'success' }), 1, 'metrics: one successful reload');

    // A webhook the API server has never called makes it open a new connection: it trusts the
    // rotated certificate.
    await createNamespace(cluster, 'rotated', 'rotated');
    await registerWebhook(cluster, { name: 'rotated', url: rotating.url, caPem: cluster.caPem, failurePolicy: 'Fail' }, 'rotated');
    t.pass('the API server calls the webhook over a new connection after the rotation');
  });

  await t.test('the webhook is down', async (t) => {
    const ns = 'outage';
    const down = await startWebhook({ workDir, name: 'down', certFile: serving.certFile, keyFile: serving.keyFile });
    webhooks.push(down);
    await createNamespace(cluster, ns, 'down');
    // As the chart registers it by default: the validating webhook alone.
    await registerWebhook(cluster, { name: 'down', url: down.url, caPem: cluster.caPem, failurePolicy: 'Fail', mutating: false }, ns);
    const hostPort = new URL(down.url).host;
    const refused = (webhook: string, path: string) =>
      `failed calling webhook "${webhook}": Post "https://${hostPort}${path}?timeout=5s": dial tcp ${hostPort}: connect: connection refused`;
    await manifest('reviewed.yaml', networkPolicy('reviewed', ns, INGRESS_FROM_FRONTEND));
    await manifest('frontend.yaml', networkPolicy('frontend', ns, INGRESS_FROM_FRONTEND));
    await manifest('world-egress.yaml', networkPolicy('world-egress', ns, `  policyTypes: [Egress]
  egress:
  - to:
    - ipBlock: {cidr: 0.0.0.0/0}
`));
    const reviewed = await kubectl(['apply', '-f', 'reviewed.yaml']);
    t.equal(reviewed.stdout, 'networkpolicy.networking.k8s.io/reviewed created\n', 'a policy written while it was up');

    await down.kill();
    t.equal(down.process.describeExit(), 'was killed by SIGKILL');

    await t.test('failurePolicy Fail: every NetworkPolicy write fails, nothing else does', async (t) => {
      const create = await kubectl(['apply', '-f', 'frontend.yaml'], { combined: true });
      t.same([create.code, create.stdout], [1, `Error from server (InternalError): error when creating "frontend.yaml": Internal error occurred: ${refused(VALIDATING_WEBHOOK, '/validate')}\n`], 'create: InternalError naming the validating webhook');
      const dryRun = await kubectl(['apply', '--dry-run=server', '-f', 'frontend.yaml'], { combined: true });
      t.same([dryRun.code, dryRun.stdout], [1, `Error from server (InternalError): error when creating "frontend.yaml": Internal error occurred: ${refused(VALIDATING_WEBHOOK, '/validate')}\n`], 'a dry run fails the same way');
      const del = await kubectl(['delete', 'networkpolicy', 'reviewed', '-n', ns], { combined: true });
      t.same([del.code, del.stdout], [1, `Error from server (InternalError): Internal error occurred: ${refused(VALIDATING_WEBHOOK, '/validate')}\n`], 'delete: InternalError naming the validating webhook');
      const configMap = await kubectl(['create', 'configmap', 'unaffected', '-n', ns], { combined: true });
      t.same([configMap.code, configMap.stdout], [0, 'configmap/unaffected created\n'], 'other kinds are not intercepted');
      const stored = await cluster.kubectl(['get', 'networkpolicies', '-n', ns, '-o', 'name'], { check: true });
      t.equal(stored.stdout, 'networkpolicy.networking.k8s.io/reviewed\n', 'nothing was created or deleted');
    });

    await t.test('failurePolicy Ignore: writes go through unreviewed, without a word', async (t) => {
      await cluster.kubectl(['apply', '-f', '-'], {
        input: webhookConfigurations({ name: 'down', url: down.url, caPem: cluster.caPem, failurePolicy: 'Ignore', mutating: false }),
        check: true,
      });
      await cluster.waitFor(async () => (await kubectl(['apply', '--dry-run=server', '-f', 'frontend.yaml'])).code === 0 || undefined, {
        timeoutMs: 60_000,
        intervalMs: 250,
        description: 'the API server to use failurePolicy Ignore',
      });
      const create = await kubectl(['apply', '-f', 'frontend.yaml'], { combined: true });
      t.same([create.code, create.stdout], [0, 'networkpolicy.networking.k8s.io/frontend created\n'], 'a good policy: created');
      const unchecked = await kubectl(['apply', '-f', 'world-egress.yaml'], { combined: true });
      t.same([unchecked.code, unchecked.stdout], [0, 'networkpolicy.networking.k8s.io/world-egress created\n'], 'a policy netpol-guard denies: created too, and kubectl says nothing');
      const log = cluster.logs('kube-apiserver');
      t.ok(log.includes(`Failed calling webhook, failing open ${VALIDATING_WEBHOOK}: ${refused(VALIDATING_WEBHOOK, '/validate')}`), 'only the API server\'s log says it failed open');
    });

    await t.test('after a restart, `netpol-guard check -` finds what got in unreviewed', async (t) => {
      const restarted = await startWebhook({ workDir, name: 'down-restarted', certFile: serving.certFile, keyFile: serving.keyFile });
      webhooks.push(restarted);
      await registerWebhook(cluster, { name: 'down', url: restarted.url, caPem: cluster.caPem, failurePolicy: 'Fail', mutating: false }, ns);
      const all = await cluster.kubectl(['get', 'networkpolicies', '-n', ns, '-o', 'yaml'], { check: true });
      const check = await runCommand(process.execPath, [MAIN_JS, 'check', '--no-color', '-'], process.env, { input: all.stdout });
      t.equal(check.code, 1, 'exit 1: something is denied');
      const verdicts = check.stdout.split('\n').filter((l) => /^ {2}NetworkPolicy /.test(l));
      t.same(verdicts, [
        `  NetworkPolicy ${ns}/frontend (line 3): allowed`,
        `  NetworkPolicy ${ns}/reviewed (line 29): allowed`,
        `  NetworkPolicy ${ns}/world-egress (line 55): denied by org policy (HTTP 403)`,
      ]);
    });
  });
});

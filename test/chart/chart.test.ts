/**
 * The Helm chart, rendered with the real helm v4 and asserted by path: every safety field of the
 * webhook configurations, the hardened pod spec (checked against the restricted Pod Security
 * Standard), RBAC, the TLS modes and their render-time failures, the values schema, and the
 * chart's own NetworkPolicy and org policy run through netpol-guard's own engine.
 * Needs helm from the e2e harness cache (`bash test/e2e/harness/build-apiserver.sh`) or $HELM.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import yaml from 'js-yaml';
import { z } from 'zod';
import { CLUSTER_RBAC_RULES } from '../../src/cluster/resources.js';
import { REPORT_APIS } from '../../src/reports/api.js';
import { reportCrds } from '../../src/reports/crds.js';
import { auditClusterRules, leaseRules } from '../../src/reports/rbac.js';
import { BUILTIN_POLICY_YAML } from '../../src/policy/builtin.js';
import { builtinPolicy, parsePolicy } from '../../src/policy/parse.js';
import type { OrgPolicy } from '../../src/policy/types.js';
import { reviewNetworkPolicy } from '../../src/review.js';
import { POLICY_CATALOGUE } from '../../src/policy/catalogue.js';
import { SERVE_FLAGS, parseServeOptions } from '../../src/server/options.js';
import { restrictedViolations } from './pod-security.js';
import { CHART_DIR, FULLNAME, NAMESPACE, type K8sObject, type Rendered, notes, render, runHelm, template } from './render.js';

/** A rule's action and parameters in a compiled policy. */
function setting(policy: OrgPolicy, id: string): { action: string; params: unknown } | undefined {
  const r = policy.rules.find((x) => x.rule.id === id);
  return r && { action: r.action, params: r.params };
}

const CERT_MANAGER = ['--api-versions', 'cert-manager.io/v1'];
/** The optional mutating webhook, on. */
const MUTATING = { webhook: { mutating: { enabled: true } } };
const chartYaml = yaml.load(readFileSync(join(CHART_DIR, 'Chart.yaml'), 'utf8')) as { appVersion: string };

/** A CA and a certificate it signed, for tls.mode=existingSecret. */
async function existingCa(): Promise<string> {
  const r = await render();
  return Buffer.from(r.one('Secret').data['ca.crt'], 'base64').toString('utf8');
}

function webhookOf(config: K8sObject): K8sObject {
  if (config.webhooks.length !== 1) throw new Error(`${config.kind} has ${config.webhooks.length} webhooks, expected 1`);
  return config.webhooks[0];
}

function container(r: Rendered): K8sObject {
  return r.one('Deployment').spec.template.spec.containers[0];
}

function envOf(r: Rendered): Record<string, string> {
  return Object.fromEntries((container(r).env as { name: string; value: string }[]).map((e) => [e.name, e.value]));
}

function policyOf(r: Rendered): OrgPolicy {
  return parsePolicy(r.one('ConfigMap', `${FULLNAME}-policy`).data['policy.yaml'], 'configmap policy.yaml');
}

function comparable(p: OrgPolicy) {
  return { mode: p.mode, rules: Object.fromEntries(p.rules.map((r) => [r.rule.id, { action: r.action, params: r.params }])), exemptions: p.exemptions, objectExemptions: p.objectExemptions };
}

/** The chart's own NetworkPolicy through the same decision function the webhook uses. */
function reviewOwn(np: K8sObject, policy: OrgPolicy) {
  return reviewNetworkPolicy(
    { operation: 'CREATE', object: np, namespace: NAMESPACE, strictFields: true, includeApiWarnings: true },
    { policy },
  );
}

interface WebhookCase {
  kind: string;
  name: string;
  path: string;
  ops: string[];
}

const VALIDATING: WebhookCase = { kind: 'ValidatingWebhookConfiguration', name: 'validate.netpol-guard.io', path: '/validate', ops: ['CREATE', 'UPDATE', 'DELETE'] };
const MUTATING_WEBHOOK: WebhookCase = { kind: 'MutatingWebhookConfiguration', name: 'mutate.netpol-guard.io', path: '/mutate', ops: ['CREATE', 'UPDATE'] };

/** Every safety field of one webhook configuration, explicit and as documented in docs/chart.md. */
function assertSafetyFields(t: Test, r: Rendered, c: WebhookCase, failurePolicy: 'Fail' | 'Ignore') {
  const w = webhookOf(r.one(c.kind, FULLNAME));
  t.equal(w.name, c.name);
  t.same(w.admissionReviewVersions, ['v1'], `${c.kind}.admissionReviewVersions`);
  t.equal(w.sideEffects, 'None', `${c.kind}.sideEffects`);
  t.equal(w.timeoutSeconds, 3, `${c.kind}.timeoutSeconds`);
  t.equal(w.failurePolicy, failurePolicy, `${c.kind}.failurePolicy`);
  t.equal(w.matchPolicy, 'Equivalent', `${c.kind}.matchPolicy`);
  t.same(w.rules, [{ apiGroups: ['networking.k8s.io'], apiVersions: ['v1'], operations: c.ops, resources: ['networkpolicies'], scope: 'Namespaced' }]);
  t.same(w.namespaceSelector, {
    matchExpressions: [
      { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', NAMESPACE] },
      { key: 'netpol-guard.io/ignore', operator: 'DoesNotExist' },
    ],
  }, `${c.kind}.namespaceSelector excludes kube-system, the release namespace and opted-out namespaces`);
  t.same(w.clientConfig.service, { name: FULLNAME, namespace: NAMESPACE, path: c.path, port: 443 });
  t.match(Buffer.from(w.clientConfig.caBundle, 'base64').toString('utf8'), /^-----BEGIN CERTIFICATE-----/);
  if (c.kind === 'MutatingWebhookConfiguration') t.equal(w.reinvocationPolicy, 'IfNeeded');
  else t.notOk('reinvocationPolicy' in w, 'reinvocationPolicy only exists on mutating webhooks');
  t.notOk(w.objectSelector, 'no objectSelector: every NetworkPolicy in a reviewed namespace is reviewed');
}

async function renderFails(t: Test, options: Parameters<typeof template>[0], message: string | RegExp) {
  const r = await template(options);
  t.not(r.code, 0, 'helm template exits non-zero');
  t.match(r.stderr, message);
  t.equal(r.stdout.trim(), '', 'nothing is rendered');
}

t.test('helm lint --strict is clean', async (t) => {
  const r = await runHelm(['lint', '--strict', CHART_DIR]);
  t.equal(r.code, 0, r.stdout + r.stderr);
  t.notMatch(r.stdout, /\[(WARNING|ERROR)\]/);
  t.match(r.stdout, /1 chart\(s\) linted, 0 chart\(s\) failed/);
});

t.test('defaults', async (t) => {
  const r = await render();

  t.test('renders exactly the expected objects', async (t) => {
    t.same(r.kinds(), [
      'ClusterRole', 'ClusterRole', 'ClusterRoleBinding', 'ClusterRoleBinding', 'ConfigMap', 'CustomResourceDefinition', 'CustomResourceDefinition', 'Deployment', 'NetworkPolicy',
      'PodDisruptionBudget', 'Role', 'RoleBinding', 'Secret', 'Service', 'ServiceAccount', 'ValidatingWebhookConfiguration',
    ]);
    for (const o of r.objects) {
      t.equal(o.metadata.labels?.['app.kubernetes.io/instance'], 'r', `${o.kind} carries the release label`);
      if (!o.kind.startsWith('Cluster') && !o.kind.endsWith('WebhookConfiguration') && o.kind !== 'CustomResourceDefinition') t.equal(o.metadata.namespace, NAMESPACE, `${o.kind} is namespaced`);
    }
  });

  t.test('the validating webhook has every safety field explicit', async (t) => {
    assertSafetyFields(t, r, VALIDATING, 'Fail');
  });

  t.test('no mutating webhook: the API server defaults NetworkPolicies before mutating admission', async (t) => {
    t.notOk(r.maybe('MutatingWebhookConfiguration'), 'no MutatingWebhookConfiguration by default');
    t.same(r.all('ValidatingWebhookConfiguration').flatMap((c) => c.webhooks.map((w: K8sObject) => w.clientConfig.service.path)), ['/validate'], 'only /validate is registered');
  });

  t.test('generated TLS: one CA in the Secret and both caBundles, and a certificate for the Service', async (t) => {
    const secret = r.one('Secret', `${FULLNAME}-tls`);
    t.equal(secret.type, 'kubernetes.io/tls');
    const pem = (k: string) => Buffer.from(secret.data[k], 'base64').toString('utf8');
    const ca = new X509Certificate(pem('ca.crt'));
    const cert = new X509Certificate(pem('tls.crt'));
    t.ok(ca.ca, 'ca.crt is a CA');
    t.ok(cert.checkIssued(ca) && cert.verify(ca.publicKey), 'tls.crt is signed by ca.crt');
    t.match(pem('tls.key'), /-----BEGIN (RSA )?PRIVATE KEY-----/);
    for (const name of [FULLNAME, `${FULLNAME}.${NAMESPACE}`, `${FULLNAME}.${NAMESPACE}.svc`, `${FULLNAME}.${NAMESPACE}.svc.cluster.local`]) {
      t.ok(cert.checkHost(name), `the certificate covers ${name}`);
    }
    t.equal(webhookOf(r.one('ValidatingWebhookConfiguration')).clientConfig.caBundle, secret.data['ca.crt'], "the validating webhook trusts the Secret's CA");
    const volume = r.one('Deployment').spec.template.spec.volumes.find((v: K8sObject) => v.name === 'tls');
    t.same(volume.secret, { secretName: `${FULLNAME}-tls`, defaultMode: 0o440 });
  });

  t.test('Deployment: highly available', async (t) => {
    const d = r.one('Deployment');
    const spec = d.spec.template.spec;
    const selector = d.spec.selector.matchLabels;
    t.equal(d.spec.replicas, 2);
    t.same(d.spec.strategy.rollingUpdate, { maxUnavailable: 0, maxSurge: 1 });
    t.match(d.spec.template.metadata.labels, selector, 'the pod template carries the selector labels');
    const preferred = spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution;
    t.equal(preferred.length, 1);
    t.equal(preferred[0].podAffinityTerm.topologyKey, 'kubernetes.io/hostname');
    t.same(preferred[0].podAffinityTerm.labelSelector.matchLabels, selector);
    t.notOk(spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution);
    t.same(spec.topologySpreadConstraints, [
      { topologyKey: 'topology.kubernetes.io/zone', maxSkew: 1, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector } },
    ]);
    t.notOk(spec.priorityClassName, 'no priorityClassName unless asked for');
    const pdb = r.one('PodDisruptionBudget');
    t.equal(pdb.spec.minAvailable, 1);
    t.same(pdb.spec.selector.matchLabels, selector);
  });

  t.test('Deployment: probes on the plain-HTTP health port, graceful shutdown', async (t) => {
    const d = r.one('Deployment');
    const c = container(r);
    t.same(c.ports, [
      { name: 'https', containerPort: 8443, protocol: 'TCP' },
      { name: 'health', containerPort: 9090, protocol: 'TCP' },
    ]);
    t.same(c.livenessProbe.httpGet, { path: '/livez', port: 'health', scheme: 'HTTP' });
    t.same(c.readinessProbe.httpGet, { path: '/readyz', port: 'health', scheme: 'HTTP' });
    t.same(c.startupProbe.httpGet, { path: '/livez', port: 'health', scheme: 'HTTP' });
    const env = envOf(r);
    const stopMs = Number(env.NETPOL_GUARD_SHUTDOWN_DELAY) + Number(env.NETPOL_GUARD_SHUTDOWN_TIMEOUT);
    t.ok(d.spec.template.spec.terminationGracePeriodSeconds * 1000 > stopMs, 'terminationGracePeriodSeconds exceeds shutdown delay + timeout');
    t.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory, 'resources are set');
    t.equal(c.image, `ghcr.io/netpol-guard/netpol-guard:${chartYaml.appVersion}`, 'the image tag defaults to appVersion');
    t.same(c.args, ['serve']);
  });

  t.test('Deployment: configured only through NETPOL_GUARD_* variables the server accepts', async (t) => {
    const env = envOf(r);
    const known = new Set(Object.values(SERVE_FLAGS).map((f) => f.env).filter(Boolean));
    for (const name of Object.keys(env)) t.ok(known.has(name), `${name} is a serve option's variable`);
    const o = parseServeOptions([], env);
    t.same(o.listen, { host: '0.0.0.0', port: 8443 });
    t.same(o.healthListen, { host: '0.0.0.0', port: 9090 });
    t.equal(o.tlsCert, '/etc/netpol-guard/tls/tls.crt');
    t.equal(o.tlsKey, '/etc/netpol-guard/tls/tls.key');
    t.equal(o.policy, '/etc/netpol-guard/policy/policy.yaml');
    t.equal(o.deadlineMs, 2000);
    t.ok(o.deadlineMs < webhookOf(r.one('ValidatingWebhookConfiguration')).timeoutSeconds * 1000, 'the deadline is below the webhook timeout');
    t.equal(o.failureMode, 'allow');
    t.equal(o.impactBudgetMs, 500, 'the impact has its own budget, within the deadline');
    t.equal(o.cluster, true);
    t.equal(o.resyncSeconds, 300);
    const mounts: Record<string, K8sObject> = Object.fromEntries((container(r).volumeMounts as K8sObject[]).map((m) => [m.name, m]));
    t.same(mounts.tls, { name: 'tls', mountPath: '/etc/netpol-guard/tls', readOnly: true });
    t.same(mounts.policy, { name: 'policy', mountPath: '/etc/netpol-guard/policy', readOnly: true });
    t.notOk(Object.values(mounts).some((m) => m.subPath), 'no subPath mounts: they never see updates, and the server reloads on change');
  });

  t.test('pod spec meets the restricted Pod Security Standard', async (t) => {
    const tpl = r.one('Deployment').spec.template;
    t.same(restrictedViolations(tpl.spec, tpl.metadata.annotations), []);
    const sc = container(r).securityContext;
    t.equal(sc.readOnlyRootFilesystem, true);
    t.equal(sc.allowPrivilegeEscalation, false);
    t.same(sc.capabilities, { drop: ['ALL'] });
    t.equal(sc.runAsNonRoot, true);
    t.ok(Number.isInteger(sc.runAsUser) && sc.runAsUser > 0, 'a numeric non-root user');
    t.same(tpl.spec.securityContext.seccompProfile, { type: 'RuntimeDefault' });
  });

  t.test('RBAC: exactly list and watch on exactly the watched resources', async (t) => {
    const grants = new Set<string>();
    for (const rule of r.one('ClusterRole', FULLNAME).rules as K8sObject[]) {
      t.same(rule.verbs, ['list', 'watch'], `verbs for ${rule.resources}`);
      t.notOk(rule.resourceNames || rule.nonResourceURLs, 'no resourceNames or nonResourceURLs');
      for (const g of rule.apiGroups) for (const res of rule.resources) grants.add(`${g}/${res}`);
    }
    t.same([...grants].sort(), [
      '/namespaces', '/nodes', '/pods', '/services',
      'admissionregistration.k8s.io/mutatingwebhookconfigurations', 'admissionregistration.k8s.io/validatingwebhookconfigurations',
      'apps/daemonsets', 'networking.k8s.io/networkpolicies', 'policy.networking.k8s.io/clusternetworkpolicies',
    ]);
    t.same(r.one('ClusterRole', FULLNAME).rules, CLUSTER_RBAC_RULES, 'the rules the informers are written against (src/cluster/resources.ts)');
    const binding = r.one('ClusterRoleBinding', FULLNAME);
    t.same(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: FULLNAME });
    t.same(binding.subjects, [{ kind: 'ServiceAccount', name: FULLNAME, namespace: NAMESPACE }]);
    t.equal(r.one('Deployment').spec.template.spec.serviceAccountName, FULLNAME);
    t.equal(r.one('Deployment').spec.template.spec.automountServiceAccountToken, true);
    t.equal(r.one('ServiceAccount').automountServiceAccountToken, false, 'only the pods that need the token get it');
  });

  t.test('Service: every port has protocol TCP and targets a named container port', async (t) => {
    const svc = r.one('Service');
    const names = new Set((container(r).ports as K8sObject[]).map((p) => p.name));
    for (const p of svc.spec.ports as K8sObject[]) {
      t.equal(p.protocol, 'TCP', `port ${p.name} names its protocol (server-side apply on 1.20 requires it)`);
      t.ok(names.has(p.targetPort), `port ${p.name} targets container port ${p.targetPort}`);
    }
    t.same(svc.spec.ports.map((p: K8sObject) => [p.name, p.port]), [['https', 443], ['metrics', 9090]]);
    t.same(svc.spec.selector, r.one('Deployment').spec.selector.matchLabels);
  });

  t.test('ConfigMap: the org policy is valid and is the built-in one', async (t) => {
    t.same(comparable(policyOf(r)), comparable(builtinPolicy()));
    // Guard against drift between values.yaml and src/policy/builtin.ts in the text, too.
    const built = yaml.load(BUILTIN_POLICY_YAML);
    t.same(yaml.load(r.one('ConfigMap').data['policy.yaml']), built);
  });

  t.test("the chart's own NetworkPolicy passes netpol-guard's rules", async (t) => {
    const np = r.one('NetworkPolicy');
    t.same(np.spec.podSelector.matchLabels, r.one('Deployment').spec.selector.matchLabels);
    t.same(np.spec.policyTypes, ['Ingress', 'Egress']);
    for (const policy of [builtinPolicy(), policyOf(r)]) {
      const review = reviewOwn(np, policy);
      t.equal(review.verdict, 'allowed', review.status?.message ?? '');
      t.same(review.fieldErrors, []);
      t.same(review.decodeIssues, []);
      t.same(review.evaluation.findings.filter((f) => f.effect === 'deny'), []);
      t.comment(`warnings: ${review.warnings.join(' | ') || 'none'}`);
    }
    t.same(np.spec.ingress[0], { ports: [{ port: 8443, protocol: 'TCP' }] }, 'the webhook port is open to every source');
    t.same(np.spec.ingress[1], { ports: [{ port: 9090, protocol: 'TCP' }] });
    t.same(np.spec.egress[0], {
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }],
    });
    t.same(np.spec.egress[1], { ports: [{ port: 443, protocol: 'TCP' }, { port: 6443, protocol: 'TCP' }] });
  });

  t.test('no checksum annotations: the server reloads policy and certificates itself', async (t) => {
    t.notOk(r.one('Deployment').spec.template.metadata.annotations);
  });

  t.test('NOTES: next steps, no warnings', async (t) => {
    const text = await notes();
    t.match(text, `kubectl -n ${NAMESPACE} rollout status deployment/${FULLNAME}`);
    t.notMatch(text, 'WARNINGS');
    t.notMatch(text, 'mutate.netpol-guard.io', 'the mutating webhook is not mentioned while it is off');
  });
});

t.test('the restricted checker catches what it should', async (t) => {
  const good = (await render()).one('Deployment').spec.template.spec;
  const broken = structuredClone(good);
  broken.hostNetwork = true;
  broken.volumes.push({ name: 'h', hostPath: { path: '/' } });
  broken.securityContext = {};
  const c = broken.containers[0];
  c.securityContext = { privileged: true, capabilities: { add: ['SYS_ADMIN'] } };
  c.ports[0].hostPort = 8443;
  t.same(restrictedViolations(broken), [
    'spec.hostNetwork must not be true',
    'spec.volumes[2].hostPath is not allowed',
    'spec.containers[0].securityContext.privileged must not be true',
    'spec.containers[0].securityContext.capabilities.add SYS_ADMIN is not allowed',
    'spec.containers[0].ports[0].hostPort must be unset or 0',
    'spec.volumes[2] type hostPath is not allowed',
    'spec.containers[0].securityContext.allowPrivilegeEscalation must be false',
    'spec.containers[0].securityContext.runAsNonRoot must be true (here or in spec.securityContext)',
    'spec.containers[0].securityContext.seccompProfile.type must be RuntimeDefault or Localhost (here or in spec.securityContext)',
    'spec.containers[0].securityContext.capabilities.drop must include ALL',
    'spec.containers[0].securityContext.capabilities.add may only hold NET_BIND_SERVICE, not SYS_ADMIN',
  ]);
});

t.test('replicas 1: no PodDisruptionBudget, and NOTES warns', async (t) => {
  const r = await render({ values: { replicas: 1 } });
  t.equal(r.one('Deployment').spec.replicas, 1);
  t.notOk(r.maybe('PodDisruptionBudget'), 'a budget of 1 with 1 replica would block every drain');
  t.match(await notes({ values: { replicas: 1 } }), /WARNINGS\n\s+- replicas is 1: .*every NetworkPolicy write outside the excluded namespaces fails/);
});

t.test('failurePolicy Ignore reaches the validating webhook, and NOTES warns', async (t) => {
  const values = { webhook: { failurePolicy: 'Ignore' } };
  const r = await render({ values });
  t.equal(webhookOf(r.one('ValidatingWebhookConfiguration')).failurePolicy, 'Ignore');
  t.match(await notes({ values }), /- webhook\.failurePolicy is Ignore: .*accepted unreviewed/);
  const both = await render({ values: { webhook: { failurePolicy: 'Ignore', mutating: { enabled: true, failurePolicy: 'Fail' } } } });
  t.equal(webhookOf(both.one('ValidatingWebhookConfiguration')).failurePolicy, 'Ignore');
  t.equal(webhookOf(both.one('MutatingWebhookConfiguration')).failurePolicy, 'Fail', 'the mutating webhook keeps its own failurePolicy');
});

t.test('webhook.mutating.enabled: the mutating webhook, every safety field explicit, failurePolicy Ignore of its own', async (t) => {
  const r = await render({ values: MUTATING });
  assertSafetyFields(t, r, MUTATING_WEBHOOK, 'Ignore');
  assertSafetyFields(t, r, VALIDATING, 'Fail');
  t.equal(webhookOf(r.one('MutatingWebhookConfiguration')).clientConfig.caBundle, r.one('Secret').data['ca.crt'], "the mutating webhook trusts the Secret's CA");
  const text = await notes({ values: MUTATING });
  t.match(text, /6\. The mutating webhook mutate\.netpol-guard\.io is registered too \(webhook\.mutating\.enabled,\s+failurePolicy Ignore\), so every NetworkPolicy create and update calls netpol-guard twice\./);
  t.notMatch(text, 'WARNINGS', 'Ignore is the safe choice: no warning');
});

t.test('webhook.mutating.failurePolicy Fail: rendered, and NOTES warns', async (t) => {
  const values = { webhook: { mutating: { enabled: true, failurePolicy: 'Fail' } } };
  const r = await render({ values });
  t.equal(webhookOf(r.one('MutatingWebhookConfiguration')).failurePolicy, 'Fail');
  t.equal(webhookOf(r.one('ValidatingWebhookConfiguration')).failurePolicy, 'Fail');
  t.match(await notes({ values }), /WARNINGS\n\s+- webhook\.mutating\.failurePolicy is Fail: .*NetworkPolicy creates and updates fail at the mutating webhook/);
  const off = { webhook: { mutating: { enabled: false, failurePolicy: 'Fail' } } };
  t.notOk((await render({ values: off })).maybe('MutatingWebhookConfiguration'), 'its failurePolicy alone registers nothing');
  t.notMatch(await notes({ values: off }), 'mutating', 'nor does NOTES mention it');
});

t.test('TLS mode existingSecret: no Secret rendered, the given Secret mounted, the given CA trusted', async (t) => {
  const caPem = await existingCa();
  for (const caBundle of [caPem, Buffer.from(caPem).toString('base64')]) {
    const r = await render({ values: { ...MUTATING, tls: { mode: 'existingSecret', existingSecret: { name: 'my-tls', caBundle } } } });
    t.notOk(r.maybe('Secret'));
    t.notOk(r.maybe('Certificate'));
    const volume = r.one('Deployment').spec.template.spec.volumes.find((v: K8sObject) => v.name === 'tls');
    t.equal(volume.secret.secretName, 'my-tls');
    for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
      t.equal(Buffer.from(webhookOf(r.one(kind)).clientConfig.caBundle, 'base64').toString('utf8').trim(), caPem.trim(), `${kind}.caBundle`);
    }
  }
});

t.test('TLS mode certManager: a self-signed CA chain, and the CA injected into both configurations', async (t) => {
  const r = await render({ values: { ...MUTATING, tls: { mode: 'certManager' } }, args: CERT_MANAGER });
  t.notOk(r.maybe('Secret'), 'cert-manager writes the Secret');
  t.same(r.all('Issuer').map((i) => [i.metadata.name, Object.keys(i.spec)[0]]), [[`${FULLNAME}-selfsigned`, 'selfSigned'], [`${FULLNAME}-ca`, 'ca']]);
  const ca = r.one('Certificate', `${FULLNAME}-ca`);
  t.equal(ca.spec.isCA, true);
  t.equal(ca.spec.issuerRef.name, `${FULLNAME}-selfsigned`);
  const serving = r.one('Certificate', `${FULLNAME}-tls`);
  t.equal(serving.spec.secretName, `${FULLNAME}-tls`);
  t.same(serving.spec.issuerRef, { name: `${FULLNAME}-ca`, kind: 'Issuer', group: 'cert-manager.io' });
  t.same(serving.spec.dnsNames, [FULLNAME, `${FULLNAME}.${NAMESPACE}`, `${FULLNAME}.${NAMESPACE}.svc`, `${FULLNAME}.${NAMESPACE}.svc.cluster.local`]);
  for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
    const config = r.one(kind);
    t.equal(config.metadata.annotations?.['cert-manager.io/inject-ca-from'], `${NAMESPACE}/${FULLNAME}-tls`);
    t.notOk('caBundle' in webhookOf(config).clientConfig, `${kind}: caBundle is left to cainjector`);
  }
  t.equal(r.one('Deployment').spec.template.spec.volumes.find((v: K8sObject) => v.name === 'tls').secret.secretName, `${FULLNAME}-tls`);
});

t.test('TLS mode certManager with an issuerRef: only the serving Certificate, signed by that issuer', async (t) => {
  const issuerRef = { name: 'corp-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' };
  const r = await render({ values: { tls: { mode: 'certManager', certManager: { issuerRef } } }, args: CERT_MANAGER });
  t.same(r.all('Issuer'), []);
  t.same(r.all('Certificate').map((c) => c.metadata.name), [`${FULLNAME}-tls`]);
  t.same(r.one('Certificate').spec.issuerRef, issuerRef);
  t.equal(r.one('ValidatingWebhookConfiguration').metadata.annotations?.['cert-manager.io/inject-ca-from'], `${NAMESPACE}/${FULLNAME}-tls`);
});

t.test('contradictory or incomplete TLS values fail at render time', async (t) => {
  const caPem = await existingCa();
  await renderFails(t, { values: { tls: { mode: 'certManager' } } }, /tls: tls\.mode=certManager needs cert-manager, but the API cert-manager\.io\/v1 is not served by this cluster/);
  await renderFails(t, { values: { tls: { mode: 'existingSecret', existingSecret: { caBundle: caPem } } } }, /tls: tls\.mode=existingSecret needs tls\.existingSecret\.name/);
  await renderFails(t, { values: { tls: { mode: 'existingSecret', existingSecret: { name: 'my-tls' } } } }, /tls: tls\.mode=existingSecret needs tls\.existingSecret\.caBundle/);
  await renderFails(t, { values: { tls: { mode: 'existingSecret', existingSecret: { name: 'my-tls', caBundle: 'bm90IGEgY2VydA==' } } } }, /tls\.existingSecret\.caBundle is neither a PEM certificate nor base64 of one/);
  await renderFails(t, { values: { tls: { existingSecret: { name: 'my-tls', caBundle: caPem } } } }, /tls: tls\.existingSecret is set but tls\.mode is "generate"; these are settings for two TLS modes/);
  await renderFails(
    t,
    { values: { tls: { mode: 'existingSecret', existingSecret: { name: 'my-tls', caBundle: caPem }, certManager: { issuerRef: { name: 'corp-ca' } } } } },
    /tls: tls\.certManager\.issuerRef\.name is set but tls\.mode is "existingSecret"; these are settings for two TLS modes/,
  );
  await renderFails(t, { values: { tls: { mode: 'selfSigned' } } }, /at '\/tls\/mode': value must be one of 'generate', 'certManager', 'existingSecret'/);
});

t.test('other contradictions fail at render time', async (t) => {
  await renderFails(t, { values: { server: { deadlineMs: 3000 } } }, /server\.deadlineMs \(3000\) must be below webhook\.timeoutSeconds \(3 s\)/);
  await renderFails(t, { values: { terminationGracePeriodSeconds: 12 } }, /terminationGracePeriodSeconds \(12\) must exceed server\.shutdownDelayMs \+ server\.shutdownTimeoutMs \(12000 ms\)/);
  await renderFails(t, { values: { podDisruptionBudget: { minAvailable: 2 } } }, /podDisruptionBudget\.minAvailable \(2\) must be below replicas \(2\)/);
  await renderFails(t, { values: { serviceMonitor: { enabled: true } } }, /serviceMonitor\.enabled needs the Prometheus Operator/);
  await renderFails(t, { values: { serviceAccount: { create: false } } }, /serviceAccount\.create=false needs serviceAccount\.name/);
});

t.test('networkPolicy disabled: no NetworkPolicy', async (t) => {
  const r = await render({ values: { networkPolicy: { enabled: false } } });
  t.notOk(r.maybe('NetworkPolicy'));
  t.match(await notes({ values: { networkPolicy: { enabled: false } } }), /networkPolicy\.enabled is false/);
});

t.test('NetworkPolicy with restricted sources and API server addresses still passes our rules', async (t) => {
  const from = [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } }];
  const r = await render({ values: { networkPolicy: { metrics: { from }, apiServer: { cidrs: ['10.0.0.10/32', '10.0.0.11/32'], ports: [6443] } } } });
  const np = r.one('NetworkPolicy');
  t.same(np.spec.ingress[1].from, from);
  t.same(np.spec.egress[1], { ports: [{ port: 6443, protocol: 'TCP' }], to: [{ ipBlock: { cidr: '10.0.0.10/32' } }, { ipBlock: { cidr: '10.0.0.11/32' } }] });
  const review = reviewOwn(np, builtinPolicy());
  t.equal(review.verdict, 'allowed', review.status?.message ?? '');
  t.same(review.evaluation.findings.filter((f) => f.effect === 'deny'), []);
});

t.test('cluster-aware rules disabled: no RBAC, no token, no API server egress', async (t) => {
  const values = { clusterAware: { enabled: false } };
  const r = await render({ values });
  t.notOk(r.maybe('ClusterRole'));
  t.notOk(r.maybe('ClusterRoleBinding'));
  t.equal(r.one('Deployment').spec.template.spec.automountServiceAccountToken, false);
  const env = envOf(r);
  t.equal(env.NETPOL_GUARD_NO_CLUSTER, 'true');
  t.notOk('NETPOL_GUARD_RESYNC_SECONDS' in env);
  t.equal(parseServeOptions([], env).cluster, false);
  const np = r.one('NetworkPolicy');
  t.equal(np.spec.egress.length, 1, 'only DNS egress remains');
  t.equal(reviewOwn(np, builtinPolicy()).verdict, 'allowed');
  t.match(await notes({ values }), /clusterAware\.enabled is false/);
});

t.test('a custom org policy is rendered as a valid policy file', async (t) => {
  const values = `
policy:
  mode: audit
  rules:
    ipblock-world: {action: deny}
    allow-all-ingress: {action: "off"}
    cidr-too-wide: {action: deny, params: {ipv4MinPrefix: 20}}
    ipblock-cluster-cidr: {params: {podCIDRs: [10.244.0.0/16], serviceCIDRs: [10.96.0.0/12]}}
    protected-policy: {params: {allowedUsers: ["system:serviceaccount:flux-system:kustomize-controller"]}}
  exemptions:
    - namespaces: [kube-system]
      reason: cluster components manage their own policies
    - namespaceSelector: {matchLabels: {team: edge}}
      rules: [allow-all-ingress]
      reason: edge gateways take traffic from everywhere
`;
  const r = await render({ values });
  const policy = policyOf(r);
  t.equal(policy.mode, 'audit');
  t.equal(setting(policy, 'ipblock-world')?.action, 'deny');
  t.equal(setting(policy, 'allow-all-ingress')?.action, 'off');
  t.same(setting(policy, 'cidr-too-wide'), { action: 'deny', params: { ipv4MinPrefix: 20, ipv6MinPrefix: 48 } });
  t.same(setting(policy, 'ipblock-cluster-cidr')?.params, { podCIDRs: ['10.244.0.0/16'], serviceCIDRs: ['10.96.0.0/12'] });
  t.equal(setting(policy, 'ipblock-cluster-cidr')?.action, 'warn', 'values merge: the default action stays');
  t.match(setting(policy, 'protected-policy')?.params, { allowedUsers: ['system:serviceaccount:flux-system:kustomize-controller'], allowedGroups: ['system:masters'] });
  t.equal(policy.exemptions.length, 2);
  t.match(await notes({ values }), /- policy\.mode is audit: nothing is denied/);
  // The chart's own NetworkPolicy under this stricter policy.
  t.equal(reviewOwn(r.one('NetworkPolicy'), policy).verdict, 'allowed');
});

t.test('the values schema rejects unknown keys and wrong types', async (t) => {
  await renderFails(t, { values: { replicaCount: 3 } }, /at '': additional properties 'replicaCount' not allowed/);
  await renderFails(t, { values: { webhook: { failurepolicy: 'Fail' } } }, /at '\/webhook': additional properties 'failurepolicy' not allowed/);
  await renderFails(t, { values: { replicas: 'two' } }, /at '\/replicas': got string, want integer/);
  await renderFails(t, { values: { webhook: { failurePolicy: 'Deny' } } }, /at '\/webhook\/failurePolicy': value must be one of 'Fail', 'Ignore'/);
  await renderFails(t, { values: { webhook: { timeoutSeconds: 31 } } }, /at '\/webhook\/timeoutSeconds': maximum: got 31, want 30/);
  await renderFails(t, { values: { webhook: { mutating: { enable: true } } } }, /at '\/webhook\/mutating': additional properties 'enable' not allowed/);
  await renderFails(t, { values: { webhook: { mutating: { enabled: 'yes' } } } }, /at '\/webhook\/mutating\/enabled': got string, want boolean/);
  await renderFails(t, { values: { webhook: { mutating: { failurePolicy: 'Deny' } } } }, /at '\/webhook\/mutating\/failurePolicy': value must be one of 'Fail', 'Ignore'/);
  await renderFails(t, { values: { policy: { rules: { 'egress-without-dnz': { action: 'warn' } } } } }, /at '\/policy\/rules': additional properties 'egress-without-dnz' not allowed/);
  await renderFails(t, { values: { policy: { rules: { 'cidr-too-wide': { params: { ipv4MinPrefix: 40 } } } } } }, /at '\/policy\/rules\/cidr-too-wide\/params\/ipv4MinPrefix': maximum: got 40, want 32/);
  // Unquoted `off` is YAML 1.1's boolean false.
  await renderFails(t, { values: 'policy:\n  rules:\n    ipblock-world: {action: off}\n' }, /at '\/policy\/rules\/ipblock-world\/action': got boolean, want string/);
  await renderFails(t, { values: { networkPolicy: { metrics: { from: [{ podselector: {} }] } } } }, /additional properties 'podselector' not allowed/);
});

t.test('the values schema knows every rule and its parameters', async (t) => {
  const schema = JSON.parse(readFileSync(join(CHART_DIR, 'values.schema.json'), 'utf8'));
  t.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  const rules = schema.properties.policy.properties.rules.properties;
  t.same(Object.keys(rules).sort(), POLICY_CATALOGUE.map((r) => r.id).sort(), 'one schema entry per rule in the catalogue');
  for (const rule of POLICY_CATALOGUE) {
    const params = z.toJSONSchema(rule.params, { io: 'input' }) as { properties?: Record<string, unknown> };
    const keys = Object.keys(params.properties ?? {}).sort();
    t.same(Object.keys(rules[rule.id].properties.params?.properties ?? {}).sort(), keys, `${rule.id} params`);
  }
  // additionalProperties: false on every object schema that lists properties.
  const open: string[] = [];
  const walk = (node: unknown, path: string) => {
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, unknown>;
    if (n.properties && n.additionalProperties !== false) open.push(path || '/');
    for (const [k, v] of Object.entries(n)) walk(v, `${path}/${k}`);
  };
  walk(schema, '');
  t.same(open, [], 'every object with properties rejects unknown keys');
});

t.test('values.yaml documents every key', async (t) => {
  const lines = readFileSync(join(CHART_DIR, 'values.yaml'), 'utf8').split('\n');
  const undocumented: string[] = [];
  const stack: { indent: number; key: string }[] = [];
  lines.forEach((line, i) => {
    const m = /^(\s*)(?:- )?([A-Za-z0-9_.-]+):/.exec(line);
    if (!m || line.trimStart().startsWith('#')) return;
    const indent = (m[1] ?? '').length;
    while (stack.length && (stack.at(-1) as { indent: number }).indent >= indent) stack.pop();
    stack.push({ indent, key: m[2] as string });
    const path = stack.map((s) => s.key).join('.');
    // Inside policy.rules and policy.exemptions the comment sits on the rule or list entry; the
    // entries of free-form maps (resources, DNS pod labels) are documented by the map's comment.
    if (/^(policy\.(rules|exemptions)|resources|networkPolicy\.dns\.podLabels)\.[^.]+/.test(path)) return;
    let j = i - 1;
    while (j >= 0 && (lines[j] as string).trim() === '') j--;
    const documented = line.includes(' #') || (lines[j] ?? '').trimStart().startsWith('#');
    if (!documented) undocumented.push(`${i + 1}: ${path}`);
  });
  t.same(undocumented, []);
});

t.test('image: digest wins over tag', async (t) => {
  const digest = `sha256:${'ab'.repeat(32)}`;
  const r = await render({ values: { image: { repository: 'registry.example.com/npg', tag: '9.9.9', digest } } });
  t.equal(container(r).image, `registry.example.com/npg@${digest}`);
  const tagged = await render({ values: { image: { tag: '9.9.9' } } });
  t.equal(container(tagged).image, 'ghcr.io/netpol-guard/netpol-guard:9.9.9');
});

t.test('rolloutOnChange: checksum annotations roll pods when the policy or certificate changes', async (t) => {
  const a = await render({ values: { rolloutOnChange: true } });
  const b = await render({ values: { rolloutOnChange: true, policy: { mode: 'warn' } } });
  const ann = (r: Rendered) => r.one('Deployment').spec.template.metadata.annotations;
  t.match(ann(a), { 'checksum/policy': /^[0-9a-f]{64}$/, 'checksum/tls': /^[0-9a-f]{64}$/ });
  t.not(ann(a)['checksum/policy'], ann(b)['checksum/policy'], 'a policy change changes the checksum');
  const c = await render({ values: { rolloutOnChange: true, podAnnotations: { team: 'platform' } } });
  t.equal(ann(c).team, 'platform');
});

t.test('options: priorityClassName, hard anti-affinity, no zone spread, ServiceMonitor', async (t) => {
  const r = await render({
    values: {
      priorityClassName: 'system-cluster-critical',
      antiAffinity: 'hard',
      topologySpread: { enabled: false },
      serviceMonitor: { enabled: true, labels: { release: 'kube-prometheus-stack' } },
      tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }],
    },
    args: ['--api-versions', 'monitoring.coreos.com/v1'],
  });
  const spec = r.one('Deployment').spec.template.spec;
  t.equal(spec.priorityClassName, 'system-cluster-critical');
  t.equal(spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey, 'kubernetes.io/hostname');
  t.notOk(spec.topologySpreadConstraints);
  t.equal(spec.tolerations[0].key, 'dedicated');
  const sm = r.one('ServiceMonitor');
  t.equal(sm.metadata.labels?.release, 'kube-prometheus-stack');
  t.same(sm.spec.endpoints[0], { port: 'metrics', scheme: 'http', path: '/metrics', interval: '30s', scrapeTimeout: '10s' });
  t.same(sm.spec.selector.matchLabels, r.one('Deployment').spec.selector.matchLabels);
  t.same(restrictedViolations(spec), []);
});

t.test('audit reports (on by default): exactly the report resources and the Lease, the CRDs, the server configured', async (t) => {
  const r = await render();
  const owner = `${FULLNAME}-audit-reports`;
  t.same(r.one('ClusterRole', owner).rules, auditClusterRules(REPORT_APIS['wgpolicyk8s.io/v1alpha2'], owner), 'src/reports/rbac.ts');
  t.same(r.one('ClusterRoleBinding', owner).subjects, [{ kind: 'ServiceAccount', name: FULLNAME, namespace: NAMESPACE }]);
  t.same(r.one('Role').rules, leaseRules(`${FULLNAME}-audit`));
  t.same(r.one('RoleBinding').roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${FULLNAME}-audit-lease` });
  t.same(r.one('RoleBinding').subjects, [{ kind: 'ServiceAccount', name: FULLNAME, namespace: NAMESPACE }]);
  const crds = r.all('CustomResourceDefinition');
  t.same(crds.map((c) => c.metadata.name).sort(), ['clusterpolicyreports.wgpolicyk8s.io', 'policyreports.wgpolicyk8s.io']);
  for (const c of crds) {
    t.equal(c.metadata.annotations?.['helm.sh/resource-policy'], 'keep', `${c.metadata.name} is kept on uninstall`);
    const file = reportCrds().find((x) => x.crd.metadata.name === c.metadata.name)!;
    t.same(c.spec, file.crd.spec, `${c.metadata.name}: the shipped CRD`);
  }
  const env = envOf(r);
  const o = parseServeOptions([], env);
  t.equal(o.audit.enabled, true);
  t.equal(o.audit.reportApi, 'wgpolicyk8s.io/v1alpha2');
  t.equal(o.audit.reportOwner, owner, 'the reports are owned by the ClusterRole that grants them');
  t.equal(o.audit.leaseName, `${FULLNAME}-audit`, 'the Lease the Role names');
  t.same([o.audit.leaseDurationMs, o.audit.renewDeadlineMs, o.audit.retryPeriodMs], [15000, 10000, 2000]);
  const identity = (container(r).env as K8sObject[]).find((e) => e.name === 'NETPOL_GUARD_LEASE_IDENTITY');
  t.same(identity?.valueFrom, { fieldRef: { fieldPath: 'metadata.name' } }, 'the pod name holds the Lease');
});

t.test('audit reports with openreports.io, without CRDs, off', async (t) => {
  const or = await render({ values: { auditReports: { api: 'openreports.io/v1alpha1' } } });
  const owner = `${FULLNAME}-audit-reports`;
  t.same(or.one('ClusterRole', owner).rules, auditClusterRules(REPORT_APIS['openreports.io/v1alpha1'], owner));
  t.same(or.all('CustomResourceDefinition').map((c) => c.metadata.name).sort(), ['clusterreports.openreports.io', 'reports.openreports.io']);
  t.equal(parseServeOptions([], envOf(or)).audit.reportApi, 'openreports.io/v1alpha1');

  const noCrds = await render({ values: { auditReports: { installCRDs: false } } });
  t.same(noCrds.all('CustomResourceDefinition'), []);
  t.ok(noCrds.maybe('ClusterRole', owner), 'the reports are still written');

  for (const values of [{ auditReports: { enabled: false } }, { clusterAware: { enabled: false } }]) {
    const off = await render({ values });
    t.same(off.all('CustomResourceDefinition'), [], `${JSON.stringify(values)}: no CRDs`);
    t.notOk(off.maybe('ClusterRole', owner), 'no report RBAC');
    t.notOk(off.maybe('Role'), 'no Lease RBAC');
    t.equal(parseServeOptions([], envOf(off)).audit.enabled, false);
  }
  t.match(await notes({ values: { clusterAware: { enabled: false } } }), /auditReports\.enabled has no effect without clusterAware\.enabled/);
});

t.test('audit reports: bad values fail the render with the key to change', async (t) => {
  await renderFails(t, { values: { auditReports: { lease: { durationMs: 8000 } } } }, /auditReports\.lease: retryPeriodMs \(2000\) < renewDeadlineMs \(10000\) < durationMs \(8000\) must hold/);
  await renderFails(t, { values: { auditReports: { api: 'wgpolicyk8s.io/v1beta1' } } }, /auditReports\/api/);
  await renderFails(t, { values: { auditReports: { maxResult: 5 } } }, /additional properties 'maxResult' not allowed/);
});

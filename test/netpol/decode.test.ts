/**
 * The wire shape: wrong types, wrong kinds and unknown fields become issues at exact paths
 * (never exceptions); every field the API server itself sends decodes.
 */
import t from 'tap';
import { decodeNetworkPolicy } from '../../src/netpol/decode.js';

const issues = (v: unknown) => decodeNetworkPolicy(v).issues.map((i) => `${i.kind} ${i.field}: ${i.message}`);

t.test('a full object as the API server sends it', async (t) => {
  const stored = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: 'web',
      namespace: 'prod',
      uid: '6d7c3a8e-3f7b-4c61-9f5e-0b6f1c1d2e3f',
      resourceVersion: '12345',
      generation: 3,
      creationTimestamp: '2026-11-23T10:00:00Z',
      labels: { app: 'web' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"apiVersion":"networking.k8s.io/v1"}\n' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'abc', controller: true, blockOwnerDeletion: true }],
      finalizers: ['example.com/keep'],
      managedFields: [
        { manager: 'kubectl-client-side-apply', operation: 'Update', apiVersion: 'networking.k8s.io/v1', time: '2026-11-23T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:podSelector': {} } } },
      ],
    },
    spec: { podSelector: {}, policyTypes: ['Ingress'] },
    status: {},
  };
  const r = decodeNetworkPolicy(stored);
  t.same(r.issues, []);
  t.equal(r.policy?.metadata?.uid, stored.metadata.uid);
});

t.test('typos are unknown fields, as strict decoding reports them', async (t) => {
  t.same(issues({ kind: 'NetworkPolicy', spec: { Ingress: [], podSelector: {} } }), ['unknown-field spec.Ingress: unknown field "spec.Ingress"']);
  t.same(issues({ spec: { ingress: [{ form: [] }] } }), ['unknown-field spec.ingress[0].form: unknown field "spec.ingress[0].form"']);
  t.same(issues({ spec: { policyType: ['Egress'] } }), ['unknown-field spec.policyType: unknown field "spec.policyType"']);
  t.same(issues({ metadata: { name: 'x', namepsace: 'y' } }), ['unknown-field metadata.namepsace: unknown field "metadata.namepsace"']);
  const r = decodeNetworkPolicy({ spec: { Egress: [], egress: [{}] } });
  t.ok(r.policy, 'the rest still decodes, so it can be validated');
  t.same(r.policy?.spec?.egress, [{}]);
});

t.test('wrong types', async (t) => {
  t.same(issues({ spec: { ingress: [{ ports: [{ port: { number: 80 } }] }] } }), [
    'invalid-type spec.ingress[0].ports[0].port: spec.ingress[0].ports[0].port: expected a port number or a port name, got an object {"number":80}',
  ]);
  t.same(issues({ spec: { egress: [{ to: [{ ipBlock: { cidr: 10 } }] }] } }), [
    'invalid-type spec.egress[0].to[0].ipBlock.cidr: spec.egress[0].to[0].ipBlock.cidr: expected a string, got number 10',
  ]);
  t.same(issues({ spec: { ingress: [{ ports: [{ port: 1.5 }] }] } })[0]?.startsWith('invalid-type spec.ingress[0].ports[0].port'), true, 'fractions are not ports');
  t.same(issues({ spec: { ingress: [{ ports: [{ port: 80, endPort: 2 ** 31 }] }] } }), [
    'invalid-type spec.ingress[0].ports[0].endPort: spec.ingress[0].ports[0].endPort: out of range for a 32-bit integer, got number 2147483648',
  ]);
  t.same(issues({ metadata: { labels: { version: 1.0 } } }), ['invalid-type metadata.labels.version: metadata.labels.version: expected a string, got number 1'], 'unquoted YAML numbers in labels');
  t.same(issues({ spec: 'none' }), ['invalid-type spec: spec: expected an object, got string "none"']);
  t.same(issues({ spec: { ingress: {} } }), ['invalid-type spec.ingress: spec.ingress: expected a list, got an object {}']);
  t.same(issues([]), [' : expected a NetworkPolicy object, got a list []'].map((s) => `invalid-type${s}`));
  t.same(issues(null), ['invalid-type : expected a NetworkPolicy object, got null']);
});

t.test('kind and apiVersion', async (t) => {
  t.same(issues({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworPolicy' }), ['invalid-kind kind: kind: expected "NetworkPolicy", got string "NetworPolicy"']);
  t.same(issues({ apiVersion: 'extensions/v1beta1', kind: 'NetworkPolicy' }), [
    'invalid-kind apiVersion: apiVersion: expected "networking.k8s.io/v1", got string "extensions/v1beta1"',
  ]);
  t.same(issues({}), [], 'both may be omitted where the caller knows the kind');
});

t.test('null means absent, as in Go', async (t) => {
  const r = decodeNetworkPolicy({ metadata: null, spec: { podSelector: null, ingress: [{ ports: [null], from: null }], policyTypes: null } });
  t.same(r.issues, []);
  t.same(r.policy, { spec: { ingress: [{ ports: [{}] }] } });
  t.same(decodeNetworkPolicy({ spec: { egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: [null] } }] }] } }).policy?.spec?.egress?.[0]?.to?.[0]?.ipBlock?.except, [''], 'a null string in a list is ""');
});

t.test('hostile shapes never throw', async (t) => {
  let deep: unknown = {};
  for (let i = 0; i < 5000; i++) deep = { spec: deep };
  t.doesNotThrow(() => decodeNetworkPolicy(deep));
  const proto = JSON.parse('{"metadata":{"labels":{"__proto__":"x","constructor":"y"}}}');
  const r = decodeNetworkPolicy(proto);
  t.same(r.issues, []);
  t.same(Object.keys(r.policy?.metadata?.labels ?? {}), ['__proto__', 'constructor'], 'kept as plain keys, so validation sees them');
  t.equal(({} as Record<string, unknown>).x, undefined);
});

/**
 * fast-check arbitraries for NetworkPolicy objects: valid ones (as a person would write them,
 * fields often omitted) for property tests, and mutated ones for fuzzing.
 */
import fc from 'fast-check';

const labelKey = fc.constantFrom('app', 'role', 'tier', 'team', 'example.com/owner', 'kubernetes.io/metadata.name');
const labelValue = fc.constantFrom('web', 'db', 'frontend', 'backend', 'x', '', 'prod');
const labels = fc.dictionary(labelKey, labelValue, { maxKeys: 3 });

export const selectorArb = fc.oneof(
  fc.constant({}),
  fc.record({ matchLabels: labels }),
  fc.record(
    {
      matchLabels: labels,
      matchExpressions: fc.array(
        fc.oneof(
          fc.record({ key: labelKey, operator: fc.constantFrom('In', 'NotIn'), values: fc.array(labelValue, { minLength: 1, maxLength: 3 }) }),
          fc.record({ key: labelKey, operator: fc.constantFrom('Exists', 'DoesNotExist') }),
        ),
        { maxLength: 2 },
      ),
    },
    { requiredKeys: [] },
  ),
);

export const cidrArb = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 223 }), fc.integer({ min: 8, max: 32 })).map(([a, p]) => {
    const addr = (a << 24) >>> 0;
    const mask = p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0;
    const n = (addr & mask) >>> 0;
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${p}`;
  }),
  fc.constantFrom('0.0.0.0/0', '10.0.0.0/8', '192.168.0.0/16', 'fd00::/8', '2001:db8::/32', '::/0'),
);

export const portArb = fc.record(
  {
    protocol: fc.constantFrom('TCP', 'UDP', 'SCTP'),
    port: fc.oneof(fc.integer({ min: 1, max: 65535 }), fc.constantFrom('http', 'dns', 'metrics', 'grpc-web')),
  },
  { requiredKeys: [] },
);

export const peerArb = fc.oneof(
  fc.record({ podSelector: selectorArb }),
  fc.record({ namespaceSelector: selectorArb }),
  fc.record({ podSelector: selectorArb, namespaceSelector: selectorArb }),
  fc.record({ ipBlock: fc.record({ cidr: cidrArb }) }),
);

const ingressRule = fc.record({ ports: fc.array(portArb, { maxLength: 3 }), from: fc.array(peerArb, { maxLength: 3 }) }, { requiredKeys: [] });
const egressRule = fc.record({ ports: fc.array(portArb, { maxLength: 3 }), to: fc.array(peerArb, { maxLength: 3 }) }, { requiredKeys: [] });

/** A valid NetworkPolicy as submitted: optional fields come and go, policyTypes often omitted. */
export const validPolicyArb = fc.record({
  apiVersion: fc.constant('networking.k8s.io/v1'),
  kind: fc.constant('NetworkPolicy'),
  metadata: fc.record({
    name: fc.constantFrom('allow-web', 'deny-all', 'team-a.web', 'x'),
    namespace: fc.constantFrom('default', 'prod', 'team-a'),
  }),
  spec: fc.record(
    {
      podSelector: selectorArb,
      ingress: fc.array(ingressRule, { maxLength: 3 }),
      egress: fc.array(egressRule, { maxLength: 3 }),
      policyTypes: fc.constantFrom(['Ingress'], ['Egress'], ['Ingress', 'Egress'], ['Egress', 'Ingress']),
    },
    { requiredKeys: [] },
  ),
});

const timestampArb = fc
  .tuple(fc.integer({ min: 2015, max: 2030 }), fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }), fc.integer({ min: 0, max: 86399 }), fc.constantFrom('Z', '+02:00', '-05:30', '.123456Z'))
  .map(([y, mo, d, s, zone]) => {
    const two = (n: number) => String(n).padStart(2, '0');
    return `${y}-${two(mo)}-${two(d)}T${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}${zone}`;
  });
const word = fc.constantFrom('a', 'kubectl', 'kube-controller-manager', 'x-1', '');
const annotations = fc.dictionary(fc.constantFrom('kubectl.kubernetes.io/last-applied-configuration', 'example.com/note', 'a'), fc.string({ maxLength: 40 }), { maxKeys: 3 });

/** metav1.ObjectMeta as an API server sends it: every field may appear, timestamps, owners, managedFields. */
export const fullMetadataArb = fc.record(
  {
    name: fc.constantFrom('allow-web', 'deny-all', 'x'),
    generateName: fc.constantFrom('np-', ''),
    namespace: fc.constantFrom('default', 'prod'),
    selfLink: fc.constantFrom('/apis/networking.k8s.io/v1/namespaces/prod/networkpolicies/x'),
    uid: fc.uuid(),
    resourceVersion: fc.integer({ min: 1, max: 1e9 }).map(String),
    generation: fc.integer({ min: 1, max: 2 ** 40 }),
    creationTimestamp: timestampArb,
    deletionTimestamp: timestampArb,
    deletionGracePeriodSeconds: fc.integer({ min: 0, max: 3600 }),
    labels,
    annotations,
    ownerReferences: fc.array(
      fc.record(
        { apiVersion: fc.constantFrom('apps/v1', 'v1'), kind: fc.constantFrom('Deployment', 'ConfigMap'), name: word, uid: fc.uuid(), controller: fc.boolean(), blockOwnerDeletion: fc.boolean() },
        { requiredKeys: ['apiVersion', 'kind', 'name', 'uid'] },
      ),
      { maxLength: 2 },
    ),
    finalizers: fc.array(fc.constantFrom('example.com/keep', 'orphan'), { maxLength: 2 }),
    managedFields: fc.array(
      fc.record(
        {
          manager: word,
          operation: fc.constantFrom('Apply', 'Update'),
          apiVersion: fc.constant('networking.k8s.io/v1'),
          time: timestampArb,
          fieldsType: fc.constant('FieldsV1'),
          fieldsV1: fc.constantFrom({}, { 'f:spec': { 'f:podSelector': {} } }, { 'f:metadata': { 'f:labels': { '.': {} } } }),
          subresource: fc.constantFrom('status', ''),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);

/** A valid NetworkPolicy as an API server stores and sends it: full metadata, sometimes a status. */
export const storedPolicyArb = fc
  .tuple(validPolicyArb, fullMetadataArb, fc.option(fc.constantFrom({}, { conditions: [] }), { nil: undefined }))
  .map(([policy, metadata, status]) => ({ ...policy, metadata, ...(status !== undefined ? { status } : {}) }));

/** Values that break naive code: wrong types, extremes, prototype keys, deep nesting, long strings. */
export const hostileValueArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true }),
  fc.constantFrom(
    null,
    true,
    0,
    -1,
    65536,
    2 ** 31,
    2 ** 53 + 2,
    1e308,
    -0,
    0.5,
    '',
    ' ',
    '80',
    '0.0.0.0/0',
    '::ffff:1.2.3.4/120',
    '\u0000\u001b[31m',
    '\ud800',
    [],
    {},
    [null],
  ),
  fc.string({ minLength: 300, maxLength: 2000 }),
  fc.array(fc.constant({ podSelector: {} }), { minLength: 100, maxLength: 600 }),
  fc.integer({ min: 50, max: 200 }).map((depth) => {
    let v: unknown = {};
    for (let i = 0; i < depth; i++) v = i % 2 ? { spec: v } : { ingress: [v] };
    return v;
  }),
  fc.constant(JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}')),
);

function paths(value: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => paths(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) paths(v, [...prefix, k], out);
  return out;
}

function getAt(root: unknown, path: (string | number)[]): unknown {
  let node = root;
  for (const p of path) node = (node as Record<string | number, unknown>)[p];
  return node;
}

function isPlainObject(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function setAt(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const p of path.slice(0, -1)) node = node[p] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = value;
  return copy;
}

/** A valid policy with one to three subtrees (or extra keys) replaced by hostile values. */
export const mutatedPolicyArb: fc.Arbitrary<unknown> = fc
  .tuple(validPolicyArb, fc.array(fc.tuple(fc.nat(), hostileValueArb, fc.boolean(), fc.string({ maxLength: 12 })), { minLength: 1, maxLength: 3 }))
  .map(([policy, mutations]) => {
    let current: unknown = policy;
    for (const [pick, value, addKey, key] of mutations) {
      const all = paths(current);
      const target = all[pick % all.length] as (string | number)[];
      if (addKey) {
        // An extra key on the nearest object at or above the target.
        let at = target;
        while (at.length > 0 && !isPlainObject(getAt(current, at))) at = at.slice(0, -1);
        current = isPlainObject(getAt(current, at)) ? setAt(current, [...at, key || '__proto__'], value) : current;
      } else {
        current = setAt(current, target, value);
      }
    }
    return current;
  });

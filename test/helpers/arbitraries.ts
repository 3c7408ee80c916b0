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

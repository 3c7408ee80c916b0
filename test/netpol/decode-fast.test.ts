/**
 * The fast path of decoding agrees with the zod schema, both ways: whenever it accepts an object,
 * the schema accepts it too, without an issue, and produces the same typed value; and whenever
 * the schema accepts an object without an issue and the object holds none of the two things the
 * fast path leaves to the schema on purpose (a JSON null, a `__proto__` key), the fast path takes
 * it — so a field added to the schema and not to the fast path (or the reverse) fails here.
 */
import fc from 'fast-check';
import t from 'tap';
import { decodeWellFormed } from '../../src/netpol/decode-fast.js';
import { decodeWithSchema } from '../../src/netpol/decode.js';
import { mutatedPolicyArb, storedPolicyArb, validPolicyArb } from '../helpers/arbitraries.js';
import { makeNetworkPolicy } from '../helpers/netpol.js';

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, value: unknown) =>
    value !== null && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined).map((k) => [k, (value as Record<string, unknown>)[k]]))
      : value,
  );
}

const agree = (input: unknown): boolean => {
  const fast = decodeWellFormed(input, 'networking.k8s.io/v1', 'NetworkPolicy');
  if (fast === undefined) return true; // the schema decides; nothing to compare
  const slow = decodeWithSchema(input);
  return slow.issues.length === 0 && canonical(fast) === canonical(slow.policy);
};

t.test('agreement on valid and mutated policies', async (t) => {
  let taken = 0;
  fc.assert(
    fc.property(fc.oneof(validPolicyArb, mutatedPolicyArb), (input) => {
      if (decodeWellFormed(input, 'networking.k8s.io/v1', 'NetworkPolicy')) taken++;
      return agree(input);
    }),
    { seed: 11, numRuns: 800 },
  );
  t.ok(taken > 350, `the fast path took ${taken} of 800`);
});

/** Holds a null or a `__proto__` key somewhere: the two things the fast path leaves to the schema on purpose. */
function holdsNullOrProto(v: unknown): boolean {
  if (v === null) return true;
  if (typeof v !== 'object') return false;
  if (Object.prototype.hasOwnProperty.call(v, '__proto__')) return true;
  return Object.values(v as object).some(holdsNullOrProto);
}

t.test('stored objects with full metadata and status: both paths take them, with the same value', async (t) => {
  let checked = 0;
  fc.assert(
    fc.property(storedPolicyArb, (input) => {
      const fast = decodeWellFormed(input, 'networking.k8s.io/v1', 'NetworkPolicy');
      const slow = decodeWithSchema(input);
      checked++;
      return fast !== undefined && slow.issues.length === 0 && canonical(fast) === canonical(slow.policy);
    }),
    { seed: 12, numRuns: 600 },
  );
  t.equal(checked, 600, 'every generated object was compared');
});

t.test('the other way: what the schema takes cleanly, the fast path takes too', async (t) => {
  let clean = 0;
  fc.assert(
    fc.property(fc.oneof(storedPolicyArb, mutatedPolicyArb), (input) => {
      if (holdsNullOrProto(input) || decodeWithSchema(input).issues.length > 0) return true;
      clean++;
      return decodeWellFormed(input, 'networking.k8s.io/v1', 'NetworkPolicy') !== undefined;
    }),
    { seed: 13, numRuns: 800 },
  );
  t.ok(clean > 300, `${clean} of 800 objects the schema took cleanly were compared`);
});

t.test('what the fast path leaves to the schema', async (t) => {
  const full = {
    ...makeNetworkPolicy(),
    metadata: {
      name: 'x',
      namespace: 'y',
      labels: { a: 'b' },
      managedFields: [{ manager: 'kubectl', operation: 'Update', time: '2026-11-23T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': {} } }],
      ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'n', uid: 'u', controller: true }],
    },
    status: {},
  };
  t.ok(decodeWellFormed(full, 'networking.k8s.io/v1', 'NetworkPolicy'), 'a full object from the API server takes the fast path');
  t.ok(agree(full));
  for (const odd of [
    { ...full, spec: { Ingress: [] } },
    { ...full, kind: 'NetworPolicy' },
    { ...full, spec: { policyTypes: null } },
    { ...full, spec: { ingress: [{ ports: [{ port: 1.5 }] }] } },
    { ...full, metadata: { creationTimestamp: 'yesterday' } },
    JSON.parse('{"metadata":{"labels":{"__proto__":"x"}}}'),
  ]) {
    const fast = decodeWellFormed(odd, 'networking.k8s.io/v1', 'NetworkPolicy');
    if (fast) t.ok(agree(odd), `agrees on ${JSON.stringify(odd).slice(0, 60)}`);
    else t.pass(`left to the schema: ${JSON.stringify(odd).slice(0, 60)}`);
  }
  t.equal(decodeWellFormed({ ...full, spec: { Ingress: [] } }, 'networking.k8s.io/v1', 'NetworkPolicy'), undefined, 'unknown fields go to the schema');
});

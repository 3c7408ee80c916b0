/**
 * Property-based fuzzing of the decision function: valid and mutated NetworkPolicies, as CREATE,
 * UPDATE and DELETE, through every stage. The engine never throws, always returns a verdict that
 * is consistent with its parts, and never pollutes prototypes. (bench/fuzz.ts runs 100,000.)
 */
import fc from 'fast-check';
import t from 'tap';
import { builtinPolicy } from '../../src/policy/parse.js';
import { reviewNetworkPolicy } from '../../src/review.js';
import { hostileValueArb, mutatedPolicyArb, validPolicyArb } from '../helpers/arbitraries.js';

const ctx = { policy: builtinPolicy() };
const operationArb = fc.constantFrom('CREATE', 'UPDATE', 'DELETE') as fc.Arbitrary<'CREATE' | 'UPDATE' | 'DELETE'>;
const objectArb = fc.oneof(validPolicyArb, mutatedPolicyArb, mutatedPolicyArb, hostileValueArb);

t.test('the engine never throws and its verdict matches its parts', async (t) => {
  let reviews = 0;
  fc.assert(
    fc.property(objectArb, objectArb, operationArb, fc.boolean(), (object, oldObject, operation, strictFields) => {
      const review = reviewNetworkPolicy({ operation, object, oldObject, namespace: 'fuzz', strictFields, includeApiWarnings: true }, ctx);
      reviews++;
      if (typeof review.allowed !== 'boolean') return false;
      if (review.allowed !== (review.verdict === 'allowed')) return false;
      if (!review.allowed && !review.status) return false;
      if (review.status && ![400, 403, 422, 500].includes(review.status.code)) return false;
      if (review.verdict === 'invalid' && review.fieldErrors.length === 0) return false;
      if (review.verdict === 'forbidden' && !review.evaluation.findings.some((f) => f.effect === 'deny')) return false;
      for (const w of review.warnings) if (w.length > 256 || /[\u0000-\u001f]/.test(w)) return false;
      JSON.stringify(review.status ?? {}); // serialisable
      return ({} as Record<string, unknown>).polluted === undefined && (Object.prototype as Record<string, unknown>).polluted === undefined;
    }),
    { seed: 20261123, numRuns: 2000 },
  );
  t.equal(reviews, 2000, '2000 reviews, none threw');
});

t.test('valid policies are never malformed and their patch only adds', async (t) => {
  fc.assert(
    fc.property(validPolicyArb, (object) => {
      const review = reviewNetworkPolicy({ operation: 'CREATE', object, strictFields: true, includeApiWarnings: true }, ctx);
      return review.verdict !== 'malformed' && review.patch.every((op) => op.op === 'add');
    }),
    { seed: 7, numRuns: 1000 },
  );
  t.pass('1000 valid policies');
});

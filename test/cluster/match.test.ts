/**
 * The compiled selector matcher the cluster rules use must agree with labelSelectorMatches
 * (metav1.LabelSelectorAsSelector semantics) on every selector and label set.
 */
import fc from 'fast-check';
import t from 'tap';
import { labelSelectorMatches } from '../../src/k8s/labels.js';
import type { LabelSelector } from '../../src/k8s/types.js';
import { selectorMatcher } from '../../src/rules/lib/cluster-match.js';
import { selectorArb } from '../helpers/arbitraries.js';

const key = fc.constantFrom('app', 'role', 'tier', 'team', 'example.com/owner', 'kubernetes.io/metadata.name', 'constructor', '__proto__');
const value = fc.constantFrom('web', 'db', 'frontend', 'backend', 'x', '', 'prod');
const labels = fc.dictionary(key, value, { maxKeys: 4 });
/** Also selectors LabelSelectorAsSelector rejects (and so match nothing). */
const odd = fc.record(
  {
    matchLabels: fc.dictionary(key, value, { maxKeys: 2 }),
    matchExpressions: fc.array(fc.record({ key, operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist', 'Bogus'), values: fc.array(value, { maxLength: 2 }) }, { requiredKeys: ['key', 'operator'] }), { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

t.test('selectorMatcher agrees with labelSelectorMatches', async (t) => {
  fc.assert(
    fc.property(fc.oneof(selectorArb, odd), labels, (selector, l) => selectorMatcher(selector as LabelSelector)(l) === labelSelectorMatches(selector as LabelSelector, l)),
    { numRuns: 5000 },
  );
  t.equal(selectorMatcher(undefined)({ a: 'b' }), false, 'no selector selects nothing');
  t.equal(selectorMatcher({})({}), true, '{} selects everything');
  const s = { matchLabels: { app: 'web' } };
  t.equal(selectorMatcher(s), selectorMatcher(s), 'compiled once per selector object');
});

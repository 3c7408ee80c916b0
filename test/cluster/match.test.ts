/**
 * The compiled selector matcher the cluster rules use must agree with labelSelectorMatches
 * (metav1.LabelSelectorAsSelector semantics) on every selector and label set.
 */
import fc from 'fast-check';
import t from 'tap';
import { labelSelectorMatches } from '../../src/k8s/labels.js';
import type { LabelSelector } from '../../src/k8s/types.js';
import { SelectorMatchers, compileSelector } from '../../src/k8s/label-matchers.js';
import { staticClusterView } from '../../src/cluster/static.js';
import { selectorMatcher, serviceSelects } from '../../src/rules/lib/cluster-match.js';
import { SHOP } from './manifests.js';
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

t.test('compiled selectors agree with labelSelectorMatches', async (t) => {
  const matchers = new SelectorMatchers();
  fc.assert(
    fc.property(fc.oneof(selectorArb, odd), labels, (selector, l) => {
      const expected = labelSelectorMatches(selector as LabelSelector, l);
      return compileSelector(selector as LabelSelector)(l) === expected && matchers.of(selector as LabelSelector)(l) === expected;
    }),
    { numRuns: 5000 },
  );
  t.equal(matchers.of(undefined)({ a: 'b' }), false, 'no selector selects nothing');
  t.equal(matchers.of({})({}), true, '{} selects everything');
  t.equal(matchers.ofLabelMap(undefined)({ a: 'b' }), false, 'a Service without a selector selects nothing');
  t.equal(matchers.ofLabelMap({ app: 'web' })({ app: 'web', tier: 'x' }), true, 'a Service selector is a matchLabels');
  t.equal(matchers.ofLabelMap({ app: 'web' })({ app: 'db' }), false);
  const s = { matchLabels: { app: 'web' } };
  t.equal(matchers.of(s), matchers.of(s), 'compiled once per selector object');
  t.not(new SelectorMatchers().of(s), matchers.of(s), 'each owner keeps its own');
});

t.test('the cluster view owns the memo: one per view, kept across reviews', async (t) => {
  const view = staticClusterView(SHOP, 'test');
  const other = staticClusterView(SHOP, 'test');
  const s = { matchLabels: { app: 'web' } };
  t.equal(selectorMatcher(s, view), selectorMatcher(s, view), 'the same view answers with the same compiled matcher');
  t.not(selectorMatcher(s, view), selectorMatcher(s, other), 'another view compiles its own');
  const svc = view.services()[0]!;
  const pod = view.pods(svc.namespace).find((p) => view.matchers.ofLabelMap(svc.selector)(p.labels));
  t.ok(pod && serviceSelects(svc, pod, view), 'a Service selects the pods its selector matches');
});

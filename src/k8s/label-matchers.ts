/**
 * Label selectors compiled to functions, with labelSelectorMatches' semantics (labels.ts):
 * reviews match the same selectors (stored policies, Services) against thousands of pods, and a
 * compiled selector answers each in a few comparisons. Pure.
 */
import type { LabelSelector } from './types.js';

type Labels = Readonly<Record<string, string>>;
export type LabelMatcher = (labels: Labels | undefined) => boolean;

const hasOwn = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
export const MATCH_NOTHING: LabelMatcher = () => false;
export const MATCH_EVERYTHING: LabelMatcher = () => true;

/** One selector as a matcher; an empty one matches everything, an impossible one nothing. */
export function compileSelector(selector: LabelSelector): LabelMatcher {
  const pairs = Object.entries(selector.matchLabels ?? {});
  const exprs = selector.matchExpressions ?? [];
  if (pairs.length === 0 && exprs.length === 0) return MATCH_EVERYTHING;
  const tests: ((l: Labels) => boolean)[] = pairs.map(([k, v]) => (l) => hasOwn(l, k) && l[k] === v);
  for (const e of exprs) {
    const values = e.values ?? [];
    const key = e.key ?? '';
    switch (e.operator) {
      case 'In':
        if (values.length === 0) return MATCH_NOTHING;
        tests.push((l) => hasOwn(l, key) && values.includes(l[key] as string));
        break;
      case 'NotIn':
        if (values.length === 0) return MATCH_NOTHING;
        tests.push((l) => !(hasOwn(l, key) && values.includes(l[key] as string)));
        break;
      case 'Exists':
        if (values.length > 0) return MATCH_NOTHING;
        tests.push((l) => hasOwn(l, key));
        break;
      case 'DoesNotExist':
        if (values.length > 0) return MATCH_NOTHING;
        tests.push((l) => !hasOwn(l, key));
        break;
      default:
        return MATCH_NOTHING;
    }
  }
  return (labels) => {
    const l = labels ?? {};
    for (const test of tests) if (!test(l)) return false;
    return true;
  };
}

/**
 * Compiled selectors remembered by selector object, for as long as their owner lives. A cluster
 * view owns one (ClusterView.matchers): the selectors of what it stores stay compiled across
 * reviews until the object carrying them is replaced, and those of a reviewed object go with it.
 */
export class SelectorMatchers {
  readonly #compiled = new WeakMap<object, LabelMatcher>();

  /** A NetworkPolicy-style selector; an absent one selects nothing. */
  of(selector: LabelSelector | null | undefined): LabelMatcher {
    if (!selector) return MATCH_NOTHING;
    let m = this.#compiled.get(selector);
    if (!m) this.#compiled.set(selector, (m = compileSelector(selector)));
    return m;
  }

  /** A Service's selector (a plain label map); an absent one selects nothing. */
  ofLabelMap(selector: Labels | undefined): LabelMatcher {
    if (!selector) return MATCH_NOTHING;
    let m = this.#compiled.get(selector);
    if (!m) this.#compiled.set(selector, (m = compileSelector({ matchLabels: { ...selector } })));
    return m;
  }
}

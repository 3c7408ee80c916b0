/**
 * The chart's values.yaml carries the built-in policy's `rules:` entries under `policy.rules`;
 * this puts the catalogue's current entries there. Pure: text in, text out.
 */
import type { CatalogueRule } from './catalogue.js';
import { defaultRuleEntries } from './builtin.js';

/** The line that opens the entries in values.yaml, and the one that follows them. */
const START = '  rules:\n';
const END = '  # -- Namespaces';

/** values.yaml with its `policy.rules` entries replaced by the catalogue's defaults. */
export function withDefaultRules(values: string, rules: readonly CatalogueRule[]): string {
  const policy = values.indexOf('\npolicy:\n');
  const start = values.indexOf(START, policy);
  const end = values.indexOf(END, start);
  if (policy < 0 || start < 0 || end < 0) throw new Error('values.yaml: no policy.rules block followed by the exemptions');
  return values.slice(0, start + START.length) + defaultRuleEntries(rules, '    ') + values.slice(end);
}

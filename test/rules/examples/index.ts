/**
 * For every rule, objects it must flag and objects it must pass, including the seed documents'
 * own examples: one file per rule, named by its id (`<rule-id>.ts` exporting `examples`). The
 * meta-test in rules.test.ts fails when a rule of the catalogue has no file, or a file no rule.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { RuleExamples } from './common.js';

export type { Example, RuleExamples } from './common.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const ids = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'common.ts')
  .map((f) => f.slice(0, -'.ts'.length))
  .sort();

export const EXAMPLES: Record<string, RuleExamples> = Object.fromEntries(
  await Promise.all(ids.map(async (id) => [id, ((await import(`./${id}.js`)) as { examples: RuleExamples }).examples] as const)),
);

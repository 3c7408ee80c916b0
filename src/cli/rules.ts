/**
 * `netpol-guard rules`: every rule an org policy can name (admission and audit), as a table,
 * JSON, or the Markdown of docs/rules.md.
 */
import { type CatalogueRule, POLICY_CATALOGUE } from '../policy/catalogue.js';
import { parseCommandOrHelp } from './args.js';
import { renderCatalogue } from './catalogue-render.js';
import { type FormatTable, defaultFormat, formatChoices, rendererFor } from './formats.js';

const RULES_FORMATS: FormatTable<readonly CatalogueRule[]> = {
  table: (rules) => renderCatalogue(rules, 'table'),
  json: (rules) => renderCatalogue(rules, 'json'),
  markdown: (rules) => renderCatalogue(rules, 'markdown'),
};

const RULES_USAGE = `Usage: netpol-guard rules [-o ${formatChoices(RULES_FORMATS)}]\n\nLists the org-policy rules (admission and audit): id, default action, what they need, title.\n`;

export async function runRules(argv: string[]): Promise<number> {
  const parsed = parseCommandOrHelp(argv, { output: { type: 'string', short: 'o', default: defaultFormat(RULES_FORMATS) } }, RULES_USAGE, false);
  if (!parsed) return 0;
  process.stdout.write(rendererFor(RULES_FORMATS, parsed.values.output)(POLICY_CATALOGUE));
  return 0;
}

/**
 * `netpol-guard rules` and `netpol-guard policy`: what the org policy can say.
 */
import { parseCommandLine } from './args.js';
import { BUILTIN_POLICY_YAML } from '../policy/builtin.js';
import { type CatalogueRule, POLICY_CATALOGUE } from '../policy/catalogue.js';
import { type FormatTable, defaultFormat, formatChoices, rendererFor } from './formats.js';
import { renderCatalogue } from './rules-catalogue.js';

const RULES_FORMATS: FormatTable<readonly CatalogueRule[]> = {
  table: (rules) => renderCatalogue(rules, 'table'),
  json: (rules) => renderCatalogue(rules, 'json'),
  markdown: (rules) => renderCatalogue(rules, 'markdown'),
};

const RULES_USAGE = `Usage: netpol-guard rules [-o ${formatChoices(RULES_FORMATS)}]\n\nLists the org-policy rules (admission and audit): id, default action, what they need, title.\n`;
const POLICY_USAGE = 'Usage: netpol-guard policy\n\nPrints the built-in org policy; save it, edit it, pass it with --policy.\n';

export async function runRules(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(argv, { output: { type: 'string', short: 'o', default: defaultFormat(RULES_FORMATS) }, help: { type: 'boolean', short: 'h' } }, RULES_USAGE, false);
  if (values.help) {
    process.stdout.write(RULES_USAGE);
    return 0;
  }
  process.stdout.write(rendererFor(RULES_FORMATS, values.output)(POLICY_CATALOGUE));
  return 0;
}

export async function runPolicy(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(argv, { help: { type: 'boolean', short: 'h' } }, POLICY_USAGE, false);
  if (values.help) {
    process.stdout.write(POLICY_USAGE);
    return 0;
  }
  process.stdout.write(BUILTIN_POLICY_YAML);
  return 0;
}

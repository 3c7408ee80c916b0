/**
 * `netpol-guard rules` and `netpol-guard policy`: what the org policy can say.
 */
import { NpgError } from '../errors.js';
import { parseCommandLine } from './args.js';
import { BUILTIN_POLICY_YAML } from '../policy/builtin.js';
import { ALL_RULES } from '../rules/index.js';
import { type CatalogueFormat, renderCatalogue } from './rules-catalogue.js';

const RULES_USAGE = 'Usage: netpol-guard rules [-o table|json|markdown]\n\nLists the org-policy rules: id, default action, what they need, title.\n';
const POLICY_USAGE = 'Usage: netpol-guard policy\n\nPrints the built-in org policy; save it, edit it, pass it with --policy.\n';

export async function runRules(argv: string[]): Promise<number> {
  const { values } = parseCommandLine(argv, { output: { type: 'string', short: 'o', default: 'table' }, help: { type: 'boolean', short: 'h' } }, RULES_USAGE, false);
  if (values.help) {
    process.stdout.write(RULES_USAGE);
    return 0;
  }
  if (!['table', 'json', 'markdown'].includes(values.output)) {
    throw new NpgError('NPG_OPTION_INVALID', `-o must be table, json or markdown, got ${JSON.stringify(values.output)}`);
  }
  process.stdout.write(renderCatalogue(ALL_RULES, values.output as CatalogueFormat));
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

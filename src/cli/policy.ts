/**
 * `netpol-guard policy`: the built-in org policy, to save, edit and pass back with --policy.
 */
import { BUILTIN_POLICY_YAML } from '../policy/builtin.js';
import { parseCommandOrHelp } from './args.js';

const POLICY_USAGE = 'Usage: netpol-guard policy\n\nPrints the built-in org policy; save it, edit it, pass it with --policy.\n';

export async function runPolicy(argv: string[]): Promise<number> {
  if (!parseCommandOrHelp(argv, {}, POLICY_USAGE, false)) return 0;
  process.stdout.write(BUILTIN_POLICY_YAML);
  return 0;
}

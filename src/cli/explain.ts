/**
 * `netpol-guard explain`: each NetworkPolicy in the inputs in plain words.
 */
import { NpgError } from '../errors.js';
import { parseCommandLine } from './args.js';
import { explainNetworkPolicy } from '../netpol/explain/index.js';
import { lineOf } from '../yaml/locate.js';
import { isNetworkPolicyDocument } from './check-core.js';
import { renderExplanationJson, renderExplanationsText } from './explain-render.js';
import { readInputs } from './inputs.js';

export const EXPLAIN_USAGE = `Usage: netpol-guard explain [options] PATH...

Explains each NetworkPolicy in the inputs (files, directories, or - for stdin): which pods it
selects, which directions it isolates, who may connect on which ports, what defaulting changes,
and what is denied as a consequence.

Options:
  --namespace NS        namespace for objects without one
  -o, --output FORMAT   text (default) or json
`;

export async function runExplain(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(
    argv,
    {
      namespace: { type: 'string' },
      output: { type: 'string', short: 'o', default: 'text' },
      help: { type: 'boolean', short: 'h' },
    },
    EXPLAIN_USAGE,
    true,
  );
  if (values.help) {
    process.stdout.write(EXPLAIN_USAGE);
    return 0;
  }
  if (!['text', 'json'].includes(values.output)) throw new NpgError('NPG_OPTION_INVALID', `-o must be text or json, got ${JSON.stringify(values.output)}`);
  if (positionals.length === 0) throw new NpgError('NPG_OPTION_INVALID', `no input given\n\n${EXPLAIN_USAGE}`);
  const { objects, errors } = await readInputs(positionals);
  for (const e of errors) process.stderr.write(`netpol-guard: ${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}\n`);
  const policies = objects.filter((o) => isNetworkPolicyDocument(o.value));
  const explanations = policies.map((o) => explainNetworkPolicy(o.value, values.namespace ? { namespace: values.namespace } : {}));
  if (values.output === 'json') {
    process.stdout.write(renderExplanationJson(explanations));
  } else {
    const lineOpts = policies.map((o) => ({ lineOf: (field: string) => lineOf(o.located, o.prefix ? (field ? `${o.prefix}.${field}` : o.prefix) : field) }));
    process.stdout.write(renderExplanationsText(explanations, lineOpts));
  }
  return errors.length > 0 ? 2 : 0;
}

/**
 * `netpol-guard explain`: each NetworkPolicy in the inputs in plain words.
 */
import { NpgError } from '../errors.js';
import { parseCommandOrHelp } from './args.js';
import { type Explanation, explainNetworkPolicy } from '../netpol/explain/index.js';
import { lineOf } from '../yaml/locate.js';
import { isNetworkPolicyDocument } from './check-report.js';
import { renderExplanationJson, renderExplanationsText } from './explain-render.js';
import { type FormatTable, defaultFormat, formatsForUsage, rendererFor } from './formats.js';
import { type InputObject, readInputs } from './inputs.js';

interface ExplainOutput {
  readonly explanations: readonly Explanation[];
  readonly policies: readonly InputObject[];
}

const EXPLAIN_FORMATS: FormatTable<ExplainOutput> = {
  text: ({ explanations, policies }) =>
    renderExplanationsText(
      explanations,
      policies.map((o) => ({ lineOf: (field: string) => lineOf(o.located, o.prefix ? (field ? `${o.prefix}.${field}` : o.prefix) : field) })),
    ),
  json: ({ explanations }) => renderExplanationJson(explanations),
};

export const EXPLAIN_USAGE = `Usage: netpol-guard explain [options] PATH...

Explains each NetworkPolicy in the inputs (files, directories, or - for stdin): which pods it
selects, which directions it isolates, who may connect on which ports, what defaulting changes,
and what is denied as a consequence.

Options:
  --namespace NS        namespace for objects without one
  -o, --output FORMAT   ${formatsForUsage(EXPLAIN_FORMATS)}
`;

export async function runExplain(argv: string[]): Promise<number> {
  const parsed = parseCommandOrHelp(
    argv,
    {
      namespace: { type: 'string' },
      output: { type: 'string', short: 'o', default: defaultFormat(EXPLAIN_FORMATS) },
    },
    EXPLAIN_USAGE,
  );
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  const render = rendererFor(EXPLAIN_FORMATS, values.output);
  if (positionals.length === 0) throw new NpgError('NPG_OPTION_INVALID', `no input given\n\n${EXPLAIN_USAGE}`);
  const { objects, errors } = await readInputs(positionals);
  for (const e of errors) process.stderr.write(`netpol-guard: ${e.file}${e.line ? `:${e.line}` : ''}: ${e.message}\n`);
  const policies = objects.filter((o) => isNetworkPolicyDocument(o.value));
  const explanations = policies.map((o) => explainNetworkPolicy(o.value, values.namespace ? { namespace: values.namespace } : {}));
  process.stdout.write(render({ explanations, policies }));
  return errors.length > 0 ? 2 : 0;
}

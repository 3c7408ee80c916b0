/**
 * `netpol-guard explain`: each NetworkPolicy in the inputs in plain words; with a cluster (its
 * manifests or a live one), also the pods it selects and what each peer matches today.
 */
import type { ClusterView } from '../cluster/view.js';
import { NpgError } from '../errors.js';
import { explainInCluster } from '../explain-in-cluster.js';
import { decodeNetworkPolicy } from '../netpol/decode.js';
import { parseCommandOrHelp } from './args.js';
import { type Explanation, explainNetworkPolicy } from '../netpol/explain/index.js';
import { lineOf } from '../yaml/locate.js';
import { isNetworkPolicyDocument } from './check-report.js';
import { renderExplanationJson, renderExplanationsText } from './explain-render.js';
import { type FormatTable, defaultFormat, formatsForUsage, rendererFor } from './formats.js';
import { openClusterInput } from './cluster-input.js';
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
  --cluster-state PATH  manifests of the cluster (Namespaces, Pods with labels and IPs...): also
                        say which pods each policy selects and what each peer matches (repeatable)
  --kubeconfig PATH     the same from a live cluster (list only; nothing is changed)
  -o, --output FORMAT   ${formatsForUsage(EXPLAIN_FORMATS)}
`;

export async function runExplain(argv: string[]): Promise<number> {
  const parsed = parseCommandOrHelp(
    argv,
    {
      namespace: { type: 'string' },
      'cluster-state': { type: 'string', multiple: true },
      kubeconfig: { type: 'string' },
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
  let explanations = policies.map((o) => explainNetworkPolicy(o.value, values.namespace ? { namespace: values.namespace } : {}));
  if (values['cluster-state'] || values.kubeconfig !== undefined) {
    const opened = await openClusterInput(
      { ...(values['cluster-state'] ? { clusterState: values['cluster-state'] } : {}), ...(values.kubeconfig !== undefined ? { kubeconfig: values.kubeconfig } : {}) },
      EXPLAIN_USAGE,
    );
    try {
      explanations = explanations.map((e, i) => withCluster(e, policies[i]!.value, opened.view));
    } finally {
      await opened.close();
    }
  }
  process.stdout.write(render({ explanations, policies }));
  return errors.length > 0 ? 2 : 0;
}

/**
 * The explanation with what the policy meets in the cluster. A policy whose namespace is left to
 * kubectl is taken to be for `default`, kubectl's namespace when the context names none.
 */
function withCluster(e: Explanation, value: unknown, view: ClusterView): Explanation {
  const np = e.decoded ? decodeNetworkPolicy(value).policy : undefined;
  if (!np) return e;
  return { ...e, cluster: explainInCluster(np, e.namespace.name ?? 'default', view) };
}

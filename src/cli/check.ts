/**
 * `netpol-guard check`: the webhook's verdicts, offline, for manifests in a pull request.
 */
import { NpgError } from '../errors.js';
import { parseCommandOrHelp } from './args.js';
import { loadPolicyFile } from '../policy/load.js';
import { builtinPolicy } from '../policy/parse.js';
import type { OrgPolicy } from '../policy/types.js';
import { performance } from 'node:perf_hooks';
import type { ReviewContext } from '../review.js';
import { LiveImpact } from '../impact/live.js';

/** Offline there is no API server waiting: a generous bound, only against a pathological input. */
const CLI_IMPACT_BUDGET_MS = 60_000;
import { type CheckReport, checkObjects, exitCode } from './check-report.js';
import { COLOR, PLAIN, renderJson, renderSarif, renderText } from './check-render.js';
import { loadClusterState } from '../cluster/load-state.js';
import { type FormatTable, defaultFormat, formatsForUsage, rendererFor } from './formats.js';
import { readInputs } from './inputs.js';

interface CheckOutput {
  readonly report: CheckReport;
  readonly policy: OrgPolicy;
  readonly color: boolean;
}

const CHECK_FORMATS: FormatTable<CheckOutput> = {
  text: ({ report, color }) => renderText(report, color ? COLOR : PLAIN),
  json: ({ report }) => renderJson(report),
  sarif: ({ report, policy }) => renderSarif(report, policy.rules.map((r) => r.rule)),
};

export const CHECK_USAGE = `Usage: netpol-guard check [options] PATH...

Checks NetworkPolicy manifests (files, directories searched for .yaml/.yml/.json, or - for stdin)
and gives the verdict the webhook would give: the API server's own validation and defaulting, then
the org policy. Other kinds of documents are skipped.

Options:
  --policy FILE           org policy (default: the built-in one)
  --cluster-state PATH    manifests of the cluster (namespaces, pods, services...) for cluster-aware rules
  --namespace NS          namespace for objects without one (default: "default", as kubectl's usual)
  -o, --output FORMAT     ${formatsForUsage(CHECK_FORMATS)}
  --strict                exit 1 on warnings too
  --no-color              plain text even on a terminal

Exit codes: 0 nothing denied, 1 something denied (or warned, with --strict), 2 usage or input errors.
`;

export async function runCheck(argv: string[]): Promise<number> {
  const parsed = parseCommandOrHelp(
    argv,
    {
      policy: { type: 'string' },
      'cluster-state': { type: 'string', multiple: true },
      namespace: { type: 'string' },
      output: { type: 'string', short: 'o', default: defaultFormat(CHECK_FORMATS) },
      strict: { type: 'boolean', default: false },
      'no-color': { type: 'boolean', default: false },
    },
    CHECK_USAGE,
  );
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  const render = rendererFor(CHECK_FORMATS, values.output);
  if (positionals.length === 0) throw new NpgError('NPG_OPTION_INVALID', `no input given\n\n${CHECK_USAGE}`);

  const policy = values.policy ? await loadPolicyFile(values.policy) : builtinPolicy();
  const cluster = values['cluster-state'] ? await loadClusterState(values['cluster-state']) : undefined;
  // With cluster state, the impact too, as the webhook works it out (without its time budget).
  const ctx: ReviewContext = { policy, ...(cluster ? { cluster, impact: new LiveImpact(cluster, { now: () => performance.now() }), impactBudgetMs: CLI_IMPACT_BUDGET_MS } : {}) };
  const { objects, errors, files } = await readInputs(positionals);
  const report = checkObjects(objects, errors, files, ctx, values.namespace);

  const color = !values['no-color'] && process.stdout.isTTY === true && !process.env.NO_COLOR;
  process.stdout.write(render({ report, policy, color }));
  return exitCode(report, values.strict);
}

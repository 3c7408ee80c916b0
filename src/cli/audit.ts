/**
 * `netpol-guard audit`: the cluster's policies judged as a whole, from a live cluster or from
 * manifests of its state, as text, JSON, SARIF or one self-contained HTML report.
 */
import { runAudit, DEFAULT_MATRIX_LIMIT } from '../audit/run.js';
import type { AuditReport, NotJudged } from '../audit/types.js';
import type { ClusterView } from '../cluster/view.js';
import { NpgError, describeError } from '../errors.js';
import { loadPolicyFile } from '../policy/load.js';
import { builtinPolicy } from '../policy/parse.js';
import { parseCommandOrHelp } from './args.js';
import { renderAuditHtml } from './audit-html.js';
import { auditExitCode, renderAuditJson, renderAuditSarif, renderAuditText } from './audit-render.js';
import { COLOR, PLAIN } from './check-render.js';
import { type FormatTable, defaultFormat, formatsForUsage, rendererFor } from './formats.js';
import { NO_PROGRESS, terminalProgress } from './progress.js';

interface AuditOutput {
  readonly report: AuditReport;
  readonly color: boolean;
}

/** html: one self-contained file (no network), the report people open first. */
const AUDIT_FORMATS: FormatTable<AuditOutput> = {
  text: ({ report, color }) => renderAuditText(report, color ? COLOR : PLAIN),
  json: ({ report }) => renderAuditJson(report),
  sarif: ({ report }) => renderAuditSarif(report),
  html: ({ report }) => renderAuditHtml(report),
};

export const AUDIT_USAGE = `Usage: netpol-guard audit (--kubeconfig PATH | --cluster-state PATH...) [options]

Judges the cluster's NetworkPolicies and ClusterNetworkPolicies as a whole: every policy through
the org rules (as check does), policies and rules that change nothing (selecting no pod, peers
matching nothing, redundant, overridden by the Admin tier, Baseline rules that never apply),
namespaces without isolation, pods reachable from public addresses or from every namespace.

Options:
  --kubeconfig PATH       read the live cluster (list only; what may not be listed is reported)
  --cluster-state PATH    manifests of the cluster instead (files or directories; may repeat)
  --policy FILE           org policy (default: the built-in one)
  --namespace NS          report on this namespace only (may repeat; the model keeps the whole cluster)
  -o, --output FORMAT     ${formatsForUsage(AUDIT_FORMATS)} (html: one self-contained file)
  --matrix-limit N        workloads in the reachability matrix at most (default ${DEFAULT_MATRIX_LIMIT})
  --strict                exit 1 on warnings too
  --no-color              plain text even on a terminal

Exit codes: 0 no finding with effect deny, 1 some (or a warning, with --strict), 2 usage or input errors.
`;


async function stateFrom(values: { kubeconfig?: string; 'cluster-state'?: string[] }): Promise<{ view: ClusterView; notJudged: NotJudged[] }> {
  if (values['cluster-state']) {
    const { loadClusterStateLeniently } = await import('../cluster/load-state.js');
    const { view, problems } = await loadClusterStateLeniently(values['cluster-state']);
    return { view, notJudged: problems.map((p) => ({ what: 'cluster state', reason: p.message })) };
  }
  const { loadKubeConfig } = await import('../cluster/kubeconfig.js');
  const { listLiveCluster } = await import('../cluster/list-live.js');
  const { staticClusterViewFrom } = await import('../cluster/static.js');
  const loaded = loadKubeConfig({ kubeconfig: values.kubeconfig!, requestTimeoutMs: 15_000 });
  const listing = await listLiveCluster(loaded.config, loaded.server);
  const notJudged: NotJudged[] = listing.missing.map((m) => ({ what: m.what, reason: m.reason }));
  const view = staticClusterViewFrom(listing.objects, loaded.server, { onInvalid: (e) => notJudged.push({ what: 'object', reason: e.message }) });
  return { view, notJudged };
}

export async function runAuditCommand(argv: string[]): Promise<number> {
  const parsed = parseCommandOrHelp(
    argv,
    {
      kubeconfig: { type: 'string' },
      'cluster-state': { type: 'string', multiple: true },
      policy: { type: 'string' },
      namespace: { type: 'string', multiple: true },
      output: { type: 'string', short: 'o', default: defaultFormat(AUDIT_FORMATS) },
      'matrix-limit': { type: 'string' },
      strict: { type: 'boolean', default: false },
      'no-color': { type: 'boolean', default: false },
    },
    AUDIT_USAGE,
    false,
  );
  if (!parsed) return 0;
  const { values } = parsed;
  const render = rendererFor(AUDIT_FORMATS, values.output);
  if (!values.kubeconfig === !values['cluster-state']) throw new NpgError('NPG_OPTION_INVALID', `give exactly one of --kubeconfig and --cluster-state\n\n${AUDIT_USAGE}`);
  const limit = values['matrix-limit'] === undefined ? DEFAULT_MATRIX_LIMIT : Number(values['matrix-limit']);
  if (!Number.isInteger(limit) || limit < 0) throw new NpgError('NPG_OPTION_INVALID', `--matrix-limit must be a whole number, got ${JSON.stringify(values['matrix-limit'])}`);

  let loaded: Awaited<ReturnType<typeof stateFrom>>;
  let policy;
  try {
    policy = values.policy ? await loadPolicyFile(values.policy) : builtinPolicy();
    loaded = await stateFrom(values);
  } catch (err) {
    // Input that cannot be used at all (a policy, a path, a cluster): exit 2, as documented.
    if (!(err instanceof NpgError)) throw err;
    process.stderr.write(`netpol-guard: ${describeError(err)}\n`);
    return 2;
  }
  const { view, notJudged } = loaded;
  const showProgress = process.stderr.isTTY === true && !(values.output !== 'text' && process.stdout.isTTY !== true);
  const progress = showProgress ? terminalProgress(process.stderr) : NO_PROGRESS;
  const report = runAudit({ view, policy, namespaces: values.namespace ?? [], notJudged, matrixLimit: limit, onProgress: (s, d, t) => progress.update(s, d, t) });
  progress.done();

  const color = !values['no-color'] && process.stdout.isTTY === true && !process.env.NO_COLOR;
  process.stdout.write(render({ report, color }));
  return auditExitCode(report, values.strict);
}

/**
 * The audit: every NetworkPolicy through the org rules (as `check` judges it), then the audit
 * rules over a connectivity model of everything in force, then the summary and the matrix. Pure:
 * the state comes in as a ClusterView, the report goes out as data.
 */
import type { ClusterView } from '../cluster/view.js';
import { ConnectivityModel, type Coverage, type Party, externalRepresentatives, policyCoverage, policyKey, snapshotFromClusterView } from '../connectivity/index.js';
import type { NetworkPolicy } from '../k8s/types.js';
import { effectOf, namespaceExemption, objectExemption } from '../policy/evaluate.js';
import type { OrgPolicy, ResolvedRule } from '../policy/types.js';
import { reviewNetworkPolicy } from '../review.js';
import { NON_PUBLIC_RANGES } from './lib.js';
import { reachabilityMatrix } from './matrix.js';
import type { AnyAuditRule, AuditContext, AuditRuleFinding, AuditSubject } from './rule.js';
import type { AuditFinding, AuditReport, DirectionCounts, NamespaceSummary, NotJudged } from './types.js';
import { type Workload, workloadsOf } from './workloads.js';

export interface AuditInput {
  readonly view: ClusterView;
  readonly policy: OrgPolicy;
  /** --namespace: report on these only (the model still holds the whole cluster). Empty: all. */
  readonly namespaces?: readonly string[];
  /** What the state could not include (set by the loader): said again in the report. */
  readonly notJudged?: readonly NotJudged[];
  /** The largest matrix (in workloads) the report carries; default 150. */
  readonly matrixLimit?: number;
  /** Told about each stage, for a progress line. */
  readonly onProgress?: (stage: string, done: number, total: number) => void;
}

export const DEFAULT_MATRIX_LIMIT = 150;

/** Why a finding is exempt: a namespace exemption of the org policy, or the object's own annotation. */
function exemptionFor(policy: OrgPolicy, resolved: ResolvedRule<AnyAuditRule>, view: ClusterView, subject: AuditSubject, np: NetworkPolicy | undefined): string | undefined {
  const byNamespace = subject.namespace !== undefined ? namespaceExemption(resolved, subject.namespace, view) : undefined;
  if (byNamespace) return `namespace exemption: ${byNamespace.reason}`;
  const byObject = np ? objectExemption(policy, np) : undefined;
  if (byObject?.rules.includes(resolved.rule.id)) return `object exemption: ${byObject.reason}`;
  return undefined;
}

/** What one audit run shares between its stages. */
interface AuditRun {
  readonly view: ClusterView;
  readonly policy: OrgPolicy;
  readonly inScope: (namespace: string | undefined) => boolean;
  readonly progress: (stage: string, done: number, total: number) => void;
  /** Findings and what could not be judged, added to by each stage. */
  readonly findings: AuditFinding[];
  readonly notJudged: NotJudged[];
}

/** 1. Every existing NetworkPolicy through the org rules, as `check` does. */
function judgeStoredPolicies(run: AuditRun, nps: readonly NetworkPolicy[]): void {
  const { view, policy, findings, notJudged } = run;
  nps.forEach((np, i) => {
    const namespace = np.metadata?.namespace ?? 'default';
    if (!run.inScope(namespace)) return;
    const review = reviewNetworkPolicy({ operation: 'CREATE', object: np, namespace, strictFields: false, includeApiWarnings: false }, { policy, cluster: view });
    const subject: AuditSubject = { kind: 'NetworkPolicy', namespace, name: np.metadata?.name ?? '' };
    for (const f of review.evaluation.findings) {
      findings.push({ rule: f.rule, title: f.title, action: f.action, effect: f.effect, namespace, subject, field: f.field, message: f.message, fix: f.fix, related: [], ...(f.exemption ? { exemption: f.exemption } : {}) });
    }
    // The impact rules judge a change; a stored policy reviewed again changes nothing.
    for (const s of review.evaluation.skipped) if (s.reason !== 'impact-off') notJudged.push({ what: `NetworkPolicy ${subject.namespace}/${subject.name}: rule ${s.rule}`, reason: s.detail });
    if (review.fieldErrors.length > 0) notJudged.push({ what: `NetworkPolicy ${subject.namespace}/${subject.name}`, reason: `not valid as the API server sees it today: ${review.fieldErrors[0]!.toString()}` });
    run.progress('org rules', i + 1, nps.length);
  });
}

/** 2. The audit rules over the connectivity model of everything in force; returns the ids of the rules that ran. */
function runAuditRules(run: AuditRun, model: ConnectivityModel, workloads: readonly Workload[], nps: readonly NetworkPolicy[]): string[] {
  const { view, policy, findings, notJudged, progress } = run;
  const npByKey = new Map(nps.map((np) => [policyKey(np), np]));
  let externals: readonly Party[] | undefined;
  let coverage: Coverage | undefined;
  const base = {
    model,
    view,
    inScope: run.inScope,
    workloads,
    externals: () => (externals ??= externalRepresentatives(model, NON_PUBLIC_RANGES)),
    coverage: () => (coverage ??= policyCoverage(model, { externals: base.externals(), onProgress: (d, t) => progress('redundancy', d, t) })),
  };
  const ran: string[] = policy.rules.filter((r) => r.action !== 'off').map((r) => r.rule.id);
  policy.audit.forEach((resolved, i) => {
    const { rule, action, params } = resolved;
    if (action === 'off') return;
    let results: AuditRuleFinding[];
    try {
      results = rule.audit({ ...base, params } as AuditContext<unknown>);
    } catch (err) {
      notJudged.push({ what: `rule ${rule.id}`, reason: `rule failed: ${(err as Error).message}` });
      return;
    }
    ran.push(rule.id);
    for (const r of results) {
      const np = r.subject.kind === 'NetworkPolicy' ? npByKey.get(`${r.subject.namespace}/${r.subject.name}`) : undefined;
      const exemption = exemptionFor(policy, resolved, view, r.subject, np);
      findings.push({
        rule: rule.id,
        title: rule.title,
        action,
        effect: exemption ? 'exempt' : effectOf(policy, action),
        ...(r.subject.namespace !== undefined ? { namespace: r.subject.namespace } : {}),
        subject: r.subject,
        field: r.field,
        message: r.message,
        fix: r.fix ?? rule.remediation,
        related: r.related ?? [],
        ...(exemption ? { exemption } : {}),
      });
    }
    progress('audit rules', i + 1, policy.audit.length);
  });
  return ran;
}

/** Pods isolated and not, in one direction. */
function isolationCounts(model: ConnectivityModel, pods: readonly { namespace: string; name: string }[], dir: 'ingress' | 'egress'): DirectionCounts {
  let isolated = 0;
  let notIsolated = 0;
  for (const p of pods) {
    if ((model.isolation(`${p.namespace}/${p.name}`)?.[dir].length ?? 0) > 0) isolated++;
    else notIsolated++;
  }
  return { isolated, notIsolated };
}

/** 3. One summary per namespace in scope. */
function namespaceSummaries(run: AuditRun, model: ConnectivityModel, workloads: readonly Workload[], nps: readonly NetworkPolicy[]): NamespaceSummary[] {
  const podsInScope = model.pods.filter((p) => run.inScope(p.namespace));
  return run.view
    .namespaces()
    .filter((n) => run.inScope(n.name))
    .map((n) => n.name)
    .sort(cmp)
    .map((name) => {
      const pods = podsInScope.filter((p) => p.namespace === name);
      return {
        name,
        pods: pods.length,
        workloads: workloads.filter((w) => w.namespace === name).length,
        networkPolicies: nps.filter((np) => (np.metadata?.namespace ?? 'default') === name).length,
        ingress: isolationCounts(model, pods, 'ingress'),
        egress: isolationCounts(model, pods, 'egress'),
        findings: run.findings.filter((f) => f.namespace === name).length,
      };
    });
}

export function runAudit(input: AuditInput): AuditReport {
  const { view, policy } = input;
  const notJudged: NotJudged[] = [...(input.notJudged ?? [])];
  const scope = [...new Set(input.namespaces ?? [])];
  const known = new Set(view.namespaces().map((n) => n.name));
  for (const ns of scope) if (!known.has(ns)) notJudged.push({ what: `namespace ${ns}`, reason: 'not found in the cluster state' });
  const inScope = (ns: string | undefined) => ns === undefined || scope.length === 0 || scope.includes(ns);
  const progress = input.onProgress ?? (() => {});
  const findings: AuditFinding[] = [];
  const run: AuditRun = { view, policy, inScope, progress, findings, notJudged };
  const nps = view.networkPolicies();

  judgeStoredPolicies(run, nps);

  progress('model', 0, 1);
  const model = ConnectivityModel.build(snapshotFromClusterView(view));
  progress('model', 1, 1);
  const workloads = workloadsOf(model);
  const ran = runAuditRules(run, model, workloads, nps);

  findings.sort((a, b) => cmp(a.namespace ?? '', b.namespace ?? '') || cmp(a.subject.kind, b.subject.kind) || cmp(a.subject.name, b.subject.name) || cmp(a.rule, b.rule) || cmp(a.field, b.field));

  // 3. Summary, namespaces, matrix.
  const inScopeWorkloads = workloads.filter((w) => inScope(w.namespace));
  const limit = input.matrixLimit ?? DEFAULT_MATRIX_LIMIT;
  progress('matrix', 0, 1);
  const matrix = reachabilityMatrix(model, chooseForMatrix(inScopeWorkloads, findings, limit), inScopeWorkloads.length);
  progress('matrix', 1, 1);

  const podsInScope = model.pods.filter((p) => inScope(p.namespace));
  const namespaces = namespaceSummaries(run, model, inScopeWorkloads, nps);
  const byRule: Record<string, number> = {};
  for (const id of ran) byRule[id] = 0;
  for (const f of findings) byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
  return {
    source: view.source,
    scope,
    summary: {
      namespaces: namespaces.length,
      pods: podsInScope.length,
      hostNetworkPods: podsInScope.filter((p) => p.hostNetwork).length,
      workloads: inScopeWorkloads.length,
      networkPolicies: nps.filter((np) => inScope(np.metadata?.namespace ?? 'default')).length,
      clusterNetworkPolicies: model.clusterNetworkPolicies.length,
      ingress: isolationCounts(model, podsInScope, 'ingress'),
      egress: isolationCounts(model, podsInScope, 'egress'),
      findings: {
        total: findings.length,
        deny: findings.filter((f) => f.effect === 'deny').length,
        warn: findings.filter((f) => f.effect === 'warn').length,
        exempt: findings.filter((f) => f.effect === 'exempt').length,
        byRule,
      },
    },
    namespaces,
    findings,
    matrix,
    notJudged,
  };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** At most `limit` workloads for the matrix: those with findings first, then in name order; shown in name order. */
function chooseForMatrix(workloads: readonly Workload[], findings: readonly AuditFinding[], limit: number): Workload[] {
  if (workloads.length <= limit) return [...workloads];
  const flagged = new Set(findings.filter((f) => f.subject.kind === 'Workload').map((f) => `${f.subject.namespace}/${f.subject.name}`));
  const chosen = [...workloads].sort((a, b) => Number(flagged.has(b.key)) - Number(flagged.has(a.key)) || cmp(a.key, b.key)).slice(0, limit);
  return chosen.sort((a, b) => cmp(a.key, b.key));
}

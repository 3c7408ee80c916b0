/**
 * reviewNetworkPolicy: the one decision function. The webhook and the CLI both call it, so they
 * give the same verdict for the same object, org policy and cluster state. Pure: no I/O.
 *
 * Order of judgement, the API server's own: the object must decode (else 400 BadRequest, as the
 * API server's decoder would answer); it must pass the API server's validation (else 422 Invalid,
 * byte-for-byte the API server's causes, whatever the org policy says); only then can an org-policy
 * finding whose effect is `deny` make a 403 Forbidden listing every violation. The org rules
 * still run on an invalid object: their findings reach the person as warnings and the audit
 * annotations, never inside the Invalid status.
 */
import type { ClusterView } from './cluster/view.js';
import type { FieldError } from './k8s/field.js';
import type { NetworkPolicy } from './k8s/types.js';
import {
  NETWORK_POLICY_GROUP_KIND,
  type Status,
  badRequestStatus,
  forbiddenStatus,
  internalErrorStatus,
  invalidStatus,
} from './k8s/status.js';
import { type ApiVerdict, admitNetworkPolicy } from './netpol/admit.js';
import type { DecodeIssue } from './netpol/decode.js';
import { decodeNetworkPolicy } from './netpol/decode.js';
import type { PatchOperation } from './netpol/defaults.js';
import { evaluateOrgPolicy } from './policy/evaluate.js';
import type { Deadline, Evaluation, Finding, OrgPolicy, SkippedRule } from './policy/types.js';

import type { Operation, UserInfo } from './admission/types.js';
import { type ExplainersOf, aboutObject, findingLine, findingWarnings, subjectOf } from './finding-lines.js';
import { type WarningLines, formatWarnings } from './admission/warning-lines.js';
import { impactAnnotation } from './impact/annotation.js';
import { summarizeImpact } from './impact/summary.js';
import { type ImpactAssessment, type ImpactProvider, type ImpactSkip, type PolicyChange, isAssessed } from './impact/types.js';

export interface ReviewRequest {
  readonly operation: Operation;
  /** The object being written (null/undefined for DELETE). */
  readonly object: unknown;
  /** The stored object (UPDATE, DELETE). */
  readonly oldObject?: unknown;
  /** The request namespace; fills in an object without one. */
  readonly namespace?: string;
  readonly userInfo?: UserInfo;
  /**
   * Report fields the schema does not know as errors, as kubectl's default strict field
   * validation does. The CLI sets it; the webhook does not, because the API server has already
   * decoded the object and anything in it is a field the API server knows.
   */
  readonly strictFields: boolean;
  /** Repeat the API server's own warnings (the CLI; the API server already sends them itself). */
  readonly includeApiWarnings: boolean;
}

export interface ReviewContext {
  /** The compiled org policy: the rules it runs, with their actions, parameters and exemptions. */
  readonly policy: OrgPolicy;
  readonly cluster?: ClusterView;
  /** When the review must be done by; rules still to run past it are skipped. */
  readonly deadline?: Deadline;
  /** What a review that misses its deadline answers: allow with a warning (default), or deny. */
  readonly failureMode?: 'allow' | 'deny';
  /**
   * Works out what the change does to traffic (the webhook's model of its cluster view, the
   * CLI's of its cluster state); absent: no impact, and the impact rules are off (impact-off).
   */
  readonly impact?: ImpactProvider;
  /** Milliseconds the impact may take (default 500), cut to fit in what is left of the deadline. */
  readonly impactBudgetMs?: number;
}

/** `timeout`: the deadline passed and the failure mode is deny. */
export type Verdict = 'allowed' | 'malformed' | 'invalid' | 'forbidden' | 'timeout';

export interface Review {
  readonly verdict: Verdict;
  readonly allowed: boolean;
  readonly name: string;
  readonly namespace: string;
  /** Decode problems; with strictFields, unknown fields among them deny the request. */
  readonly decodeIssues: readonly DecodeIssue[];
  /** The API server's validation errors. */
  readonly fieldErrors: readonly FieldError[];
  readonly apiWarnings: readonly string[];
  /** Defaulting patch from the submitted object (what the mutating webhook returns). */
  readonly patch: readonly PatchOperation[];
  readonly defaulted: NetworkPolicy | undefined;
  readonly evaluation: Evaluation;
  /** The denial, as a Status for the AdmissionResponse. */
  readonly status?: Status;
  /** Warning lines for the AdmissionResponse, within the API server's limits. */
  readonly warnings: readonly string[];
  /**
   * Those of `warnings` that are not an org-policy finding's: notes on the review (deadline,
   * cluster not synced), the impact, the API server's own warnings, the line counting any left
   * out. The CLI lists the findings from `evaluation` and these beside them.
   */
  readonly nonFindingWarnings: readonly string[];
  /** Audit annotations (keys without prefix; the API server prefixes the webhook name). */
  readonly auditAnnotations: Readonly<Record<string, string>>;
  /**
   * The rules that could not run for a reason worth telling with this review: the deadline, a
   * cluster that is down or stale, a rule that failed. Rules off because cluster state is off by
   * configuration are left out: /readyz and the start-up log say that once.
   */
  readonly notRun: readonly SkippedRule[];
  /** What the change does to traffic, or why that was not worked out; absent when not asked. */
  readonly impact?: ImpactAssessment | ImpactSkip;
}

const NO_EVALUATION: Evaluation = { findings: [], skipped: [] };

function objectName(np: NetworkPolicy | undefined, raw: unknown): string {
  const fromTyped = np?.metadata?.name || np?.metadata?.generateName;
  if (fromTyped) return fromTyped;
  const meta = (raw as { metadata?: { name?: unknown } } | null | undefined)?.metadata;
  return typeof meta?.name === 'string' ? meta.name : '';
}

function auditAnnotationsFor(verdict: Verdict, evaluation: Evaluation, notRun: readonly SkippedRule[]): Record<string, string> {
  const out: Record<string, string> = { verdict };
  // One pass over the findings; the lists are only made for effects that occur.
  let active: Set<string> | undefined;
  let audited: { rule: string; field: string }[] | undefined;
  let exempt: { rule: string; field: string; reason: string | undefined }[] | undefined;
  for (const f of evaluation.findings) {
    if (f.effect === 'deny' || f.effect === 'warn') (active ??= new Set()).add(f.rule);
    else if (f.effect === 'audit') (audited ??= []).push({ rule: f.rule, field: f.field });
    else if (f.effect === 'exempt') (exempt ??= []).push({ rule: f.rule, field: f.field, reason: f.exemption });
  }
  if (active) out.rules = [...active].join(',');
  if (audited) out['audit-findings'] = JSON.stringify(audited);
  if (exempt) out.exempted = JSON.stringify(exempt);
  if (evaluation.objectExemption) out['object-exemption'] = JSON.stringify(evaluation.objectExemption);
  // The annotation's entries are {rule, reason} with the reason in words, as docs/policy.md shows.
  if (notRun.length) out['skipped-rules'] = JSON.stringify(notRun.map((s) => ({ rule: s.rule, reason: s.detail })));
  return out;
}

function denialMessage(name: string, namespace: string, denies: readonly Finding[]): string {
  const lines = [
    `NetworkPolicy ${JSON.stringify(name)} in namespace ${JSON.stringify(namespace)} violates the cluster's NetworkPolicy rules:`,
    ...denies.map((f) => findingLine(f)),
  ];
  return lines.join('\n');
}

function decodeMessage(issues: readonly DecodeIssue[]): string {
  const unknown = issues.filter((i) => i.kind === 'unknown-field');
  const other = issues.filter((i) => i.kind !== 'unknown-field');
  const parts: string[] = [];
  if (other.length) parts.push(other.map((i) => i.message).join(', '));
  if (unknown.length) parts.push(`strict decoding error: ${unknown.map((i) => i.message).join(', ')}`);
  return `NetworkPolicy in version "v1" cannot be handled as a NetworkPolicy: ${parts.join('; ')}`;
}

const DEFAULT_IMPACT_BUDGET_MS = 500;
/** Of what is left of the deadline, the share the impact may take: the rules run after it. */
const IMPACT_SHARE_OF_DEADLINE = 0.8;

/** The impact of a change, when the review has a provider for it; never throws. */
function assessImpact(ctx: ReviewContext, change: PolicyChange): ImpactAssessment | ImpactSkip | undefined {
  if (!ctx.impact) return undefined;
  let budget = ctx.impactBudgetMs ?? DEFAULT_IMPACT_BUDGET_MS;
  const left = ctx.deadline?.remainingMs?.();
  if (left !== undefined) budget = Math.min(budget, Math.floor(left * IMPACT_SHARE_OF_DEADLINE));
  if (budget <= 0 || ctx.deadline?.expired()) return { skipped: 'budget', detail: `no time left within the review deadline of ${ctx.deadline?.ms}ms` };
  try {
    return ctx.impact.assess(change, budget);
  } catch (err) {
    // A bug in the analysis must not take admission down: said like any other skip.
    return { skipped: 'failed', detail: `failed: ${(err as Error).message}` };
  }
}

/** DELETE: only the stored object exists; only rules that care about deletion look at it. */
function reviewDelete(req: ReviewRequest, ctx: ReviewContext): Review {
  const old = decodeNetworkPolicy(req.oldObject).policy;
  const name = objectName(old, req.oldObject);
  const namespace = old?.metadata?.namespace || req.namespace || '';
  const impact = old && req.operation === 'DELETE' ? assessImpact(ctx, { operation: 'DELETE', key: `${namespace}/${name}` }) : undefined;
  const evaluation = old
    ? evaluateOrgPolicy(
        { operation: 'DELETE', policy: old, old, namespace, userInfo: req.userInfo, cluster: ctx.cluster, ...(impact ? { impact } : {}) },
        ctx.policy,
        ctx.deadline,
      )
    : NO_EVALUATION;
  return reviewOf(req, ctx, { name, namespace, evaluation, ...(impact ? { impact } : {}) });
}

/** What was found about one object, from which the review's answer follows. */
interface Judged {
  readonly name: string;
  readonly namespace: string;
  /** The API server's verdict on the object; absent for DELETE, which has only the stored object. */
  readonly api?: ApiVerdict;
  readonly evaluation: Evaluation;
  /** What the change does to traffic, when the review was asked to work it out. */
  readonly impact?: ImpactAssessment | ImpactSkip;
}

interface Outcome {
  readonly verdict: Verdict;
  readonly status?: Status;
}

function deadlineText(ctx: ReviewContext, evaluation: Evaluation): string {
  const notRun = evaluation.skipped.filter((s) => s.reason === 'deadline').map((s) => s.rule);
  return `netpol-guard: review did not finish within ${ctx.deadline?.ms}ms; rules not run: ${notRun.join(', ')}`;
}

/**
 * The answer, in the order the API server and its webhooks give them: malformed (400), then
 * invalid (422) — the API server answers that itself, before any validating webhook is asked, so
 * the org policy's say on an invalid object is only a warning — then forbidden by the org rules,
 * then a review out of time under the deny failure mode.
 */
function outcomeOf(req: ReviewRequest, ctx: ReviewContext, { name, namespace, api, evaluation }: Judged, denies: readonly Finding[]): Outcome {
  const blockingDecode = (api?.decodeIssues ?? []).filter((i) => req.strictFields || i.kind !== 'unknown-field');
  if (blockingDecode.length > 0) return { verdict: 'malformed', status: badRequestStatus(decodeMessage(blockingDecode)) };
  const fieldErrors = api?.fieldErrors ?? [];
  if (fieldErrors.length > 0) return { verdict: 'invalid', status: invalidStatus(NETWORK_POLICY_GROUP_KIND, name, fieldErrors) };
  if (denies.length > 0) return { verdict: 'forbidden', status: forbiddenStatus(NETWORK_POLICY_GROUP_KIND, name, denialMessage(name, namespace, denies)) };
  if (evaluation.timedOut && ctx.failureMode === 'deny') {
    return { verdict: 'timeout', status: internalErrorStatus(`${deadlineText(ctx, evaluation)}; denied by the configured failure mode, try again`) };
  }
  return { verdict: 'allowed' };
}

/**
 * The warning lines: notes about the review itself, the impact, the API server's own; then the findings'.
 * Ours name the object (kubectl shows a repeated text once per invocation); the API server's own
 * are repeated as it words them.
 */
function warningLinesOf(
  req: ReviewRequest,
  ctx: ReviewContext,
  { api, evaluation, impact }: Judged,
  verdict: Verdict,
  subject: string,
  findings: { readonly denies: readonly Finding[]; readonly warned: readonly Finding[]; readonly notRun: readonly SkippedRule[] },
): WarningLines {
  const others: string[] = [];
  if (evaluation.timedOut && verdict === 'allowed') others.push(aboutObject(subject, `${deadlineText(ctx, evaluation)}; allowed by the configured failure mode`));
  // A cluster that is down or stale means checks the person expects did not happen: say so
  // once, so an "allowed" is not read as "checked and fine".
  const unsynced = findings.notRun.filter((s) => s.reason === 'cluster-not-synced').map((s) => s.rule);
  if (unsynced.length) others.push(aboutObject(subject, `netpol-guard: cluster state not synced; rules not run: ${unsynced.join(', ')}`));
  // What the change does to traffic: said whether or not a rule objects (a dry run is a preview).
  if (impact) {
    if (isAssessed(impact)) others.push(...summarizeImpact(impact.analysis, { names: impact.names, subject, more: 'every flow: audit annotation impact (first 100), log at debug level' }));
    else others.push(aboutObject(subject, `[impact] not worked out: ${impact.detail}`));
  }
  if (req.includeApiWarnings) for (const w of api?.warnings ?? []) others.push(w);
  // On an invalid object the denials are not the answer; the person still hears of them, before
  // the rest, as what will be denied once the object is valid.
  const wouldDeny = verdict === 'invalid' ? findings.denies : [];
  const explainersOf: ExplainersOf = (rule) => ctx.policy.rules.find((r) => r.rule.id === rule)?.rule.explainedBy ?? [];
  return { others, findings: findingWarnings(subject, wouldDeny, findings.warned, verdict === 'forbidden' ? findings.denies : [], explainersOf) };
}

/** The review's answer from what was found: verdict, status, warning lines, audit annotations. */
function reviewOf(req: ReviewRequest, ctx: ReviewContext, judged: Judged): Review {
  const { name, namespace, api, evaluation, impact } = judged;
  const denies: Finding[] = [];
  const warned: Finding[] = [];
  for (const f of evaluation.findings) {
    if (f.effect === 'deny') denies.push(f);
    else if (f.effect === 'warn') warned.push(f);
  }
  const { verdict, status } = outcomeOf(req, ctx, judged, denies);
  const notRun = evaluation.skipped.filter((s) => s.reason !== 'cluster-off' && s.reason !== 'impact-off');
  const subject = subjectOf(namespace, name);
  const warnings = formatWarnings(warningLinesOf(req, ctx, judged, verdict, subject, { denies, warned, notRun }), subject);
  return {
    verdict,
    allowed: verdict === 'allowed',
    name,
    namespace,
    decodeIssues: api?.decodeIssues ?? [],
    fieldErrors: api?.fieldErrors ?? [],
    apiWarnings: api?.warnings ?? [],
    patch: api?.patch ?? [],
    defaulted: api?.defaulted,
    evaluation,
    // Always present, undefined when allowed: a spread of an optional part would cost
    // microseconds per review on Node 20.
    status,
    warnings: warnings.lines,
    nonFindingWarnings: warnings.others,
    auditAnnotations: impact ? { ...auditAnnotationsFor(verdict, evaluation, notRun), ...impactAnnotation(impact) } : auditAnnotationsFor(verdict, evaluation, notRun),
    notRun,
    ...(impact ? { impact } : {}),
  };
}

function admitRequest(req: ReviewRequest): ApiVerdict {
  return admitNetworkPolicy({
    operation: req.operation as 'CREATE' | 'UPDATE',
    object: req.object,
    oldObject: req.operation === 'UPDATE' ? req.oldObject : undefined,
    namespace: req.namespace,
    warnings: req.includeApiWarnings,
  });
}

/** The org rules on what the API server made of the object, then the verdict. */
function judge(req: ReviewRequest, ctx: ReviewContext, api: ApiVerdict): Review {
  const np = api.defaulted;
  const name = objectName(np, req.object);
  const namespace = np?.metadata?.namespace || req.namespace || '';
  const decodable = np !== undefined && api.decodeIssues.every((i) => i.kind === 'unknown-field');
  // Only a change the API server will store has an impact.
  const impact =
    decodable && api.fieldErrors.length === 0 && (req.operation === 'CREATE' || req.operation === 'UPDATE')
      ? assessImpact(ctx, { operation: req.operation, policy: { ...np, metadata: { ...np.metadata, namespace } } })
      : undefined;
  const evaluation = decodable
    ? evaluateOrgPolicy(
        {
          operation: req.operation,
          policy: np,
          submitted: api.submitted,
          old: api.old,
          namespace,
          userInfo: req.userInfo,
          cluster: ctx.cluster,
          ...(impact ? { impact } : {}),
        },
        ctx.policy,
        ctx.deadline,
      )
    : NO_EVALUATION;
  return reviewOf(req, ctx, { name, namespace, api, evaluation, ...(impact ? { impact } : {}) });
}

export function reviewNetworkPolicy(req: ReviewRequest, ctx: ReviewContext): Review {
  if (req.operation === 'DELETE' || req.operation === 'CONNECT') return reviewDelete(req, ctx);
  return judge(req, ctx, admitRequest(req));
}

export interface MutationAnswer {
  /** The defaulting patch (RFC 6902) from the submitted object. */
  readonly patch: readonly PatchOperation[];
  /** Set when the API server will reject the object: the whole review, verdict `invalid`. */
  readonly invalid?: Review;
}

/**
 * What /mutate answers. The API server asks mutating webhooks before it validates, and rejects an
 * invalid object itself before any validating webhook is asked: /mutate is the one door that sees
 * the objects the API server will reject. For those it answers what the API server would (422
 * Invalid), with the org findings as warnings, since no other door will report them. A valid
 * object gets its defaulting patch only: the validating webhook judges it. An object that cannot
 * be decoded (the API server already decoded it) is left to the API server too.
 */
export function reviewMutation(req: ReviewRequest, ctx: ReviewContext): MutationAnswer {
  if (req.operation !== 'CREATE' && req.operation !== 'UPDATE') return { patch: [] };
  const api = admitRequest(req);
  if (api.fieldErrors.length === 0) return { patch: api.patch };
  return { patch: api.patch, invalid: judge(req, ctx, api) };
}

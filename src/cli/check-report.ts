/**
 * The offline check: every NetworkPolicy among the inputs through reviewNetworkPolicy — the
 * function the webhook calls — and the result as a stable, documented structure (docs/cli.md).
 */
import type { SkipReason } from '../policy/types.js';
import { nearest } from '../policy/schema.js';
import { type ReviewContext, reviewNetworkPolicy } from '../review.js';
import { lineOf } from '../yaml/locate.js';
import type { InputError, InputObject } from './inputs.js';

export interface Located {
  readonly field: string;
  /** 1-based line in the file, where the YAML gives it. */
  readonly line: number;
}

export interface CheckedValidationError extends Located {
  /** FieldValueInvalid, FieldValueRequired, ... as in the API server's StatusCause. */
  readonly type: string;
  /** The message as the API server's StatusCause carries it: `Invalid value: 0: must be ...`. */
  readonly message: string;
  /** The full error as the API server prints it: `spec.x: Invalid value: ...`. */
  readonly text: string;
}

export interface CheckedFinding extends Located {
  readonly rule: string;
  /** The action the org policy gives the rule. */
  readonly action: 'deny' | 'warn';
  /** What it did to this object: deny, warn, audit or exempt. */
  readonly effect: string;
  readonly message: string;
  readonly fix: string;
  readonly exemption?: string;
}

export interface CheckedDecodeIssue extends Located {
  readonly kind: string;
  readonly message: string;
}

export interface CheckResult {
  readonly file: string;
  readonly document: number;
  /** Line where the object starts. */
  readonly line: number;
  readonly name: string;
  readonly namespace: string;
  /** The object had no namespace; this one was assumed (--namespace, else "default"). */
  readonly namespaceAssumed: boolean;
  readonly allowed: boolean;
  /** allowed | malformed | invalid | forbidden | timeout. */
  readonly verdict: string;
  readonly decodeIssues: readonly CheckedDecodeIssue[];
  readonly validationErrors: readonly CheckedValidationError[];
  readonly findings: readonly CheckedFinding[];
  /** What kubectl would print as `Warning:` lines (the API server's own included). */
  readonly warnings: readonly string[];
  /**
   * Those of `warnings` that are not a finding's (the text output lists findings from
   * `findings`). Not in the JSON output: renderJson leaves it out.
   */
  readonly nonFindingWarnings: readonly string[];
  /** Rules that could not run: why in words (`reason`) and as a code (SkipReason). */
  readonly skippedRules: readonly { rule: string; reason: string; code: SkipReason }[];
  /** The defaulting the API server applies (RFC 6902, from the object as written). */
  readonly patch: readonly unknown[];
  /** The denial as the API server would return it (absent when allowed). */
  readonly message?: string;
}

export interface CheckSummary {
  readonly files: number;
  readonly documents: number;
  readonly networkPolicies: number;
  readonly skipped: number;
  readonly allowed: number;
  readonly denied: number;
  /** Allowed, with warnings. */
  readonly withWarnings: number;
  readonly inputErrors: number;
}

export interface CheckReport {
  readonly results: readonly CheckResult[];
  readonly errors: readonly InputError[];
  readonly summary: CheckSummary;
}

const KIND = 'NetworkPolicy';

/** NetworkPolicies, and documents that were clearly meant to be one (`kind: NetworPolicy`). */
export function isNetworkPolicyDocument(value: unknown): boolean {
  const kind = (value as { kind?: unknown } | null)?.kind;
  if (kind === KIND) return true;
  return typeof kind === 'string' && nearest(kind, [KIND]) === KIND;
}

function join(prefix: string, field: string): string {
  if (!prefix) return field;
  return field ? `${prefix}.${field}` : prefix;
}

export function checkObject(obj: InputObject, ctx: ReviewContext, namespace: string | undefined): CheckResult {
  const meta = (obj.value as { metadata?: { namespace?: unknown } }).metadata;
  const own = typeof meta?.namespace === 'string' && meta.namespace !== '' ? meta.namespace : undefined;
  const review = reviewNetworkPolicy(
    { operation: 'CREATE', object: obj.value, namespace: own ?? namespace ?? 'default', strictFields: true, includeApiWarnings: true },
    ctx,
  );
  const line = (field: string) => lineOf(obj.located, join(obj.prefix, field));
  return {
    file: obj.file,
    document: obj.document,
    line: line(''),
    name: review.name,
    namespace: review.namespace,
    namespaceAssumed: own === undefined,
    allowed: review.allowed,
    verdict: review.verdict,
    decodeIssues: review.decodeIssues.map((i) => ({ kind: i.kind, field: i.field, message: i.message, line: line(i.field) })),
    validationErrors: review.fieldErrors.map((e) => ({ type: e.type, field: e.field, message: e.body(), text: e.toString(), line: line(e.field) })),
    findings: review.evaluation.findings.map((f) => ({
      rule: f.rule,
      action: f.action,
      effect: f.effect,
      field: f.field,
      message: f.message,
      fix: f.fix,
      line: line(f.field),
      ...(f.exemption ? { exemption: f.exemption } : {}),
    })),
    warnings: review.warnings,
    nonFindingWarnings: review.nonFindingWarnings,
    skippedRules: review.evaluation.skipped.map((s) => ({ rule: s.rule, reason: s.detail, code: s.reason })),
    patch: review.patch,
    ...(review.status?.message ? { message: review.status.message } : {}),
  };
}

export function checkObjects(
  objects: readonly InputObject[],
  errors: readonly InputError[],
  files: number,
  ctx: ReviewContext,
  namespace: string | undefined,
): CheckReport {
  const results: CheckResult[] = [];
  let skipped = 0;
  for (const obj of objects) {
    if (isNetworkPolicyDocument(obj.value)) results.push(checkObject(obj, ctx, namespace));
    else skipped++;
  }
  return {
    results,
    errors,
    summary: {
      files,
      documents: new Set(objects.map((o) => `${o.file}#${o.document}`)).size,
      networkPolicies: results.length,
      skipped,
      allowed: results.filter((r) => r.allowed).length,
      denied: results.filter((r) => !r.allowed).length,
      withWarnings: results.filter((r) => r.allowed && r.warnings.length > 0).length,
      inputErrors: errors.length,
    },
  };
}

/** 2 for input errors, 1 for a denial (or, strict, a warning), else 0. */
export function exitCode(report: CheckReport, strict: boolean): number {
  if (report.errors.length > 0) return 2;
  if (report.summary.denied > 0) return 1;
  if (strict && report.summary.withWarnings > 0) return 1;
  return 0;
}

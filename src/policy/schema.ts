/**
 * The org-policy file: its zod schema and the resolution of every rule to an action and
 * parameters. Pure: text in, a frozen OrgPolicy or a list of problems (path, line, message) out.
 */
import { z } from 'zod';
import { formatFieldPath } from '../k8s/field.js';
import type { AnyAuditRule } from '../audit/rule.js';
import type { AnyRule } from '../rules/types.js';
import { valueAt } from '../util/json.js';
import { type LocatedDocument, lineOf } from '../yaml/locate.js';
import type { NamespaceExemption, OrgPolicy, ResolvedRule } from './types.js';

export const POLICY_API_VERSION = 'netpol-guard.io/v1alpha1';
export const POLICY_KIND = 'OrgPolicy';

export interface PolicyProblem {
  readonly path: string;
  readonly line?: number;
  readonly message: string;
}

const ACTIONS = ['deny', 'warn', 'off'] as const;
const MODES = ['enforce', 'warn', 'audit'] as const;

const selector = z.strictObject({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z
    .array(
      z.strictObject({
        key: z.string(),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});

const ruleConfig = z.strictObject({
  action: z.enum(ACTIONS).optional(),
  params: z.record(z.string(), z.unknown()).optional(),
});

const exemption = z
  .strictObject({
    namespaces: z.array(z.string().min(1)).optional(),
    namespaceSelector: selector.optional(),
    rules: z.array(z.string()).optional(),
    reason: z.string().trim().min(1, { error: 'a reason is required' }),
  })
  .refine((e) => e.namespaces !== undefined || e.namespaceSelector !== undefined, {
    error: 'give namespaces, a namespaceSelector, or both',
  });

const policyFile = z.strictObject({
  apiVersion: z.literal(POLICY_API_VERSION).optional(),
  kind: z.literal(POLICY_KIND).optional(),
  mode: z.enum(MODES).default('enforce'),
  rules: z.record(z.string(), ruleConfig).default({}),
  exemptions: z.array(exemption).default([]),
  objectExemptions: z
    .strictObject({ enabled: z.boolean().default(false), allowedRules: z.array(z.string()).default([]) })
    .prefault({}),
});

const KNOWN_FIELDS: Record<string, readonly string[]> = {
  '': ['apiVersion', 'kind', 'mode', 'rules', 'exemptions', 'objectExemptions'],
  rule: ['action', 'params'],
  exemption: ['namespaces', 'namespaceSelector', 'rules', 'reason'],
  objectExemptions: ['enabled', 'allowedRules'],
};

/** Levenshtein distance, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] as number;
      row[j] = Math.min((row[j] as number) + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] as number;
}

export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function show(v: unknown): string {
  return v === undefined ? 'nothing' : JSON.stringify(v);
}

function knownFieldsAt(parts: readonly PropertyKey[]): readonly string[] {
  if (parts.length === 0) return KNOWN_FIELDS[''] as readonly string[];
  if (parts[0] === 'rules' && parts.length === 2) return KNOWN_FIELDS.rule as readonly string[];
  if (parts[0] === 'exemptions' && parts.length === 2) return KNOWN_FIELDS.exemption as readonly string[];
  if (parts[0] === 'objectExemptions' && parts.length === 1) return KNOWN_FIELDS.objectExemptions as readonly string[];
  return [];
}

function describeIssue(
  issue: z.core.$ZodIssue,
  raw: unknown,
  prefix: readonly PropertyKey[] = [],
  knownHere: readonly string[] = [],
): PolicyProblem[] {
  const parts = [...prefix, ...issue.path];
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const hint = nearest(key, issue.path.length === 0 && knownHere.length ? knownHere : knownFieldsAt(parts));
      return { path: formatFieldPath([...parts, key]), message: `unknown field${hint ? `; did you mean "${hint}"?` : ''}` };
    });
  }
  const got = show(valueAt(raw, issue.path));
  if (issue.code === 'invalid_value') {
    return [{ path: formatFieldPath(parts), message: `expected ${issue.values.map((v) => JSON.stringify(v)).join(' | ')}, got ${got}` }];
  }
  if (issue.code === 'invalid_type') {
    return [{ path: formatFieldPath(parts), message: got === 'nothing' ? `required (${issue.expected})` : `expected ${issue.expected}, got ${got}` }];
  }
  return [{ path: formatFieldPath(parts), message: `${issue.message}${got !== 'nothing' ? ` (got ${got})` : ''}` }];
}

function checkRuleIds(ids: readonly string[], path: string, known: readonly string[], problems: PolicyProblem[]): void {
  ids.forEach((id, i) => {
    if (known.includes(id)) return;
    const hint = nearest(id, known);
    problems.push({ path: `${path}[${i}]`, message: `unknown rule "${id}"${hint ? `; did you mean "${hint}"?` : ''}` });
  });
}

/**
 * Validates a loaded policy document and compiles it against the rule catalogue: every rule with
 * its action (the file's, else the rule's default), its parameters (the file's, checked by the
 * rule's own schema, defaults filled in) and the namespace exemptions that cover it. The review
 * runs exactly these. Returns every problem found, not just the first.
 */
export function resolvePolicy(
  doc: LocatedDocument,
  catalogue: readonly AnyRule[],
  source: string,
  auditCatalogue: readonly AnyAuditRule[] = [],
): OrgPolicy | PolicyProblem[] {
  const raw = doc.value ?? {};
  const parsed = policyFile.safeParse(raw);
  const problems: PolicyProblem[] = [];
  if (!parsed.success) problems.push(...parsed.error.issues.flatMap((i) => describeIssue(i, raw)));
  const known = [...catalogue, ...auditCatalogue].map((r) => r.id);
  const file = parsed.success ? parsed.data : undefined;
  const rawRules = (raw as { rules?: unknown }).rules;
  if (rawRules && typeof rawRules === 'object' && !Array.isArray(rawRules)) {
    for (const id of Object.keys(rawRules)) {
      if (known.includes(id)) continue;
      const hint = nearest(id, known);
      problems.push({ path: `rules.${id}`, message: `unknown rule${hint ? `; did you mean "${hint}"?` : ''}` });
    }
  }
  // Each rule with the file's action (else its default) and its parameters checked by its own schema.
  const resolveAll = <R extends AnyRule | AnyAuditRule>(rules: readonly R[]) => {
    const out: { rule: R; action: ResolvedRule['action']; params: unknown }[] = [];
    for (const rule of rules) {
      const config = file?.rules[rule.id];
      const params = rule.params.safeParse(config?.params ?? {});
      if (!params.success) {
        const rawParams = (rawRules as Record<string, { params?: unknown }> | undefined)?.[rule.id]?.params ?? {};
        const paramNames = rule.params instanceof z.ZodObject ? Object.keys(rule.params.shape) : [];
        problems.push(...params.error.issues.flatMap((i) => describeIssue(i, rawParams, ['rules', rule.id, 'params'], paramNames)));
        continue;
      }
      out.push({ rule, action: config?.action ?? rule.defaultAction, params: Object.freeze(params.data) });
    }
    return out;
  };
  const resolved = resolveAll(catalogue);
  const resolvedAudit = resolveAll(auditCatalogue);
  file?.exemptions.forEach((ex, i) => ex.rules && checkRuleIds(ex.rules, `exemptions[${i}].rules`, known, problems));
  if (file) checkRuleIds(file.objectExemptions.allowedRules, 'objectExemptions.allowedRules', known, problems);
  if (problems.length > 0 || !file) {
    return problems.map((p) => ({ ...p, line: lineOf(doc, p.path) }));
  }
  const exemptions = Object.freeze(file.exemptions.map((e) => Object.freeze(e) as NamespaceExemption));
  const compile = <R extends AnyRule | AnyAuditRule>(list: readonly { rule: R; action: ResolvedRule['action']; params: unknown }[]) =>
    Object.freeze(
      list.map(({ rule, action, params }) =>
        Object.freeze({ rule, action, params, exemptions: Object.freeze(exemptions.filter((ex) => !ex.rules || ex.rules.includes(rule.id))) }),
      ),
    );
  return Object.freeze({
    mode: file.mode,
    rules: compile(resolved),
    audit: compile(resolvedAudit),
    exemptions,
    objectExemptions: Object.freeze({ enabled: file.objectExemptions.enabled, allowedRules: Object.freeze([...file.objectExemptions.allowedRules]) }),
    source,
  });
}

/** `rules.x.action (line 7): expected ...` — one problem per line in the error message. */
export function formatProblems(problems: readonly PolicyProblem[]): string {
  return problems.map((p) => `${p.path || '(top level)'}${p.line ? ` (line ${p.line})` : ''}: ${p.message}`).join('\n');
}

/**
 * Org-policy text to a compiled OrgPolicy, for a file's text and the embedded default alike,
 * through the same validation. Pure: the file reader is load.ts.
 */
import { NpgError } from '../errors.js';
import { ALL_RULES } from '../rules/index.js';
import { AUDIT_RULES } from '../audit/rules/index.js';
import { loadYamlDocuments } from '../yaml/locate.js';
import { BUILTIN_POLICY_YAML } from './builtin.js';
import type { AnyAuditRule } from '../audit/rule.js';
import type { AnyRule } from '../rules/types.js';
import { formatProblems, resolvePolicy } from './schema.js';
import type { OrgPolicy } from './types.js';

/**
 * Parses policy text; throws NpgError NPG_POLICY_INVALID listing every problem with its line.
 * A policy file may name admission rules (the review runs them) and audit rules (`netpol-guard
 * audit` runs them); both are compiled.
 */
export function parsePolicy(
  text: string,
  source: string,
  catalogue: readonly AnyRule[] = ALL_RULES,
  auditCatalogue: readonly AnyAuditRule[] = AUDIT_RULES,
): OrgPolicy {
  let docs;
  try {
    docs = loadYamlDocuments(text, source);
  } catch (err) {
    const mark = (err as { mark?: { line: number } }).mark;
    const reason = (err as { reason?: string }).reason ?? (err as Error).message;
    throw new NpgError('NPG_POLICY_INVALID', `${source}${mark ? ` (line ${mark.line + 1})` : ''}: not valid YAML: ${reason}`);
  }
  if (docs.length > 1) throw new NpgError('NPG_POLICY_INVALID', `${source}: holds ${docs.length} YAML documents; an org policy is one`);
  const doc = docs[0] ?? { value: {}, lines: new Map(), line: 1 };
  const resolved = resolvePolicy(doc, catalogue, source, auditCatalogue);
  if (Array.isArray(resolved)) throw new NpgError('NPG_POLICY_INVALID', `${source} is not a valid org policy:\n${formatProblems(resolved)}`);
  return resolved;
}

export function builtinPolicy(): OrgPolicy {
  return parsePolicy(BUILTIN_POLICY_YAML, 'builtin');
}

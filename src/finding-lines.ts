/**
 * How an org-policy finding is written for a person: one line, `[rule-id] field.path: what is
 * wrong; how to fix`, in a denial's message and as a warning line. Warning lines also say which
 * object they are about: kubectl prints each distinct warning text once per invocation, so two
 * policies of one file with the same problem would otherwise show one warning between them. Pure.
 */
import type { Finding } from './policy/types.js';

/** The API server passes a warning on whole up to this many characters, and cuts it past. */
const WARNING_WHOLE = 256;

/** Leads a deny finding reported as a warning because the object is invalid anyway. */
const WOULD_DENY = 'would deny once valid: ';

/** `namespace/name` past this length is cut in the middle: the warning is about the problem. */
const SUBJECT_MAX = 64;

/** `[rule-id] field.path: what is wrong; how to fix` — the line a person acts on. */
export function findingLine(f: Finding, withFix = true): string {
  const where = f.field ? `${f.field}: ` : '';
  return withFix ? `[${f.rule}] ${where}${f.message}; ${f.fix}` : `[${f.rule}] ${where}${f.message}`;
}

/** `namespace/name`, the way kubectl names an object, kept short. */
export function subjectOf(namespace: string, name: string): string {
  const full = `${namespace || '(no namespace)'}/${name || '(no name)'}`;
  if (full.length <= SUBJECT_MAX) return full;
  const keep = (SUBJECT_MAX - 3) / 2;
  return `${full.slice(0, Math.ceil(keep))}...${full.slice(full.length - Math.floor(keep))}`;
}

/** A line of our own about one object: `namespace/name: text`. */
export function aboutObject(subject: string, text: string): string {
  return `${subject}: ${text}`;
}

/**
 * A finding as a warning line: with the fix when the line stays within what the API server
 * passes on whole. `wouldDeny`: a deny finding on an object the API server rejects anyway.
 */
function findingWarning(subject: string, f: Finding, wouldDeny: boolean): string {
  const lead = `${subject}: ${wouldDeny ? WOULD_DENY : ''}`;
  const full = lead + findingLine(f);
  return full.length <= WARNING_WHOLE ? full : lead + findingLine(f, false);
}

/** The rules whose findings explain a rule's away (each rule's `explainedBy`). */
export type ExplainersOf = (rule: string) => readonly string[];

/**
 * One root cause, one warning: a finding that a more specific finding on the same field
 * explains. It stays in the findings (audit annotations, logs, CLI detail), not in the warnings.
 */
function explained(f: Finding, reported: readonly Finding[], explainersOf: ExplainersOf): boolean {
  const by = explainersOf(f.rule);
  return by.length > 0 && reported.some((g) => by.includes(g.rule) && (g.field === f.field || g.field.startsWith(`${f.field}.`)));
}

/**
 * The warning lines for the findings a person is told of: `wouldDeny` (denials on an object
 * that is invalid anyway), then `warned`; each names the object, one per root cause.
 * `alsoReported`: findings said elsewhere (a 403's message) that can explain a warning away;
 * `explainersOf`: which rules explain a rule's findings away.
 */
export function findingWarnings(
  subject: string,
  wouldDeny: readonly Finding[],
  warned: readonly Finding[],
  alsoReported: readonly Finding[],
  explainersOf: ExplainersOf,
): string[] {
  const reported = [...alsoReported, ...wouldDeny, ...warned];
  const out: string[] = [];
  for (const f of wouldDeny) if (!explained(f, reported, explainersOf)) out.push(findingWarning(subject, f, true));
  for (const f of warned) if (!explained(f, reported, explainersOf)) out.push(findingWarning(subject, f, false));
  return out;
}

/**
 * How an org-policy finding is written for a person: one line, `[rule-id] field.path: what is
 * wrong; how to fix`, in a denial's message and as a warning line. Pure.
 */
import type { Finding } from './policy/types.js';

/** The API server passes a warning on whole up to this many characters, and cuts it past. */
const WARNING_WHOLE = 256;

/** Leads a deny finding reported as a warning because the object is invalid anyway. */
const WOULD_DENY = 'would deny once valid: ';

/** `[rule-id] field.path: what is wrong; how to fix` — the line a person acts on. */
export function findingLine(f: Finding, withFix = true): string {
  const where = f.field ? `${f.field}: ` : '';
  return withFix ? `[${f.rule}] ${where}${f.message}; ${f.fix}` : `[${f.rule}] ${where}${f.message}`;
}

/**
 * A finding as a warning line: with the fix when the line stays within what the API server
 * passes on whole. `wouldDeny`: a deny finding on an object the API server rejects anyway.
 */
export function findingWarning(f: Finding, wouldDeny = false): string {
  const lead = wouldDeny ? WOULD_DENY : '';
  const full = lead + findingLine(f);
  return full.length <= WARNING_WHOLE ? full : lead + findingLine(f, false);
}

const FINDING_WARNING = /^(?:would deny once valid: )?\[[a-z0-9-]+\] /;

/** Whether a warning line is a finding's (the CLI lists findings apart, with their lines). */
export function isFindingWarning(line: string): boolean {
  return FINDING_WARNING.test(line);
}

/**
 * Shapes warning lines for an AdmissionResponse. The API server keeps at most 4 KiB of warnings
 * per response and cuts each past 256 characters; kubectl prints each on a line of its own. So:
 * no control characters, each short (under 120 characters where the text allows, hard cap 256),
 * and a final line saying how many were left out rather than a silent cut.
 */
const SOFT_LIMIT = 120;
const HARD_LIMIT = 256;
const TOTAL_LIMIT = 4000;

// eslint-disable-next-line no-control-regex
const CONTROL_OR_DOUBLED_SPACE = /[\u0000-\u001f\u007f-\u009f]|\s\s/;

/** The characters of the regular expression class \s (JavaScript's whitespace and line ends). */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return (
    c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 ||
    c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/**
 * Whether clean() would change anything: a control character, whitespace doubled, or whitespace
 * at either end. The ends are looked at directly: as alternatives of the regular expression
 * (`^\s|\s$`) they would be tried at every position of every warning of every review.
 */
function needsCleaning(text: string): boolean {
  if (CONTROL_OR_DOUBLED_SPACE.test(text)) return true;
  return text.length > 0 && (isSpace(text.charCodeAt(0)) || isSpace(text.charCodeAt(text.length - 1)));
}

function clean(text: string): string {
  if (!needsCleaning(text)) return text; // the usual case: nothing to do
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
}

function shorten(text: string): string {
  if (text.length <= HARD_LIMIT) return text;
  return `${text.slice(0, HARD_LIMIT - 3)}...`;
}

/** The cleaned, non-empty lines, each once, in order of first appearance; `others` first. */
function uniqueCleaned(others: readonly string[], findings: readonly string[]): { lines: string[]; others: number } {
  const unique = new Set<string>();
  for (const line of others) {
    const cleaned = clean(line);
    if (cleaned.length > 0) unique.add(cleaned);
  }
  const otherCount = unique.size;
  for (const line of findings) {
    const cleaned = clean(line);
    if (cleaned.length > 0) unique.add(cleaned);
  }
  return { lines: [...unique], others: otherCount };
}

/**
 * The warning lines of one response, by kind: the org-policy findings' lines, and the others
 * (notes on the review itself, the impact, the API server's own warnings). Each kind keeps its
 * order; the others come first.
 */
export interface WarningLines {
  readonly others: readonly string[];
  readonly findings: readonly string[];
}

export interface FormattedWarnings {
  /** Every line, in the order the response carries them. */
  readonly lines: string[];
  /** Those of `lines` that are not a finding's, the line counting any left out among them. */
  readonly others: string[];
}

/** `subject`: the object the lines are about, named in the line that counts the ones left out. */
export function formatWarnings(warnings: WarningLines, subject?: string): FormattedWarnings {
  const lead = subject ? `${subject}: ` : '';
  const lines: string[] = [];
  const others: string[] = [];
  let total = 0;
  const unique = uniqueCleaned(warnings.others, warnings.findings);
  const all = unique.lines;
  for (let i = 0; i < all.length; i++) {
    const line = shorten(all[i] as string);
    const remaining = all.length - i - 1;
    const tail = remaining > 0 ? `${lead}... and ${remaining} more warning(s); see the full list with netpol-guard check` : '';
    if (total + line.length + tail.length + 8 > TOTAL_LIMIT) {
      const more = `${lead}... and ${all.length - i} more warning(s); see the full list with netpol-guard check`;
      lines.push(more);
      others.push(more);
      break;
    }
    lines.push(line);
    if (i < unique.others) others.push(line);
    total += line.length;
  }
  return { lines, others };
}

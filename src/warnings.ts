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
const UNCLEAN = /[\u0000-\u001f\u007f-\u009f]|\s\s|^\s|\s$/;

function clean(text: string): string {
  if (!UNCLEAN.test(text)) return text; // the usual case: nothing to do
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
}

function shorten(text: string): string {
  if (text.length <= HARD_LIMIT) return text;
  return `${text.slice(0, HARD_LIMIT - 3)}...`;
}

export function formatWarnings(lines: readonly string[]): string[] {
  const out: string[] = [];
  let total = 0;
  const unique = [...new Set(lines.map(clean).filter((l) => l.length > 0))];
  for (let i = 0; i < unique.length; i++) {
    const line = shorten(unique[i] as string);
    const remaining = unique.length - i - 1;
    const tail = remaining > 0 ? `... and ${remaining} more warning(s); see the full list with netpol-guard check` : '';
    if (total + line.length + tail.length + 8 > TOTAL_LIMIT) {
      out.push(`... and ${unique.length - i} more warning(s); see the full list with netpol-guard check`);
      break;
    }
    out.push(line);
    total += line.length;
  }
  return out;
}

export const WARNING_SOFT_LIMIT = SOFT_LIMIT;

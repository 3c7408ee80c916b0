/**
 * bench/results.md ends with "Recorded runs": sections that standalone benchmarks (and measured
 * changes) write there, which `npm run bench` keeps when it regenerates the parts above them.
 * Each section is a level-3 heading; writing one replaces the section of the same title.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.js';

export const RESULTS_MD = join(ROOT, 'bench', 'results.md');
export const RECORDED_HEADING = '## Recorded runs';

const INTRO = [
  RECORDED_HEADING,
  '',
  'Written by the standalone benchmarks named in each section, and kept when `npm run bench` regenerates the parts above.',
].join('\n');

/** The "Recorded runs" part of a results.md text (from its heading on), or '' when there is none. */
export function recordedPart(text: string): string {
  const at = text.indexOf(`\n${RECORDED_HEADING}\n`);
  return at < 0 ? '' : text.slice(at + 1);
}

/** `text` with the section `### title` set to `body` under "Recorded runs" (replaced or appended). */
export function withRecordedSection(text: string, title: string, body: string): string {
  const recorded = recordedPart(text);
  const head = recorded ? text.slice(0, text.length - recorded.length) : `${text.trimEnd()}\n\n`;
  const sections = (recorded || INTRO).split(/\n(?=### )/);
  const section = `### ${title}\n\n${body.trim()}\n`;
  const index = sections.findIndex((s) => s.startsWith(`### ${title}\n`));
  if (index >= 0) sections[index] = section;
  else sections.push(section);
  return head + sections.map((s) => `${s.trimEnd()}\n`).join('\n');
}

export function writeRecordedSection(title: string, body: string, file = RESULTS_MD): void {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '# netpol-guard benchmarks\n';
  writeFileSync(file, withRecordedSection(text, title, body));
}

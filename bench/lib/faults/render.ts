/**
 * The fault report: a summary table (one row per scenario: PASS or FAIL and the figures that
 * decided it), then each scenario's setup, checks, figures and notes. Markdown for bench/faults.md;
 * the same tables print to the terminal.
 */
import { type Machine, machineLine, table } from '../report.js';
import { type Outcome, passed } from './outcome.js';

/** Pipes would split a markdown cell; newlines would end the row. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n+/g, ' ');
}

export function summaryTable(outcomes: readonly Outcome[]): string {
  return table(
    ['#', 'scenario', 'result', 'deciding figures'],
    outcomes.map((o, i) => [
      String(i + 1),
      o.name,
      passed(o) ? 'PASS' : 'FAIL',
      cell(
        passed(o)
          ? o.headline
          : o.checks
              .filter((c) => !c.ok)
              .map((c) => `MISSED ${c.goal}: ${c.measured}`)
              .join('; '),
      ),
    ]),
  );
}

export function scenarioSection(o: Outcome, index: number): string {
  const lines = [
    `## ${index + 1}. ${o.name}: ${o.title} — ${passed(o) ? 'PASS' : 'FAIL'}`,
    '',
    `Setup: ${o.setup}${o.durationSeconds !== undefined ? ` (ran ${o.durationSeconds.toFixed(0)} s)` : ''}.`,
    '',
    table(['goal', 'measured', ''], o.checks.map((c) => [cell(c.goal), cell(c.measured), c.ok ? 'met' : 'MISSED'])),
  ];
  if (o.figures.length) lines.push('', table(['figure', 'value'], o.figures.map(([k, v]) => [cell(k), cell(v)])));
  if (o.notes.length) lines.push('', ...o.notes.map((n) => `- ${n}`));
  if (o.logs.length) lines.push('', `Server logs kept: ${o.logs.join(', ')}`);
  return lines.join('\n');
}

export function faultReport(machine: Machine, outcomes: readonly Outcome[], preface: readonly string[]): string {
  return [
    '# netpol-guard under faults',
    '',
    ...preface,
    '',
    machineLine(machine),
    '',
    summaryTable(outcomes),
    '',
    ...outcomes.flatMap((o, i) => [scenarioSection(o, i), '']),
  ].join('\n');
}

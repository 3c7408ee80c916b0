/**
 * simulate's outputs: the JSON contract (docs/cli.md), written as it is produced so a large
 * matrix never sits in memory as one string; the truth tables of Kubernetes' NetworkPolicy e2e
 * tests (`.` allowed, `X` denied, `-` a pod and itself), grouped by class when there are many
 * pods; and the why of a single flow.
 */
import type { FlowVerdict, Matrix, MatrixProbe, SideVerdict } from '../connectivity/index.js';
import type { InputError } from './inputs.js';

export type Write = (chunk: string) => void;

function flowJson(from: string, to: string, probe: MatrixProbe, v: FlowVerdict): string {
  const resolved = typeof probe.port === 'string' && v.port !== undefined ? { port: v.port } : {};
  return JSON.stringify({ from, to, allowed: v.allowed, ...resolved, egress: v.egress, ingress: v.ingress });
}

/** `{"probes":[{"port","protocol","flows":[…]}], "podsWithoutPorts":[…], "unknown":[…], "errors":[…]}` */
export function writeJson(matrix: Matrix, errors: readonly InputError[], write: Write): void {
  write('{"probes":[');
  matrix.probes.forEach((probe, i) => {
    write(`${i > 0 ? ',' : ''}\n{"port":${JSON.stringify(probe.port)},"protocol":${JSON.stringify(probe.protocol)},"flows":[`);
    probe.flows.forEach((f, j) => write(`${j > 0 ? ',' : ''}\n${flowJson(f.from, f.to, probe, f.verdict)}`));
    write(']}');
  });
  write(`],\n"podsWithoutPorts":${JSON.stringify(matrix.withoutPorts)},\n"unknown":${JSON.stringify(matrix.unknown)},\n"errors":${JSON.stringify(errors)}}\n`);
}

function sideLines(name: string, direction: 'egress' | 'ingress', who: string, s: SideVerdict): string[] {
  const lines = [`  ${name} (${direction} of ${who}): ${s.allowed ? 'allowed' : 'DENIED'} — ${s.reason}`];
  if (s.policies.length > 0 && s.decidedBy !== 'networkpolicy') lines.push(`    isolated by: ${s.policies.join(', ')}`);
  for (const n of s.notes ?? []) lines.push(`    note: ${n}`);
  return lines;
}

/** The why of one flow per probe: the verdict, then each side. */
export function renderWhy(matrix: Matrix): string {
  const out: string[] = [];
  for (const probe of matrix.probes) {
    for (const f of probe.flows) {
      const v = f.verdict;
      const port = typeof probe.port === 'string' ? `${probe.port}${v.port !== undefined ? ` (${v.port})` : ''}/${probe.protocol}` : `${probe.port}/${probe.protocol}`;
      out.push(`${f.from} → ${f.to} ${port}: ${v.allowed ? 'ALLOWED' : 'DENIED'}`);
      out.push(...sideLines('source', 'egress', f.from, v.egress));
      out.push(...sideLines('destination', 'ingress', f.to, v.ingress));
      out.push('');
    }
  }
  return out.join('\n');
}

interface Axis {
  readonly labels: string[];
  /** Index on the axis of each endpoint text. */
  readonly index: Map<string, number>;
}

/** One column/row per endpoint, or per group of endpoints sharing `groupOf` when there are many. */
function axis(endpoints: readonly string[], groupOf: (e: string) => string, grouped: boolean): Axis {
  const labels: string[] = [];
  const index = new Map<string, number>();
  const counts: number[] = [];
  const byLabel = new Map<string, number>();
  for (const e of endpoints) {
    const label = grouped ? groupOf(e) : e;
    let i = byLabel.get(label);
    if (i === undefined) {
      i = labels.length;
      byLabel.set(label, i);
      labels.push(label);
      counts.push(0);
    }
    counts[i] = (counts[i] as number) + 1;
    index.set(e, i);
  }
  return { labels: grouped ? labels.map((l, i) => (counts[i] as number) > 1 ? `${l} (${counts[i]})` : l) : labels, index };
}

/**
 * A truth table per probe. With more than `groupAbove` endpoints on an axis, pods of one class
 * (`groupOf`) share a row/column: `.` all allowed, `X` all denied, `~` some of each.
 */
export function renderTables(matrix: Matrix, from: readonly string[], to: readonly string[], groupOf: (e: string) => string, groupAbove = 40): string {
  const out: string[] = [];
  const grouped = from.length > groupAbove || to.length > groupAbove;
  const rows = axis(from, groupOf, grouped);
  const cols = axis(to, groupOf, grouped);
  for (const probe of matrix.probes) {
    const cells: ('.' | 'X' | '~' | '-' | ' ')[][] = rows.labels.map(() => cols.labels.map(() => ' ' as const));
    for (const f of probe.flows) {
      const r = rows.index.get(f.from);
      const c = cols.index.get(f.to);
      if (r === undefined || c === undefined) continue;
      const row = cells[r] as ('.' | 'X' | '~' | '-' | ' ')[];
      const mark = f.verdict.allowed ? '.' : 'X';
      const cur = row[c];
      row[c] = cur === ' ' || cur === '-' || cur === mark ? mark : '~';
    }
    // A pod and itself is not a flow (grouped, an empty cell just means no flow was asked).
    if (!grouped) for (const e of from) {
      const r = rows.index.get(e);
      const c = cols.index.get(e);
      if (r !== undefined && c !== undefined && (cells[r] as string[])[c] === ' ') (cells[r] as string[])[c] = '-';
    }
    const allowed = probe.flows.filter((f) => f.verdict.allowed).length;
    out.push(`Probe ${probe.port}/${probe.protocol}: ${allowed} of ${probe.flows.length} flows allowed`);
    const width = Math.max(1, ...rows.labels.map((l) => l.length));
    if (grouped) {
      // Labels of groups are long: numbered columns, with the legend below.
      out.push(`${'-'.padEnd(width)}  ${cols.labels.map((_, i) => String(i + 1).padStart(3)).join('')}`);
      rows.labels.forEach((l, r) => out.push(`${l.padEnd(width)}  ${(cells[r] as string[]).map((ch) => ch.padStart(3)).join('')}`));
      out.push('columns:');
      cols.labels.forEach((l, i) => out.push(`${String(i + 1).padStart(4)}  ${l}`));
    } else {
      const colWidth = Math.max(1, ...cols.labels.map((l) => l.length));
      out.push(`${'-'.padEnd(width)}  ${cols.labels.map((l) => l.padEnd(colWidth)).join('  ')}`.trimEnd());
      rows.labels.forEach((l, r) => out.push(`${l.padEnd(width)}  ${(cells[r] as string[]).map((ch) => ch.padEnd(colWidth)).join('  ')}`.trimEnd()));
    }
    out.push('');
  }
  if (matrix.probes.length === 0) out.push('no probes: no destination declares a container port; give --port');
  if (matrix.withoutPorts.length > 0) out.push(`declare no container port (not probed; use --port): ${matrix.withoutPorts.join(', ')}`);
  return out.join('\n');
}

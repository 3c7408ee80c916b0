/**
 * The impact in words: at most three lines, each short enough for an admission warning (the API
 * server cuts past 256 characters), grouped by workload. Line 1: isolation and lost flows;
 * line 2: gained flows and new reach; line 3: what was not compared. Pure.
 */
import type { FlowGroup } from '../connectivity/index.js';
import type { ImpactAnalysis } from './types.js';
import { type WorkloadCount, type WorkloadNames, workloadsOf } from './workloads.js';

const LINE_LIMIT = 250;

/** `1 pod`, `3 pods`. */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * Items joined by ", " while they fit in `room` characters, then "+N more". `total` counts
 * items beyond those given (a caller with thousands names only the first few).
 */
function fitted(items: readonly string[], room: number, total = items.length): string {
  const out: string[] = [];
  let used = 0;
  for (const [i, item] of items.entries()) {
    const rest = total - i - 1;
    const tail = rest > 0 ? `, +${rest} more`.length : 0;
    if (out.length > 0 && used + 2 + item.length + tail > room) {
      return `${out.join(', ')}, +${total - i} more`;
    }
    out.push(item);
    used += (out.length > 1 ? 2 : 0) + item.length;
  }
  return total > items.length ? `${out.join(', ')}, +${total - items.length} more` : out.join(', ');
}

export function workloadList(pods: readonly string[], names: WorkloadNames, room: number): string {
  return fitted(
    workloadsOf(pods, names).map((w) => w.text),
    room,
  );
}

/** More than fit in a warning line (250 characters, items of at least ~10). */
const NAMED_PAIRS = 32;

interface PairFlows {
  readonly from: number;
  readonly to: number;
  readonly flows: number;
}

/**
 * Flows grouped by (source workload, destination workload), with their ports, most flows first:
 * `a/x -> b/y 80/TCP,81/TCP`; only the first NAMED_PAIRS are written out, with how many there
 * are. The groups of a diff share their pod lists (a class's pods are one array), and `names`
 * counts each list once: a change that opens 50 pods to 10,000 sources is tens of thousands of
 * groups over a few thousand lists. Flows are summed by workload numbers, and the ports are
 * gathered only for the pairs written out.
 */
function flowGroups(groups: readonly FlowGroup[], names: WorkloadNames): { items: string[]; total: number } {
  names.newPass();
  const ends = countedEnds(groups, names);
  // Per source workload, flows by destination workload.
  const rows: Map<number, number>[] = [];
  let total = 0;
  for (let i = 0; i < groups.length; i++) {
    const targets = ends[2 * i + 1] as readonly WorkloadCount[];
    for (const source of ends[2 * i] as readonly WorkloadCount[]) {
      let row = rows[source.id];
      if (!row) rows[source.id] = row = new Map();
      for (const target of targets) {
        const was = row.get(target.id);
        if (was === undefined) total++;
        row.set(target.id, (was ?? 0) + source.pods * target.pods);
      }
    }
  }
  const top = firstPairs(rows, NAMED_PAIRS, byFlows(names));
  const ports = portsOf(groups, ends, top);
  const items = top.map((e, i) => {
    const list = ports[i] as string[];
    return `${names.nameOf(e.from)} -> ${names.nameOf(e.to)} ${list.slice(0, 2).join(',')}${list.length > 2 ? ` +${list.length - 2} ports` : ''}`;
  });
  return { items, total };
}

/**
 * Each group's sources and destinations counted by workload (source, destination, source, ...):
 * looked up once per group, and not at all when the list is the one of the group before (a
 * diff emits a destination's groups together).
 */
function countedEnds(groups: readonly FlowGroup[], names: WorkloadNames): (readonly WorkloadCount[])[] {
  const ends: (readonly WorkloadCount[])[] = new Array(groups.length * 2);
  let lastFrom: readonly string[] | undefined;
  let lastTo: readonly string[] | undefined;
  let sources: readonly WorkloadCount[] = [];
  let targets: readonly WorkloadCount[] = [];
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i] as FlowGroup;
    if (g.from !== lastFrom) sources = names.count((lastFrom = g.from));
    if (g.to !== lastTo) targets = names.count((lastTo = g.to));
    ends[2 * i] = sources;
    ends[2 * i + 1] = targets;
  }
  return ends;
}

/** `port/PROTOCOL` of the groups' flows for each pair of `pairs`, in the order met. */
function portsOf(groups: readonly FlowGroup[], ends: readonly (readonly WorkloadCount[])[], pairs: readonly PairFlows[]): string[][] {
  const wanted = new Map<number, Map<number, string[]>>();
  const out = pairs.map((pair) => {
    let row = wanted.get(pair.from);
    if (!row) wanted.set(pair.from, (row = new Map()));
    const list: string[] = [];
    row.set(pair.to, list);
    return list;
  });
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i] as FlowGroup;
    let text: string | undefined;
    for (const source of ends[2 * i] as readonly WorkloadCount[]) {
      const row = wanted.get(source.id);
      if (!row) continue;
      for (const target of ends[2 * i + 1] as readonly WorkloadCount[]) {
        const list = row.get(target.id);
        if (!list) continue;
        text ??= `${g.port}/${g.protocol}`;
        if (!list.includes(text)) list.push(text);
      }
    }
  }
  return out;
}

/**
 * Most flows first, then by source and destination name (the order of `from -> to` as one
 * string, since a workload name holds no character below the space). A total order: a pair of
 * workloads is one entry.
 */
function byFlows(names: WorkloadNames): (a: PairFlows, b: PairFlows) => number {
  return (a, b) => b.flows - a.flows || cmp(names.nameOf(a.from), names.nameOf(b.from)) || cmp(names.nameOf(a.to), names.nameOf(b.to));
}

/** The first `n` pairs in `order`, without sorting the thousands a deleted policy can open. */
function firstPairs(rows: readonly (Map<number, number> | undefined)[], n: number, order: (a: PairFlows, b: PairFlows) => number): PairFlows[] {
  const top: PairFlows[] = [];
  for (let from = 0; from < rows.length; from++) {
    const row = rows[from];
    if (!row) continue;
    for (const [to, flows] of row) {
      if (top.length === n && (top[n - 1] as PairFlows).flows > flows) continue;
      const e = { from, to, flows };
      if (top.length === n && order(e, top[n - 1] as PairFlows) >= 0) continue;
      let i = top.length;
      while (i > 0 && order(e, top[i - 1] as PairFlows) < 0) i--;
      top.splice(i, 0, e);
      if (top.length > n) top.pop();
    }
  }
  return top;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The pairs of a list of groups, by the list and the names it was worded with (a review words its lost flows twice: the summary, the rule). */
const worded = new WeakMap<readonly FlowGroup[], { names: WorkloadNames; pairs: { items: string[]; total: number } }>();

/** Flows in a few words: grouped by workload pair with their ports, as many as fit in `room`. */
export function flowList(groups: readonly FlowGroup[], names: WorkloadNames, room: number): string {
  let done = worded.get(groups);
  if (!done || done.names !== names) worded.set(groups, (done = { names, pairs: flowGroups(groups, names) }));
  return fitted(done.pairs.items, room, done.pairs.total);
}

function isolationPhrase(verb: string, dir: string, pods: readonly string[], names: WorkloadNames): string {
  return `${verb} ${plural(pods.length, 'pod')} (${workloadList(pods, names, 70)}) for ${dir}`;
}

function cut(line: string): string {
  return line.length <= LINE_LIMIT ? line : `${line.slice(0, LINE_LIMIT - 3)}...`;
}

export interface SummaryOptions {
  /** How pods are named in groups; pods it does not know are printed by `namespace/name`. */
  readonly names: WorkloadNames;
  /** Said at the end of the last line, e.g. where the full list is. */
  readonly more?: string;
  /**
   * The object named at the start of every line (`ns/name: [impact] ...`), as every warning line
   * of a review names its object (kubectl prints a repeated text once); default: the changes.
   */
  readonly subject?: string;
}

export function summarizeImpact(report: ImpactAnalysis, options: SummaryOptions): string[] {
  const { names } = options;
  const changed = report.changes.map((c) => (c.operation === 'DELETE' ? `delete ${c.policy}` : c.policy)).join(', ');
  // In a review every line opens with the object, as all its warning lines do; alone (the CLI),
  // with the changes.
  const head = options.subject ? `${options.subject}: [impact]` : `[impact] ${changed}:`;

  const first: string[] = [];
  if (report.isolated.ingress.length > 0) first.push(isolationPhrase('isolates', 'ingress', report.isolated.ingress, names));
  if (report.isolated.egress.length > 0) first.push(isolationPhrase('isolates', 'egress', report.isolated.egress, names));
  if (report.opened.ingress.length > 0) first.push(isolationPhrase('opens', 'ingress: no NetworkPolicy isolates them any more', report.opened.ingress, names));
  if (report.opened.egress.length > 0) first.push(isolationPhrase('opens', 'egress: no NetworkPolicy isolates them any more', report.opened.egress, names));
  if (report.lostCount > 0) {
    const sources = report.lostSources;
    const lead = `${plural(report.lostCount, 'flow')} lost, ${plural(sources, 'source')} that can connect today lose${sources === 1 ? 's' : ''} access: `;
    const used = head.length + 1 + first.join('; ').length + 2 + lead.length;
    first.push(lead + flowList(report.lost, names, Math.max(60, LINE_LIMIT - used)));
  }

  const second: string[] = [];
  if (report.reach.world.length > 0) second.push(`newly reachable from outside the cluster: ${plural(report.reach.world.length, 'pod')} (${workloadList(report.reach.world, names, 50)})`);
  if (report.reach.everyNamespace.length > 0) second.push(`newly reachable from every namespace: ${plural(report.reach.everyNamespace.length, 'pod')} (${workloadList(report.reach.everyNamespace, names, 50)})`);
  if (report.gainedCount > 0) {
    const lead = `${plural(report.gainedCount, 'flow')} gained from ${plural(report.gainedSources, 'source')}: `;
    const used = head.length + 1 + second.join('; ').length + 2 + lead.length;
    second.push(lead + flowList(report.gained, names, Math.max(60, LINE_LIMIT - used)));
  }

  const third: string[] = [];
  if (report.withoutPorts.length > 0) {
    third.push(`${plural(report.withoutPorts.length, 'selected pod')} declare${report.withoutPorts.length === 1 ? 's' : ''} no container ports, so flows to ${report.withoutPorts.length === 1 ? 'it' : 'them'} were not compared (${workloadList(report.withoutPorts, names, 60)})`);
  }
  if (options.more && (report.lostCount > 0 || report.gainedCount > 0)) third.push(options.more);

  const lines: string[] = [];
  if (first.length === 0 && second.length === 0) {
    lines.push(`${head} no allowed flow between pods changes and no pod's isolation changes`);
  } else {
    if (first.length > 0) lines.push(`${head} ${first.join('; ')}`);
    if (second.length > 0) lines.push(`${head} ${second.join('; ')}`);
  }
  if (third.length > 0) lines.push(`${head} ${third.join('; ')}`);
  return lines.slice(0, 3).map(cut);
}

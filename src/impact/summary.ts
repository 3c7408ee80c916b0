/**
 * The impact in words: at most three lines, each short enough for an admission warning (the API
 * server cuts past 256 characters), grouped by workload. Line 1: isolation and lost flows;
 * line 2: gained flows and new reach; line 3: what was not compared. Pure.
 */
import type { FlowGroup } from '../connectivity/index.js';
import type { ImpactAnalysis } from './types.js';
import { type PodIdentity, workloadOf, workloadsOf } from './workloads.js';

const LINE_LIMIT = 250;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Items joined by ", " while they fit in `room` characters, then "…and N more". */
function fitted(items: readonly string[], room: number): string {
  const out: string[] = [];
  let used = 0;
  for (const [i, item] of items.entries()) {
    const rest = items.length - i - 1;
    const tail = rest > 0 ? `, +${rest} more`.length : 0;
    if (out.length > 0 && used + 2 + item.length + tail > room) {
      return `${out.join(', ')}, +${items.length - i} more`;
    }
    out.push(item);
    used += (out.length > 1 ? 2 : 0) + item.length;
  }
  return out.join(', ');
}

export function workloadList(pods: readonly string[], identify: (key: string) => PodIdentity | undefined, room: number): string {
  return fitted(
    workloadsOf(pods, identify).map((w) => w.text),
    room,
  );
}

/** Workload names, remembered per pod for one summary. */
function namer(identify: (key: string) => PodIdentity | undefined): (key: string) => string {
  const name = new Map<string, string>();
  return (key) => {
    let t = name.get(key);
    if (t === undefined) {
      const id = identify(key);
      name.set(key, (t = id ? workloadOf(id).text : key));
    }
    return t;
  };
}

function countBy(pods: readonly string[], name: (key: string) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const p of pods) {
    const w = name(p);
    out.set(w, (out.get(w) ?? 0) + 1);
  }
  return out;
}

/** Flows grouped by (source workload, destination workload), with their ports: `a/x -> b/y 80/TCP, 81/TCP`. */
function flowGroups(groups: readonly FlowGroup[], identify: (key: string) => PodIdentity | undefined): string[] {
  const name = namer(identify);
  const byPair = new Map<string, { flows: number; ports: string[] }>();
  for (const g of groups) {
    const port = `${g.port}/${g.protocol}`;
    const sources = countBy(g.from, name);
    const targets = countBy(g.to, name);
    for (const [ws, ns] of sources) {
      for (const [wt, nt] of targets) {
        const pair = `${ws} -> ${wt}`;
        let entry = byPair.get(pair);
        if (!entry) byPair.set(pair, (entry = { flows: 0, ports: [] }));
        entry.flows += ns * nt;
        if (!entry.ports.includes(port)) entry.ports.push(port);
      }
    }
  }
  return [...byPair.entries()]
    .sort((a, b) => b[1].flows - a[1].flows || (a[0] < b[0] ? -1 : 1))
    .map(([pair, e]) => `${pair} ${e.ports.slice(0, 2).join(',')}${e.ports.length > 2 ? ` +${e.ports.length - 2} ports` : ''}`);
}

/** Flows in a few words: grouped by workload pair with their ports, as many as fit in `room`. */
export function flowList(groups: readonly FlowGroup[], identify: (key: string) => PodIdentity | undefined, room: number): string {
  return fitted(flowGroups(groups, identify), room);
}

/** How many distinct pods are the sources (or destinations) of the groups' flows. */
export function distinctPods(groups: readonly FlowGroup[], end: 'from' | 'to'): number {
  const seen = new Set<readonly string[]>();
  const pods = new Set<string>();
  for (const g of groups) {
    if (seen.has(g[end])) continue;
    seen.add(g[end]);
    for (const p of g[end]) pods.add(p);
  }
  return pods.size;
}

function isolationPhrase(verb: string, dir: string, pods: readonly string[], identify: (key: string) => PodIdentity | undefined): string {
  return `${verb} ${plural(pods.length, 'pod')} (${workloadList(pods, identify, 70)}) for ${dir}`;
}

function cut(line: string): string {
  return line.length <= LINE_LIMIT ? line : `${line.slice(0, LINE_LIMIT - 3)}...`;
}

export interface SummaryOptions {
  /** How pods are named in groups; pods it does not know are printed by `namespace/name`. */
  readonly identify: (key: string) => PodIdentity | undefined;
  /** Said at the end of the last line, e.g. where the full list is. */
  readonly more?: string;
  /**
   * The object named at the start of every line (`ns/name: [impact] ...`), as every warning line
   * of a review names its object (kubectl prints a repeated text once); default: the changes.
   */
  readonly subject?: string;
}

export function summarizeImpact(report: ImpactAnalysis, options: SummaryOptions): string[] {
  const { identify } = options;
  const changed = report.changes.map((c) => (c.operation === 'DELETE' ? `delete ${c.policy}` : c.policy)).join(', ');
  // In a review every line opens with the object, as all its warning lines do; alone (the CLI),
  // with the changes.
  const head = options.subject ? `${options.subject}: [impact]` : `[impact] ${changed}:`;

  const first: string[] = [];
  if (report.isolated.ingress.length > 0) first.push(isolationPhrase('isolates', 'ingress', report.isolated.ingress, identify));
  if (report.isolated.egress.length > 0) first.push(isolationPhrase('isolates', 'egress', report.isolated.egress, identify));
  if (report.opened.ingress.length > 0) first.push(isolationPhrase('opens', 'ingress: no NetworkPolicy isolates them any more', report.opened.ingress, identify));
  if (report.opened.egress.length > 0) first.push(isolationPhrase('opens', 'egress: no NetworkPolicy isolates them any more', report.opened.egress, identify));
  if (report.lostCount > 0) {
    const sources = distinctPods(report.lost, 'from');
    const lead = `${plural(report.lostCount, 'flow')} lost, ${plural(sources, 'source')} that can connect today lose${sources === 1 ? 's' : ''} access: `;
    const used = head.length + 1 + first.join('; ').length + 2 + lead.length;
    first.push(lead + fitted(flowGroups(report.lost, identify), Math.max(60, LINE_LIMIT - used)));
  }

  const second: string[] = [];
  if (report.reach.world.length > 0) second.push(`newly reachable from outside the cluster: ${plural(report.reach.world.length, 'pod')} (${workloadList(report.reach.world, identify, 50)})`);
  if (report.reach.everyNamespace.length > 0) second.push(`newly reachable from every namespace: ${plural(report.reach.everyNamespace.length, 'pod')} (${workloadList(report.reach.everyNamespace, identify, 50)})`);
  if (report.gainedCount > 0) {
    const lead = `${plural(report.gainedCount, 'flow')} gained from ${plural(distinctPods(report.gained, 'from'), 'source')}: `;
    const used = head.length + 1 + second.join('; ').length + 2 + lead.length;
    second.push(lead + fitted(flowGroups(report.gained, identify), Math.max(60, LINE_LIMIT - used)));
  }

  const third: string[] = [];
  if (report.withoutPorts.length > 0) {
    third.push(`${plural(report.withoutPorts.length, 'selected pod')} declare${report.withoutPorts.length === 1 ? 's' : ''} no container ports, so flows to ${report.withoutPorts.length === 1 ? 'it' : 'them'} were not compared (${workloadList(report.withoutPorts, identify, 60)})`);
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

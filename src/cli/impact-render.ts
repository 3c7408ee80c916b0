/**
 * `netpol-guard impact` output: JSON (the documented contract, docs/cli.md) and text (the
 * webhook's summary lines, then every flow with the reason on the side that changed).
 */
import type { SideVerdict } from '../connectivity/index.js';
import { summarizeImpact } from '../impact/summary.js';
import type { ImpactAnalysis, ImpactFlowDetail, ImpactReport } from '../impact/types.js';
import { type PodIdentity, WorkloadNames } from '../impact/workloads.js';

const flow = (f: ImpactFlowDetail) => ({ from: f.from, to: f.to, port: f.port, protocol: f.protocol });

export function renderImpactJson(report: ImpactReport): string {
  const out = {
    changes: report.changes,
    lost: report.lost.map(flow),
    gained: report.gained.map(flow),
    isolated: report.isolated,
    opened: report.opened,
    withoutPorts: report.withoutPorts,
    reach: report.reach,
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** The side that decides the flow's answer: the denying side when denied, else the ingress side. */
function decisive(v: { readonly allowed: boolean; readonly egress: SideVerdict; readonly ingress: SideVerdict }): { side: string; verdict: SideVerdict } {
  if (!v.ingress.allowed || v.allowed) return { side: 'ingress', verdict: v.ingress };
  return { side: 'egress', verdict: v.egress };
}

function flowLine(f: ImpactFlowDetail, lost: boolean): string {
  const now = decisive(lost ? f.after : f.before);
  return `  ${f.from} -> ${f.to} ${f.port}/${f.protocol}  (${lost ? 'now' : 'was'} ${now.side}: ${now.verdict.reason})`;
}

function podList(title: string, pods: readonly string[]): string[] {
  return pods.length === 0 ? [] : [`${title} (${pods.length}):`, ...pods.map((p) => `  ${p}`)];
}

export function renderImpactText(analysis: ImpactAnalysis, report: ImpactReport, identify: (key: string) => PodIdentity | undefined): string {
  const lines = summarizeImpact(analysis, { names: new WorkloadNames(identify) });
  lines.push('', 'Changes:', ...report.changes.map((c) => `  ${c.operation} ${c.policy}`));
  if (report.lost.length > 0) lines.push(`Lost flows (${report.lost.length}):`, ...report.lost.map((f) => flowLine(f, true)));
  if (report.gained.length > 0) lines.push(`Gained flows (${report.gained.length}):`, ...report.gained.map((f) => flowLine(f, false)));
  lines.push(
    ...podList('Newly isolated for ingress', report.isolated.ingress),
    ...podList('Newly isolated for egress', report.isolated.egress),
    ...podList('No longer isolated for ingress', report.opened.ingress),
    ...podList('No longer isolated for egress', report.opened.egress),
    ...podList('Newly reachable from outside the cluster', report.reach.world),
    ...podList('Newly reachable from every namespace', report.reach.everyNamespace),
    ...podList('Selected pods without declared ports (not compared)', report.withoutPorts),
  );
  return `${lines.join('\n')}\n`;
}

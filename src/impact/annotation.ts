/**
 * The impact in the audit log: one annotation holding the counts, the pods whose isolation
 * changed and the flows themselves, bounded so that a change touching thousands of pods still
 * fits (the API server keeps audit annotations with every event of the request). Pure.
 */
import type { FlowGroup } from '../connectivity/index.js';
import type { ImpactAssessment, ImpactSkip } from './types.js';

/** Flows listed per direction (lost, gained); the counts are always whole. */
export const ANNOTATION_FLOWS = 100;
/** Pods listed per list. */
export const ANNOTATION_PODS = 100;

/** The first `limit` flows of the groups as `from>to:port/PROTO`, without listing the rest. */
export function firstFlows(groups: readonly FlowGroup[], limit: number): string[] {
  const out: string[] = [];
  for (const g of groups) {
    for (const from of g.from) {
      for (const to of g.to) {
        if (from === to) continue;
        if (out.length >= limit) return out;
        out.push(`${from}>${to}:${g.port}/${g.protocol}`);
      }
    }
  }
  return out;
}

const capped = (list: readonly string[]) => list.slice(0, ANNOTATION_PODS);

export function impactAnnotation(impact: ImpactAssessment | ImpactSkip): Record<string, string> {
  if ('skipped' in impact) return { 'impact-skipped': impact.detail };
  const a = impact.analysis;
  const truncated = a.lostCount > ANNOTATION_FLOWS || a.gainedCount > ANNOTATION_FLOWS || [a.isolated.ingress, a.isolated.egress, a.opened.ingress, a.opened.egress, a.reach.world, a.reach.everyNamespace, a.withoutPorts].some((l) => l.length > ANNOTATION_PODS);
  return {
    impact: JSON.stringify({
      changes: a.changes,
      counts: { lost: a.lostCount, gained: a.gainedCount, isolatedIngress: a.isolated.ingress.length, isolatedEgress: a.isolated.egress.length, openedIngress: a.opened.ingress.length, openedEgress: a.opened.egress.length },
      lost: firstFlows(a.lost, ANNOTATION_FLOWS),
      gained: firstFlows(a.gained, ANNOTATION_FLOWS),
      isolated: { ingress: capped(a.isolated.ingress), egress: capped(a.isolated.egress) },
      opened: { ingress: capped(a.opened.ingress), egress: capped(a.opened.egress) },
      reach: { world: capped(a.reach.world), everyNamespace: capped(a.reach.everyNamespace) },
      withoutPorts: capped(a.withoutPorts),
      ...(truncated ? { truncated: true } : {}),
    }),
  };
}

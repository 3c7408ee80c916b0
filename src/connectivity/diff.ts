/**
 * Before and after a change of policies: the flows that stop or start being allowed, and the
 * pods whose isolation changes. Both models must hold the same pods (ConnectivityModel.withPolicies).
 * Pods are grouped by their pair of classes (before, after), so each pair of groups is decided
 * once per port.
 */
import type { ConnectivityModel } from './model.js';
import { declaredProbes, type Probe } from './matrix.js';
import type { Party } from './evaluate.js';
import type { FlowVerdict, Protocol } from './types.js';

export interface FlowChange {
  readonly from: string;
  readonly to: string;
  readonly port: number | string;
  readonly protocol: Protocol;
  readonly before: FlowVerdict;
  readonly after: FlowVerdict;
}

export interface IsolationChange {
  readonly ingress: string[];
  readonly egress: string[];
}

export interface ConnectivityDiff {
  /** Allowed before, denied after. */
  readonly lost: FlowChange[];
  /** Denied before, allowed after. */
  readonly gained: FlowChange[];
  /** Pods not isolated before and isolated after, per direction. */
  readonly isolated: IsolationChange;
  /** Pods isolated before and not after, per direction. */
  readonly opened: IsolationChange;
}

export interface DiffScope {
  /** Source pods (`namespace/name`); default every pod. */
  readonly from?: readonly string[];
  /** Destination pods; default every pod. */
  readonly to?: readonly string[];
  /** Ports to compare; default each destination's declared ports. */
  readonly probes?: readonly Probe[];
}

interface Group {
  readonly before: Party;
  readonly after: Party;
  readonly pods: string[];
}

function groups(before: ConnectivityModel, after: ConnectivityModel, pods: readonly string[]): Group[] {
  const out = new Map<string, Group>();
  for (const key of pods) {
    const b = before.classOf(key);
    const a = after.classOf(key);
    if (!a || !b) continue;
    const id = `${b.id},${a.id}`;
    let g = out.get(id);
    if (!g) out.set(id, (g = { before: { kind: 'pod', cls: b }, after: { kind: 'pod', cls: a }, pods: [] }));
    g.pods.push(key);
  }
  return [...out.values()];
}

export function diffConnectivity(before: ConnectivityModel, after: ConnectivityModel, scope: DiffScope = {}): ConnectivityDiff {
  const all = before.pods.map((p) => `${p.namespace}/${p.name}`);
  const srcGroups = groups(before, after, scope.from ?? all);
  const dstGroups = groups(before, after, scope.to ?? all);
  const lost: FlowChange[] = [];
  const gained: FlowChange[] = [];
  for (const d of dstGroups) {
    const probes = scope.probes ?? declaredProbes(before, [{ pod: d.pods[0] as string }]);
    for (const probe of probes) {
      for (const s of srcGroups) {
        const was = before.decide(s.before, d.before, probe.port, probe.protocol);
        const now = after.decide(s.after, d.after, probe.port, probe.protocol);
        if (was.allowed === now.allowed) continue;
        const list = was.allowed ? lost : gained;
        for (const from of s.pods) {
          for (const to of d.pods) {
            if (from !== to) list.push({ from, to, port: probe.port, protocol: probe.protocol, before: was, after: now });
          }
        }
      }
    }
  }
  const isolated: IsolationChange = { ingress: [], egress: [] };
  const opened: IsolationChange = { ingress: [], egress: [] };
  for (const key of all) {
    const b = before.isolation(key);
    const a = after.isolation(key);
    if (!a || !b) continue;
    for (const dir of ['ingress', 'egress'] as const) {
      if (b[dir].length === 0 && a[dir].length > 0) isolated[dir].push(key);
      if (b[dir].length > 0 && a[dir].length === 0) opened[dir].push(key);
    }
  }
  const order = (x: FlowChange, y: FlowChange) => (x.from < y.from ? -1 : x.from > y.from ? 1 : x.to < y.to ? -1 : x.to > y.to ? 1 : 0);
  lost.sort(order);
  gained.sort(order);
  return { lost, gained, isolated, opened };
}

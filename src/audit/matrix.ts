/**
 * The workload × workload reachability matrix: each cell over the destination's declared ports,
 * each port decided for every pair of classes of the two workloads (the model's verdicts; one
 * class pair stands for all its pod pairs).
 */
import type { ConnectivityModel, FlowVerdict, Party, Protocol, SideVerdict } from '../connectivity/index.js';
import type { MatrixCell, MatrixPort, MatrixWorkload, ReachabilityMatrix } from './types.js';
import type { Workload } from './workloads.js';

function sideText(s: SideVerdict, direction: 'egress' | 'ingress'): string {
  if (s.decidedBy === 'admin' || s.decidedBy === 'baseline') {
    const r = s.clusterRule!;
    return `${r.action === 'Accept' ? 'allowed' : 'denied'} by ClusterNetworkPolicy ${r.policy} ${direction}[${r.rule}] (${r.tier})`;
  }
  if (s.decidedBy === 'networkpolicy') {
    return s.allowed ? `allowed by ${s.allowedBy.map((r) => `${r.policy} ${direction}[${r.rule}]`).join(', ')}` : `denied: isolated by ${s.policies.join(', ')}, no rule allows it`;
  }
  if (s.decidedBy === 'default') return `not isolated for ${direction}`;
  return s.reason;
}

function policiesOf(v: FlowVerdict): string[] {
  const out = new Set<string>();
  for (const s of [v.egress, v.ingress]) {
    if ((s.decidedBy === 'admin' || s.decidedBy === 'baseline') && s.clusterRule) out.add(s.clusterRule.policy);
    else if (s.decidedBy === 'networkpolicy') for (const p of s.allowed ? s.allowedBy.map((r) => r.policy) : s.policies) out.add(p);
  }
  return [...out];
}

function combine(states: readonly string[]): 'allowed' | 'denied' | 'partly' {
  if (states.every((s) => s === 'allowed')) return 'allowed';
  if (states.every((s) => s === 'denied')) return 'denied';
  return 'partly';
}

export function reachabilityMatrix(model: ConnectivityModel, workloads: readonly Workload[], totalWorkloads: number): ReachabilityMatrix {
  const parties = workloads.map((w) => w.classes.map((id): Party => ({ kind: 'pod', cls: model.classes[id]! })));
  const probes = workloads.map((w) => {
    const seen = new Map<string, { port: number; protocol: Protocol }>();
    for (const id of w.classes) for (const p of model.classes[id]!.ports) seen.set(`${p.containerPort}/${p.protocol}`, { port: p.containerPort, protocol: p.protocol as Protocol });
    return [...seen.values()].sort((a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : 1));
  });
  const cells: MatrixCell[] = [];
  workloads.forEach((src, i) => {
    workloads.forEach((dst, j) => {
      if (i === j && src.pods.length === 1) {
        cells.push({ from: src.key, to: dst.key, state: 'self', ports: [] });
        return;
      }
      if (probes[j]!.length === 0) {
        cells.push({ from: src.key, to: dst.key, state: 'no-ports', ports: [] });
        return;
      }
      const ports: MatrixPort[] = [];
      for (const probe of probes[j]!) {
        const states: string[] = [];
        let example: FlowVerdict | undefined;
        for (const s of parties[i]!) {
          for (const d of parties[j]!) {
            if (s.kind !== 'pod' || d.kind !== 'pod') continue;
            if (!d.cls.ports.some((p) => p.containerPort === probe.port && p.protocol === probe.protocol)) continue;
            // A single pod and itself: not a flow policies judge.
            if (s.cls === d.cls && s.cls.pods.length === 1) continue;
            const v = model.decide(s, d, probe.port, probe.protocol);
            states.push(v.allowed ? 'allowed' : 'denied');
            if (!example || (!v.allowed && example.allowed)) example = v;
          }
        }
        if (!example) continue;
        ports.push({ port: probe.port, protocol: probe.protocol, state: combine(states), egress: sideText(example.egress, 'egress'), ingress: sideText(example.ingress, 'ingress'), policies: policiesOf(example) });
      }
      cells.push({ from: src.key, to: dst.key, state: ports.length === 0 ? 'no-ports' : combine(ports.map((p) => p.state)), ports });
    });
  });
  const shown: MatrixWorkload[] = workloads.map((w) => ({ key: w.key, namespace: w.namespace, name: w.name, pods: w.pods.length }));
  return { workloads: shown, cells, totalWorkloads };
}

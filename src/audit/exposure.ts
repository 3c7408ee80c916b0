/**
 * Who can open connections to a workload's pods: from public addresses, from every namespace.
 * Judged on the destination's side (its ingress), per class, on the ports its pods declare and
 * the ports its ingress rules name; the deciding policies come from the model's reasons.
 */
import type { ConnectivityModel, FlowVerdict, Party, PodClass, Protocol } from '../connectivity/index.js';

export interface ExposedPort {
  readonly port: number;
  readonly protocol: Protocol;
  /** What decided: `namespace/name ingress[i]` of the admitting rules, or the ClusterNetworkPolicy rule. */
  readonly by: readonly string[];
  /** An example source: an address or a namespace. */
  readonly example: string;
}

/** The ports to try against a class: declared container ports, and the numbers its ingress rules name. */
export function portsToTry(cls: PodClass): { port: number; protocol: Protocol }[] {
  const seen = new Map<string, { port: number; protocol: Protocol }>();
  const add = (port: number, protocol: string) => {
    const key = `${port}/${protocol}`;
    if (!seen.has(key)) seen.set(key, { port, protocol: protocol as Protocol });
  };
  for (const p of cls.ports) add(p.containerPort, p.protocol);
  for (const policy of cls.ingressPolicies) for (const r of policy.ingress ?? []) for (const p of r.ports ?? []) if (typeof p.port === 'number') add(p.port, p.protocol ?? 'TCP');
  return [...seen.values()].sort((a, b) => a.port - b.port || (a.protocol < b.protocol ? -1 : 1));
}

export function decidedBy(v: FlowVerdict): string[] {
  const side = v.ingress;
  if (side.clusterRule && (side.decidedBy === 'admin' || side.decidedBy === 'baseline')) return [`ClusterNetworkPolicy ${side.clusterRule.policy} ingress[${side.clusterRule.rule}]`];
  if (side.decidedBy === 'networkpolicy') return side.allowedBy.map((r) => `${r.policy} ingress[${r.rule}]`);
  return [];
}

/** Whether the pod's own policies decided (not merely "not isolated"). */
function policed(v: FlowVerdict): boolean {
  return v.ingress.decidedBy === 'networkpolicy' || v.ingress.decidedBy === 'admin' || v.ingress.decidedBy === 'baseline';
}

/** Ports of `cls` that accept connections from some address in `sources` (outside addresses). */
export function exposedTo(model: ConnectivityModel, cls: PodClass, sources: readonly Party[], includeNotIsolated: boolean): ExposedPort[] {
  const dst: Party = { kind: 'pod', cls };
  const out: ExposedPort[] = [];
  for (const { port, protocol } of portsToTry(cls)) {
    for (const src of sources) {
      const v = model.decide(src, dst, port, protocol);
      if (!v.ingress.allowed || (!includeNotIsolated && !policed(v))) continue;
      out.push({ port, protocol, by: decidedBy(v), example: src.kind === 'external' ? src.text : '' });
      break;
    }
  }
  return out;
}

/**
 * Ports of `cls` that accept connections from every pod of every other namespace with pods (by
 * its ingress side), decided by policies rather than by the pod not being isolated.
 */
export function openToAllNamespaces(model: ConnectivityModel, cls: PodClass, sourcesByNamespace: ReadonlyMap<string, readonly PodClass[]>): ExposedPort[] {
  const dst: Party = { kind: 'pod', cls };
  const out: ExposedPort[] = [];
  for (const { port, protocol } of portsToTry(cls)) {
    let by: string[] | undefined;
    let all = true;
    for (const [namespace, classes] of sourcesByNamespace) {
      if (namespace === cls.namespace) continue;
      for (const src of classes) {
        const v = model.decide({ kind: 'pod', cls: src }, dst, port, protocol);
        if (!v.ingress.allowed || !policed(v)) {
          all = false;
          break;
        }
        by ??= decidedBy(v);
      }
      if (!all) break;
    }
    if (all && by) out.push({ port, protocol, by, example: '' });
  }
  return out;
}

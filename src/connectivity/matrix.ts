/**
 * Many flows at once: every ordered pair of distinct endpoints, per probe (port and protocol).
 * Verdicts are worked out once per pair of classes and shared by every pair of their pods, which
 * is what makes a namespace against 10,000 pods cheap.
 */
import type { ConnectivityModel } from './model.js';
import { endpointText } from './model.js';
import type { Party } from './evaluate.js';
import type { Endpoint, FlowVerdict, Protocol, SnapshotPort } from './types.js';

/** A port to try: a number, or a container port name resolved per destination pod. */
export interface Probe {
  readonly port: number | string;
  readonly protocol: Protocol;
}

export interface MatrixRequest {
  readonly from: readonly Endpoint[];
  readonly to: readonly Endpoint[];
  /** Omitted: each destination pod on each port it declares (so a probe lists only the destinations that declare it). */
  readonly probes?: readonly Probe[];
}

export interface MatrixFlow {
  readonly from: string;
  readonly to: string;
  /** Shared between the pairs of one pair of classes: treat as read-only. */
  readonly verdict: FlowVerdict;
}

export interface MatrixProbe extends Probe {
  readonly flows: MatrixFlow[];
}

export interface Matrix {
  readonly probes: MatrixProbe[];
  /** Destination pods that declare no container port (nothing to probe by default). */
  readonly withoutPorts: string[];
  /** Endpoints that could not be resolved (unknown pods, unparseable addresses). */
  readonly unknown: string[];
}

const PROTOCOL_ORDER: Record<string, number> = { TCP: 0, UDP: 1, SCTP: 2 };

export function compareProbes(a: Probe, b: Probe): number {
  if (typeof a.port !== typeof b.port) return typeof a.port === 'number' ? -1 : 1;
  if (a.port !== b.port) return a.port < b.port ? -1 : 1;
  return (PROTOCOL_ORDER[a.protocol] ?? 9) - (PROTOCOL_ORDER[b.protocol] ?? 9);
}

function partyId(p: Party): string {
  return p.kind === 'pod' ? `c${p.cls.id}` : `e${p.text}`;
}

interface Resolved {
  readonly text: string;
  readonly party: Party;
}

const probesByPorts = new WeakMap<readonly SnapshotPort[], readonly Probe[]>();

/** The declared (port, protocol) pairs of one class's ports, in probe order (one list per ports list: classes share them). */
export function probesOfPorts(ports: readonly SnapshotPort[]): readonly Probe[] {
  let probes = probesByPorts.get(ports);
  if (!probes) {
    const seen = new Map<string, Probe>();
    for (const p of ports) {
      const key = `${p.containerPort}/${p.protocol}`;
      if (!seen.has(key)) seen.set(key, { port: p.containerPort, protocol: p.protocol as Protocol });
    }
    probes = [...seen.values()].sort(compareProbes);
    probesByPorts.set(ports, probes);
  }
  return probes;
}

/** The declared (port, protocol) pairs of the destination pods, in probe order. */
export function declaredProbes(model: ConnectivityModel, to: readonly Endpoint[]): Probe[] {
  const seen = new Map<string, Probe>();
  for (const e of to) {
    if (!('pod' in e)) continue;
    for (const p of model.classOf(e.pod)?.ports ?? []) {
      const key = `${p.containerPort}/${p.protocol}`;
      if (!seen.has(key)) seen.set(key, { port: p.containerPort, protocol: p.protocol as Protocol });
    }
  }
  return [...seen.values()].sort(compareProbes);
}

export function connectivityMatrix(model: ConnectivityModel, request: MatrixRequest): Matrix {
  const unknown: string[] = [];
  const resolve = (list: readonly Endpoint[]): Resolved[] =>
    list.flatMap((e) => {
      const party = model.party(e);
      if (!party) {
        unknown.push(endpointText(e));
        return [];
      }
      return [{ text: 'pod' in e ? e.pod : `cidr:${e.external}`, party }];
    });
  const sources = resolve(request.from);
  const destinations = resolve(request.to);
  const byDefault = request.probes === undefined;
  const probes = request.probes ?? declaredProbes(model, request.to);
  const withoutPorts = byDefault ? destinations.filter((d) => d.party.kind === 'pod' && d.party.cls.ports.length === 0).map((d) => d.text) : [];

  const out: MatrixProbe[] = [];
  for (const probe of probes) {
    // Verdicts by source party, then by destination class id (numbers: no key strings per flow).
    const bySource = new Map<string, { pods: Map<number, FlowVerdict>; external: Map<string, FlowVerdict> }>();
    const flows: MatrixFlow[] = [];
    const targets = byDefault
      ? destinations.filter((d) => d.party.kind === 'pod' && d.party.cls.ports.some((p) => p.containerPort === probe.port && p.protocol === probe.protocol))
      : destinations;
    for (const s of sources) {
      const sid = partyId(s.party);
      let cache = bySource.get(sid);
      if (!cache) bySource.set(sid, (cache = { pods: new Map(), external: new Map() }));
      for (const d of targets) {
        if (s.text === d.text) continue;
        const dp = d.party;
        let verdict: FlowVerdict | undefined;
        if (dp.kind === 'pod') {
          verdict = cache.pods.get(dp.cls.id);
          if (!verdict) cache.pods.set(dp.cls.id, (verdict = model.decide(s.party, dp, probe.port, probe.protocol)));
        } else {
          // Between two addresses no pod is involved: nothing for the policies to say.
          if (s.party.kind === 'external') continue;
          verdict = cache.external.get(dp.text);
          if (!verdict) cache.external.set(dp.text, (verdict = model.decide(s.party, dp, probe.port, probe.protocol)));
        }
        flows.push({ from: s.text, to: d.text, verdict });
      }
    }
    out.push({ port: probe.port, protocol: probe.protocol, flows });
  }
  return { probes: out, withoutPorts, unknown };
}

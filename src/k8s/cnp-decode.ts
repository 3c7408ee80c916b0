/**
 * Reads a ClusterNetworkPolicy manifest (v1alpha2 or v1beta1) into cnp-types.ts, or says why it
 * cannot: a wrong type, a missing tier/priority/subject, an unknown action. What the CRD's
 * schema would reject is rejected here too, so the model never guesses at a broken object.
 */
import type { LabelSelector } from './types.js';
import {
  CNP_GROUP,
  CNP_VERSIONS,
  type ClusterNetworkPolicy,
  type ClusterNetworkPolicyPeer,
  type ClusterNetworkPolicyProtocol,
  type ClusterNetworkPolicyRule,
  type NamespacedPod,
  type PortOrRange,
} from './cnp-types.js';

export type Decoded<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

class Bad extends Error {}
type Obj = Record<string, unknown>;

function obj(v: unknown, path: string): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new Bad(`${path}: expected an object`);
  return v as Obj;
}

function list(v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Bad(`${path}: expected a list`);
  return v;
}

function str(v: unknown, path: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Bad(`${path}: expected a string`);
  return v;
}

function int(v: unknown, path: string, min: number, max: number): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) throw new Bad(`${path}: expected an integer ${min}-${max}`);
  return v;
}

function selector(v: unknown, path: string): LabelSelector | undefined {
  const o = obj(v, path);
  if (!o) return undefined;
  const matchLabels = obj(o.matchLabels, `${path}.matchLabels`);
  const out: LabelSelector = {};
  if (matchLabels) {
    for (const [k, val] of Object.entries(matchLabels)) if (typeof val !== 'string') throw new Bad(`${path}.matchLabels.${k}: expected a string`);
    out.matchLabels = matchLabels as Record<string, string>;
  }
  const exprs = list(o.matchExpressions, `${path}.matchExpressions`).map((e, i) => {
    const p = `${path}.matchExpressions[${i}]`;
    const r = obj(e, p) ?? {};
    const values = list(r.values, `${p}.values`).map((x, j) => str(x, `${p}.values[${j}]`) ?? '');
    return { key: str(r.key, `${p}.key`) ?? '', operator: str(r.operator, `${p}.operator`) ?? '', values };
  });
  if (exprs.length > 0) out.matchExpressions = exprs;
  return out;
}

function namespacedPod(v: unknown, path: string): NamespacedPod | undefined {
  const o = obj(v, path);
  if (!o) return undefined;
  const podSelector = selector(o.podSelector, `${path}.podSelector`);
  if (!podSelector) throw new Bad(`${path}.podSelector: required`);
  return { namespaceSelector: selector(o.namespaceSelector, `${path}.namespaceSelector`) ?? {}, podSelector };
}

function portOrRange(v: unknown, path: string): PortOrRange | undefined {
  const o = obj(v, path);
  if (!o) return undefined;
  const number = int(o.number, `${path}.number`, 1, 65535);
  const r = obj(o.range, `${path}.range`);
  if (number === undefined && !r) throw new Bad(`${path}: one of number and range is required`);
  if (r) {
    const start = int(r.start, `${path}.range.start`, 1, 65535);
    const end = int(r.end, `${path}.range.end`, 1, 65535);
    if (start === undefined || end === undefined) throw new Bad(`${path}.range: start and end are required`);
    return { ...(number !== undefined ? { number } : {}), range: { start, end } };
  }
  return { number };
}

function protocol(v: unknown, path: string): ClusterNetworkPolicyProtocol {
  const o = obj(v, path) ?? {};
  const out: { -readonly [K in keyof ClusterNetworkPolicyProtocol]: ClusterNetworkPolicyProtocol[K] } = {};
  for (const key of ['tcp', 'udp', 'sctp'] as const) {
    const p = obj(o[key], `${path}.${key}`);
    if (p) {
      const destinationPort = portOrRange(p.destinationPort, `${path}.${key}.destinationPort`);
      out[key] = destinationPort ? { destinationPort } : {};
    }
  }
  const named = str(o.destinationNamedPort, `${path}.destinationNamedPort`);
  if (named) out.destinationNamedPort = named;
  return out;
}

function peer(v: unknown, path: string): ClusterNetworkPolicyPeer {
  const o = obj(v, path) ?? {};
  const out: { -readonly [K in keyof ClusterNetworkPolicyPeer]: ClusterNetworkPolicyPeer[K] } = {};
  const namespaces = selector(o.namespaces, `${path}.namespaces`);
  if (namespaces) out.namespaces = namespaces;
  const pods = namespacedPod(o.pods, `${path}.pods`);
  if (pods) out.pods = pods;
  const nodes = selector(o.nodes, `${path}.nodes`);
  if (nodes) out.nodes = nodes;
  if (o.networks !== undefined && o.networks !== null) out.networks = list(o.networks, `${path}.networks`).map((c, i) => str(c, `${path}.networks[${i}]`) ?? '');
  if (o.domainNames !== undefined && o.domainNames !== null) out.domainNames = list(o.domainNames, `${path}.domainNames`).map((c, i) => str(c, `${path}.domainNames[${i}]`) ?? '');
  return out;
}

const ACTIONS = new Set(['Accept', 'Deny', 'Pass']);

function rule(v: unknown, path: string, peersField: 'from' | 'to'): ClusterNetworkPolicyRule {
  const o = obj(v, path) ?? {};
  const action = str(o.action, `${path}.action`);
  if (!action || !ACTIONS.has(action)) throw new Bad(`${path}.action: expected Accept, Deny or Pass, got ${JSON.stringify(o.action ?? null)}`);
  const peers = list(o[peersField], `${path}.${peersField}`).map((p, i) => peer(p, `${path}.${peersField}[${i}]`));
  if (peers.length === 0) throw new Bad(`${path}.${peersField}: at least one peer is required`);
  const name = str(o.name, `${path}.name`);
  const protocols = o.protocols === undefined || o.protocols === null ? undefined : list(o.protocols, `${path}.protocols`).map((p, i) => protocol(p, `${path}.protocols[${i}]`));
  return { ...(name ? { name } : {}), action: action as ClusterNetworkPolicyRule['action'], peers, ...(protocols ? { protocols } : {}) };
}

/** A ClusterNetworkPolicy manifest (or client model object) as the model reads it. */
export function decodeClusterNetworkPolicy(input: unknown): Decoded<ClusterNetworkPolicy> {
  try {
    const o = obj(input, '(object)');
    if (!o) throw new Bad('expected an object');
    const name = str(obj(o.metadata, 'metadata')?.name, 'metadata.name');
    if (!name) throw new Bad('metadata.name: required');
    const spec = obj(o.spec, 'spec');
    if (!spec) throw new Bad('spec: required');
    const tier = str(spec.tier, 'spec.tier');
    if (tier !== 'Admin' && tier !== 'Baseline') throw new Bad(`spec.tier: expected Admin or Baseline, got ${JSON.stringify(spec.tier ?? null)}`);
    const priority = int(spec.priority, 'spec.priority', 0, 1000);
    if (priority === undefined) throw new Bad('spec.priority: required');
    const subjectObj = obj(spec.subject, 'spec.subject');
    if (!subjectObj) throw new Bad('spec.subject: required');
    const namespaces = selector(subjectObj.namespaces, 'spec.subject.namespaces');
    const pods = namespacedPod(subjectObj.pods, 'spec.subject.pods');
    if ((namespaces ? 1 : 0) + (pods ? 1 : 0) !== 1) throw new Bad('spec.subject: exactly one of namespaces and pods is required');
    const ingress = list(spec.ingress, 'spec.ingress').map((r, i) => rule(r, `spec.ingress[${i}]`, 'from'));
    const egress = list(spec.egress, 'spec.egress').map((r, i) => rule(r, `spec.egress[${i}]`, 'to'));
    return { ok: true, value: { name, tier, priority, subject: namespaces ? { namespaces } : { pods: pods as NamespacedPod }, ingress, egress } };
  } catch (err) {
    if (err instanceof Bad) return { ok: false, reason: err.message };
    throw err;
  }
}

/** Whether a manifest's apiVersion/kind is a ClusterNetworkPolicy this version reads. */
export function isClusterNetworkPolicyKind(apiVersion: unknown, kind: unknown): boolean {
  return kind === 'ClusterNetworkPolicy' && typeof apiVersion === 'string' && CNP_VERSIONS.some((v) => apiVersion === `${CNP_GROUP}/${v}`);
}

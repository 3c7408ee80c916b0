/**
 * The hot path of decoding: a hand-written check of the exact shape the zod schema in decode.ts
 * describes, for objects that are already well formed — which is every object an API server
 * sends. It returns the same typed object zod would, or undefined as soon as anything is unusual
 * (a wrong type, an unknown field, a null, the wrong kind); the zod schema then decides and
 * explains. The field names it accepts and the constants it checks come from the schema
 * (wire-schema.ts); a two-way property test keeps the two in agreement.
 */
import type {
  LabelSelector,
  NetworkPolicy,
  NetworkPolicyEgressRule,
  NetworkPolicyIngressRule,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicySpec,
  ObjectMeta,
} from '../k8s/types.js';
import { INT32_MAX, INT32_MIN, RFC3339, WIRE_KEYS } from './wire-schema.js';

type Obj = Record<string, unknown>;

/** Signals "not the common case": the caller falls back to the zod schema. */
const BAIL = Symbol('bail');

function obj(v: unknown): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw BAIL;
  return v as Obj;
}

function keysWithin(o: Obj, allowed: ReadonlySet<string>): void {
  for (const k in o) if (!allowed.has(k) || o[k] === null) throw BAIL;
}

function str(v: unknown): string {
  if (typeof v !== 'string') throw BAIL;
  return v;
}

function optStr(v: unknown): string | undefined {
  return v === undefined ? undefined : str(v);
}

function int32(v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) throw BAIL;
  return v;
}

function int64(v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw BAIL;
  return v;
}

function timestamp(v: unknown): string {
  if (typeof v !== 'string' || !RFC3339.test(v)) throw BAIL;
  return v;
}

function list<T>(v: unknown, item: (x: unknown) => T): T[] {
  if (!Array.isArray(v)) throw BAIL;
  const out = new Array<T>(v.length);
  for (let i = 0; i < v.length; i++) out[i] = item(v[i]);
  return out;
}

function stringMap(v: unknown): Record<string, string> {
  const o = obj(v);
  // Like the zod path: a copy without a prototype, so keys such as "__proto__" stay plain data.
  // Filled as an ordinary object and only then detached from Object.prototype: V8 keeps such an
  // object in its fast representation, while one made by Object.create(null) is a hash table,
  // several times slower for the rules and validators that list and read every label map.
  const out: Record<string, string> = {};
  for (const k of Object.keys(o)) {
    const value = o[k];
    if (typeof value !== 'string') throw BAIL;
    // "__proto__" is the one key whose assignment would not make an own property.
    if (k === '__proto__') Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    else out[k] = value;
  }
  return Object.setPrototypeOf(out, null) as Record<string, string>;
}

function shallowRecord(v: unknown): Record<string, unknown> {
  const o = obj(v);
  if (Object.prototype.hasOwnProperty.call(o, '__proto__')) throw BAIL;
  return { ...o };
}

const SELECTOR_KEYS = WIRE_KEYS.LabelSelector;
const REQUIREMENT_KEYS = WIRE_KEYS.Requirement;

function selector(v: unknown): LabelSelector {
  const o = obj(v);
  keysWithin(o, SELECTOR_KEYS);
  const out: LabelSelector = {};
  if (o.matchLabels !== undefined) out.matchLabels = stringMap(o.matchLabels);
  if (o.matchExpressions !== undefined) {
    out.matchExpressions = list(o.matchExpressions, (x) => {
      const r = obj(x);
      keysWithin(r, REQUIREMENT_KEYS);
      return {
        key: r.key === undefined ? '' : str(r.key),
        operator: r.operator === undefined ? '' : str(r.operator),
        ...(r.values !== undefined ? { values: list(r.values, str) } : {}),
      };
    });
  }
  return out;
}

const PORT_KEYS = WIRE_KEYS.Port;

function port(v: unknown): NetworkPolicyPort {
  const o = obj(v);
  keysWithin(o, PORT_KEYS);
  const out: NetworkPolicyPort = {};
  if (o.protocol !== undefined) out.protocol = str(o.protocol);
  if (o.port !== undefined) out.port = typeof o.port === 'string' ? o.port : int32(o.port);
  if (o.endPort !== undefined) out.endPort = int32(o.endPort);
  return out;
}

const PEER_KEYS = WIRE_KEYS.Peer;
const IPBLOCK_KEYS = WIRE_KEYS.IPBlock;

function peer(v: unknown): NetworkPolicyPeer {
  const o = obj(v);
  keysWithin(o, PEER_KEYS);
  const out: NetworkPolicyPeer = {};
  if (o.podSelector !== undefined) out.podSelector = selector(o.podSelector);
  if (o.namespaceSelector !== undefined) out.namespaceSelector = selector(o.namespaceSelector);
  if (o.ipBlock !== undefined) {
    const b = obj(o.ipBlock);
    keysWithin(b, IPBLOCK_KEYS);
    out.ipBlock = { cidr: b.cidr === undefined ? '' : str(b.cidr), ...(b.except !== undefined ? { except: list(b.except, str) } : {}) };
  }
  return out;
}

const INGRESS_KEYS = WIRE_KEYS.IngressRule;
const EGRESS_KEYS = WIRE_KEYS.EgressRule;

function ingressRule(v: unknown): NetworkPolicyIngressRule {
  const o = obj(v);
  keysWithin(o, INGRESS_KEYS);
  const out: NetworkPolicyIngressRule = {};
  if (o.ports !== undefined) out.ports = list(o.ports, port);
  if (o.from !== undefined) out.from = list(o.from, peer);
  return out;
}

function egressRule(v: unknown): NetworkPolicyEgressRule {
  const o = obj(v);
  keysWithin(o, EGRESS_KEYS);
  const out: NetworkPolicyEgressRule = {};
  if (o.ports !== undefined) out.ports = list(o.ports, port);
  if (o.to !== undefined) out.to = list(o.to, peer);
  return out;
}

const SPEC_KEYS = WIRE_KEYS.Spec;

function spec(v: unknown): NetworkPolicySpec {
  const o = obj(v);
  keysWithin(o, SPEC_KEYS);
  const out: NetworkPolicySpec = {};
  if (o.podSelector !== undefined) out.podSelector = selector(o.podSelector);
  if (o.ingress !== undefined) out.ingress = list(o.ingress, ingressRule);
  if (o.egress !== undefined) out.egress = list(o.egress, egressRule);
  if (o.policyTypes !== undefined) out.policyTypes = list(o.policyTypes, str);
  return out;
}

const OWNER_KEYS = WIRE_KEYS.OwnerReference;
const MANAGED_KEYS = WIRE_KEYS.ManagedFieldsEntry;
const META_KEYS = WIRE_KEYS.ObjectMeta;
const STRING_META = ['name', 'generateName', 'namespace', 'selfLink', 'uid', 'resourceVersion'] as const;

function bool(v: unknown): boolean {
  if (typeof v !== 'boolean') throw BAIL;
  return v;
}

function metadata(v: unknown): ObjectMeta {
  const o = obj(v);
  keysWithin(o, META_KEYS);
  const out: ObjectMeta = {};
  for (const k of STRING_META) if (o[k] !== undefined) out[k] = str(o[k]);
  if (o.generation !== undefined) out.generation = int64(o.generation);
  if (o.creationTimestamp !== undefined) out.creationTimestamp = timestamp(o.creationTimestamp);
  if (o.deletionTimestamp !== undefined) out.deletionTimestamp = timestamp(o.deletionTimestamp);
  if (o.deletionGracePeriodSeconds !== undefined) out.deletionGracePeriodSeconds = int64(o.deletionGracePeriodSeconds);
  if (o.labels !== undefined) out.labels = stringMap(o.labels);
  if (o.annotations !== undefined) out.annotations = stringMap(o.annotations);
  if (o.finalizers !== undefined) out.finalizers = list(o.finalizers, str);
  if (o.ownerReferences !== undefined) {
    out.ownerReferences = list(o.ownerReferences, (x) => {
      const r = obj(x);
      keysWithin(r, OWNER_KEYS);
      const ref: Partial<NonNullable<ObjectMeta['ownerReferences']>[number]> = {};
      if (r.apiVersion !== undefined) ref.apiVersion = str(r.apiVersion);
      if (r.kind !== undefined) ref.kind = str(r.kind);
      if (r.name !== undefined) ref.name = str(r.name);
      if (r.uid !== undefined) ref.uid = str(r.uid);
      if (r.controller !== undefined) ref.controller = bool(r.controller);
      if (r.blockOwnerDeletion !== undefined) ref.blockOwnerDeletion = bool(r.blockOwnerDeletion);
      return ref as NonNullable<ObjectMeta['ownerReferences']>[number];
    });
  }
  if (o.managedFields !== undefined) {
    out.managedFields = list(o.managedFields, (x) => {
      const m = obj(x);
      keysWithin(m, MANAGED_KEYS);
      const entry: NonNullable<ObjectMeta['managedFields']>[number] = {};
      if (m.manager !== undefined) entry.manager = str(m.manager);
      if (m.operation !== undefined) entry.operation = str(m.operation);
      if (m.apiVersion !== undefined) entry.apiVersion = str(m.apiVersion);
      if (m.time !== undefined) entry.time = timestamp(m.time);
      if (m.fieldsType !== undefined) entry.fieldsType = str(m.fieldsType);
      if (m.fieldsV1 !== undefined) entry.fieldsV1 = shallowRecord(m.fieldsV1);
      if (m.subresource !== undefined) entry.subresource = str(m.subresource);
      return entry;
    });
  }
  return out;
}

const TOP_KEYS = WIRE_KEYS.NetworkPolicy;

/** The typed NetworkPolicy when `input` is well formed in every respect, else undefined. */
export function decodeWellFormed(input: unknown, apiVersion: string, kind: string): NetworkPolicy | undefined {
  try {
    const o = obj(input);
    keysWithin(o, TOP_KEYS);
    const out: NetworkPolicy = {};
    const av = optStr(o.apiVersion);
    const k = optStr(o.kind);
    if ((av !== undefined && av !== apiVersion) || (k !== undefined && k !== kind)) return undefined;
    if (av !== undefined) out.apiVersion = av;
    if (k !== undefined) out.kind = k;
    if (o.metadata !== undefined) out.metadata = metadata(o.metadata);
    if (o.spec !== undefined) out.spec = spec(o.spec);
    if (o.status !== undefined) out.status = shallowRecord(o.status);
    return out;
  } catch (err) {
    if (err === BAIL) return undefined;
    throw err;
  }
}

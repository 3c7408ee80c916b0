/**
 * The zod schema of the networking.k8s.io/v1 NetworkPolicy wire shape (decode.ts runs it), the
 * constants it checks against, and the field names of each object in it. The fast path
 * (decode-fast.ts) takes its key sets and constants from here, so the two cannot drift apart.
 */
import { z } from 'zod';

export const INT32_MIN = -2147483648;
export const INT32_MAX = 2147483647;

/** Go's JSON decoder treats null as "leave the zero value": the field is simply absent. */
const absentIfNull = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === null ? undefined : v), schema.optional());

/** A null list element decodes to the element type's zero value. */
const zeroIfNull = <T extends z.ZodType>(schema: T, zero: unknown) =>
  z.preprocess((v) => (v === null ? zero : v), schema);

const str = z.string({ error: 'expected a string' });
/** A Go `string` (not a pointer): absent and null both decode to "". */
const goString = z.preprocess((v) => (v === null || v === undefined ? '' : v), str);
const int32 = z
  .number({ error: 'expected an integer' })
  .int({ error: 'expected an integer' })
  .min(INT32_MIN, { error: 'out of range for a 32-bit integer' })
  .max(INT32_MAX, { error: 'out of range for a 32-bit integer' });
const int64 = z
  .number({ error: 'expected an integer' })
  .int({ error: 'expected an integer' })
  .refine(Number.isSafeInteger, { error: 'out of range for a 64-bit integer' });
const bool = z.boolean({ error: 'expected true or false' });
/**
 * A map of strings (labels, annotations, matchLabels). Hand-rolled over z.record because that
 * silently drops a `__proto__` key, which the API server would see and reject as a label key;
 * the copy has no prototype, so such keys are plain data here too.
 */
const stringMap = z
  .unknown()
  .superRefine((v, ctx) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      ctx.addIssue({ code: 'custom', message: 'expected a map of strings' });
      return;
    }
    for (const [key, value] of Object.entries(v)) {
      if (value !== null && typeof value !== 'string') ctx.addIssue({ code: 'custom', path: [key], message: 'expected a string' });
    }
  })
  .transform((v) => {
    const out: Record<string, string> = Object.create(null);
    for (const [key, value] of Object.entries(v as Record<string, unknown>)) {
      Object.defineProperty(out, key, { value: value ?? '', enumerable: true, writable: true, configurable: true });
    }
    return out;
  });
const stringList = z.array(zeroIfNull(str, ''), { error: 'expected a list of strings' });
/** metav1.Time on the wire. */
export const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const timestamp = z.string({ error: 'expected an RFC 3339 timestamp' }).regex(RFC3339, { error: 'expected an RFC 3339 timestamp' });
/**
 * Builds the schema. `strict` reports unknown fields; the lenient variant drops them, so that
 * a policy with a typo can still be validated for everything else.
 */
function buildSchema(strict: boolean) {
  const object = <T extends z.ZodRawShape>(shape: T) =>
    strict ? z.strictObject(shape, { error: 'expected an object' }) : z.object(shape, { error: 'expected an object' });
  const list = <T extends z.ZodType>(item: T) => z.array(zeroIfNull(item, {}), { error: 'expected a list' });

  const Requirement = object({ key: goString, operator: goString, values: absentIfNull(stringList) });
  const LabelSelector = object({
    matchLabels: absentIfNull(stringMap),
    matchExpressions: absentIfNull(list(Requirement)),
  });

  const OwnerReference = object({
    apiVersion: absentIfNull(str),
    kind: absentIfNull(str),
    name: absentIfNull(str),
    uid: absentIfNull(str),
    controller: absentIfNull(bool),
    blockOwnerDeletion: absentIfNull(bool),
  });

  const ManagedFieldsEntry = object({
    manager: absentIfNull(str),
    operation: absentIfNull(str),
    apiVersion: absentIfNull(str),
    time: absentIfNull(timestamp),
    fieldsType: absentIfNull(str),
    fieldsV1: absentIfNull(z.record(z.string(), z.unknown(), { error: 'expected an object' })),
    subresource: absentIfNull(str),
  });

  /** Every field of metav1.ObjectMeta the API server may send, so real objects always decode. */
  const ObjectMeta = object({
    name: absentIfNull(str),
    generateName: absentIfNull(str),
    namespace: absentIfNull(str),
    selfLink: absentIfNull(str),
    uid: absentIfNull(str),
    resourceVersion: absentIfNull(str),
    generation: absentIfNull(int64),
    creationTimestamp: absentIfNull(timestamp),
    deletionTimestamp: absentIfNull(timestamp),
    deletionGracePeriodSeconds: absentIfNull(int64),
    labels: absentIfNull(stringMap),
    annotations: absentIfNull(stringMap),
    ownerReferences: absentIfNull(list(OwnerReference)),
    finalizers: absentIfNull(stringList),
    managedFields: absentIfNull(list(ManagedFieldsEntry)),
  });

  const IntOrString = z.union([int32, z.string()], { error: 'expected a port number or a port name' });

  const Port = object({
    protocol: absentIfNull(str),
    port: absentIfNull(IntOrString),
    endPort: absentIfNull(int32),
  });

  const IPBlock = object({ cidr: goString, except: absentIfNull(stringList) });
  const Peer = object({
    podSelector: absentIfNull(LabelSelector),
    namespaceSelector: absentIfNull(LabelSelector),
    ipBlock: absentIfNull(IPBlock),
  });

  const IngressRule = object({ ports: absentIfNull(list(Port)), from: absentIfNull(list(Peer)) });
  const EgressRule = object({ ports: absentIfNull(list(Port)), to: absentIfNull(list(Peer)) });
  const Spec = object({
    podSelector: absentIfNull(LabelSelector),
    ingress: absentIfNull(list(IngressRule)),
    egress: absentIfNull(list(EgressRule)),
    policyTypes: absentIfNull(stringList),
  });

  const NetworkPolicySchema = object({
    apiVersion: absentIfNull(str),
    kind: absentIfNull(str),
    metadata: absentIfNull(ObjectMeta),
    spec: absentIfNull(Spec),
    // networking.k8s.io/v1 once had a status; accept whatever an API server sends there.
    status: absentIfNull(z.record(z.string(), z.unknown(), { error: 'expected an object' })),
  });
  return {
    NetworkPolicy: NetworkPolicySchema,
    ObjectMeta,
    OwnerReference,
    ManagedFieldsEntry,
    Spec,
    IngressRule,
    EgressRule,
    Peer,
    IPBlock,
    Port,
    LabelSelector,
    Requirement,
  };
}

const STRICT = buildSchema(true);
/** Unknown fields are errors, as the API server's strict field validation has them. */
export const STRICT_SCHEMA = STRICT.NetworkPolicy;
/** Unknown fields are dropped: what is left can still be validated. */
export const LENIENT_SCHEMA = buildSchema(false).NetworkPolicy;

type WireObject = keyof typeof STRICT;

/** The field names of each object of the wire shape, as the schema lists them. */
export const WIRE_KEYS: Record<WireObject, ReadonlySet<string>> = Object.fromEntries(
  Object.entries(STRICT).map(([name, schema]) => [name, new Set(Object.keys(schema.shape))]),
) as Record<string, ReadonlySet<string>> as Record<WireObject, ReadonlySet<string>>;


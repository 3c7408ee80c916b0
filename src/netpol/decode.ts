/**
 * The wire shape of a networking.k8s.io/v1 NetworkPolicy, checked with zod: an unknown JSON
 * value becomes a typed NetworkPolicy, or a list of decode issues at exact paths. This is what
 * the API server's strict JSON decoding does before validation runs: wrong types are rejected
 * (HTTP 400), unknown fields are reported as `unknown field "spec.Ingress"` (kubectl's default
 * field validation is Strict), and JSON null means "absent", as in Go.
 */
import { z } from 'zod';
import { formatFieldPath } from '../k8s/field.js';
import { previewJSON } from '../k8s/goformat.js';
import { valueAt } from '../util/json.js';
import { decodeWellFormed } from './decode-fast.js';
import type { NetworkPolicy } from '../k8s/types.js';

export const NETWORK_POLICY_API_VERSION = 'networking.k8s.io/v1';
export const NETWORK_POLICY_KIND = 'NetworkPolicy';

export interface DecodeIssue {
  /** unknown-field: strict decoding would reject it; invalid-type: Go cannot decode the value. */
  readonly kind: 'unknown-field' | 'invalid-type' | 'invalid-kind';
  /** The field path in API-server notation: `spec.ingress[0].ports[0].port`. */
  readonly field: string;
  readonly message: string;
}

export interface DecodeResult {
  /** The typed object with nulls removed; present even when there are issues, as far as it decodes. */
  readonly policy: NetworkPolicy | undefined;
  readonly issues: readonly DecodeIssue[];
}

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

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
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const timestamp = z.string({ error: 'expected an RFC 3339 timestamp' }).regex(RFC3339, { error: 'expected an RFC 3339 timestamp' });
/**
 * Builds the schema. `strict` reports unknown fields; the lenient variant drops them, so that
 * a policy with a typo can still be validated for everything else.
 */
function buildSchema(strict: boolean) {
  const object = <T extends z.ZodRawShape>(shape: T) =>
    strict ? z.strictObject(shape, { error: 'expected an object' }) : z.object(shape, { error: 'expected an object' });
  const list = <T extends z.ZodType>(item: T) => z.array(zeroIfNull(item, {}), { error: 'expected a list' });

  const LabelSelector = object({
    matchLabels: absentIfNull(stringMap),
    matchExpressions: absentIfNull(
      list(object({ key: goString, operator: goString, values: absentIfNull(stringList) })),
    ),
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

  const Peer = object({
    podSelector: absentIfNull(LabelSelector),
    namespaceSelector: absentIfNull(LabelSelector),
    ipBlock: absentIfNull(object({ cidr: goString, except: absentIfNull(stringList) })),
  });

  const Spec = object({
    podSelector: absentIfNull(LabelSelector),
    ingress: absentIfNull(list(object({ ports: absentIfNull(list(Port)), from: absentIfNull(list(Peer)) }))),
    egress: absentIfNull(list(object({ ports: absentIfNull(list(Port)), to: absentIfNull(list(Peer)) }))),
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
  return NetworkPolicySchema;
}

const STRICT_SCHEMA = buildSchema(true);
const LENIENT_SCHEMA = buildSchema(false);

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `a list ${previewJSON(value)}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object ${previewJSON(value)}`;
  return `${typeof value} ${previewJSON(value)}`;
}

function toIssues(input: unknown, issues: readonly z.core.$ZodIssue[]): DecodeIssue[] {
  const out: DecodeIssue[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const field = formatFieldPath([...issue.path, key]);
        out.push({ kind: 'unknown-field', field, message: `unknown field "${field}"` });
      }
      continue;
    }
    const field = formatFieldPath(issue.path);
    const got = describe(valueAt(input, issue.path));
    out.push({ kind: 'invalid-type', field, message: `${field || '(root)'}: ${issue.message}, got ${got}` });
  }
  return out;
}

/**
 * Decodes a NetworkPolicy. `apiVersion`/`kind`, when present, must be networking.k8s.io/v1
 * NetworkPolicy; callers that know the kind from elsewhere (an AdmissionReview) may omit them.
 */
export function decodeNetworkPolicy(input: unknown): DecodeResult {
  const fast = decodeWellFormed(input, NETWORK_POLICY_API_VERSION, NETWORK_POLICY_KIND);
  return fast ? { policy: fast, issues: [] } : decodeWithSchema(input);
}

/** The zod schema's verdict, for anything the fast path does not take (and for tests). */
export function decodeWithSchema(input: unknown): DecodeResult {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return { policy: undefined, issues: [{ kind: 'invalid-type', field: '', message: `expected a NetworkPolicy object, got ${describe(input)}` }] };
  }
  const issues: DecodeIssue[] = [];
  const raw = input as Record<string, unknown>;
  if (raw.kind !== undefined && raw.kind !== null && raw.kind !== NETWORK_POLICY_KIND) {
    issues.push({ kind: 'invalid-kind', field: 'kind', message: `kind: expected "${NETWORK_POLICY_KIND}", got ${describe(raw.kind)}` });
  }
  if (raw.apiVersion !== undefined && raw.apiVersion !== null && raw.apiVersion !== NETWORK_POLICY_API_VERSION) {
    issues.push({
      kind: 'invalid-kind',
      field: 'apiVersion',
      message: `apiVersion: expected "${NETWORK_POLICY_API_VERSION}", got ${describe(raw.apiVersion)}`,
    });
  }
  const parsed = STRICT_SCHEMA.safeParse(input);
  if (parsed.success) return { policy: parsed.data as NetworkPolicy, issues };
  const found = toIssues(input, parsed.error.issues);
  issues.push(...found);
  if (found.every((i) => i.kind === 'unknown-field')) {
    const lenient = LENIENT_SCHEMA.safeParse(input);
    if (lenient.success) return { policy: lenient.data as NetworkPolicy, issues };
  }
  return { policy: undefined, issues };
}

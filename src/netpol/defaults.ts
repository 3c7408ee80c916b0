/**
 * The API server's defaulting of networking.k8s.io/v1 NetworkPolicy
 * (kubernetes pkg/apis/networking/v1/defaults.go), applied to the object as submitted:
 * `protocol: TCP` on every port entry without one, and `policyTypes` inferred when empty —
 * Ingress always, Egress when there are egress rules. Also the RFC 6902 patch from the
 * submitted object to the defaulted one, which the mutating webhook returns.
 */
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';

export type PatchOperation = Operation;

export interface Defaulted {
  /** The defaulted copy; the input is never modified. */
  readonly object: unknown;
  /** Empty when nothing changes. Only `add` ops, except `replace` for a null list element. */
  readonly patch: PatchOperation[];
}

type JsonObject = Record<string, unknown>;

const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** SetDefaults_NetworkPolicyPort: a null entry decodes to an empty port, which is then defaulted. */
function defaultPorts(rules: unknown): void {
  if (!Array.isArray(rules)) return;
  for (const rule of rules) {
    if (!isObject(rule) || !Array.isArray(rule.ports)) continue;
    rule.ports = rule.ports.map((port: unknown) => {
      if (port === null) return { protocol: 'TCP' };
      if (isObject(port) && (port.protocol === undefined || port.protocol === null)) port.protocol = 'TCP';
      return port;
    });
  }
}

/** SetDefaults_NetworkPolicy: only an empty policyTypes is inferred; explicit values are kept. */
function defaultPolicyTypes(spec: JsonObject): void {
  const types = spec.policyTypes;
  if (Array.isArray(types) && types.length > 0) return;
  if (types !== undefined && types !== null && !Array.isArray(types)) return; // not decodable; leave it
  const hasEgress = Array.isArray(spec.egress) && spec.egress.length > 0;
  spec.policyTypes = hasEgress ? ['Ingress', 'Egress'] : ['Ingress'];
}

/** Applies the API server's defaults. Never throws: values of the wrong type are left alone. */
export function defaultNetworkPolicy(submitted: unknown): Defaulted {
  if (!isObject(submitted)) return { object: submitted, patch: [] };
  const object = structuredClone(submitted);
  if (object.spec === undefined || object.spec === null) object.spec = {};
  if (isObject(object.spec)) {
    defaultPorts(object.spec.ingress);
    defaultPorts(object.spec.egress);
    defaultPolicyTypes(object.spec);
  }
  return { object, patch: patchBetween(submitted, object) };
}

/**
 * The diff from submitted to defaulted, as fast-json-patch computes it. A `replace` of an object
 * member becomes `add`, which RFC 6902 defines to replace an existing member: the patch then only
 * ever adds, and never rewrites whole arrays. A null list element must stay `replace`, because
 * `add` at a list index would insert.
 */
function patchBetween(before: JsonObject, after: JsonObject): PatchOperation[] {
  return jsonpatch.compare(before, after).map((op) => {
    if (op.op !== 'replace') return op;
    const last = op.path.slice(op.path.lastIndexOf('/') + 1);
    return /^\d+$/.test(last) && isListElement(before, op.path) ? op : { op: 'add', path: op.path, value: op.value };
  });
}

function isListElement(root: JsonObject, pointer: string): boolean {
  const parentPointer = pointer.slice(0, pointer.lastIndexOf('/'));
  try {
    return Array.isArray(jsonpatch.getValueByPointer(root, parentPointer));
  } catch {
    return false;
  }
}

/**
 * The API server's defaulting of networking.k8s.io/v1 NetworkPolicy
 * (kubernetes pkg/apis/networking/v1/defaults.go): `protocol: TCP` on every port entry without
 * one, and `policyTypes` inferred when empty — Ingress always, Egress when there are egress
 * rules. Explicit values are never touched, so defaulting a defaulted object changes nothing.
 *
 * Two forms, both on the hot path of every review: the typed object the validators and rules
 * read, and the RFC 6902 patch the mutating webhook returns. Defaulting touches only port entries
 * and policyTypes, so the patch is written while walking exactly those places, instead of
 * copying and diffing the whole object (metadata and managedFields included) on every request.
 */
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import type { NetworkPolicy, NetworkPolicyPort, NetworkPolicySpec } from '../k8s/types.js';
import { isObject } from '../util/json.js';

export type PatchOperation = Operation;

function inferredPolicyTypes(hasEgress: boolean): string[] {
  return hasEgress ? ['Ingress', 'Egress'] : ['Ingress'];
}

function portPatches(rules: unknown, base: string, out: PatchOperation[]): void {
  if (!Array.isArray(rules)) return;
  rules.forEach((rule, i) => {
    if (!isObject(rule) || !Array.isArray(rule.ports)) return;
    rule.ports.forEach((port: unknown, j: number) => {
      const path = `${base}/${i}/ports/${j}`;
      // A null entry decodes to an empty port, which is then defaulted. `add` at a list index
      // would insert, so this one place replaces.
      if (port === null) out.push({ op: 'replace', path, value: { protocol: 'TCP' } });
      else if (isObject(port) && (port.protocol === undefined || port.protocol === null)) {
        out.push({ op: 'add', path: `${path}/protocol`, value: 'TCP' });
      }
    });
  });
}

/**
 * The patch from the object as submitted to the defaulted one: only `add` (which RFC 6902 defines
 * to replace an existing member, e.g. `protocol: null`), never a whole list rewritten, empty when
 * nothing changes. Never throws: values of the wrong type are left for validation.
 */
export function defaultingPatch(submitted: unknown): PatchOperation[] {
  if (!isObject(submitted)) return [];
  const spec = submitted.spec;
  if (spec === undefined || spec === null) return [{ op: 'add', path: '/spec', value: { policyTypes: ['Ingress'] } }];
  if (!isObject(spec)) return [];
  const out: PatchOperation[] = [];
  const types = spec.policyTypes;
  if (types === undefined || types === null) {
    out.push({ op: 'add', path: '/spec/policyTypes', value: inferredPolicyTypes(Array.isArray(spec.egress) && spec.egress.length > 0) });
  } else if (Array.isArray(types) && types.length === 0) {
    // An explicit empty list is extended in place rather than replaced.
    inferredPolicyTypes(Array.isArray(spec.egress) && spec.egress.length > 0).forEach((t, i) =>
      out.push({ op: 'add', path: `/spec/policyTypes/${i}`, value: t }),
    );
  }
  portPatches(spec.ingress, '/spec/ingress', out);
  portPatches(spec.egress, '/spec/egress', out);
  return out;
}

function defaultPorts(ports: NetworkPolicyPort[] | undefined): NetworkPolicyPort[] | undefined {
  if (!ports || ports.every((p) => p.protocol !== undefined)) return ports;
  // Object.assign rather than a spread: see applyDefaults.
  return ports.map((p) => (p.protocol === undefined ? Object.assign({}, p, { protocol: 'TCP' }) : p));
}

/**
 * The typed object as the API server stores it. Copies only what it changes. Copies that gain a
 * property (policyTypes, protocol) are made with Object.assign, not a spread: V8 gives every
 * spread copy that then gains a property a map of its own, a new map per review.
 */
export function applyDefaults(np: NetworkPolicy): NetworkPolicy {
  const spec: NetworkPolicySpec = np.spec ?? {};
  const defaulted: NetworkPolicySpec = Object.assign({}, spec);
  if (spec.ingress) {
    defaulted.ingress = spec.ingress.map((r) => {
      const ports = defaultPorts(r.ports);
      return ports === r.ports ? r : Object.assign({}, r, { ports });
    });
  }
  if (spec.egress) {
    defaulted.egress = spec.egress.map((r) => {
      const ports = defaultPorts(r.ports);
      return ports === r.ports ? r : Object.assign({}, r, { ports });
    });
  }
  defaulted.policyTypes = spec.policyTypes && spec.policyTypes.length > 0 ? spec.policyTypes : inferredPolicyTypes((spec.egress?.length ?? 0) > 0);
  return Object.assign({}, np, { spec: defaulted });
}

export interface Defaulted {
  /** The defaulted copy; the input is never modified. */
  readonly object: unknown;
  readonly patch: PatchOperation[];
}

/** The submitted JSON value defaulted, with its patch (for the CLI and tests; not the hot path). */
export function defaultNetworkPolicy(submitted: unknown): Defaulted {
  const patch = defaultingPatch(submitted);
  if (patch.length === 0) return { object: submitted, patch };
  return { object: jsonpatch.applyPatch(structuredClone(submitted), patch, false, false).newDocument, patch };
}

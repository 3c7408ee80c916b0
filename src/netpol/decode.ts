/**
 * The wire shape of a networking.k8s.io/v1 NetworkPolicy, checked with zod: an unknown JSON
 * value becomes a typed NetworkPolicy, or a list of decode issues at exact paths. This is what
 * the API server's strict JSON decoding does before validation runs: wrong types are rejected
 * (HTTP 400), unknown fields are reported as `unknown field "spec.Ingress"` (kubectl's default
 * field validation is Strict), and JSON null means "absent", as in Go.
 */
import type { z } from 'zod';
import { formatFieldPath } from '../k8s/field.js';
import { previewJSON } from '../k8s/goformat.js';
import { valueAt } from '../util/json.js';
import { decodeWellFormed } from './decode-fast.js';
import { LENIENT_SCHEMA, STRICT_SCHEMA } from './wire-schema.js';
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

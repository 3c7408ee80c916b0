/**
 * The API server's own verdict on a NetworkPolicy write: decode, default, prepare, validate,
 * warn — in that order, as kube-apiserver v1.36 does it for networking.k8s.io/v1. Pure.
 */
import { type ErrorList, FieldError, FieldPath } from '../k8s/field.js';
import { validatePathSegmentName } from '../k8s/names.js';
import { validateObjectMetaAccessor, validateObjectMetaUpdate } from '../k8s/objectmeta.js';
import type { NetworkPolicy } from '../k8s/types.js';
import { type DecodeIssue, decodeNetworkPolicy } from './decode.js';
import { type PatchOperation, applyDefaults, defaultingPatch } from './defaults.js';
import { prepareForCreate, prepareForUpdate } from './prepare.js';
import { validateNetworkPolicy, validateNetworkPolicyUpdate, validationOptionsFor } from './validate.js';
import { apiServerWarnings } from './apiserver-warnings.js';

export type WriteOperation = 'CREATE' | 'UPDATE';

export interface AdmitInput {
  readonly operation: WriteOperation;
  /** The object as submitted (JSON value), possibly not yet defaulted. */
  readonly object: unknown;
  /** The stored object, for UPDATE (already defaulted by the API server). */
  readonly oldObject?: unknown;
  /** The request's namespace, used when the object has none. */
  readonly namespace?: string;
  /** Compute the API server's own warnings (the CLI shows them; the API server sends its own). */
  readonly warnings?: boolean;
}

export interface ApiVerdict {
  /** Shape problems: wrong JSON types, wrong kind, and fields the schema does not have. */
  readonly decodeIssues: readonly DecodeIssue[];
  /** The submitted object, typed (nulls removed, undefaulted). */
  readonly submitted: NetworkPolicy | undefined;
  /** The object as the API server would validate and store it. */
  readonly defaulted: NetworkPolicy | undefined;
  /** The stored object of an update, typed. */
  readonly old: NetworkPolicy | undefined;
  /** RFC 6902 patch from the submitted object to the defaulted one. */
  readonly patch: readonly PatchOperation[];
  /** Validation errors: the API server would answer 422 Invalid. */
  readonly fieldErrors: ErrorList;
  /** The API server's own warnings (only when the object is valid, as there). */
  readonly warnings: readonly string[];
}

/** field.ErrorList.ToAggregate drops errors whose rendered text repeats. */
function dedupe(errs: ErrorList): ErrorList {
  if (errs.length < 2) return errs; // nothing can repeat (the usual case: no errors at all)
  const seen = new Set<string>();
  return errs.filter((e) => {
    const key = e.toString();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function validateCreate(np: NetworkPolicy): ErrorList {
  return validateNetworkPolicy(np, validationOptionsFor(undefined));
}

/**
 * Update validation as BeforeUpdate runs it: generic metadata checks (names only checked as path
 * segments), the metadata update rules, then the strategy's ValidateUpdate.
 */
function validateUpdate(np: NetworkPolicy, old: NetworkPolicy): ErrorList {
  const metadata = FieldPath.root('metadata');
  const newMeta = np.metadata ?? {};
  return dedupe([
    ...validateObjectMetaAccessor(newMeta, true, validatePathSegmentName, metadata),
    ...validateObjectMetaUpdate(newMeta, old.metadata ?? {}, metadata),
    ...validateNetworkPolicyUpdate(np, old, validationOptionsFor(old)),
  ]);
}

export function admitNetworkPolicy(input: AdmitInput): ApiVerdict {
  // The verdict is written out as whole literals rather than as `{ ...base, more }`: V8 gives
  // every spread copy that gains properties a map of its own, a new map per review.
  const submittedDecode = decodeNetworkPolicy(input.object);
  const oldDecode = input.oldObject === undefined || input.oldObject === null ? undefined : decodeNetworkPolicy(input.oldObject);
  const decodeIssues = submittedDecode.issues;
  const submitted = submittedDecode.policy;
  const old = oldDecode?.policy;
  const patch = defaultingPatch(input.object);
  const defaulted = submitted ? applyDefaults(submitted) : undefined;
  if (!defaulted || decodeIssues.some((i) => i.kind !== 'unknown-field')) {
    return { decodeIssues, submitted, old, patch, defaulted, fieldErrors: [], warnings: [] };
  }
  let fieldErrors: ErrorList;
  if (input.operation === 'UPDATE' && old) {
    const prepared = prepareForUpdate(defaulted, old, input.namespace);
    fieldErrors = validateUpdate(prepared, old);
  } else {
    fieldErrors = dedupe(validateCreate(prepareForCreate(defaulted, input.namespace)));
  }
  const warnings = fieldErrors.length === 0 && input.warnings !== false ? apiServerWarnings(defaulted) : [];
  return { decodeIssues, submitted, old, patch, defaulted, fieldErrors, warnings };
}

export { FieldError };

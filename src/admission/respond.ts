/**
 * The three ways to answer an admission request. Every response goes through one of these, so
 * each carries the request's uid, the version asked, and nothing a validating answer must not have.
 */
import type { Status } from '../k8s/status.js';
import type { PatchOperation } from '../netpol/defaults.js';
import type { AdmissionResponse, AdmissionReviewResponse, AdmissionVersion } from './types.js';

export interface WarningsAndAnnotations {
  readonly warnings?: readonly string[];
  readonly auditAnnotations?: Readonly<Record<string, string>>;
}

function review(version: AdmissionVersion, response: AdmissionResponse, additions: WarningsAndAnnotations): AdmissionReviewResponse {
  if (additions.warnings && additions.warnings.length > 0) response.warnings = additions.warnings.slice();
  if (additions.auditAnnotations && Object.keys(additions.auditAnnotations).length > 0) {
    response.auditAnnotations = { ...additions.auditAnnotations };
  }
  return { apiVersion: version, kind: 'AdmissionReview', response };
}

export function allow(version: AdmissionVersion, uid: string, additions: WarningsAndAnnotations = {}): AdmissionReviewResponse {
  return review(version, { uid, allowed: true }, additions);
}

export function deny(version: AdmissionVersion, uid: string, status: Status, additions: WarningsAndAnnotations = {}): AdmissionReviewResponse {
  return review(version, { uid, allowed: false, status }, additions);
}

/** Allowed with a JSONPatch; without operations it is a plain allow (no patch fields at all). */
export function patch(
  version: AdmissionVersion,
  uid: string,
  ops: readonly PatchOperation[],
  additions: WarningsAndAnnotations = {},
): AdmissionReviewResponse {
  if (ops.length === 0) return allow(version, uid, additions);
  return review(
    version,
    { uid, allowed: true, patch: Buffer.from(JSON.stringify(ops)).toString('base64'), patchType: 'JSONPatch' },
    additions,
  );
}

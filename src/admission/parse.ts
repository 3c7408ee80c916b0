/**
 * Reads an AdmissionReview body. Three outcomes: a usable request; a request whose uid is known
 * but which is otherwise unusable (answered inside an AdmissionReview, denied with the reason);
 * or a body without a readable uid (answered with HTTP 400 and a JSON error).
 */
import { isObject } from '../util/json.js';
import { ADMISSION_V1, ADMISSION_V1BETA1, type AdmissionRequest, type AdmissionVersion } from './types.js';

const OPERATIONS = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'] as const;

export type ParsedReview =
  | { readonly ok: true; readonly version: AdmissionVersion; readonly request: AdmissionRequest }
  | { readonly ok: false; readonly uid: string; readonly version: AdmissionVersion; readonly problem: string }
  | { readonly ok: false; readonly uid?: undefined; readonly problem: string };


function optionalString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * Requests are built field by field, an absent field undefined, rather than by spreading optional
 * parts into a literal: on Node 20 each such spread costs microseconds, on every review.
 */
function userInfoOf(v: unknown): AdmissionRequest['userInfo'] {
  if (!isObject(v)) return undefined;
  return {
    username: typeof v.username === 'string' ? v.username : undefined,
    uid: typeof v.uid === 'string' ? v.uid : undefined,
    groups: Array.isArray(v.groups) ? v.groups.filter((g): g is string => typeof g === 'string') : undefined,
  };
}

export function parseAdmissionReview(body: unknown): ParsedReview {
  if (!isObject(body)) return { ok: false, problem: 'the body is not a JSON object (expected an admission.k8s.io/v1 AdmissionReview)' };
  const request = body.request;
  if (!isObject(request)) return { ok: false, problem: 'the AdmissionReview has no "request" object' };
  const uid = request.uid;
  if (typeof uid !== 'string' || uid.length === 0) return { ok: false, problem: 'request.uid is missing or not a non-empty string' };

  const apiVersion = body.apiVersion;
  const version: AdmissionVersion = apiVersion === ADMISSION_V1BETA1 ? ADMISSION_V1BETA1 : ADMISSION_V1;
  const fail = (problem: string): ParsedReview => ({ ok: false, uid, version, problem });
  if (apiVersion !== ADMISSION_V1 && apiVersion !== ADMISSION_V1BETA1) {
    return fail(`apiVersion ${JSON.stringify(apiVersion ?? null)} is not served; use ${ADMISSION_V1} or ${ADMISSION_V1BETA1}`);
  }
  if (body.kind !== 'AdmissionReview') return fail(`kind ${JSON.stringify(body.kind ?? null)} is not AdmissionReview`);
  const operation = request.operation;
  if (typeof operation !== 'string' || !(OPERATIONS as readonly string[]).includes(operation)) {
    return fail(`request.operation ${JSON.stringify(operation ?? null)} is not one of ${OPERATIONS.join(', ')}`);
  }
  const kind = request.kind;
  const resource = request.resource;
  return {
    ok: true,
    version,
    request: {
      uid,
      operation: operation as AdmissionRequest['operation'],
      kind: isObject(kind) ? { group: String(kind.group ?? ''), version: String(kind.version ?? ''), kind: String(kind.kind ?? '') } : undefined,
      resource: isObject(resource)
        ? { group: String(resource.group ?? ''), version: String(resource.version ?? ''), resource: String(resource.resource ?? '') }
        : undefined,
      subResource: optionalString(request.subResource),
      name: optionalString(request.name),
      namespace: optionalString(request.namespace),
      userInfo: userInfoOf(request.userInfo),
      object: request.object,
      oldObject: request.oldObject,
      dryRun: request.dryRun === true,
    },
  };
}

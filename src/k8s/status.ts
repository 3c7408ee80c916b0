/**
 * metav1.Status values built the way the API server builds them (apimachinery
 * pkg/api/errors), so that a denial from us reads in kubectl exactly like one from the API server.
 */
import type { FieldError } from './field.js';
import { goQuote } from './goformat.js';

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: StatusCause[];
}

export interface Status {
  apiVersion?: 'v1';
  kind?: 'Status';
  metadata?: Record<string, never>;
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

export const NETWORK_POLICY_GROUP_KIND: GroupKind = { group: 'networking.k8s.io', kind: 'NetworkPolicy' };

function groupKindString(gk: GroupKind): string {
  return gk.group ? `${gk.kind}.${gk.group}` : gk.kind;
}

/** errors.Aggregate's text: one message alone, several in brackets; repeats dropped. */
export function aggregateMessage(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  if (unique.length === 1) return unique[0] as string;
  return `[${unique.join(', ')}]`;
}

/** errors.NewInvalid: 422 with one cause per field error. */
export function invalidStatus(gk: GroupKind, name: string, errs: readonly FieldError[]): Status {
  const base = `${groupKindString(gk)} ${goQuote(name)} is invalid`;
  return {
    status: 'Failure',
    message: errs.length === 0 ? base : `${base}: ${aggregateMessage(errs.map(String))}`,
    reason: 'Invalid',
    details: {
      group: gk.group,
      kind: gk.kind,
      name,
      causes: errs.map((e) => ({ reason: e.type, message: e.body(), field: e.field })),
    },
    code: 422,
  };
}

/** A 403 Forbidden denial with our own message (one violation per line). */
export function forbiddenStatus(gk: GroupKind, name: string, message: string, causes: StatusCause[] = []): Status {
  return {
    status: 'Failure',
    message,
    reason: 'Forbidden',
    details: { group: gk.group, kind: gk.kind, name, ...(causes.length ? { causes } : {}) },
    code: 403,
  };
}

/** errors.NewBadRequest: the object could not be decoded at all. */
export function badRequestStatus(message: string): Status {
  return { status: 'Failure', message, reason: 'BadRequest', code: 400 };
}

/** errors.NewInternalError-like, for our own deadline or crash; never expected in practice. */
export function internalErrorStatus(message: string): Status {
  return { status: 'Failure', message, reason: 'InternalError', code: 500 };
}

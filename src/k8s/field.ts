/**
 * Field paths and field errors, mirroring k8s.io/apimachinery/pkg/util/validation/field so that
 * every error we report has the API server's type, path and wording.
 */
import { goJSON, goQuote } from './goformat.js';

/** The machine-readable error types; they double as StatusCause types in a Status. */
export type ErrorType =
  | 'FieldValueNotFound'
  | 'FieldValueRequired'
  | 'FieldValueDuplicate'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'InternalError'
  | 'FieldValueTypeInvalid';

const TYPE_TEXT: Record<ErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/** A path to a field, built while walking: `spec.child('ingress').index(0)`. Immutable. */
export class FieldPath {
  private constructor(
    private readonly parent: FieldPath | undefined,
    private readonly name: string,
    /** A list index is kept as a number and only written out in toString: most paths never are. */
    private readonly subscript: string | number,
  ) {}

  static root(name: string, ...more: string[]): FieldPath {
    let p = new FieldPath(undefined, name, '');
    for (const m of more) p = p.child(m);
    return p;
  }

  child(name: string, ...more: string[]): FieldPath {
    let p = new FieldPath(this, name, '');
    for (const m of more) p = p.child(m);
    return p;
  }

  index(i: number): FieldPath {
    return new FieldPath(this, '', i);
  }

  key(k: string): FieldPath {
    return new FieldPath(this, '', k);
  }

  toString(): string {
    const parts: FieldPath[] = [];
    for (let p: FieldPath | undefined = this; p; p = p.parent) parts.push(p);
    let out = '';
    for (let i = parts.length - 1; i >= 0; i--) {
      const p = parts[i] as FieldPath;
      if (p.name.length > 0) {
        if (p.parent) out += '.';
        out += p.name;
      } else {
        out += `[${p.subscript}]`;
      }
    }
    return out;
  }
}

/**
 * A value of a Go named string type (api.Protocol, PolicyType, LabelSelectorOperator...). Go
 * renders those through json.Marshal rather than %q, which differs for `<`, `>`, `&` and
 * non-printable characters; wrapping keeps our rendering identical.
 */
export class NamedString {
  constructor(readonly value: string) {}
  toJSON(): string {
    return this.value;
  }
}

export const named = (value: string): NamedString => new NamedString(value);

/** Marks a bad value that must not be printed (TooMany with an unknown count). */
export const OMIT_VALUE: unique symbol = Symbol('omit');

/** One field-level validation error, rendered exactly as field.Error.Error() renders it. */
export class FieldError {
  constructor(
    readonly type: ErrorType,
    readonly field: string,
    readonly badValue: unknown,
    readonly detail: string,
  ) {}

  /** The message without the field: `Invalid value: 80: must be ...`. */
  body(): string {
    let s: string;
    switch (this.type) {
      case 'FieldValueRequired':
      case 'FieldValueForbidden':
      case 'FieldValueTooLong':
      case 'InternalError':
        s = TYPE_TEXT[this.type];
        break;
      default:
        s = this.badValue === OMIT_VALUE ? TYPE_TEXT[this.type] : `${TYPE_TEXT[this.type]}: ${renderBadValue(this.badValue)}`;
    }
    return this.detail.length > 0 ? `${s}: ${this.detail}` : s;
  }

  /** `spec.ingress[0].ports[0].endPort: Invalid value: 80: must be ...`. */
  toString(): string {
    return `${this.field}: ${this.body()}`;
  }

  toJSON(): { type: ErrorType; field: string; message: string } {
    return { type: this.type, field: this.field, message: this.body() };
  }
}

function renderBadValue(value: unknown): string {
  if (typeof value === 'string') return goQuote(value);
  if (value instanceof NamedString) return goJSON(value.value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return goJSON(value);
}

export type ErrorList = FieldError[];

export const required = (path: FieldPath, detail = ''): FieldError =>
  new FieldError('FieldValueRequired', path.toString(), '', detail);

export const invalid = (path: FieldPath, value: unknown, detail: string): FieldError =>
  new FieldError('FieldValueInvalid', path.toString(), value, detail);

export const forbidden = (path: FieldPath, detail: string): FieldError =>
  new FieldError('FieldValueForbidden', path.toString(), '', detail);

export const duplicate = (path: FieldPath, value: unknown): FieldError =>
  new FieldError('FieldValueDuplicate', path.toString(), value, '');

export const notFound = (path: FieldPath, value: unknown): FieldError =>
  new FieldError('FieldValueNotFound', path.toString(), value, '');

export const notSupported = (path: FieldPath, value: unknown, supported: readonly string[]): FieldError =>
  new FieldError(
    'FieldValueNotSupported',
    path.toString(),
    value,
    supported.length > 0 ? 'supported values: ' + supported.map(goQuote).join(', ') : '',
  );

/** field.TooLong: the value itself is never printed. */
export const tooLong = (path: FieldPath, maxLength: number): FieldError =>
  new FieldError(
    'FieldValueTooLong',
    path.toString(),
    '',
    maxLength >= 0 ? `may not be more than ${maxLength} ${maxLength === 1 ? 'byte' : 'bytes'}` : 'value is too long',
  );

/**
 * API-server notation for a path given as a list of parts (a zod issue's path): keys joined by
 * dots, list indexes in brackets — what FieldPath.toString prints for the same path.
 */
export function formatFieldPath(parts: readonly PropertyKey[]): string {
  let out = '';
  for (const p of parts) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}

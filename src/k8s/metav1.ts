/**
 * The few renderings of metav1 Go types that field errors need to print byte for byte, and
 * metav1.Time parsing and comparison. The types themselves are in types.ts.
 */
import type { OwnerReference } from './types.js';
import { FieldError, OMIT_VALUE, type ErrorType, type FieldPath } from './field.js';
import { goJSON, goQuote } from './goformat.js';

/**
 * A field error whose bad value is printed from a pre-rendered text. field.Error prints a Go
 * `string` with %q but any other type (a named string type such as types.UID or
 * LabelSelectorOperator, a struct such as OwnerReference) with json.Marshal; the two differ for
 * characters like `<`, `&` or control characters, and structs keep their declaration order.
 */
export class RenderedValueError extends FieldError {
  constructor(
    type: ErrorType,
    field: string,
    badValue: unknown,
    detail: string,
    private readonly rendered: string,
  ) {
    super(type, field, badValue, detail);
  }

  override body(): string {
    const typeText = new FieldError(this.type, '', OMIT_VALUE, '').body();
    const s = `${typeText}: ${this.rendered}`;
    return this.detail.length > 0 ? `${s}: ${this.detail}` : s;
  }
}

/** field.Invalid for a value of a named Go string type (rendered as JSON, not %q). */
export function invalidNamedString(path: FieldPath, value: string, detail: string): FieldError {
  return new RenderedValueError('FieldValueInvalid', path.toString(), value, detail, goJSON(value));
}

/** field.NotSupported for a value of a named Go string type. */
export function notSupportedNamedString(path: FieldPath, value: string, supported: readonly string[]): FieldError {
  const detail = supported.length > 0 ? 'supported values: ' + supported.map(goQuote).join(', ') : '';
  return new RenderedValueError('FieldValueNotSupported', path.toString(), value, detail, goJSON(value));
}

/** json.Marshal of a metav1.OwnerReference: fields in declaration order, pointers omitted when nil. */
export function ownerReferenceJSON(ref: OwnerReference): string {
  let out =
    '{"apiVersion":' + goJSON(ref.apiVersion ?? '') +
    ',"kind":' + goJSON(ref.kind ?? '') +
    ',"name":' + goJSON(ref.name ?? '') +
    ',"uid":' + goJSON(ref.uid ?? '');
  if (ref.controller !== undefined && ref.controller !== null) out += ',"controller":' + String(ref.controller);
  if (ref.blockOwnerDeletion !== undefined && ref.blockOwnerDeletion !== null) {
    out += ',"blockOwnerDeletion":' + String(ref.blockOwnerDeletion);
  }
  return out + '}';
}

/** A parsed metav1.Time: whole seconds since the epoch plus nanoseconds, or the raw text. */
export interface MetaTime {
  seconds: number;
  nanos: number;
  raw: string;
  valid: boolean;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 timestamp as metav1.Time does; `null`, absent and "" are the zero time. */
export function parseMetaTime(value: string | null | undefined): MetaTime | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const m = RFC3339.exec(value);
  if (!m) return { seconds: 0, nanos: 0, raw: value, valid: false };
  const [, y, mo, d, h, mi, s, frac, zone] = m as unknown as string[];
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), 0);
  let seconds = Math.floor(date.getTime() / 1000);
  if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    seconds -= sign * (Number(zone.slice(1, 3)) * 3600 + Number(zone.slice(4, 6)) * 60);
  }
  const nanos = frac ? Number((frac.slice(1) + '000000000').slice(0, 9)) : 0;
  return { seconds, nanos, raw: value, valid: true };
}

/** Semantic equality of two metav1.Time values (same instant; zero equals zero). */
export function metaTimeEqual(a: MetaTime | undefined, b: MetaTime | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (!a.valid || !b.valid) return a.raw === b.raw;
  return a.seconds === b.seconds && a.nanos === b.nanos;
}

/**
 * The bad value of a metav1.Time as json.Marshal prints it: `"2006-01-02T15:04:05Z"` in UTC,
 * whole seconds, or null for the zero time. Returned as the JS value field.ts renders that way.
 */
export function metaTimeValue(t: MetaTime | undefined): string | null {
  if (t === undefined) return null;
  if (!t.valid) return t.raw;
  const d = new Date(t.seconds * 1000);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}Z`
  );
}

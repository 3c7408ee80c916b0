/**
 * Finalizer validation: ValidateFinalizerName, ValidateFinalizers and ValidateNoNewFinalizers
 * from k8s.io/apimachinery/pkg/api/validation/objectmeta.go, and the "standard finalizer" check
 * the core wrappers in pkg/apis/core/validation/validation.go add.
 */
import { forbidden, invalid, type FieldError, type FieldPath } from './field.js';
import { goQuote } from './goformat.js';
import { isQualifiedName } from './names.js';

const FINALIZER_ORPHAN_DEPENDENTS = 'orphan';
const FINALIZER_DELETE_DEPENDENTS = 'foregroundDeletion';
/** helper.IsStandardFinalizerName: core.FinalizerKubernetes and the two metav1 finalizers. */
const STANDARD_FINALIZERS = new Set(['kubernetes', FINALIZER_ORPHAN_DEPENDENTS, FINALIZER_DELETE_DEPENDENTS]);

/** ValidateFinalizerName: a qualified name; errors at `fldPath` (the list, not the item). */
export function validateFinalizerName(value: string, fldPath: FieldPath): FieldError[] {
  return isQualifiedName(value).map((msg) => invalid(fldPath, value, msg));
}

/** ValidateFinalizers: names, and "orphan" together with "foregroundDeletion" is refused. */
export function validateFinalizers(finalizers: string[] | null | undefined, fldPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const list = finalizers ?? [];
  let orphan = false;
  let foreground = false;
  for (const f of list) {
    errs.push(...validateFinalizerName(f, fldPath));
    if (f === FINALIZER_ORPHAN_DEPENDENTS) orphan = true;
    if (f === FINALIZER_DELETE_DEPENDENTS) foreground = true;
  }
  if (orphan && foreground) {
    errs.push(
      invalid(fldPath, list, `finalizer ${FINALIZER_ORPHAN_DEPENDENTS} and ${FINALIZER_DELETE_DEPENDENTS} cannot be both set`),
    );
  }
  return errs;
}

/**
 * The core wrapper's validateKubeFinalizerName: a finalizer without a '/' must be one of the
 * standard names. Reported at `finalizers[i]`.
 */
export function validateKubeFinalizerName(value: string, fldPath: FieldPath): FieldError[] {
  if (!value.includes('/') && !STANDARD_FINALIZERS.has(value)) {
    return [invalid(fldPath, value, 'name is neither a standard finalizer name nor is it fully qualified')];
  }
  return [];
}

/** Go's string ordering is byte order, which is code point order. */
function compareCodePoints(a: string, b: string): number {
  const ai = a[Symbol.iterator]();
  const bi = b[Symbol.iterator]();
  for (;;) {
    const x = ai.next();
    const y = bi.next();
    if (x.done || y.done) return x.done && y.done ? 0 : x.done ? -1 : 1;
    const cx = x.value.codePointAt(0) as number;
    const cy = y.value.codePointAt(0) as number;
    if (cx !== cy) return cx - cy;
  }
}

/** ValidateNoNewFinalizers: an object being deleted may lose finalizers but not gain any. */
export function validateNoNewFinalizers(
  newFinalizers: string[] | null | undefined,
  oldFinalizers: string[] | null | undefined,
  fldPath: FieldPath,
): FieldError[] {
  const old = new Set(oldFinalizers ?? []);
  const extra = [...new Set(newFinalizers ?? [])].filter((f) => !old.has(f)).sort(compareCodePoints);
  if (extra.length === 0) return [];
  // %#v of a []string.
  const goSyntax = '[]string{' + extra.map(goQuote).join(', ') + '}';
  return [forbidden(fldPath, `no new finalizers can be added if the object is being deleted, found new finalizers ${goSyntax}`)];
}

/**
 * managedFields validation: ValidateManagedFields and ValidateFieldManager from
 * k8s.io/apimachinery/pkg/apis/meta/v1/validation.
 */
import { invalid, required, tooLong, type FieldError, type FieldPath } from './field.js';
import { notSupportedNamedString } from './metav1.js';
import type { ManagedFieldsEntry } from './types.js';
import { goLen } from './names.js';

/** metav1validation.FieldManagerMaxLength. */
export const FIELD_MANAGER_MAX_LENGTH = 128;
/** metav1validation.MaxSubresourceNameLength. */
export const MAX_SUBRESOURCE_NAME_LENGTH = 256;

// unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

function isValidFieldManagerString(manager: string): boolean {
  if (goLen(manager) > FIELD_MANAGER_MAX_LENGTH) return false;
  for (const ch of manager) if (!isPrintRune(ch)) return false;
  return true;
}

function isPrintRune(ch: string): boolean {
  const cp = ch.codePointAt(0) as number;
  if (cp >= 0xd800 && cp <= 0xdfff) return true; // a lone surrogate arrives as U+FFFD, a symbol
  return PRINTABLE.test(ch);
}

/** ValidateFieldManager: at most 128 bytes, printable characters only. */
export function validateFieldManager(manager: string, fldPath: FieldPath): FieldError[] {
  if (isValidFieldManagerString(manager)) return [];
  const errs: FieldError[] = [];
  if (goLen(manager) > FIELD_MANAGER_MAX_LENGTH) errs.push(tooLong(fldPath, FIELD_MANAGER_MAX_LENGTH));
  let pos = 0; // byte offset, as `for i, r := range s` reports it
  for (const ch of manager) {
    if (!isPrintRune(ch)) {
      const cp = ch.codePointAt(0) as number;
      const u = 'U+' + cp.toString(16).toUpperCase().padStart(4, '0'); // %#U of a non-printable rune
      errs.push(invalid(fldPath, manager, `invalid character ${u} (at position ${pos})`));
    }
    pos += goLen(ch);
  }
  return errs;
}

/** ValidateManagedFields. */
export function validateManagedFields(entries: ManagedFieldsEntry[] | null | undefined, fldPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (entries ?? []).forEach((e, i) => {
    const operation = e.operation ?? '';
    const fieldsType = e.fieldsType ?? '';
    const subresource = e.subresource ?? '';
    const manager = e.manager ?? '';
    if (
      (operation === 'Apply' || operation === 'Update') &&
      (fieldsType.length === 0 || fieldsType === 'FieldsV1') &&
      goLen(subresource) <= MAX_SUBRESOURCE_NAME_LENGTH &&
      isValidFieldManagerString(manager)
    ) {
      return;
    }
    const idxPath = fldPath.index(i);
    if (operation === '') {
      errs.push(required(idxPath.child('operation'), 'must not be empty'));
    } else if (operation !== 'Apply' && operation !== 'Update') {
      errs.push(notSupportedNamedString(idxPath.child('operation'), operation, ['Apply', 'Update']));
    }
    if (fieldsType.length > 0 && fieldsType !== 'FieldsV1') {
      errs.push(invalid(idxPath.child('fieldsType'), fieldsType, 'must be `FieldsV1`'));
    }
    errs.push(...validateFieldManager(manager, idxPath.child('manager')));
    if (goLen(subresource) > MAX_SUBRESOURCE_NAME_LENGTH) {
      errs.push(tooLong(idxPath.child('subresource'), MAX_SUBRESOURCE_NAME_LENGTH));
    }
  });
  return errs;
}

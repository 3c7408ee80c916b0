/**
 * ObjectMeta field validators from k8s.io/apimachinery/pkg/api/validation/objectmeta.go:
 * ValidateNonnegativeField, ValidateAnnotations and ValidateOwnerReferences.
 */
import { invalid, required, tooLong, type FieldError, type FieldPath } from './field.js';
import { RenderedValueError, ownerReferenceJSON } from './metav1.js';
import type { OwnerReference } from './types.js';
import { goLen, isQualifiedName } from './names.js';

/** IsNegativeErrorMsg. */
export const IS_NEGATIVE_ERROR_MSG = 'must be greater than or equal to 0';
/** TotalAnnotationSizeLimitB: 256 KiB over all keys and values, in bytes. */
export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * (1 << 10);

/** ValidateNonnegativeField. */
export function validateNonnegativeField(value: number, fldPath: FieldPath): FieldError[] {
  return value < 0 ? [invalid(fldPath, value, IS_NEGATIVE_ERROR_MSG)] : [];
}

/**
 * ValidateAnnotations: keys are qualified names once lower-cased (case does not matter), and
 * keys plus values may total at most 256 KiB. Errors are reported at `fldPath`.
 */
export function validateAnnotations(annotations: Record<string, string> | null | undefined, fldPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!annotations) return errs;
  let total = 0;
  for (const [k, v] of Object.entries(annotations)) {
    for (const msg of isQualifiedName(goToLower(k))) errs.push(invalid(fldPath, k, msg));
    total += goLen(k) + goLen(v);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT_B) errs.push(tooLong(fldPath, TOTAL_ANNOTATION_SIZE_LIMIT_B));
  return errs;
}

/**
 * strings.ToLower: Go maps each code point through its simple lower-case mapping. JS
 * toLowerCase applies full mappings, which differ only for U+0130 (İ → "i̇" instead of "i").
 */
function goToLower(s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === '\u0130') out += 'i';
    else out += ch.toLowerCase();
  }
  return out;
}

/** schema.ParseGroupVersion: version "" when the value is "" or "/"; error on two or more '/'. */
function parseGroupVersion(gv: string): { group: string; version: string; ok: boolean } {
  if (gv.length === 0 || gv === '/') return { group: '', version: '', ok: true };
  const parts = gv.split('/');
  if (parts.length === 1) return { group: '', version: gv, ok: true };
  if (parts.length === 2) return { group: parts[0] as string, version: parts[1] as string, ok: true };
  return { group: '', version: '', ok: false };
}

function validateOwnerReference(ref: OwnerReference, fldPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersion = ref.apiVersion ?? '';
  const kind = ref.kind ?? '';
  const gv = parseGroupVersion(apiVersion);
  if (apiVersion.length === 0) {
    errs.push(required(fldPath.child('apiVersion'), 'must not be empty'));
  } else if (!gv.ok || gv.version.length === 0) {
    errs.push(invalid(fldPath.child('apiVersion'), apiVersion, 'must be <group>/<version> or <version>'));
  }
  if (kind.length === 0) errs.push(required(fldPath.child('kind'), 'must not be empty'));
  if ((ref.name ?? '').length === 0) errs.push(required(fldPath.child('name'), 'must not be empty'));
  if ((ref.uid ?? '').length === 0) errs.push(required(fldPath.child('uid'), 'must not be empty'));
  // BannedOwners holds only core/v1 Event; a GroupVersionKind prints as "group/version, Kind=kind".
  const group = gv.ok ? gv.group : '';
  const version = gv.ok ? gv.version : '';
  if (group === '' && version === 'v1' && kind === 'Event') {
    errs.push(
      new RenderedValueError(
        'FieldValueInvalid',
        fldPath.toString(),
        ref,
        `${group}/${version}, Kind=${kind} is disallowed from being an owner`,
        ownerReferenceJSON(ref),
      ),
    );
  }
  return errs;
}

/** ValidateOwnerReferences: each entry at `ownerReferences[i]`, and at most one controller. */
export function validateOwnerReferences(refs: OwnerReference[] | null | undefined, fldPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const list = refs ?? [];
  let firstControllerName = '';
  list.forEach((ref, i) => {
    errs.push(...validateOwnerReference(ref, fldPath.index(i)));
    if (ref.controller === true) {
      const cur = (ref.kind ?? '') + '/' + (ref.name ?? '');
      if (firstControllerName !== '') {
        errs.push(
          new RenderedValueError(
            'FieldValueInvalid',
            fldPath.toString(),
            list,
            `Only one reference can have Controller set to true. Found "true" in references for ${firstControllerName} and ${cur}`,
            '[' + list.map(ownerReferenceJSON).join(',') + ']',
          ),
        );
      } else {
        firstControllerName = cur;
      }
    }
  });
  return errs;
}

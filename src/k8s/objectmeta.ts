/**
 * ObjectMeta validation on create and update, as the API server runs it for a core-registered
 * type such as NetworkPolicy: k8s.io/apimachinery/pkg/api/validation/objectmeta.go
 * (ValidateObjectMeta, ValidateObjectMetaUpdate and helpers), ValidateManagedFields from
 * k8s.io/apimachinery/pkg/apis/meta/v1/validation, and the wrappers of the same names in
 * pkg/apis/core/validation/validation.go, which add the "standard finalizer" check.
 */
import { forbidden, invalid, required, tooLong, type FieldError, type FieldPath } from './field.js';
import { goQuote } from './goformat.js';
import { validateLabels } from './labels.js';
import {
  RenderedValueError,
  invalidNamedString,
  metaTimeEqual,
  metaTimeValue,
  notSupportedNamedString,
  ownerReferenceJSON,
  parseMetaTime,
  type ManagedFieldsEntry,
  type ObjectMeta,
  type OwnerReference,
} from './meta-types.js';
import { goLen, isQualifiedName, validateNamespaceName, type ValidateNameFunc } from './names.js';

export type { ManagedFieldsEntry, ObjectMeta, OwnerReference } from './meta-types.js';

/** FieldImmutableErrorMsg. */
export const FIELD_IMMUTABLE_ERROR_MSG = 'field is immutable';
/** IsNegativeErrorMsg. */
export const IS_NEGATIVE_ERROR_MSG = 'must be greater than or equal to 0';
/** TotalAnnotationSizeLimitB: 256 KiB over all keys and values, in bytes. */
export const TOTAL_ANNOTATION_SIZE_LIMIT_B = 256 * (1 << 10);
/** metav1validation.FieldManagerMaxLength. */
export const FIELD_MANAGER_MAX_LENGTH = 128;
/** metav1validation.MaxSubresourceNameLength. */
export const MAX_SUBRESOURCE_NAME_LENGTH = 256;

const FINALIZER_ORPHAN_DEPENDENTS = 'orphan';
const FINALIZER_DELETE_DEPENDENTS = 'foregroundDeletion';
/** helper.IsStandardFinalizerName: core.FinalizerKubernetes and the two metav1 finalizers. */
const STANDARD_FINALIZERS = new Set(['kubernetes', FINALIZER_ORPHAN_DEPENDENTS, FINALIZER_DELETE_DEPENDENTS]);

// ---------------------------------------------------------------------------------------------
// Small validators.

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
function validateKubeFinalizerName(value: string, fldPath: FieldPath): FieldError[] {
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

// ---------------------------------------------------------------------------------------------
// ObjectMeta on create.

function validateObjectMetaCommon(meta: ObjectMeta, requiresNamespace: boolean, fldPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const namespace = meta.namespace ?? '';
  if (requiresNamespace) {
    if (namespace.length === 0) {
      errs.push(required(fldPath.child('namespace'), ''));
    } else {
      for (const msg of validateNamespaceName(namespace, false)) errs.push(invalid(fldPath.child('namespace'), namespace, msg));
    }
  } else if (namespace.length !== 0) {
    errs.push(forbidden(fldPath.child('namespace'), 'not allowed on this type'));
  }
  errs.push(...validateNonnegativeField(meta.generation ?? 0, fldPath.child('generation')));
  errs.push(...validateLabels(meta.labels, fldPath.child('labels')));
  errs.push(...validateAnnotations(meta.annotations, fldPath.child('annotations')));
  errs.push(...validateOwnerReferences(meta.ownerReferences, fldPath.child('ownerReferences')));
  errs.push(...validateFinalizers(meta.finalizers, fldPath.child('finalizers')));
  errs.push(...validateManagedFields(meta.managedFields, fldPath.child('managedFields')));
  return errs;
}

/**
 * apimachinery ValidateObjectMeta (ValidateObjectMetaAccessor): name or generateName through
 * `nameFn`, then namespace, generation, labels, annotations, owner references, finalizers and
 * managed fields. BeforeUpdate runs this generic form with path-segment name rules.
 */
export function validateObjectMetaAccessor(
  meta: ObjectMeta,
  requiresNamespace: boolean,
  nameFn: ValidateNameFunc,
  fldPath: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const generateName = meta.generateName ?? '';
  const name = meta.name ?? '';
  if (generateName.length !== 0) {
    for (const msg of nameFn(generateName, true)) errs.push(invalid(fldPath.child('generateName'), generateName, msg));
  }
  if (name.length === 0) {
    errs.push(required(fldPath.child('name'), 'name or generateName is required'));
  } else {
    for (const msg of nameFn(name, false)) errs.push(invalid(fldPath.child('name'), name, msg));
  }
  errs.push(...validateObjectMetaCommon(meta, requiresNamespace, fldPath));
  return errs;
}

/**
 * ValidateObjectMeta (core wrapper): the generic checks plus the standard-finalizer rule, for an
 * object being created, after name generation. NetworkPolicy passes requiresNamespace = true
 * and nameIsDNSSubdomain, with `FieldPath.root('metadata')`.
 */
export function validateObjectMeta(
  meta: ObjectMeta,
  requiresNamespace: boolean,
  nameFn: ValidateNameFunc,
  fldPath: FieldPath,
): FieldError[] {
  const errs = validateObjectMetaAccessor(meta, requiresNamespace, nameFn, fldPath);
  (meta.finalizers ?? []).forEach((f, i) => errs.push(...validateKubeFinalizerName(f, fldPath.child('finalizers').index(i))));
  return errs;
}

// ---------------------------------------------------------------------------------------------
// ObjectMeta on update.

/**
 * ValidateObjectMetaUpdate (core wrapper): what may change between the stored object and the
 * update. Name, namespace and generateName formats are not re-checked; labels, annotations,
 * owner references and managed fields are.
 */
export function validateObjectMetaUpdate(newMeta: ObjectMeta, oldMeta: ObjectMeta, fldPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];

  // Finalizers cannot be added once the object is being deleted.
  if (oldMeta.deletionTimestamp !== undefined && oldMeta.deletionTimestamp !== null) {
    errs.push(...validateNoNewFinalizers(newMeta.finalizers, oldMeta.finalizers, fldPath.child('finalizers')));
  }

  const resourceVersion = newMeta.resourceVersion ?? '';
  if (resourceVersion.length === 0) {
    errs.push(invalid(fldPath.child('resourceVersion'), resourceVersion, 'must be specified for an update'));
  }

  const newGeneration = newMeta.generation ?? 0;
  errs.push(...validateNonnegativeField(newGeneration, fldPath.child('generation')));
  if (newGeneration < (oldMeta.generation ?? 0)) {
    errs.push(invalid(fldPath.child('generation'), newGeneration, 'must not be decremented'));
  }

  const newName = newMeta.name ?? '';
  if (newName !== (oldMeta.name ?? '')) errs.push(invalid(fldPath.child('name'), newName, FIELD_IMMUTABLE_ERROR_MSG));
  const newNamespace = newMeta.namespace ?? '';
  if (newNamespace !== (oldMeta.namespace ?? '')) {
    errs.push(invalid(fldPath.child('namespace'), newNamespace, FIELD_IMMUTABLE_ERROR_MSG));
  }
  const newUID = newMeta.uid ?? '';
  if (newUID !== (oldMeta.uid ?? '')) {
    // types.UID is a named string type: printed through json.Marshal.
    errs.push(invalidNamedString(fldPath.child('uid'), newUID, FIELD_IMMUTABLE_ERROR_MSG));
  }
  const newCreated = parseMetaTime(newMeta.creationTimestamp);
  if (!metaTimeEqual(newCreated, parseMetaTime(oldMeta.creationTimestamp))) {
    errs.push(invalid(fldPath.child('creationTimestamp'), metaTimeValue(newCreated), FIELD_IMMUTABLE_ERROR_MSG));
  }
  const newDeleted = parseMetaTime(newMeta.deletionTimestamp);
  if (!metaTimeEqual(newDeleted, parseMetaTime(oldMeta.deletionTimestamp))) {
    errs.push(invalid(fldPath.child('deletionTimestamp'), metaTimeValue(newDeleted), FIELD_IMMUTABLE_ERROR_MSG));
  }
  const newGrace = newMeta.deletionGracePeriodSeconds ?? null;
  if (newGrace !== (oldMeta.deletionGracePeriodSeconds ?? null)) {
    errs.push(invalid(fldPath.child('deletionGracePeriodSeconds'), newGrace, FIELD_IMMUTABLE_ERROR_MSG));
  }

  errs.push(...validateLabels(newMeta.labels, fldPath.child('labels')));
  errs.push(...validateAnnotations(newMeta.annotations, fldPath.child('annotations')));
  errs.push(...validateOwnerReferences(newMeta.ownerReferences, fldPath.child('ownerReferences')));
  errs.push(...validateManagedFields(newMeta.managedFields, fldPath.child('managedFields')));

  (newMeta.finalizers ?? []).forEach((f, i) => errs.push(...validateKubeFinalizerName(f, fldPath.child('finalizers').index(i))));
  return errs;
}


/**
 * ObjectMeta validation on create and update, as the API server runs it for a core-registered
 * type such as NetworkPolicy: k8s.io/apimachinery/pkg/api/validation/objectmeta.go
 * (ValidateObjectMeta, ValidateObjectMetaUpdate), and the wrappers of the same names in
 * pkg/apis/core/validation/validation.go, which add the "standard finalizer" check. The
 * validators of single fields (annotations, owner references, finalizers, managed fields) live
 * in objectmeta-annotations-owners.ts, objectmeta-finalizers.ts and objectmeta-managedfields.ts, and are
 * re-exported here.
 */
import { forbidden, invalid, required, type FieldError, type FieldPath } from './field.js';
import { validateLabels } from './labels.js';
import { invalidNamedString, metaTimeEqual, metaTimeValue, parseMetaTime } from './metav1.js';
import type { ObjectMeta } from './types.js';
import { validateNamespaceName, type ValidateNameFunc } from './names.js';
import { validateFinalizers, validateKubeFinalizerName, validateNoNewFinalizers } from './objectmeta-finalizers.js';
import { validateManagedFields } from './objectmeta-managedfields.js';
import { validateAnnotations, validateNonnegativeField, validateOwnerReferences } from './objectmeta-annotations-owners.js';


export { validateFinalizerName, validateFinalizers, validateNoNewFinalizers } from './objectmeta-finalizers.js';
export {
  FIELD_MANAGER_MAX_LENGTH,
  MAX_SUBRESOURCE_NAME_LENGTH,
  validateFieldManager,
  validateManagedFields,
} from './objectmeta-managedfields.js';
export {
  IS_NEGATIVE_ERROR_MSG,
  TOTAL_ANNOTATION_SIZE_LIMIT_B,
  validateAnnotations,
  validateNonnegativeField,
  validateOwnerReferences,
} from './objectmeta-annotations-owners.js';

/** FieldImmutableErrorMsg. */
export const FIELD_IMMUTABLE_ERROR_MSG = 'field is immutable';

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
  // Every review passes here and most of these fields are absent, which is always valid: only
  // fields that can hold an error get a path built and a validator run.
  const generation = meta.generation ?? 0;
  if (generation < 0) errs.push(...validateNonnegativeField(generation, fldPath.child('generation')));
  if (meta.labels) errs.push(...validateLabels(meta.labels, fldPath.child('labels')));
  if (meta.annotations) errs.push(...validateAnnotations(meta.annotations, fldPath.child('annotations')));
  if (meta.ownerReferences?.length) errs.push(...validateOwnerReferences(meta.ownerReferences, fldPath.child('ownerReferences')));
  if (meta.finalizers?.length) errs.push(...validateFinalizers(meta.finalizers, fldPath.child('finalizers')));
  if (meta.managedFields?.length) errs.push(...validateManagedFields(meta.managedFields, fldPath.child('managedFields')));
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

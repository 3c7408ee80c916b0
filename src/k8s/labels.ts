/**
 * Labels and label selectors: validation as k8s.io/apimachinery/pkg/apis/meta/v1/validation
 * does it (ValidateLabels, ValidateLabelName, ValidateLabelSelector,
 * ValidateLabelSelectorRequirement), and matching as metav1.LabelSelectorAsSelector plus
 * k8s.io/apimachinery/pkg/labels evaluate it.
 */
import { forbidden, invalid, required, type FieldError, type FieldPath } from './field.js';
import { invalidNamedString } from './metav1.js';
import { isQualifiedName, isValidLabelValue } from './names.js';
import type { LabelSelector, LabelSelectorRequirement } from './types.js';

export interface LabelSelectorValidationOptions {
  /** Skip label-value checks of matchExpressions values (only for pre-existing invalid data). */
  allowInvalidLabelValueInSelector?: boolean;
  /** Accept unknown operators (SubjectAccessReview does; NetworkPolicy does not). */
  allowUnknownOperatorInRequirement?: boolean;
}

/**
 * ValidateLabelName: a label key must be a qualified name. Every message is reported at
 * `fldPath` itself, with the key as the bad value.
 */
export function validateLabelName(labelName: string, fldPath: FieldPath): FieldError[] {
  return isQualifiedName(labelName).map((msg) => invalid(fldPath, labelName, msg));
}

/**
 * ValidateLabels: keys are qualified names, values valid label values; all errors are reported
 * at `fldPath` (not at a per-key path). Upstream ranges over a Go map, so the order of errors
 * between keys is random there; here it follows the object's key order.
 */
export function validateLabels(labels: Record<string, string> | null | undefined, fldPath: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!labels) return errs;
  for (const k of Object.keys(labels)) {
    const v = labels[k] as string;
    for (const msg of isQualifiedName(k)) errs.push(invalid(fldPath, k, msg));
    for (const msg of isValidLabelValue(v)) errs.push(invalid(fldPath, v, msg));
  }
  return errs;
}

/** ValidateLabelSelectorRequirement: operator, then key, then values. */
export function validateLabelSelectorRequirement(
  sr: LabelSelectorRequirement,
  opts: LabelSelectorValidationOptions,
  fldPath: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  const values = sr.values ?? [];
  const operator = sr.operator ?? '';
  switch (operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) {
        errs.push(required(fldPath.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      }
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) {
        errs.push(forbidden(fldPath.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      }
      break;
    default:
      if (!opts.allowUnknownOperatorInRequirement) {
        // The operator is a named string type upstream, so it prints through json.Marshal.
        errs.push(invalidNamedString(fldPath.child('operator'), operator, 'not a valid selector operator'));
      }
  }
  errs.push(...validateLabelName(sr.key ?? '', fldPath.child('key')));
  if (!opts.allowInvalidLabelValueInSelector) {
    values.forEach((value, i) => {
      for (const msg of isValidLabelValue(value)) errs.push(invalid(fldPath.child('values').index(i), value, msg));
    });
  }
  return errs;
}

/**
 * ValidateLabelSelector. A null/undefined selector is valid. matchLabels values are always
 * checked; allowInvalidLabelValueInSelector only relaxes matchExpressions values.
 */
export function validateLabelSelector(
  selector: LabelSelector | null | undefined,
  opts: LabelSelectorValidationOptions,
  fldPath: FieldPath,
): FieldError[] {
  const errs: FieldError[] = [];
  if (!selector) return errs;
  errs.push(...validateLabels(selector.matchLabels, fldPath.child('matchLabels')));
  (selector.matchExpressions ?? []).forEach((expr, i) => {
    errs.push(...validateLabelSelectorRequirement(expr, opts, fldPath.child('matchExpressions').index(i)));
  });
  return errs;
}

/**
 * True for a selector with no matchLabels and no matchExpressions (`{}`), which selects
 * everything. A null/undefined selector is not empty: it selects nothing.
 */
export function isEmptySelector(selector: LabelSelector | null | undefined): boolean {
  if (!selector) return false;
  return Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
}

/**
 * Whether `selector` selects an object with `labels`, with metav1.LabelSelectorAsSelector
 * semantics:
 * - null/undefined selector: matches nothing (labels.Nothing());
 * - `{}` (empty): matches everything (labels.Everything());
 * - otherwise every matchLabels pair and every expression must hold: `In` needs the key present
 *   with one of the values; `NotIn` holds when the key is absent or its value is not listed;
 *   `Exists` / `DoesNotExist` test presence only.
 * A selector LabelSelectorAsSelector would reject (unknown operator, In/NotIn without values,
 * Exists/DoesNotExist with values) matches nothing. Keys and values are compared as strings and
 * not re-validated here; run validateLabelSelector for that.
 */
export function labelSelectorMatches(
  selector: LabelSelector | null | undefined,
  labels: Record<string, string> | null | undefined,
): boolean {
  if (!selector) return false;
  if (isEmptySelector(selector)) return true;
  const have = labels ?? {};
  const has = (k: string): boolean => Object.prototype.hasOwnProperty.call(have, k);
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (!has(k) || have[k] !== v) return false;
  }
  for (const expr of selector.matchExpressions ?? []) {
    const values = expr.values ?? [];
    const key = expr.key ?? '';
    switch (expr.operator) {
      case 'In':
        if (values.length === 0) return false;
        if (!has(key) || !values.includes(have[key] as string)) return false;
        break;
      case 'NotIn':
        if (values.length === 0) return false;
        if (has(key) && values.includes(have[key] as string)) return false;
        break;
      case 'Exists':
        if (values.length > 0) return false;
        if (!has(key)) return false;
        break;
      case 'DoesNotExist':
        if (values.length > 0) return false;
        if (has(key)) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

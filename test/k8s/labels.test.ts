// Cases from upstream apis/meta/v1/validation/validation_test.go (TestValidateLabels,
// TestLabelSelectorMatchExpression) plus one case per message of ValidateLabelSelectorRequirement,
// and matching cases following metav1.LabelSelectorAsSelector.
import t from 'tap';
import { FieldPath, type FieldError } from '../../src/k8s/field.js';
import {
  isEmptySelector,
  labelSelectorMatches,
  validateLabelName,
  validateLabelSelector,
  validateLabelSelectorRequirement,
  validateLabels,
} from '../../src/k8s/labels.js';
import type { LabelSelector } from '../../src/k8s/types.js';

const render = (errs: FieldError[]): string[] => errs.map((e) => e.toString());

const KEY_NAME_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

t.test('TestValidateLabels', async (t) => {
  const fld = FieldPath.root('field');
  const success: Record<string, string>[] = [
    { simple: 'bar' }, { 'now-with-dashes': 'bar' }, { '1-starts-with-num': 'bar' }, { '1234': 'bar' },
    { 'simple/simple': 'bar' }, { 'now-with-dashes/simple': 'bar' }, { 'now-with-dashes/now-with-dashes': 'bar' },
    { 'now.with.dots/simple': 'bar' }, { 'now-with.dashes-and.dots/simple': 'bar' }, { '1-num.2-num/3-num': 'bar' },
    { '1234/5678': 'bar' }, { '1.2.3.4/5678': 'bar' }, { UpperCaseAreOK123: 'bar' }, { goodvalue: '123_-.BaR' },
  ];
  for (const labels of success) t.same(validateLabels(labels, fld), [], Object.keys(labels).join());

  const nameCases: [Record<string, string>, string][] = [
    [{ 'nospecialchars^=@': 'bar' }, 'name part must consist of'],
    [{ 'cantendwithadash-': 'bar' }, 'name part must consist of'],
    [{ 'only/one/slash': 'bar' }, 'a valid label key must consist of'],
    [{ ['a'.repeat(254)]: 'bar' }, 'must be no more than'],
  ];
  for (const [labels, expect] of nameCases) {
    const errs = validateLabels(labels, fld);
    t.equal(errs.length, 1, Object.keys(labels).join());
    t.ok(errs[0]?.detail.includes(expect), `${errs[0]?.detail} includes ${expect}`);
  }
  const valueCases: [Record<string, string>, string][] = [
    [{ toolongvalue: 'a'.repeat(64) }, 'must be no more than'],
    [{ backslashesinvalue: 'some\\bad\\value' }, 'a valid label must be an empty string or consist of'],
    [{ nocommasallowed: 'bad,value' }, 'a valid label must be an empty string or consist of'],
    [{ strangecharsinvalue: '?#$notsogood' }, 'a valid label must be an empty string or consist of'],
  ];
  for (const [labels, expect] of valueCases) {
    const errs = validateLabels(labels, fld);
    t.equal(errs.length, 1, Object.keys(labels).join());
    t.ok(errs[0]?.detail.includes(expect), `${errs[0]?.detail} includes ${expect}`);
  }

  // Errors sit at the labels path itself, key errors before value errors.
  const errs = validateLabels({ '-k': '-v' }, FieldPath.root('metadata', 'labels'));
  t.same(render(errs), [
    `metadata.labels: Invalid value: "-k": ${KEY_NAME_MSG}`,
    `metadata.labels: Invalid value: "-v": ${LABEL_VALUE_MSG}`,
  ]);
  t.equal(errs[0]?.type, 'FieldValueInvalid');
  t.equal(errs[0]?.field, 'metadata.labels');
  t.same(render(validateLabels({ a: 'x'.repeat(64) }, FieldPath.root('metadata', 'labels'))), [
    `metadata.labels: Invalid value: "${'x'.repeat(64)}": must be no more than 63 bytes`,
  ]);
  t.same(validateLabels(null, fld), []);
});

t.test('validateLabelName', async (t) => {
  t.same(render(validateLabelName('', FieldPath.root('k'))), [
    'k: Invalid value: "": name part must be non-empty',
    `k: Invalid value: "": ${KEY_NAME_MSG}`,
  ]);
  t.same(render(validateLabelName('/a', FieldPath.root('k'))), ['k: Invalid value: "/a": prefix part must be non-empty']);
});

t.test('TestLabelSelectorMatchExpression', async (t) => {
  const fld = FieldPath.root('labelSelector');
  const cases: { name: string; sel: LabelSelector; n: number; msg?: string }[] = [
    { name: 'valid', sel: { matchExpressions: [{ key: 'key', operator: 'In', values: ['value'] }] }, n: 0 },
    {
      name: 'bad key',
      sel: { matchExpressions: [{ key: '-key', operator: 'In', values: ['value'] }] },
      n: 1,
      msg: 'name part must consist of alphanumeric characters',
    },
    {
      name: 'bad operator',
      sel: { matchExpressions: [{ key: 'key', operator: 'abc', values: ['value'] }] },
      n: 1,
      msg: 'not a valid selector operator',
    },
    {
      name: 'bad value',
      sel: { matchExpressions: [{ key: 'key', operator: 'In', values: ['-value'] }] },
      n: 1,
      msg: 'a valid label must be an empty string or consist of',
    },
  ];
  for (const c of cases) {
    const errs = validateLabelSelector(c.sel, { allowInvalidLabelValueInSelector: false }, fld);
    t.equal(errs.length, c.n, c.name);
    if (c.msg) t.ok(errs.some((e) => e.toString().includes(c.msg as string)), c.name);
  }
});

t.test('requirement messages, types and paths', async (t) => {
  const p = FieldPath.root('spec', 'podSelector', 'matchExpressions').index(0);
  let errs = validateLabelSelectorRequirement({ key: 'k', operator: 'In', values: [] }, {}, p);
  t.same(render(errs), [
    "spec.podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
  ]);
  t.equal(errs[0]?.type, 'FieldValueRequired');
  t.same(render(validateLabelSelectorRequirement({ key: 'k', operator: 'NotIn' }, {}, p)), [
    "spec.podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
  ]);
  errs = validateLabelSelectorRequirement({ key: 'k', operator: 'Exists', values: ['a'] }, {}, p);
  t.same(render(errs), [
    "spec.podSelector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
  ]);
  t.equal(errs[0]?.type, 'FieldValueForbidden');
  t.equal(errs[0]?.field, 'spec.podSelector.matchExpressions[0].values');
  t.same(render(validateLabelSelectorRequirement({ key: 'k', operator: 'DoesNotExist', values: ['a'] }, {}, p)), [
    "spec.podSelector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
  ]);
  errs = validateLabelSelectorRequirement({ key: 'k', operator: 'Equals', values: ['a'] }, {}, p);
  t.same(render(errs), ['spec.podSelector.matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator']);
  t.equal(errs[0]?.type, 'FieldValueInvalid');
  t.equal(errs[0]?.badValue, 'Equals');
  t.same(errs[0]?.toJSON(), {
    type: 'FieldValueInvalid',
    field: 'spec.podSelector.matchExpressions[0].operator',
    message: 'Invalid value: "Equals": not a valid selector operator',
  });
  // The operator is a named Go string type, printed with json.Marshal rather than %q.
  t.same(render(validateLabelSelectorRequirement({ key: 'k', operator: 'a<b&c', values: ['a'] }, {}, p)), [
    'spec.podSelector.matchExpressions[0].operator: Invalid value: "a\\u003cb\\u0026c": not a valid selector operator',
  ]);
  t.same(render(validateLabelSelectorRequirement({ key: 'k', operator: '' }, {}, p)), [
    'spec.podSelector.matchExpressions[0].operator: Invalid value: "": not a valid selector operator',
  ]);
  t.same(validateLabelSelectorRequirement({ key: 'k', operator: 'Gt', values: ['1'] }, { allowUnknownOperatorInRequirement: true }, p), []);

  // Operator, then key, then each value at values[i].
  errs = validateLabelSelectorRequirement({ key: 'a/b/c', operator: 'Bogus', values: ['ok', '-bad'] }, {}, p);
  t.same(
    errs.map((e) => e.field),
    [
      'spec.podSelector.matchExpressions[0].operator',
      'spec.podSelector.matchExpressions[0].key',
      'spec.podSelector.matchExpressions[0].values[1]',
    ],
  );
  t.equal(errs[2]?.toString(), `spec.podSelector.matchExpressions[0].values[1]: Invalid value: "-bad": ${LABEL_VALUE_MSG}`);
});

t.test('allowInvalidLabelValueInSelector skips only matchExpressions values', async (t) => {
  const fld = FieldPath.root('spec', 'podSelector');
  const sel: LabelSelector = {
    matchLabels: { app: '-bad' },
    matchExpressions: [{ key: 'tier', operator: 'In', values: ['-bad'] }],
  };
  t.same(render(validateLabelSelector(sel, { allowInvalidLabelValueInSelector: true }, fld)), [
    `spec.podSelector.matchLabels: Invalid value: "-bad": ${LABEL_VALUE_MSG}`,
  ]);
  t.same(render(validateLabelSelector(sel, {}, fld)), [
    `spec.podSelector.matchLabels: Invalid value: "-bad": ${LABEL_VALUE_MSG}`,
    `spec.podSelector.matchExpressions[0].values[0]: Invalid value: "-bad": ${LABEL_VALUE_MSG}`,
  ]);
  t.same(validateLabelSelector(null, {}, fld), []);
  t.same(validateLabelSelector(undefined, {}, fld), []);
  t.same(validateLabelSelector({}, {}, fld), []);
});

t.test('isEmptySelector', async (t) => {
  t.equal(isEmptySelector({}), true);
  t.equal(isEmptySelector({ matchLabels: {}, matchExpressions: [] }), true);
  t.equal(isEmptySelector({ matchLabels: undefined, matchExpressions: undefined }), true);
  t.equal(isEmptySelector({ matchLabels: { a: 'b' } }), false);
  t.equal(isEmptySelector({ matchExpressions: [{ key: 'a', operator: 'Exists' }] }), false);
  t.equal(isEmptySelector(null), false);
  t.equal(isEmptySelector(undefined), false);
});

t.test('labelSelectorMatches', async (t) => {
  const pod = { app: 'web', tier: 'front' };
  t.equal(labelSelectorMatches({}, pod), true, 'empty selector matches everything');
  t.equal(labelSelectorMatches({}, {}), true);
  t.equal(labelSelectorMatches(null, pod), false, 'null selector matches nothing');
  t.equal(labelSelectorMatches(undefined, {}), false);
  t.equal(labelSelectorMatches({ matchLabels: { app: 'web' } }, pod), true);
  t.equal(labelSelectorMatches({ matchLabels: { app: 'db' } }, pod), false);
  t.equal(labelSelectorMatches({ matchLabels: { app: 'web', env: 'prod' } }, pod), false);
  t.equal(labelSelectorMatches({ matchLabels: { app: '' } }, {}), false, 'an absent key is not an empty value');
  t.equal(labelSelectorMatches({ matchLabels: { app: '' } }, { app: '' }), true);
  const m = (operator: string, values?: string[], key = 'tier'): boolean =>
    labelSelectorMatches({ matchExpressions: [{ key, operator, ...(values ? { values } : {}) }] }, pod);
  t.equal(m('In', ['front', 'back']), true);
  t.equal(m('In', ['back']), false);
  t.equal(m('In', ['front'], 'missing'), false);
  t.equal(m('NotIn', ['back']), true);
  t.equal(m('NotIn', ['front']), false);
  t.equal(m('NotIn', ['front'], 'missing'), true, 'NotIn matches when the key is absent');
  t.equal(m('Exists'), true);
  t.equal(m('Exists', undefined, 'missing'), false);
  t.equal(m('DoesNotExist'), false);
  t.equal(m('DoesNotExist', undefined, 'missing'), true, 'DoesNotExist matches when the key is absent');
  t.equal(m('In', []), false, 'In without values is rejected, so matches nothing');
  t.equal(m('Exists', ['x']), false);
  t.equal(m('Gt', ['1']), false, 'unknown operators match nothing');
  t.equal(labelSelectorMatches({ matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }, pod), false);
  t.equal(labelSelectorMatches({ matchExpressions: [{ key: 'toString', operator: 'Exists' }] }, {}), false, 'no prototype keys');
});

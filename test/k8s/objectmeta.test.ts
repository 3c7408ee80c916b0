// Cases from upstream api/validation/objectmeta_test.go (TestValidateObjectMetaCustomName,
// TestValidateObjectMetaNamespaces, TestValidateObjectMetaOwnerReferences,
// TestValidateObjectMetaUpdateIgnoresCreationTimestamp, TestValidateFinalizersUpdate,
// TestValidateFinalizersPreventConflictingFinalizers,
// TestValidateObjectMetaUpdatePreventsDeletionFieldMutation, TestObjectMetaGenerationUpdate,
// TestValidateObjectMetaTrimsTrailingDash, TestValidateAnnotations, and the imperative side of
// TestValidateObjectMetaDeclaratively), apis/meta/v1/validation/validation_test.go
// (TestValidateManagedFields*, TestValidateFieldManager*), and the core wrapper's finalizer check.
import t from 'tap';
import { FieldPath, type FieldError } from '../../src/k8s/field.js';
import { nameIsDNSSubdomain } from '../../src/k8s/names.js';
import {
  TOTAL_ANNOTATION_SIZE_LIMIT_B,
  validateAnnotations,
  validateFieldManager,
  validateManagedFields,
  validateObjectMeta,
  validateObjectMetaUpdate,
} from '../../src/k8s/objectmeta.js';
import type { ManagedFieldsEntry, ObjectMeta, OwnerReference } from '../../src/k8s/types.js';

const render = (errs: FieldError[]): string[] => errs.map((e) => e.toString());
const md = FieldPath.root('metadata');
const fld = FieldPath.root('field');

const KEY_NAME_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

const mkMeta = (over: Partial<ObjectMeta> = {}): ObjectMeta => ({ name: 'valid-name', namespace: 'valid-ns', ...over });
const mkOwnerRef = (over: Partial<OwnerReference> = {}): OwnerReference => ({
  apiVersion: 'v1',
  kind: 'Pod',
  name: 'name',
  uid: 'uid-1',
  ...over,
});
const create = (meta: ObjectMeta, requiresNamespace = true): FieldError[] =>
  validateObjectMeta(meta, requiresNamespace, nameIsDNSSubdomain, md);

t.test('TestValidateObjectMetaCustomName', async (t) => {
  const fn = (s: string): string[] => (s === 'test' ? [] : ['wrong value']);
  const cases: [ObjectMeta, number][] = [
    [{ name: 'test', generateName: '' }, 0],
    [{ name: 'test', generateName: 'test' }, 0],
    [{ name: 'invalid', generateName: '' }, 1],
    [{ name: 'invalid', generateName: 'test' }, 1],
    [{ name: 'invalid', generateName: 'invalid' }, 2],
  ];
  for (const [meta, n] of cases) {
    const errs = validateObjectMeta(meta, false, fn, fld);
    t.equal(errs.length, n, JSON.stringify(meta));
    if (n > 0) t.ok(errs[0]?.toString().includes('wrong value'));
  }
  t.same(render(validateObjectMeta({ name: 'invalid', generateName: 'invalid' }, false, fn, fld)), [
    'field.generateName: Invalid value: "invalid": wrong value',
    'field.name: Invalid value: "invalid": wrong value',
  ]);
});

t.test('name and generateName', async (t) => {
  let errs = create(mkMeta({ name: '' }));
  t.same(render(errs), ['metadata.name: Required value: name or generateName is required']);
  t.equal(errs[0]?.type, 'FieldValueRequired');
  t.same(render(create(mkMeta({ name: undefined, generateName: 'web-' }))), [
    'metadata.name: Required value: name or generateName is required',
  ]);
  errs = create(mkMeta({ name: 'invalid_name' }));
  t.same(render(errs), [`metadata.name: Invalid value: "invalid_name": ${SUBDOMAIN_MSG}`]);
  t.equal(errs[0]?.field, 'metadata.name');
  t.same(render(create(mkMeta({ name: 'a'.repeat(254) }))), [
    `metadata.name: Invalid value: "${'a'.repeat(254)}": must be no more than 253 characters`,
  ]);
  // TestValidateObjectMetaTrimsTrailingDash
  t.same(create({ name: 'test', generateName: 'foo-' }, false), []);
  t.same(render(create(mkMeta({ generateName: 'Foo-' }))), [`metadata.generateName: Invalid value: "Foo-": ${SUBDOMAIN_MSG}`]);
});

t.test('TestValidateObjectMetaNamespaces', async (t) => {
  let errs = create({ name: 'test', namespace: 'foo.bar' });
  t.same(render(errs), ['metadata.namespace: Invalid value: "foo.bar": must not contain dots']);
  const ns = 'A' + 'b'.repeat(63);
  errs = create({ name: 'test', namespace: ns });
  t.same(render(errs), [
    `metadata.namespace: Invalid value: "${ns}": must be no more than 63 characters`,
    `metadata.namespace: Invalid value: "${ns}": ${LABEL_MSG}`,
  ]);
  errs = create({ name: 'test' });
  t.same(render(errs), ['metadata.namespace: Required value']);
  t.equal(errs[0]?.type, 'FieldValueRequired');
  errs = create({ name: 'test', namespace: 'ns' }, false);
  t.same(render(errs), ['metadata.namespace: Forbidden: not allowed on this type']);
});

t.test('TestValidateObjectMetaOwnerReferences', async (t) => {
  const cases: { d: string; refs: OwnerReference[]; expect: string }[] = [
    { d: 'third party extension', refs: [{ apiVersion: 'customresourceVersion', kind: 'customresourceKind', name: 'name', uid: '1' }], expect: '' },
    { d: 'event owner', refs: [{ apiVersion: 'v1', kind: 'Event', name: 'name', uid: '1' }], expect: 'is disallowed from being an owner' },
    { d: 'too many slashes', refs: [{ apiVersion: 'a/b/c', kind: 'Pod', name: 'name', uid: '1' }], expect: 'must be <group>/<version> or <version>' },
    { d: 'empty version', refs: [{ apiVersion: 'foo/', kind: 'Pod', name: 'name', uid: '1' }], expect: 'must be <group>/<version> or <version>' },
    { d: 'legacy core group', refs: [{ apiVersion: 'v1', kind: 'Pod', name: 'name', uid: '1' }], expect: '' },
    {
      d: 'one controller',
      refs: [
        { apiVersion: 'customresourceVersion', kind: 'customresourceKind', name: 'name', uid: '1', controller: false },
        { apiVersion: 'customresourceVersion', kind: 'customresourceKind', name: 'name', uid: '2', controller: true },
        { apiVersion: 'customresourceVersion', kind: 'customresourceKind', name: 'name', uid: '3', controller: false },
        { apiVersion: 'customresourceVersion', kind: 'customresourceKind', name: 'name', uid: '4' },
      ],
      expect: '',
    },
    {
      d: 'two controllers',
      refs: [
        { apiVersion: 'customresourceVersion', kind: 'customresourceKind1', name: 'name', uid: '1', controller: false },
        { apiVersion: 'customresourceVersion', kind: 'customresourceKind2', name: 'name', uid: '2', controller: true },
        { apiVersion: 'customresourceVersion', kind: 'customresourceKind3', name: 'name', uid: '3', controller: true },
        { apiVersion: 'customresourceVersion', kind: 'customresourceKind4', name: 'name', uid: '4' },
      ],
      expect:
        'Only one reference can have Controller set to true. Found "true" in references for customresourceKind2/name and customresourceKind3/name',
    },
  ];
  for (const c of cases) {
    const errs = validateObjectMeta({ name: 'test', namespace: 'test', ownerReferences: c.refs }, true, nameIsDNSSubdomain, fld);
    if (c.expect === '') t.same(errs, [], c.d);
    else t.ok(errs[0]?.toString().includes(c.expect), `${c.d}: ${errs[0]?.toString()}`);
  }
});

t.test('owner reference messages', async (t) => {
  const meta = (refs: OwnerReference[]): ObjectMeta => mkMeta({ ownerReferences: refs });
  let errs = create(meta([mkOwnerRef({ apiVersion: '' })]));
  t.same(render(errs), ['metadata.ownerReferences[0].apiVersion: Required value: must not be empty']);
  t.equal(errs[0]?.type, 'FieldValueRequired');
  t.same(render(create(meta([mkOwnerRef({ kind: '' })]))), ['metadata.ownerReferences[0].kind: Required value: must not be empty']);
  t.same(render(create(meta([mkOwnerRef({ name: '' })]))), ['metadata.ownerReferences[0].name: Required value: must not be empty']);
  t.same(render(create(meta([mkOwnerRef(), mkOwnerRef({ uid: undefined })]))), [
    'metadata.ownerReferences[1].uid: Required value: must not be empty',
  ]);
  t.same(render(create(meta([mkOwnerRef({ apiVersion: '/' })]))), [
    'metadata.ownerReferences[0].apiVersion: Invalid value: "/": must be <group>/<version> or <version>',
  ]);
  t.same(create(meta([mkOwnerRef({ apiVersion: 'apps/v1', kind: 'ReplicaSet' })])), []);
  errs = create(meta([mkOwnerRef({ kind: 'Event', blockOwnerDeletion: true })]));
  t.same(render(errs), [
    'metadata.ownerReferences[0]: Invalid value: {"apiVersion":"v1","kind":"Event","name":"name","uid":"uid-1","blockOwnerDeletion":true}: /v1, Kind=Event is disallowed from being an owner',
  ]);
  t.equal(errs[0]?.field, 'metadata.ownerReferences[0]');
  t.same(create(meta([mkOwnerRef({ apiVersion: 'events.k8s.io/v1', kind: 'Event' })])), [], 'only core/v1 Event is banned');
  errs = create(
    meta([
      mkOwnerRef({ kind: 'A', name: 'a', controller: true }),
      mkOwnerRef({ kind: 'B', name: 'b', controller: true }),
    ]),
  );
  t.same(render(errs), [
    'metadata.ownerReferences: Invalid value: [{"apiVersion":"v1","kind":"A","name":"a","uid":"uid-1","controller":true},{"apiVersion":"v1","kind":"B","name":"b","uid":"uid-1","controller":true}]: Only one reference can have Controller set to true. Found "true" in references for A/a and B/b',
  ]);
  t.equal(errs[0]?.field, 'metadata.ownerReferences');
});

t.test('TestValidateAnnotations', async (t) => {
  const success: Record<string, string>[] = [
    { simple: 'bar' }, { 'now-with-dashes': 'bar' }, { '1-starts-with-num': 'bar' }, { '1234': 'bar' },
    { 'simple/simple': 'bar' }, { 'now-with-dashes/simple': 'bar' }, { 'now-with-dashes/now-with-dashes': 'bar' },
    { 'now.with.dots/simple': 'bar' }, { 'now-with.dashes-and.dots/simple': 'bar' }, { '1-num.2-num/3-num': 'bar' },
    { '1234/5678': 'bar' }, { '1.2.3.4/5678': 'bar' }, { UpperCase123: 'bar' },
    { a: 'b'.repeat(TOTAL_ANNOTATION_SIZE_LIMIT_B - 1) },
    { a: 'b'.repeat(TOTAL_ANNOTATION_SIZE_LIMIT_B / 2 - 1), c: 'd'.repeat(TOTAL_ANNOTATION_SIZE_LIMIT_B / 2 - 1) },
  ];
  for (const a of success) t.same(validateAnnotations(a, fld), [], Object.keys(a).join());
  const nameCases: [Record<string, string>, string][] = [
    [{ 'nospecialchars^=@': 'bar' }, 'name part must consist of'],
    [{ 'cantendwithadash-': 'bar' }, 'name part must consist of'],
    [{ 'only/one/slash': 'bar' }, 'a valid label key must consist of'],
    [{ ['a'.repeat(254)]: 'bar' }, 'must be no more than'],
  ];
  for (const [a, expect] of nameCases) {
    const errs = validateAnnotations(a, fld);
    t.equal(errs.length, 1);
    t.ok(errs[0]?.detail.includes(expect), `${errs[0]?.detail} includes ${expect}`);
  }
  const tooBig: Record<string, string>[] = [
    { a: 'b'.repeat(TOTAL_ANNOTATION_SIZE_LIMIT_B) },
    { a: 'b'.repeat(TOTAL_ANNOTATION_SIZE_LIMIT_B / 2), c: 'd'.repeat(TOTAL_ANNOTATION_SIZE_LIMIT_B / 2) },
  ];
  for (const a of tooBig) {
    const errs = validateAnnotations(a, md.child('annotations'));
    t.same(render(errs), ['metadata.annotations: Too long: may not be more than 262144 bytes']);
    t.equal(errs[0]?.type, 'FieldValueTooLong');
  }
  // The size counts UTF-8 bytes: 131072 two-byte characters plus a one-byte key are over.
  t.equal(validateAnnotations({ a: 'é'.repeat(TOTAL_ANNOTATION_SIZE_LIMIT_B / 2) }, fld).length, 1);
  // Keys are checked lower-cased (Go's simple case mapping), but reported as given.
  t.same(validateAnnotations({ 'Example.COM/Key': 'v' }, fld), []);
  t.same(validateAnnotations({ 'İ': 'v' }, fld), [], 'U+0130 lower-cases to "i" in Go');
  t.same(render(create(mkMeta({ annotations: { '-invalid': 'val' } }))), [
    `metadata.annotations: Invalid value: "-invalid": ${KEY_NAME_MSG}`,
  ]);
});

t.test('generation and labels on create', async (t) => {
  const errs = create(mkMeta({ generation: -1 }));
  t.same(render(errs), ['metadata.generation: Invalid value: -1: must be greater than or equal to 0']);
  t.same(render(create(mkMeta({ labels: { app: 'a b' } }))).length, 1);
  t.match(render(create(mkMeta({ labels: { app: 'a b' } })))[0], /^metadata\.labels: Invalid value: "a b": a valid label must be/);
});

t.test('finalizers on create', async (t) => {
  // TestValidateFinalizersPreventConflictingFinalizers
  let errs = validateObjectMeta({ name: 'test', finalizers: ['orphan', 'foregroundDeletion'] }, false, nameIsDNSSubdomain, fld);
  t.same(render(errs), [
    'field.finalizers: Invalid value: ["orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set',
  ]);
  // Qualified-name errors sit at the list; the core "standard finalizer" check at the item.
  errs = create(mkMeta({ finalizers: ['kubernetes', 'example.com/ok', 'custom', '-bad'] }));
  t.same(render(errs), [
    `metadata.finalizers: Invalid value: "-bad": ${KEY_NAME_MSG}`,
    'metadata.finalizers[2]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
    'metadata.finalizers[3]: Invalid value: "-bad": name is neither a standard finalizer name nor is it fully qualified',
  ]);
  t.equal(errs[1]?.field, 'metadata.finalizers[2]');
  t.same(create(mkMeta({ finalizers: ['orphan'] })), []);
});

t.test('managedFields', async (t) => {
  const invalidCases: ManagedFieldsEntry[] = [
    { operation: 'Update', fieldsType: 'RandomVersion', apiVersion: 'v1' },
    { operation: 'RandomOperation', fieldsType: 'FieldsV1', apiVersion: 'v1' },
    { fieldsType: 'FieldsV1', apiVersion: 'v1' },
    { operation: 'Update', fieldsType: 'FieldsV1', manager: 'field\nmanager', apiVersion: 'v1' },
    { operation: 'Apply', fieldsType: 'FieldsV1', apiVersion: 'v1', subresource: 'TooLong'.repeat(37) },
  ];
  for (const e of invalidCases) t.not(validateManagedFields([e], fld).length, 0, JSON.stringify(e).slice(0, 60));
  const validCases: ManagedFieldsEntry[] = [
    { operation: 'Update', apiVersion: 'v1' },
    { operation: 'Update', fieldsType: 'FieldsV1', apiVersion: 'v1' },
    { operation: 'Apply', fieldsType: 'FieldsV1', apiVersion: 'v1', subresource: 'scale' },
    { operation: 'Apply', fieldsType: 'FieldsV1', apiVersion: 'v1', manager: '🍔' },
  ];
  for (const e of validCases) t.same(validateManagedFields([e], fld), [], JSON.stringify(e));

  const p = md.child('managedFields');
  let errs = validateManagedFields([{ operation: 'Update' }, { fieldsType: 'FieldsV1' }], p);
  t.same(render(errs), ['metadata.managedFields[1].operation: Required value: must not be empty']);
  t.equal(errs[0]?.type, 'FieldValueRequired');
  errs = validateManagedFields([{ operation: 'Patch<' }], p);
  t.same(render(errs), ['metadata.managedFields[0].operation: Unsupported value: "Patch\\u003c": supported values: "Apply", "Update"']);
  t.equal(errs[0]?.type, 'FieldValueNotSupported');
  t.same(render(validateManagedFields([{ operation: 'Apply', fieldsType: 'FieldsV2' }], p)), [
    'metadata.managedFields[0].fieldsType: Invalid value: "FieldsV2": must be `FieldsV1`',
  ]);
  t.same(render(validateManagedFields([{ operation: 'Apply', subresource: 's'.repeat(257) }], p)), [
    'metadata.managedFields[0].subresource: Too long: may not be more than 256 bytes',
  ]);
  t.same(validateManagedFields([{ operation: 'Apply', subresource: 's'.repeat(256) }], p), []);
  t.same(render(create(mkMeta({ managedFields: [{ fieldsType: 'FieldsV1' }] }))), [
    'metadata.managedFields[0].operation: Required value: must not be empty',
  ]);
});

t.test('field manager', async (t) => {
  const p = FieldPath.root('fieldManager');
  for (const m of ['filedManager', '你好', '🍔']) t.same(validateFieldManager(m, p), [], m);
  t.same(render(validateFieldManager('field\nmanager', p)), [
    'fieldManager: Invalid value: "field\\nmanager": invalid character U+000A (at position 5)',
  ]);
  t.same(render(validateFieldManager('f'.repeat(129), p)), ['fieldManager: Too long: may not be more than 128 bytes']);
  // Positions are byte offsets; U+00A0 is not printable for Go.
  t.same(render(validateFieldManager('é\u00a0', p)), ['fieldManager: Invalid value: "é\\u00a0": invalid character U+00A0 (at position 2)']);
  t.equal(validateFieldManager('€'.repeat(43), p).length, 1, '129 bytes in 43 characters');
});

t.test('TestValidateObjectMetaUpdateIgnoresCreationTimestamp', async (t) => {
  const ts10 = '1970-01-01T00:00:10Z';
  t.same(render(validateObjectMetaUpdate({ name: 'test', resourceVersion: '1' }, { name: 'test', resourceVersion: '1', creationTimestamp: ts10 }, fld)), [
    'field.creationTimestamp: Invalid value: null: field is immutable',
  ]);
  t.same(render(validateObjectMetaUpdate({ name: 'test', resourceVersion: '1', creationTimestamp: ts10 }, { name: 'test', resourceVersion: '1' }, fld)), [
    'field.creationTimestamp: Invalid value: "1970-01-01T00:00:10Z": field is immutable',
  ]);
  t.same(
    render(
      validateObjectMetaUpdate(
        { name: 'test', resourceVersion: '1', creationTimestamp: ts10 },
        { name: 'test', resourceVersion: '1', creationTimestamp: '1970-01-01T00:00:11Z' },
        fld,
      ),
    ),
    ['field.creationTimestamp: Invalid value: "1970-01-01T00:00:10Z": field is immutable'],
  );
  // The same instant written differently is equal, and printed in UTC.
  t.same(
    validateObjectMetaUpdate(
      { name: 'test', resourceVersion: '1', creationTimestamp: '1970-01-01T01:00:10+01:00' },
      { name: 'test', resourceVersion: '1', creationTimestamp: ts10 },
      fld,
    ),
    [],
  );
  t.same(
    render(
      validateObjectMetaUpdate(
        { name: 'test', resourceVersion: '1', creationTimestamp: '1970-01-01T01:00:10.5+01:00' },
        { name: 'test', resourceVersion: '1', creationTimestamp: ts10 },
        fld,
      ),
    ),
    ['field.creationTimestamp: Invalid value: "1970-01-01T00:00:10Z": field is immutable'],
  );
});

t.test('TestValidateFinalizersUpdate', async (t) => {
  const del = '2024-01-01T00:00:00Z';
  const base = { name: 'test', resourceVersion: '1', deletionTimestamp: del };
  let errs = validateObjectMetaUpdate({ ...base, finalizers: ['x/a', 'y/b'] }, { ...base, finalizers: ['x/a'] }, fld);
  t.same(render(errs), [
    'field.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"y/b"}',
  ]);
  t.equal(errs[0]?.type, 'FieldValueForbidden');
  errs = validateObjectMetaUpdate({ ...base, finalizers: ['x/b'] }, { ...base, finalizers: ['x/a'] }, fld);
  t.same(render(errs), [
    'field.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"x/b"}',
  ]);
  t.same(validateObjectMetaUpdate({ ...base, finalizers: ['x/a'] }, { ...base, finalizers: ['x/a', 'y/b'] }, fld), []);
  t.same(
    validateObjectMetaUpdate(
      { name: 'test', resourceVersion: '1', finalizers: ['x/a', 'y/b'] },
      { name: 'test', resourceVersion: '1', finalizers: ['x/a'] },
      fld,
    ),
    [],
  );
  // New finalizers are listed sorted and de-duplicated.
  errs = validateObjectMetaUpdate({ ...base, finalizers: ['z/c', 'b/a', 'z/c'] }, base, fld);
  t.same(render(errs), [
    'field.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b/a", "z/c"}',
  ]);
  // The core wrapper checks finalizer names on update too, per item.
  t.same(render(validateObjectMetaUpdate({ name: 'test', resourceVersion: '1', finalizers: ['custom'] }, { name: 'test', resourceVersion: '1' }, md)), [
    'metadata.finalizers[0]: Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified',
  ]);
});

t.test('TestValidateObjectMetaUpdatePreventsDeletionFieldMutation', async (t) => {
  const now = '1970-01-01T00:16:40Z';
  const later = '1970-01-01T00:33:20Z';
  const b = { name: 'test', resourceVersion: '1' };
  const cases: [ObjectMeta, ObjectMeta, string[]][] = [
    [b, b, []],
    [{ ...b, deletionTimestamp: now, deletionGracePeriodSeconds: 30 }, { ...b, deletionTimestamp: now, deletionGracePeriodSeconds: 30 }, []],
    [b, { ...b, deletionTimestamp: now }, ['field.deletionTimestamp: Invalid value: "1970-01-01T00:16:40Z": field is immutable']],
    [{ ...b, deletionTimestamp: now }, b, ['field.deletionTimestamp: Invalid value: null: field is immutable']],
    [{ ...b, deletionTimestamp: now }, { ...b, deletionTimestamp: later }, ['field.deletionTimestamp: Invalid value: "1970-01-01T00:33:20Z": field is immutable']],
    [b, { ...b, deletionGracePeriodSeconds: 30 }, ['field.deletionGracePeriodSeconds: Invalid value: 30: field is immutable']],
    [{ ...b, deletionGracePeriodSeconds: 30 }, b, ['field.deletionGracePeriodSeconds: Invalid value: null: field is immutable']],
    [{ ...b, deletionGracePeriodSeconds: 30 }, { ...b, deletionGracePeriodSeconds: 40 }, ['field.deletionGracePeriodSeconds: Invalid value: 40: field is immutable']],
  ];
  // Upstream's table is (old, new); the argument order here is (new, old).
  for (const [oldMeta, newMeta, expected] of cases) {
    t.same(render(validateObjectMetaUpdate(newMeta, oldMeta, fld)), expected, JSON.stringify([oldMeta, newMeta]));
  }
});

t.test('TestObjectMetaGenerationUpdate', async (t) => {
  const b = { name: 'test', resourceVersion: '1' };
  let errs = validateObjectMetaUpdate({ ...b, generation: 4 }, { ...b, generation: 5 }, fld);
  t.same(render(errs), ['field.generation: Invalid value: 4: must not be decremented']);
  t.equal(errs[0]?.field, 'field.generation');
  t.same(validateObjectMetaUpdate({ ...b, generation: 2 }, { ...b, generation: 1 }, fld), []);
  t.same(validateObjectMetaUpdate({ ...b, generation: 5 }, { ...b, generation: 5 }, fld), []);
  t.same(render(validateObjectMetaUpdate({ ...b, generation: 0 }, { ...b, generation: 1 }, md)), [
    'metadata.generation: Invalid value: 0: must not be decremented',
  ]);
  errs = validateObjectMetaUpdate({ ...b, generation: -1 }, { ...b, generation: 0 }, md);
  t.same(render(errs), [
    'metadata.generation: Invalid value: -1: must be greater than or equal to 0',
    'metadata.generation: Invalid value: -1: must not be decremented',
  ]);
});

t.test('update: resourceVersion and immutable identity', async (t) => {
  let errs = validateObjectMetaUpdate(mkMeta({ resourceVersion: '' }), mkMeta({ resourceVersion: '1' }), md);
  t.same(render(errs), ['metadata.resourceVersion: Invalid value: "": must be specified for an update']);
  t.equal(errs[0]?.type, 'FieldValueInvalid');
  t.same(render(validateObjectMetaUpdate(mkMeta(), mkMeta(), md)), ['metadata.resourceVersion: Invalid value: "": must be specified for an update']);
  t.same(validateObjectMetaUpdate(mkMeta({ resourceVersion: '2' }), mkMeta({ resourceVersion: '1' }), md), []);
  t.same(render(validateObjectMetaUpdate(mkMeta({ name: 'other', resourceVersion: '2' }), mkMeta({ resourceVersion: '1' }), md)), [
    'metadata.name: Invalid value: "other": field is immutable',
  ]);
  errs = validateObjectMetaUpdate(mkMeta({ namespace: 'new-ns', resourceVersion: '2' }), mkMeta({ namespace: 'old-ns', resourceVersion: '1' }), md);
  t.same(render(errs), ['metadata.namespace: Invalid value: "new-ns": field is immutable']);
  t.equal(errs[0]?.field, 'metadata.namespace');
  t.same(render(validateObjectMetaUpdate(mkMeta({ uid: 'uid-new', resourceVersion: '2' }), mkMeta({ uid: 'uid-old', resourceVersion: '1' }), md)), [
    'metadata.uid: Invalid value: "uid-new": field is immutable',
  ]);
  // types.UID prints through json.Marshal.
  t.same(render(validateObjectMetaUpdate(mkMeta({ uid: '<&>', resourceVersion: '2' }), mkMeta({ uid: 'u', resourceVersion: '1' }), md)), [
    'metadata.uid: Invalid value: "\\u003c\\u0026\\u003e": field is immutable',
  ]);
  // Labels, annotations, owner references and managed fields are validated on update as well.
  t.same(
    render(
      validateObjectMetaUpdate(
        mkMeta({ resourceVersion: '2', annotations: { '-invalid': 'val' }, ownerReferences: [mkOwnerRef({ kind: '' })] }),
        mkMeta({ resourceVersion: '1' }),
        md,
      ),
    ),
    [`metadata.annotations: Invalid value: "-invalid": ${KEY_NAME_MSG}`, 'metadata.ownerReferences[0].kind: Required value: must not be empty'],
  );
  // Name format is not re-validated on update.
  t.same(validateObjectMetaUpdate(mkMeta({ name: 'Bad_Name', resourceVersion: '2' }), mkMeta({ name: 'Bad_Name', resourceVersion: '1' }), md), []);
});

t.test('a valid NetworkPolicy metadata passes', async (t) => {
  t.same(
    create({
      name: 'allow-dns',
      namespace: 'team-a',
      labels: { 'app.kubernetes.io/name': 'web' },
      annotations: { 'Example.com/Owner': 'team a' },
      finalizers: ['example.com/cleanup'],
      ownerReferences: [mkOwnerRef({ apiVersion: 'example.com/v1', kind: 'Tenant', controller: true })],
      managedFields: [{ manager: 'kubectl', operation: 'Apply', apiVersion: 'networking.k8s.io/v1', time: '2024-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: {} }],
    }),
    [],
  );
});

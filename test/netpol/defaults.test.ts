/**
 * Defaulting, translated from Kubernetes' TestSetDefaultNetworkPolicy, plus the patch contract
 * of the mutating webhook, and a property test over random valid policies.
 */
import fc from 'fast-check';
import jsonpatch from 'fast-json-patch';
import t from 'tap';
import { decodeNetworkPolicy } from '../../src/netpol/decode.js';
import { applyDefaults, defaultNetworkPolicy, defaultingPatch } from '../../src/netpol/defaults.js';
import { validPolicyArb } from '../helpers/arbitraries.js';

const spec = (s: object) => ({ spec: s });
const defaulted = (obj: object) => (defaultNetworkPolicy(obj).object as { spec: unknown }).spec;

t.test('upstream TestSetDefaultNetworkPolicy', async (t) => {
  const ab = { matchLabels: { a: 'b' } };
  const cd = { matchLabels: { c: 'd' } };
  t.same(defaulted(spec({ podSelector: ab })), { podSelector: ab, policyTypes: ['Ingress'] }, 'empty policy: Ingress');
  t.same(defaulted(spec({ podSelector: ab, ingress: [] })), { podSelector: ab, ingress: [], policyTypes: ['Ingress'] }, 'empty ingress: Ingress');
  t.same(
    defaulted(spec({ podSelector: ab, ingress: [{ from: [{ podSelector: cd, namespaceSelector: cd }] }], egress: [{ to: [{ namespaceSelector: cd }] }] })),
    { podSelector: ab, ingress: [{ from: [{ podSelector: cd, namespaceSelector: cd }] }], egress: [{ to: [{ namespaceSelector: cd }] }], policyTypes: ['Ingress', 'Egress'] },
    'ingress and egress: both',
  );
  t.same(
    defaulted(spec({ podSelector: ab, egress: [{ to: [{ namespaceSelector: cd }] }] })),
    { podSelector: ab, egress: [{ to: [{ namespaceSelector: cd }] }], policyTypes: ['Ingress', 'Egress'] },
    'egress only, policyTypes unset: both',
  );
  t.same(
    defaulted(spec({ podSelector: ab, egress: [{ to: [{ namespaceSelector: { matchLabels: { Egress: 'only' } } }] }], policyTypes: ['Egress'] })),
    { podSelector: ab, egress: [{ to: [{ namespaceSelector: { matchLabels: { Egress: 'only' } } }] }], policyTypes: ['Egress'] },
    'explicit Egress is kept',
  );
});

t.test('protocol defaults', async (t) => {
  t.same(defaulted(spec({ ingress: [{ ports: [{ port: 80 }, { protocol: 'UDP', port: 53 }, {}] }] })), {
    ingress: [{ ports: [{ port: 80, protocol: 'TCP' }, { protocol: 'UDP', port: 53 }, { protocol: 'TCP' }] }],
    policyTypes: ['Ingress'],
  });
  t.same(defaulted(spec({ egress: [{ ports: [{ port: 'dns', protocol: null }] }] })), {
    egress: [{ ports: [{ port: 'dns', protocol: 'TCP' }] }],
    policyTypes: ['Ingress', 'Egress'],
  }, 'null protocol is defaulted, as Go decodes null to nil');
  t.same(defaulted(spec({ egress: [], policyTypes: [] })), { egress: [], policyTypes: ['Ingress'] }, 'explicit empty lists: empty egress does not add Egress');
  t.same(defaulted({}), { policyTypes: ['Ingress'] }, 'no spec at all');
  t.same(defaulted(spec({ policyTypes: 'Ingress' })), { policyTypes: 'Ingress' }, 'values of the wrong type are left for validation');
});

t.test('the patch', async (t) => {
  const submitted = { spec: { ingress: [{ ports: [{ port: 80 }] }], egress: [{ ports: [null] }] } };
  const { object, patch } = defaultNetworkPolicy(submitted);
  t.same(patch.map((op) => `${op.op} ${op.path}`).sort(), [
    'replace /spec/egress/0/ports/0',
    'add /spec/ingress/0/ports/0/protocol',
    'add /spec/policyTypes',
  ].sort());
  t.same(jsonpatch.applyPatch(structuredClone(submitted), patch, true, false).newDocument, object, 'applies cleanly');
  t.same(submitted.spec.ingress[0]!.ports[0], { port: 80 }, 'the input is not modified');
  t.same(defaultNetworkPolicy(object).patch, [], 'nothing to do on a defaulted object');
  t.same(defaultNetworkPolicy('not an object').patch, [], 'never fails on garbage');
  const explicitEmpty = defaultNetworkPolicy({ spec: { policyTypes: [] } }).patch;
  t.same(explicitEmpty, [{ op: 'add', path: '/spec/policyTypes/0', value: 'Ingress' }], 'an empty list is extended, not replaced');
});

t.test('property: the patch and the typed defaulting agree, only add, and are idempotent', async (t) => {
  fc.assert(
    fc.property(validPolicyArb, (policy) => {
      const patch = defaultingPatch(policy);
      if (!patch.every((op) => op.op === 'add')) return false;
      const patched = jsonpatch.applyPatch(structuredClone(policy), patch, true, false).newDocument;
      if (defaultingPatch(patched).length !== 0) return false;
      // Two independent routes to the stored object: the patch on the JSON, and the defaults on the typed object.
      const viaPatch = decodeNetworkPolicy(patched).policy;
      const viaTyped = applyDefaults(decodeNetworkPolicy(policy).policy!);
      return JSON.stringify(sortKeys(viaPatch)) === JSON.stringify(sortKeys(viaTyped));
    }),
    { seed: 20261123, numRuns: 2000 },
  );
  t.pass('2000 random policies');
});

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  }
  return v;
}

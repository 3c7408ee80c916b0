/**
 * The one decision function, end to end through its API-server stages: decode, default,
 * validate, warn, and the shape of each denial.
 */
import t from 'tap';
import { parsePolicy } from '../src/policy/parse.js';
import { type ReviewRequest, reviewNetworkPolicy } from '../src/review.js';
import { INVALID_AND_DENIED_STATUS, fromIPBlock, invalidAndDenied, makeNetworkPolicy, port, toIPBlock, withIngressPorts, withPolicyTypes } from './helpers/netpol.js';
import type { NetworkPolicy } from '../src/k8s/types.js';
import { ALL_RULES } from '../src/rules/index.js';

// The API server's stages alone: a policy compiled against no org-policy rules.
const ctx = { policy: parsePolicy('', 'no rules', []) };
const cli = (object: unknown, extra: Partial<ReviewRequest> = {}) =>
  reviewNetworkPolicy({ operation: 'CREATE', object, strictFields: true, includeApiWarnings: true, ...extra }, ctx);

t.test('a valid policy is allowed, with its defaulting patch', async (t) => {
  const r = cli(makeNetworkPolicy(withIngressPorts(port(undefined, 80))));
  t.equal(r.verdict, 'allowed');
  t.equal(r.allowed, true);
  t.equal(r.status, undefined);
  t.same(r.patch.map((op) => op.path).sort(), ['/spec/ingress/0/ports/0/protocol', '/spec/policyTypes']);
  t.same(r.defaulted?.spec?.policyTypes, ['Ingress']);
  t.same(r.auditAnnotations, { verdict: 'allowed' });
});

t.test('an invalid policy is denied with the API server 422', async (t) => {
  const r = cli(makeNetworkPolicy(withIngressPorts(port('ICMP', 80))));
  t.equal(r.verdict, 'invalid');
  t.equal(r.status?.code, 422);
  t.equal(r.status?.reason, 'Invalid');
  t.equal(r.status?.message, 'NetworkPolicy.networking.k8s.io "foo" is invalid: spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"');
  t.same(r.status?.details?.causes, [
    { reason: 'FieldValueNotSupported', message: 'Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"', field: 'spec.ingress[0].ports[0].protocol' },
  ]);
});

t.test('invalid before forbidden: an invalid object that trips a deny rule gets the API server 422 only', async (t) => {
  const object = invalidAndDenied();
  const r = reviewNetworkPolicy({ operation: 'CREATE', object, strictFields: true, includeApiWarnings: true }, { policy: parsePolicy('', 'built-in', ALL_RULES) });
  t.ok(r.evaluation.findings.some((f) => f.rule === 'rules-without-policy-type' && f.effect === 'deny'), 'the deny rule did fire');
  t.equal(r.verdict, 'invalid');
  t.same(r.status, INVALID_AND_DENIED_STATUS, 'nothing of the org policy inside the Invalid status');
  t.match(r.warnings, [/^bar\/foo: would deny once valid: \[rules-without-policy-type\] spec\.egress: /, /^bar\/foo: \[ipblock-world\] /], 'the denial and the warning reach the person as warnings');
  t.same(r.auditAnnotations, { verdict: 'invalid', rules: 'rules-without-policy-type,ipblock-world' });
  const valid = reviewNetworkPolicy(
    { operation: 'CREATE', object: makeNetworkPolicy(toIPBlock({ cidr: '0.0.0.0/0' }), withPolicyTypes('Ingress')), strictFields: true, includeApiWarnings: true },
    { policy: parsePolicy('', 'built-in', ALL_RULES) },
  );
  t.equal(valid.verdict, 'forbidden', 'the same rule on a valid object is a 403');
  t.equal(valid.status?.code, 403);
  t.notMatch(valid.status?.message, /invalid/);
});

t.test('unknown fields: errors for the CLI, ignored by the webhook', async (t) => {
  const typo = { ...makeNetworkPolicy(), spec: { podSelector: {}, Ingress: [{}] } };
  const strict = cli(typo);
  t.equal(strict.verdict, 'malformed');
  t.equal(strict.status?.code, 400);
  t.equal(strict.status?.message, 'NetworkPolicy in version "v1" cannot be handled as a NetworkPolicy: strict decoding error: unknown field "spec.Ingress"');
  const webhook = cli(typo, { strictFields: false });
  t.equal(webhook.verdict, 'allowed');
  t.same(webhook.decodeIssues.map((i) => i.field), ['spec.Ingress'], 'still reported for logs');
});

t.test('wrong types are a 400 whatever the mode', async (t) => {
  const r = cli({ ...makeNetworkPolicy(), spec: { ingress: [{ ports: [{ port: { a: 1 } }] }] } }, { strictFields: false });
  t.equal(r.verdict, 'malformed');
  t.match(r.status?.message, /spec\.ingress\[0\]\.ports\[0\]\.port: expected a port number or a port name/);
});

t.test('the request namespace fills an object without one; generateName is honoured', async (t) => {
  const np = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { generateName: 'web-' }, spec: {} };
  t.equal(cli(np).verdict, 'invalid', 'no namespace anywhere');
  t.same(cli(np).fieldErrors.map(String), ['metadata.namespace: Required value']);
  const r = cli(np, { namespace: 'prod' });
  t.equal(r.verdict, 'allowed');
  t.equal(r.namespace, 'prod');
});

t.test('updates: ratcheting, immutable names, API warnings', async (t) => {
  const stored = makeNetworkPolicy(toIPBlock({ cidr: '10.0.0.1/8' }), (np) => {
    np.metadata!.resourceVersion = '7';
    np.metadata!.uid = 'u-1';
    np.metadata!.generation = 2;
    np.spec!.policyTypes = ['Ingress', 'Egress'];
  });
  const update = (object: unknown) => cli(object, { operation: 'UPDATE', oldObject: stored });
  const same = update(structuredClone(stored));
  t.equal(same.verdict, 'allowed', 'a stored legacy CIDR is accepted again');
  t.same(same.apiWarnings, [
    'spec.egress[0].to[0].ipBlock.cidr: CIDR value "10.0.0.1/8" is ambiguous in this context (should be "10.0.0.0/8" or "10.0.0.1/32"?)',
  ]);
  t.same(same.warnings, same.apiWarnings, 'the CLI repeats them');
  const webhookView = reviewNetworkPolicy(
    { operation: 'UPDATE', object: structuredClone(stored), oldObject: stored, strictFields: false, includeApiWarnings: false },
    ctx,
  );
  t.same(webhookView.warnings, [], 'the webhook leaves them to the API server');
  const renamed = structuredClone(stored);
  renamed.metadata!.name = 'other';
  t.same(update(renamed).fieldErrors.map(String), ['metadata.name: Invalid value: "other": field is immutable']);
  const noUid = structuredClone(stored);
  delete noUid.metadata!.uid;
  noUid.metadata!.generation = 0;
  t.equal(update(noUid).verdict, 'allowed', 'uid and generation are carried over as BeforeUpdate does');
  const newBad = makeNetworkPolicy(fromIPBlock({ cidr: '10.0.0.2/8' }), (np) => (np.metadata!.resourceVersion = '7'));
  t.same(update(newBad).fieldErrors.map((e) => e.field), ['spec.ingress[0].from[0].ipBlock.cidr'], 'a new host-bits CIDR is not');
});

t.test('DELETE is allowed when no rule cares', async (t) => {
  const r = reviewNetworkPolicy({ operation: 'DELETE', object: null, oldObject: makeNetworkPolicy(), strictFields: false, includeApiWarnings: false }, ctx);
  t.equal(r.verdict, 'allowed');
  t.equal(r.name, 'foo');
  t.equal(r.namespace, 'bar');
});

t.test('never throws on garbage', async (t) => {
  for (const garbage of [null, 1, 'x', [], { spec: 5 }, { metadata: [] }, { spec: { ingress: [1, 'a', null] } }]) {
    t.doesNotThrow(() => cli(garbage), JSON.stringify(garbage));
  }
});

t.test('warning lines by kind: the findings\' apart from the others, as data', async (t) => {
  // Every denial a warning, so the object is allowed with finding lines.
  const builtin = { policy: parsePolicy('mode: warn\n', 'roll-out', ALL_RULES) };
  // A stored policy with legacy CIDRs (accepted again on UPDATE, with the API server's warnings).
  const storedWith = (cidrs: readonly string[]) =>
    makeNetworkPolicy((np) => {
      np.metadata!.resourceVersion = '7';
      np.spec!.policyTypes = ['Ingress', 'Egress'];
      np.spec!.egress = [{ to: cidrs.map((cidr) => ({ ipBlock: { cidr } })) }];
    });
  const update = (stored: NetworkPolicy, change: (np: NetworkPolicy) => void = () => {}) => {
    const object = structuredClone(stored);
    change(object);
    return reviewNetworkPolicy({ operation: 'UPDATE', object, oldObject: stored, strictFields: true, includeApiWarnings: true }, builtin);
  };

  const r = update(storedWith(['10.0.0.1/8']), (np) => np.spec!.egress![0]!.to!.push({ ipBlock: { cidr: '0.0.0.0/0' } }));
  t.equal(r.verdict, 'allowed');
  const findingLines = r.warnings.filter((w) => !r.nonFindingWarnings.includes(w));
  t.same(r.nonFindingWarnings, r.apiWarnings, 'the API server\'s own warnings are not findings');
  t.ok(r.apiWarnings.length > 0 && findingLines.length > 0, 'the review has both kinds');
  t.ok(findingLines.every((w) => /^bar\/foo: \[[a-z-]+\] /.test(w)), 'and every other line is a finding\'s');
  t.same(r.warnings, [...r.nonFindingWarnings, ...findingLines], 'the others come first, in the order of the response');

  // Past what the API server keeps, the line counting the rest is not a finding's either.
  const cut = update(storedWith(Array.from({ length: 60 }, (_, i) => `10.${i}.0.1/8`)));
  const last = cut.warnings[cut.warnings.length - 1]!;
  t.match(last, /^bar\/foo: \.\.\. and \d+ more warning\(s\); see the full list with netpol-guard check$/);
  t.equal(cut.nonFindingWarnings[cut.nonFindingWarnings.length - 1], last, 'the count of those left out is among the others');
  t.ok(cut.nonFindingWarnings.length < cut.apiWarnings.length, 'the API warnings were cut');
  t.ok(cut.warnings.every((w) => cut.nonFindingWarnings.includes(w)), 'no finding line made it past the cut');
});

/**
 * The org-policy file: every problem reported with its path and line, unknown rule ids and
 * fields with the nearest known name, defaults filled in.
 */
import t from 'tap';
import { NpgError } from '../../src/errors.js';
import { BUILTIN_POLICY_YAML } from '../../src/policy/builtin.js';
import { builtinPolicy, parsePolicy } from '../../src/policy/parse.js';
import type { OrgPolicy } from '../../src/policy/types.js';
import { ALL_RULES } from '../../src/rules/index.js';

/** A rule's action and parameters in a compiled policy. */
function setting(policy: OrgPolicy, id: string): { action: string; params: unknown } | undefined {
  const r = policy.rules.find((x) => x.rule.id === id);
  return r && { action: r.action, params: r.params };
}

function problems(text: string): string[] {
  try {
    parsePolicy(text, 'policy.yaml');
  } catch (err) {
    t.ok(err instanceof NpgError);
    t.equal((err as NpgError).code, 'NPG_POLICY_INVALID');
    return (err as Error).message.split('\n').slice(1);
  }
  return [];
}

t.test('the built-in policy is valid and covers every rule', async (t) => {
  const policy = builtinPolicy();
  t.equal(policy.mode, 'enforce');
  t.equal(policy.source, 'builtin');
  for (const rule of ALL_RULES) {
    t.equal(setting(policy, rule.id)?.action, rule.defaultAction, `${rule.id} at its default action`);
    t.match(BUILTIN_POLICY_YAML, `  ${rule.id}:`, `${rule.id} is written out in the built-in policy`);
  }
  t.ok(Object.isFrozen(policy), 'frozen');
});

t.test('every problem, with path and line', async (t) => {
  const found = problems(`mode: strict
rules:
  egres-without-dns: {action: warn}
  egress-without-dns:
    action: block
  cidr-too-wide:
    params: {ipv4MinPrefix: "x", foo: 1}
    acton: warn
exemptions:
  - namespaces: [a]
  - reason: x
    rules: [ipblock-wrld]
objectExemption: {}
`);
  t.same(found.sort(), [
    'exemptions[0].reason (line 10): required (string)',
    'exemptions[1] (line 11): give namespaces, a namespaceSelector, or both (got {"reason":"x","rules":["ipblock-wrld"]})',
    'mode (line 1): expected "enforce" | "warn" | "audit", got "strict"',
    'objectExemption (line 13): unknown field; did you mean "objectExemptions"?',
    'rules.cidr-too-wide.acton (line 8): unknown field; did you mean "action"?',
    'rules.egres-without-dns (line 3): unknown rule; did you mean "egress-without-dns"?',
    'rules.egress-without-dns.action (line 5): expected "deny" | "warn" | "off", got "block"',
  ].sort());
});

t.test('rule parameters are checked by the rule', async (t) => {
  const found = problems(`rules:
  cidr-too-wide:
    params:
      ipv4MinPrefix: 40
      ipv6MinPrefx: 3
  ipblock-cluster-cidr:
    params: {podCIDRs: [not-a-cidr]}
  policy-name-pattern:
    action: deny
    params: {pattern: "("}
`);
  t.same(found.sort(), [
    'rules.cidr-too-wide.params.ipv6MinPrefx (line 5): unknown field; did you mean "ipv6MinPrefix"?',
    'rules.cidr-too-wide.params.ipv4MinPrefix (line 4): Too big: expected number to be <=32 (got 40)',
    'rules.ipblock-cluster-cidr.params.podCIDRs[0] (line 7): expected a CIDR such as 10.244.0.0/16 (got "not-a-cidr")',
    'rules.policy-name-pattern.params.pattern (line 10): expected a valid regular expression (got "(")',
  ].sort());
  const ok = parsePolicy('rules:\n  cidr-too-wide:\n    params: {ipv4MinPrefix: 12}\n', 'p.yaml');
  t.same(setting(ok, 'cidr-too-wide'), { action: 'warn', params: { ipv4MinPrefix: 12, ipv6MinPrefix: 48 } }, 'unset parameters get defaults');
});

t.test('exemption and object-exemption rule ids are checked', async (t) => {
  t.same(problems(`exemptions:\n  - namespaces: [a]\n    rules: [allow-all-ingres]\n    reason: r\nobjectExemptions:\n  enabled: true\n  allowedRules: [nope]\n`), [
    'exemptions[0].rules[0] (line 3): unknown rule "allow-all-ingres"; did you mean "allow-all-ingress"?',
    'objectExemptions.allowedRules[0] (line 7): unknown rule "nope"',
  ]);
});

t.test('not YAML, several documents, wrong top level', async (t) => {
  t.throws(() => parsePolicy('mode: [enforce\n', 'bad.yaml'), { code: 'NPG_POLICY_INVALID', message: /bad\.yaml \(line \d\): not valid YAML/ });
  t.throws(() => parsePolicy('mode: warn\n---\nmode: audit\n', 'two.yaml'), { message: /holds 2 YAML documents/ });
  t.same(problems('- just a list\n'), ['(top level) (line 1): expected object, got ["just a list"]']);
  t.equal(parsePolicy('', 'empty.yaml').mode, 'enforce', 'an empty file is the defaults');
  t.throws(() => parsePolicy('rules:\n  a: 1\n  a: 2\n', 'dup.yaml'), { message: /duplicated mapping key/ });
});

/**
 * The built-in policy and the chart's default policy are written out from the rule catalogue:
 * every rule at its default action and parameters, the same entries in both places.
 */
import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import t from 'tap';
import { BUILTIN_POLICY_YAML } from '../../src/policy/builtin.js';
import { withDefaultRules } from '../../src/policy/chart-values.js';
import { builtinPolicy } from '../../src/policy/parse.js';
import { AUDIT_RULES } from '../../src/audit/rules/index.js';
import { POLICY_CATALOGUE } from '../../src/policy/catalogue.js';
import { ALL_RULES } from '../../src/rules/index.js';

const VALUES = readFileSync(new URL('../../charts/netpol-guard/values.yaml', import.meta.url), 'utf8');

t.test('the built-in policy runs every rule at its default action and parameters', async (t) => {
  const policy = builtinPolicy();
  t.same(
    policy.rules.map((r) => r.rule.id),
    ALL_RULES.map((r) => r.id),
    'every rule of the catalogue, in order',
  );
  for (const r of policy.rules) {
    t.equal(r.action, r.rule.defaultAction, `${r.rule.id}: its default action`);
    t.same(r.params, r.rule.params.parse({}), `${r.rule.id}: its default parameters`);
  }
  t.same(
    policy.rules.filter((r) => r.exemptions.length > 0).map((r) => r.rule.id),
    ALL_RULES.map((r) => r.id),
    'the kube-system exemption covers every rule',
  );
  t.same(
    policy.audit.map((r) => r.rule.id),
    AUDIT_RULES.map((r) => r.id),
    'and every audit rule, compiled apart from the rules the review runs',
  );
  for (const r of policy.audit) {
    t.equal(r.action, r.rule.defaultAction, `${r.rule.id}: its default action`);
    t.same(r.params, r.rule.params.parse({}), `${r.rule.id}: its default parameters`);
    t.ok(r.exemptions.length > 0, `${r.rule.id}: covered by the kube-system exemption`);
  }
  t.match(BUILTIN_POLICY_YAML, /# Audit rules: `netpol-guard audit` runs them/, 'the audit rules come under their own note');
});

t.test('charts/netpol-guard/values.yaml carries the same rule entries', async (t) => {
  t.equal(VALUES, withDefaultRules(VALUES, POLICY_CATALOGUE), 'current: regenerate with `npm run sync:chart-schema`');
  const chartRules = (yaml.load(VALUES) as { policy: { rules: unknown } }).policy.rules;
  const builtinRules = (yaml.load(BUILTIN_POLICY_YAML) as { rules: unknown }).rules;
  t.same(chartRules, builtinRules, 'the chart default is the built-in policy');
  const stale = withDefaultRules(VALUES.replace('ipblock-world: {action: warn}', 'ipblock-world: {action: deny}'), POLICY_CATALOGUE);
  t.equal(stale, VALUES, 'a hand edit of an entry is written over');
});

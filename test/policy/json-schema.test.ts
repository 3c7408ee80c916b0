/** The chart's values schema embeds the org-policy schema generated from the rule catalogue. */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { orgPolicyJsonSchema } from '../../src/policy/json-schema.js';
import { POLICY_CATALOGUE } from '../../src/policy/catalogue.js';

t.test('charts/netpol-guard/values.schema.json is current', async (t) => {
  const schema = JSON.parse(readFileSync(new URL('../../charts/netpol-guard/values.schema.json', import.meta.url), 'utf8'));
  t.same(schema.properties.policy, orgPolicyJsonSchema(POLICY_CATALOGUE), 'regenerate with `npm run sync:chart-schema`');
});

t.test('every rule parameter is described', async (t) => {
  const rules = (orgPolicyJsonSchema(POLICY_CATALOGUE).properties as { rules: { properties: Record<string, { properties: { params: { properties?: Record<string, { description?: string }> } } }> } }).rules.properties;
  for (const [id, rule] of Object.entries(rules)) {
    for (const [name, param] of Object.entries(rule.properties.params.properties ?? {})) t.ok(param.description, `${id}.${name} has a description`);
  }
});

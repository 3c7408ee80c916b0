/**
 * Writes what the chart takes from the rule catalogue: the org-policy JSON Schema into
 * values.schema.json under `properties.policy`, and the default `policy.rules` entries (every
 * rule at its default action and parameters, as in the built-in policy) into values.yaml. Run
 * after adding or changing a rule; test/policy/builtin.test.ts fails while either is stale.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { withDefaultRules } from '../src/policy/chart-values.js';
import { orgPolicyJsonSchema } from '../src/policy/json-schema.js';
import { POLICY_CATALOGUE } from '../src/policy/catalogue.js';

const schemaFile = new URL('../charts/netpol-guard/values.schema.json', import.meta.url);
const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as { properties: Record<string, unknown> };
schema.properties.policy = orgPolicyJsonSchema(POLICY_CATALOGUE);
writeFileSync(schemaFile, `${JSON.stringify(schema, null, 2)}\n`);
console.log(`updated ${schemaFile.pathname}`);

const valuesFile = new URL('../charts/netpol-guard/values.yaml', import.meta.url);
writeFileSync(valuesFile, withDefaultRules(readFileSync(valuesFile, 'utf8'), POLICY_CATALOGUE));
console.log(`updated ${valuesFile.pathname}`);

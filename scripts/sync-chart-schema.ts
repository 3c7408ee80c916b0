/**
 * Writes the org-policy JSON Schema (from the rule catalogue) into the chart's
 * values.schema.json under `properties.policy`. Run after adding or changing a rule.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { orgPolicyJsonSchema } from '../src/policy/json-schema.js';
import { ALL_RULES } from '../src/rules/index.js';

const file = new URL('../charts/netpol-guard/values.schema.json', import.meta.url);
const schema = JSON.parse(readFileSync(file, 'utf8')) as { properties: Record<string, unknown> };
schema.properties.policy = orgPolicyJsonSchema(ALL_RULES);
writeFileSync(file, `${JSON.stringify(schema, null, 2)}\n`);
console.log(`updated ${file.pathname}`);

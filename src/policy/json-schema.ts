/**
 * The org-policy file as JSON Schema (draft-07), built from the same sources as the loader: the
 * file's fields and each rule's own parameter schema. The Helm chart's values.schema.json embeds
 * it under `policy` (`npm run sync:chart-schema`), so `helm install` rejects a broken policy
 * before the server ever sees it; a test keeps the two in step.
 */
import { z } from 'zod';
import type { CatalogueRule } from './catalogue.js';
import { POLICY_API_VERSION, POLICY_KIND } from './schema.js';

type JsonSchema = Record<string, unknown>;

/** A rule's parameters, as the JSON Schema of what may be written (defaults left to the loader). */
function paramsSchema(rule: CatalogueRule): JsonSchema {
  const schema = z.toJSONSchema(rule.params as z.ZodType, { target: 'draft-7', io: 'input' }) as JsonSchema;
  delete schema.$schema;
  const strip = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as JsonSchema;
    delete n.default;
    Object.values(n).forEach(strip);
  };
  strip(schema);
  return schema;
}

export function orgPolicyJsonSchema(rules: readonly CatalogueRule[], selectorRef = '#/definitions/labelSelector'): JsonSchema {
  const ids = rules.map((r) => r.id);
  const ruleIds = { type: 'array', items: { type: 'string', enum: ids } };
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      apiVersion: { type: 'string', enum: [POLICY_API_VERSION] },
      kind: { type: 'string', enum: [POLICY_KIND] },
      mode: { type: 'string', enum: ['enforce', 'warn', 'audit'] },
      rules: {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(
          rules.map((rule) => [
            rule.id,
            {
              type: 'object',
              additionalProperties: false,
              properties: {
                action: { type: 'string', enum: ['deny', 'warn', 'off'], description: 'deny, warn or off (quote "off" in YAML)' },
                params: paramsSchema(rule),
              },
            },
          ]),
        ),
      },
      exemptions: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          properties: {
            namespaces: { type: 'array', items: { type: 'string', minLength: 1 } },
            namespaceSelector: { $ref: selectorRef },
            rules: ruleIds,
            reason: { type: 'string', minLength: 1, pattern: '\\S' },
          },
          required: ['reason'],
          anyOf: [{ required: ['namespaces'] }, { required: ['namespaceSelector'] }],
        },
      },
      objectExemptions: {
        type: 'object',
        additionalProperties: false,
        properties: { enabled: { type: 'boolean' }, allowedRules: ruleIds },
      },
    },
    description: `The org policy (${POLICY_API_VERSION} ${POLICY_KIND}).`,
  };
}

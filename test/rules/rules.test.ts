/**
 * Every rule against its examples, and the catalogue kept honest: each rule is listed, unique,
 * documented, has a flagged and a passing example, and its warning lines stay short.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { renderCatalogue } from '../../src/cli/catalogue-render.js';
import { staticClusterView } from '../../src/cluster/static.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { AUDIT_RULES } from '../../src/audit/rules/index.js';
import type { AnyRule, RuleFinding } from '../../src/rules/types.js';
import { SHOP } from '../cluster/manifests.js';
import { runRuleOnExample } from '../helpers/run-rule.js';
import { type Example, EXAMPLES } from './examples/index.js';

/** One rule on one example, with the example's cluster state for rules that need or use it. */
function run(rule: AnyRule, ex: Example): RuleFinding[] {
  const view = ex.cluster && rule.cluster !== 'none' ? staticClusterView(ex.cluster, `example ${ex.name}`) : undefined;
  return runRuleOnExample(rule, ex, view);
}

for (const rule of ALL_RULES) {
  t.test(rule.id, async (t) => {
    const examples = EXAMPLES[rule.id];
    if (!examples) {
      t.fail(`no examples for ${rule.id}`);
      return;
    }
    t.ok(examples.flagged.length > 0, 'has an example it flags');
    t.ok(examples.passes.length > 0, 'has an example it passes');
    if (rule.cluster === 'needs') {
      t.ok([...examples.flagged, ...examples.passes].every((ex) => ex.cluster || ex.params), 'cluster rule examples come with cluster state');
    }
    for (const ex of examples.flagged) {
      const found = run(rule, ex);
      t.ok(found.length > 0, `flags: ${ex.name}`);
      if (ex.field) t.equal(found[0]?.field, ex.field, `field for: ${ex.name}`);
      for (const f of found) {
        const line = `[${rule.id}] ${f.field}: ${f.message}`;
        t.ok(line.length <= 200, `warning line stays short (${line.length}): ${line}`);
        t.notMatch(line, /[\u0000-\u001f]/, 'no control characters');
      }
    }
    for (const ex of examples.passes) t.same(run(rule, ex), [], `passes: ${ex.name}`);
  });
}

t.test('the catalogue', async (t) => {
  const ids = ALL_RULES.map((r) => r.id);
  t.equal(new Set(ids).size, ids.length, 'ids are unique');
  for (const rule of ALL_RULES) {
    t.match(rule.id, /^[a-z0-9]+(-[a-z0-9]+)*$/, `${rule.id} is kebab-case`);
    t.ok(rule.title && rule.description.length > 40 && rule.remediation, `${rule.id} explains itself`);
    t.ok(rule.seeds.length > 0 && rule.seeds.every((s) => /^00[0-4]$/.test(s)), `${rule.id} names its seed documents`);
    t.ok(rule.operations.length > 0, `${rule.id} names its operations`);
    t.doesNotThrow(() => rule.params.parse({}), `${rule.id} parameters all have defaults`);
  }
  // One root cause, one warning: what explains a rule's findings away is said on the rule.
  const explained = ALL_RULES.filter((r) => r.explainedBy.length > 0);
  t.ok(explained.length > 0, 'some rule names the rules that explain its findings away');
  for (const rule of explained) {
    for (const by of rule.explainedBy) {
      t.ok(by !== rule.id && ids.includes(by), `${rule.id}: explained by ${by}, another rule of the catalogue`);
      t.notOk(ALL_RULES.find((r) => r.id === by)?.explainedBy.includes(rule.id), `${rule.id} and ${by} do not explain each other away`);
    }
  }
  t.same(Object.keys(EXAMPLES).sort(), [...ids].sort(), 'examples exist exactly for the catalogue');
  const docs = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8');
  for (const id of ids) t.match(docs, `## \`${id}\``, `${id} is in docs/rules.md`);
  t.equal(docs, renderCatalogue([...ALL_RULES, ...AUDIT_RULES], 'markdown'), 'docs/rules.md is current: regenerate it with `netpol-guard rules -o markdown > docs/rules.md`');
});

t.test('rules never throw on odd but decodable policies', async (t) => {
  const odd = [{}, { spec: {} }, { spec: { ingress: [{}], egress: [{}] } }, { spec: { ingress: [{ from: [{ ipBlock: { cidr: 'garbage' } }], ports: [{ port: 'x', endPort: 3 }] }] } }];
  for (const rule of ALL_RULES) {
    for (const object of odd) {
      t.doesNotThrow(() => run(rule, { name: 'odd', object, operation: 'CREATE', cluster: SHOP }), `${rule.id} on ${JSON.stringify(object)}`);
    }
  }
});

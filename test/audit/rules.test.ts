/**
 * Every audit rule against its examples (one that fires, one that does not, at least), through
 * the whole audit as the CLI runs it; and the audit rules kept in the catalogue.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { runAudit } from '../../src/audit/run.js';
import { AUDIT_RULES } from '../../src/audit/rules/index.js';
import { staticClusterView } from '../../src/cluster/static.js';
import { renderCatalogue } from '../../src/cli/catalogue-render.js';
import { parsePolicy } from '../../src/policy/parse.js';
import { ALL_RULES } from '../../src/rules/index.js';
import { AUDIT_EXAMPLES, type AuditExample } from './examples.js';

function findingsOf(rule: string, ex: AuditExample) {
  const policy = parsePolicy(JSON.stringify({ rules: { [rule]: { action: 'warn', ...(ex.params ? { params: ex.params } : {}) } } }), `example ${ex.name}`);
  const report = runAudit({ view: staticClusterView(ex.objects, ex.name), policy });
  t.same(report.notJudged, [], `${ex.name}: everything judged`);
  return report.findings.filter((f) => f.rule === rule);
}

for (const rule of AUDIT_RULES) {
  t.test(rule.id, async (t) => {
    const examples = AUDIT_EXAMPLES[rule.id];
    if (!examples) return t.fail(`no examples for ${rule.id}`);
    t.ok(examples.flagged.length > 0 && examples.passes.length > 0, 'has an example it flags and one it passes');
    for (const ex of examples.flagged) {
      const found = findingsOf(rule.id, ex);
      t.ok(found.length > 0, `flags: ${ex.name}`);
      const first = found[0];
      if (ex.subject && first) t.equal(`${first.subject.kind} ${first.subject.namespace !== undefined ? `${first.subject.namespace}/` : ''}${first.subject.name}`, ex.subject, `subject for: ${ex.name}`);
      if (ex.field && first) t.equal(first.field, ex.field, `field for: ${ex.name}`);
      for (const f of found) {
        t.equal(f.title, rule.title);
        t.ok(f.fix.length > 0, 'says how to fix it');
        t.ok(`[${f.rule}] ${f.field}: ${f.message}`.length <= 240, `finding line stays short: ${f.message}`);
      }
    }
    for (const ex of examples.passes) t.same(findingsOf(rule.id, ex).map((f) => f.message), [], `passes: ${ex.name}`);
  });
}

t.test('the catalogue holds the audit rules', async (t) => {
  const ids = [...ALL_RULES, ...AUDIT_RULES].map((r) => r.id);
  t.equal(new Set(ids).size, ids.length, 'ids are unique across admission and audit rules');
  t.same(Object.keys(AUDIT_EXAMPLES).sort(), AUDIT_RULES.map((r) => r.id).sort(), 'examples exist exactly for the audit rules');
  for (const rule of AUDIT_RULES) {
    t.match(rule.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    t.ok(rule.description.length > 80 && rule.remediation && rule.title, `${rule.id} explains itself`);
    t.ok(rule.seeds.length > 0 && rule.seeds.every((s) => /^00[0-4]$/.test(s)), `${rule.id} names its seed documents`);
    t.doesNotThrow(() => rule.params.parse({}), `${rule.id} parameters all have defaults`);
  }
  const docs = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8');
  t.equal(docs, renderCatalogue([...ALL_RULES, ...AUDIT_RULES], 'markdown'), 'docs/rules.md is current: npm run docs:rules');
  for (const rule of AUDIT_RULES) t.match(docs, `## \`${rule.id}\``);
});

t.test('the org policy configures audit rules: off, parameters, exemptions, unknown ids', async (t) => {
  const objects = AUDIT_EXAMPLES['namespace-without-ingress-isolation']!.flagged[0]!.objects;
  const run = (text: string) => runAudit({ view: staticClusterView(objects, 'x'), policy: parsePolicy(text, 'p') }).findings.filter((f) => f.rule === 'namespace-without-ingress-isolation');
  t.equal(run('{}').length, 3, 'on by default, one finding per namespace');
  t.same(run('rules: {namespace-without-ingress-isolation: {action: off}}'), [], 'off');
  t.ok(run('rules: {namespace-without-ingress-isolation: {action: deny}}').every((f) => f.action === 'deny' && f.effect === 'deny'), 'deny');
  const exempt = run('exemptions: [{namespaces: [ops], rules: [namespace-without-ingress-isolation], reason: monitoring is open by design}]');
  t.same(exempt.filter((f) => f.effect === 'exempt').map((f) => [f.namespace, f.exemption]), [['ops', 'namespace exemption: monitoring is open by design']]);
  t.same(run('mode: audit').map((f) => f.effect), ['audit', 'audit', 'audit'], 'the mode applies');
  t.throws(() => parsePolicy('rules: {redundant-rules: {action: off}}', 'p'), /unknown rule; did you mean "redundant-rule"/);
  t.throws(() => parsePolicy('rules: {redundant-policy: {params: {ignoreDefaultDenny: true}}}', 'p'), /ignoreDefaultDenny/);
});

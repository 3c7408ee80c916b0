/**
 * The CLI and the webhook give the same verdict for the same object, policy and cluster state:
 * one corpus through `check -o json` (the built CLI) and through the real /validate endpoint.
 * Objects with unknown fields are left out: the API server never forwards a field it does not
 * know, so the webhook cannot receive them.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import yaml from 'js-yaml';
import t from 'tap';
import { validPolicyArb } from '../helpers/arbitraries.js';
import { admissionReview, postReview, startTestServer } from '../helpers/server.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const SEEDS = fileURLToPath(new URL('../fixtures/seeds/', import.meta.url));
const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));

interface Verdict {
  allowed: boolean;
  verdict: string;
}

t.test('check -o json and POST /validate agree', async (t) => {
  const dir = t.testdir();
  const corpus: unknown[] = [];
  for (const base of [SEEDS, EXAMPLES]) {
    for (const f of readdirSync(base).filter((n) => /\.ya?ml$/.test(n) && !n.includes('broken'))) {
      try {
        corpus.push(...yaml.loadAll(readFileSync(join(base, f), 'utf8')).filter((d) => (d as { kind?: string } | null)?.kind === 'NetworkPolicy'));
      } catch {
        // duplicate keys: not an object anyone can apply
      }
    }
  }
  corpus.push(...fc.sample(validPolicyArb, { numRuns: 300, seed: 42 }));
  corpus.push(
    ...fc.sample(
      validPolicyArb.map((p) => ({ ...p, spec: { ...p.spec, egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.1/8'] } }], ports: [{ port: 0 }] }] } })),
      { numRuns: 30, seed: 7 },
    ),
  );
  const file = join(dir, 'corpus.yaml');
  writeFileSync(file, corpus.map((d) => yaml.dump(d)).join('---\n'));

  const run = spawnSync(process.execPath, [MAIN, 'check', '-o', 'json', '--namespace', 'default', file], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  t.ok(run.status === 0 || run.status === 1, run.stderr);
  const report = JSON.parse(run.stdout) as { results: (Verdict & { decodeIssues: { kind: string }[]; findings: { rule: string; effect: string; field: string }[]; validationErrors: { text: string }[]; document: number })[] };
  t.equal(report.results.length, corpus.length, 'every document checked');

  const server = await startTestServer(t);
  let compared = 0;
  for (const r of report.results) {
    if (r.decodeIssues.some((i) => i.kind === 'unknown-field')) continue;
    const object = corpus[r.document] as { metadata?: { namespace?: string } };
    const res = await postReview(server, '/validate', admissionReview(object, { namespace: object.metadata?.namespace ?? 'default', uid: `doc-${r.document}` }));
    const response = (res.json as { response: { allowed: boolean; status?: { code: number; message?: string }; warnings?: string[]; auditAnnotations?: Record<string, string> } }).response;
    // A 403 lists the denials in its message; on an invalid object (422) they come as warnings.
    const deniedBy = [
      ...[...(response.status?.message ?? '').matchAll(/^\[([a-z0-9-]+)\] /gm)].map((m) => m[1] as string),
      ...(response.warnings ?? []).flatMap((w) => /would deny once valid: \[([a-z0-9-]+)\] /.exec(w)?.[1] ?? []),
    ];
    const cliSide = {
      allowed: r.allowed,
      verdict: r.verdict,
      denyRules: r.findings.filter((f) => f.effect === 'deny').map((f) => f.rule).sort(),
      activeRules: [...new Set(r.findings.filter((f) => f.effect === 'deny' || f.effect === 'warn').map((f) => f.rule))].sort(),
    };
    const webhookSide = {
      allowed: response.allowed,
      verdict: response.auditAnnotations?.verdict ?? '',
      denyRules: deniedBy.sort(),
      activeRules: (response.auditAnnotations?.rules ?? '').split(',').filter(Boolean).sort(),
    };
    if (JSON.stringify(cliSide) !== JSON.stringify(webhookSide)) {
      t.same(webhookSide, cliSide, `document ${r.document} disagrees`);
    }
    compared++;
  }
  t.ok(compared >= 330, `compared ${compared} objects`);
  t.pass(`${compared} objects agree`);
});

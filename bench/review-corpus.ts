/**
 * Every review output over a large generated corpus, one JSON line (or its SHA-256) per review,
 * from a build's dist/. Run it against two builds and compare the files: a refactoring that
 * changes no behaviour gives identical files.
 *
 *   npx tsx bench/review-corpus.ts --dist /path/to/old/dist --out /tmp/before.txt
 *   npx tsx bench/review-corpus.ts --dist dist --out /tmp/after.txt
 *   cmp /tmp/before.txt /tmp/after.txt
 *
 * The corpus (the same on every run: fixed seeds) is generated here, so both builds see the same
 * objects: valid policies and mutated ones from the fuzz arbitraries, the seed fixtures and the
 * examples, as CREATE, UPDATE (metadata-only and spec changes) and DELETE by several users. Each
 * object is reviewed in every context: the built-in org policy and one with every rule on deny
 * plus exemptions, in each mode, without a cluster, with a synced one and with one not synced,
 * and with a deadline that passes mid-review in both failure modes. `--full` writes the review
 * itself instead of its hash (to see what differs); `--count N` sets the number of generated
 * objects per kind.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import yaml from 'js-yaml';
import { CANAL, SHOP, validatingWebhook } from '../test/cluster/manifests.js';
import { mutatedPolicyArb, validPolicyArb } from '../test/helpers/arbitraries.js';

const { values: args } = parseArgs({
  options: {
    dist: { type: 'string', default: 'dist' },
    out: { type: 'string' },
    count: { type: 'string', default: '7000' },
    full: { type: 'boolean', default: false },
  },
});
const DIST = resolve(args.dist);
const COUNT = Number(args.count);

/* eslint-disable @typescript-eslint/no-explicit-any */
async function load(...candidates: string[]): Promise<any> {
  for (const c of candidates) {
    try {
      return await import(pathToFileURL(join(DIST, c)).href);
    } catch (err) {
      if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
    }
  }
  throw new Error(`none of ${candidates.join(', ')} in ${DIST}`);
}

const review = await load('review.js');
const policyLoad = await load('policy/parse.js', 'policy/load.js');
const rules = await load('rules/index.js');
const staticView = await load('cluster/static.js');

interface Request {
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  object: unknown;
  oldObject?: unknown;
  namespace: string;
  userInfo?: { username: string; groups: string[] };
}

// ---------------------------------------------------------------- corpus

function fixtureObjects(dir: string): unknown[] {
  const out: unknown[] = [];
  for (const f of readdirSync(dir).filter((n) => /\.(ya?ml|json)$/.test(n)).sort()) {
    try {
      out.push(...yaml.loadAll(readFileSync(join(dir, f), 'utf8')).filter((d) => d !== null && typeof d === 'object'));
    } catch {
      // a fixture that is not YAML at all (duplicate keys): reviewed as text below
      out.push(readFileSync(join(dir, f), 'utf8'));
    }
  }
  return out;
}

const USERS = [undefined, { username: 'alice', groups: ['dev'] }, { username: 'admin', groups: ['system:masters'] }];
const NAMESPACES = ['default', 'prod', 'kube-system', 'team-a'];

function withMetadata(object: unknown, i: number): unknown {
  if (!object || typeof object !== 'object' || Array.isArray(object)) return object;
  const o = structuredClone(object) as { metadata?: Record<string, unknown> };
  if (!o.metadata || typeof o.metadata !== 'object') return o;
  const meta = o.metadata as { labels?: Record<string, string>; annotations?: Record<string, string> };
  if (i % 5 === 1) meta.labels = { ...meta.labels, 'netpol-guard.io/protected': 'true' };
  if (i % 7 === 2) meta.annotations = { 'netpol-guard.io/exempt': 'ipblock-world, ports-unrestricted,cidr-too-wide,nope', 'netpol-guard.io/exempt-reason': 'legacy' };
  if (i % 11 === 3) meta.labels = { ...meta.labels, team: 'platform' };
  return o;
}

function corpus(): Request[] {
  const valid = fc.sample(validPolicyArb, { numRuns: COUNT, seed: 15 });
  const mutated = fc.sample(mutatedPolicyArb, { numRuns: COUNT, seed: 1515 });
  const fixtures = [
    ...fixtureObjects(resolve(import.meta.dirname, '../test/fixtures/seeds')),
    ...fixtureObjects(resolve(import.meta.dirname, '../examples')),
  ];
  const out: Request[] = [];
  const pick = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;
  [...fixtures, ...valid, ...mutated].forEach((object, i) =>
    out.push({ operation: 'CREATE', object: withMetadata(object, i), namespace: pick(NAMESPACES, i), userInfo: pick(USERS, i) }),
  );
  // Updates: half change only metadata (the spec is not judged again), half change the spec.
  valid.slice(0, COUNT / 2).forEach((object, i) => {
    const old = withMetadata(object, i + 1);
    const next = i % 2 === 0 ? withMetadata(object, i + 3) : withMetadata(pick(valid, i * 7 + 1), i);
    out.push({ operation: 'UPDATE', object: next, oldObject: old, namespace: pick(NAMESPACES, i + 1), userInfo: pick(USERS, i + 1) });
  });
  mutated.slice(0, COUNT / 4).forEach((object, i) =>
    out.push({ operation: 'UPDATE', object, oldObject: pick(valid, i), namespace: pick(NAMESPACES, i), userInfo: pick(USERS, i) }),
  );
  [...valid.slice(0, COUNT / 4), ...fixtures].forEach((object, i) =>
    out.push({ operation: 'DELETE', object: null, oldObject: withMetadata(object, i), namespace: pick(NAMESPACES, i + 2), userInfo: pick(USERS, i + 2) }),
  );
  return out;
}

// ---------------------------------------------------------------- contexts

const STRICT_PARAMS: Record<string, string> = {
  'cidr-too-wide': '{ipv4MinPrefix: 20, ipv6MinPrefix: 56}',
  'ipblock-cluster-cidr': '{podCIDRs: [10.244.0.0/16], serviceCIDRs: [10.96.0.0/12]}',
  'port-range-too-wide': '{maxSpan: 10}',
  'policy-name-pattern': '{pattern: "^[a-z0-9-]+\\\\.[a-z0-9-]+$", description: "<ns>.<app>"}',
};

/** Every rule on deny (some with tighter parameters), exemptions of every kind. */
function strictPolicyYaml(mode: string): string {
  const ids: string[] = rules.ALL_RULES.map((r: { id: string }) => r.id);
  return [
    `mode: ${mode}`,
    'rules:',
    ...ids.map((id) => `  ${id}: {action: deny${STRICT_PARAMS[id] ? `, params: ${STRICT_PARAMS[id]}` : ''}}`),
    'exemptions:',
    '  - namespaces: [kube-system]',
    '    reason: system',
    '  - namespaces: [team-a]',
    '    rules: [allow-all-ingress, egress-without-dns]',
    '    reason: team a owns its ingress',
    '  - namespaceSelector: {matchLabels: {team: bar}}',
    '    reason: bar is exempt',
    'objectExemptions:',
    '  enabled: true',
    '  allowedRules: [ipblock-world, ports-unrestricted]',
  ].join('\n');
}

function notSynced(view: object): object {
  // The same state, as a view whose informers have not caught up.
  return Object.create(view, { ready: { value: false } });
}

/** A deadline that passes after `checks` looks at it: deterministic, unlike a clock. */
function deadlineAfter(checks: number): { ms: number; expired(): boolean } {
  let seen = 0;
  return { ms: 7, expired: () => ++seen > checks };
}

interface Context {
  name: string;
  make(): Record<string, unknown>;
}

function contexts(): Context[] {
  const builtin = policyLoad.builtinPolicy();
  const strict = Object.fromEntries(['enforce', 'warn', 'audit'].map((m) => [m, policyLoad.parsePolicy(strictPolicyYaml(m), `strict-${m}`)]));
  const shop = staticView.staticClusterView(
    [...SHOP, CANAL, validatingWebhook('guard', { namespace: 'default', name: 'hello', port: 8080 })],
    'corpus',
  );
  const base = { rules: rules.ALL_RULES };
  const out: Context[] = [];
  for (const [cname, cluster] of [
    ['no-cluster', undefined],
    ['synced', shop],
    ['not-synced', notSynced(shop)],
  ] as const) {
    out.push({ name: `builtin/${cname}`, make: () => ({ ...base, policy: builtin, cluster }) });
    out.push({ name: `strict-enforce/${cname}`, make: () => ({ ...base, policy: strict.enforce, cluster }) });
  }
  out.push({ name: 'strict-warn/synced', make: () => ({ ...base, policy: strict.warn, cluster: shop }) });
  out.push({ name: 'strict-audit/synced', make: () => ({ ...base, policy: strict.audit, cluster: shop }) });
  out.push({ name: 'builtin/deadline-allow', make: () => ({ ...base, policy: builtin, cluster: shop, deadline: deadlineAfter(4), failureMode: 'allow' }) });
  out.push({ name: 'strict/deadline-deny', make: () => ({ ...base, policy: strict.enforce, deadline: deadlineAfter(2), failureMode: 'deny' }) });
  return out;
}

// ---------------------------------------------------------------- output

/** A skipped rule as text: `reason` (a string) before typed reasons, `detail` after. */
function skipText(s: { rule: string; reason: string; detail?: string }): { rule: string; text: string } {
  return { rule: s.rule, text: s.detail ?? s.reason };
}

function normalise(r: any): unknown {
  return {
    verdict: r.verdict,
    allowed: r.allowed,
    name: r.name,
    namespace: r.namespace,
    decodeIssues: r.decodeIssues,
    fieldErrors: r.fieldErrors.map((e: { toString(): string }) => e.toString()),
    apiWarnings: r.apiWarnings,
    patch: r.patch,
    defaulted: r.defaulted,
    findings: r.evaluation.findings,
    skipped: r.evaluation.skipped.map(skipText),
    timedOut: r.evaluation.timedOut,
    objectExemption: r.evaluation.objectExemption,
    status: r.status,
    warnings: r.warnings,
    auditAnnotations: r.auditAnnotations,
    notRun: r.notRun.map(skipText),
  };
}

const requests = corpus();
const ctxs = contexts();
const out = args.out ? createWriteStream(args.out) : process.stdout;
let lines = 0;
for (const ctx of ctxs) {
  requests.forEach((req, i) => {
    let line: string;
    try {
      line = JSON.stringify(normalise(review.reviewNetworkPolicy({ ...req, strictFields: i % 2 === 0, includeApiWarnings: i % 3 !== 0 }, ctx.make())));
    } catch (err) {
      line = `threw ${(err as Error).message}`;
    }
    out.write(`${ctx.name}\t${i}\t${args.full ? line : createHash('sha256').update(line).digest('hex')}\n`);
    lines++;
  });
}
if (out !== process.stdout) out.end();
process.stderr.write(`${requests.length} objects × ${ctxs.length} contexts = ${lines} reviews\n`);

/**
 * Nothing a person or an operator relies on changes between two builds of the server: the same
 * bodies go to both (the fuzz corpus of test/helpers/fuzz.ts and the differential corpus of
 * test/cli/differential.test.ts: seeds, examples and generated policies), to /validate and
 * /mutate, and the script compares
 *   - every answer: status and body, byte for byte;
 *   - the metrics: the same series (names and labels) and, for every counter of reviews,
 *     findings, skipped rules, bad requests and other kinds, the same value;
 *   - the log: the same lines (level, message and fields), apart from time, pid, host, request
 *     id and measured duration; read after SIGTERM, so a line lost on shutdown shows too.
 * Exits 1 on any difference.
 *
 *   npx tsx bench/response-diff.ts --before bench/.work/dist-before [--after dist] [--fuzz 3000]
 */
import { readdirSync, readFileSync } from 'node:fs';
import https from 'node:https';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import yaml from 'js-yaml';
import { validPolicyArb, mutatedPolicyArb } from '../test/helpers/arbitraries.js';
import { bodyArb } from '../test/helpers/fuzz.js';
import { admissionReview } from '../test/helpers/server.js';
import { DIST } from './lib/dist.js';
import { get } from './lib/load.js';
import { ROOT } from './lib/paths.js';
import { num } from './lib/report.js';
import { LOG_DIR, ensureCertificates, startGuard } from './lib/servers.js';

const { values: args } = parseArgs({
  options: { before: { type: 'string' }, after: { type: 'string' }, fuzz: { type: 'string', default: '3000' }, seed: { type: 'string', default: '20' } },
});
if (!args.before) {
  process.stderr.write('usage: response-diff.ts --before DIST_DIR [--after DIST_DIR] [--fuzz N] [--seed S]\n');
  process.exit(2);
}

/** The differential corpus: every NetworkPolicy in the seeds and examples, and generated ones. */
function differentialCorpus(): Buffer[] {
  const objects: unknown[] = [];
  for (const base of [join(ROOT, 'test', 'fixtures', 'seeds'), join(ROOT, 'examples')]) {
    for (const f of readdirSync(base).filter((n) => /\.ya?ml$/.test(n))) {
      try {
        objects.push(...yaml.loadAll(readFileSync(join(base, f), 'utf8')).filter((d) => (d as { kind?: string } | null)?.kind === 'NetworkPolicy'));
      } catch {
        // duplicate keys: not an object anyone can apply
      }
    }
  }
  objects.push(...fc.sample(validPolicyArb, { numRuns: 300, seed: 42 }), ...fc.sample(mutatedPolicyArb, { numRuns: 300, seed: 43 }));
  return objects.map((o, i) => Buffer.from(JSON.stringify(admissionReview(o, { uid: `differential-${i}` }))));
}

function fuzzCorpus(n: number, seed: number): Buffer[] {
  return fc.sample(bodyArb, { numRuns: n, seed }).map((b) => b.body);
}

function post(url: string, body: Buffer, ca: string, agent: https.Agent): Promise<string> {
  return new Promise((resolvePost, reject) => {
    const req = https.request(url, { method: 'POST', agent, ca, headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolvePost(`${res.statusCode} ${Buffer.concat(chunks).toString('utf8')}`));
      res.on('error', reject);
    });
    req.on('error', (err) => resolvePost(`error ${(err as NodeJS.ErrnoException).code ?? err.message}`));
    req.end(body);
  });
}

const COUNTERS = /^netpol_guard_(reviews_total|findings_total|rules_skipped_total|bad_requests_total|other_kinds_total|review_duration_seconds_count)\b/;

/** Every series name with its labels (values left out), and the counters with their values. */
function metricsView(text: string): { series: string[]; counters: string[] } {
  // The version is read from the package.json above the build, which a copied build lacks.
  const lines = text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.replace(/^(netpol_guard_build_info\{version=)"[^"]*"/, '$1"…"'));
  return {
    // Not the runtime's own (process_*, nodejs_*): which of those appear depends on what the
    // garbage collector happened to do.
    series: lines.map((l) => l.slice(0, l.lastIndexOf(' '))).filter((s) => !/_bucket\{/.test(s) && !/^netpol_guard_(process|nodejs)_/.test(s)).sort(),
    counters: lines.filter((l) => COUNTERS.test(l)).sort(),
  };
}

/** The log lines without what differs from run to run. */
function logView(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => {
      const { time, pid, hostname, reqId, durationMs, ...rest } = JSON.parse(l) as Record<string, unknown>;
      void time, pid, hostname, reqId, durationMs;
      // Start-up lines name the build's own paths and ports.
      if (typeof rest.webhook === 'string') return '(serving line)';
      return JSON.stringify(rest).replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:PORT');
    })
    .sort();
}

await ensureCertificates();
const builds = { before: resolve(args.before), after: resolve(args.after ?? DIST) };
const servers = {
  before: await startGuard({ name: 'diff-before', dist: builds.before, logTo: join(LOG_DIR, `diff-before-${Date.now()}.log`) }),
  after: await startGuard({ name: 'diff-after', dist: builds.after, logTo: join(LOG_DIR, `diff-after-${Date.now()}.log`) }),
};
const ca = readFileSync(servers.before.caFile, 'utf8');
const agents = { before: new https.Agent({ keepAlive: true, maxSockets: 1, ca }), after: new https.Agent({ keepAlive: true, maxSockets: 1, ca }) };
const corpora = { fuzz: fuzzCorpus(Number(args.fuzz), Number(args.seed)), differential: differentialCorpus() };
const differences: string[] = [];
let compared = 0;
for (const [name, bodies] of Object.entries(corpora)) {
  for (const [i, body] of bodies.entries()) {
    for (const path of ['/validate', '/mutate']) {
      const [a, b] = [await post(`${servers.before.webhookUrl}${path}`, body, ca, agents.before), await post(`${servers.after.webhookUrl}${path}`, body, ca, agents.after)];
      compared++;
      if (a !== b) differences.push(`${name} #${i} ${path}:\n  before: ${a.slice(0, 300)}\n  after:  ${b.slice(0, 300)}`);
    }
  }
}
const metrics = { before: metricsView((await get(`${servers.before.healthUrl}/metrics`)).text), after: metricsView((await get(`${servers.after.healthUrl}/metrics`)).text) };
const missing = metrics.before.series.filter((s) => !metrics.after.series.includes(s));
const added = metrics.after.series.filter((s) => !metrics.before.series.includes(s));
if (missing.length || added.length) differences.push(`metric series: missing ${JSON.stringify(missing)}, added ${JSON.stringify(added)}`);
if (JSON.stringify(metrics.before.counters) !== JSON.stringify(metrics.after.counters)) {
  differences.push(`counters differ:\n${metrics.before.counters.filter((c) => !metrics.after.counters.includes(c)).join('\n')}\n---\n${metrics.after.counters.filter((c) => !metrics.before.counters.includes(c)).join('\n')}`);
}
agents.before.destroy();
agents.after.destroy();
await servers.before.stop();
await servers.after.stop();
const logs = { before: logView(servers.before.logFile), after: logView(servers.after.logFile) };
const logDiff = logs.before.length !== logs.after.length || logs.before.some((l, i) => l !== logs.after[i]);
if (logDiff) {
  const onlyBefore = logs.before.filter((l) => !logs.after.includes(l));
  const onlyAfter = logs.after.filter((l) => !logs.before.includes(l));
  differences.push(`log lines: ${logs.before.length} before, ${logs.after.length} after; only before: ${onlyBefore.slice(0, 3).join(' | ')}; only after: ${onlyAfter.slice(0, 3).join(' | ')}`);
}
const reviewLines = logs.after.filter((l) => l.includes('"msg":"admission review"')).length;
process.stdout.write(
  `${num(compared)} answers compared (${num(corpora.fuzz.length)} fuzz bodies and ${num(corpora.differential.length)} differential ones, each to /validate and /mutate); ` +
    `${num(metrics.after.series.length)} metric series and ${num(metrics.after.counters.length)} counters; ${num(logs.after.length)} log lines (${num(reviewLines)} review lines). ` +
    `Differences: ${differences.length}\n${differences.slice(0, 20).join('\n')}\n`,
);
process.exitCode = differences.length ? 1 : 0;

/**
 * The review log of the built server as deployed (`node dist/main.js serve`, stdout to a file as
 * a container runtime collects it): every review that denies or warns has its line at info,
 * with the rules that did so, while the server runs and without a shutdown to flush it; none is
 * lost when the process stops on SIGTERM right after a burst of reviews, nor on a second signal
 * that exits at once. Two servers in all, sharing one set of certificates.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import t, { type Test } from 'tap';
import { makeNetworkPolicy, toIPBlock, withPolicyTypes } from '../helpers/netpol.js';
import { admissionReview, request } from '../helpers/server.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
/** Allowed with warnings. */
const warned = yaml.load(readFileSync(fileURLToPath(new URL('../fixtures/seeds/004-test-network-policy.yaml', import.meta.url)), 'utf8'));
/** Denied: egress to 0.0.0.0/0 reaches the cloud metadata address. */
const denied = makeNetworkPolicy(toIPBlock({ cidr: '0.0.0.0/0' }), withPolicyTypes('Egress'));
/** One certificate directory for both servers: the first generates, the second reuses. */
const CERTS = join(t.testdir(), 'certs');

interface Line {
  level: number;
  msg: string;
  [key: string]: unknown;
}

function lines(file: string): Line[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);
}

interface Served {
  child: ChildProcess;
  logFile: string;
  url: string;
  ca: string;
}

async function serve(t: Test): Promise<Served> {
  const logFile = join(t.testdir(), 'stdout.log');
  const fd = openSync(logFile, 'w');
  const child = spawn(process.execPath, [MAIN, 'serve', '--listen', '127.0.0.1:0', '--health-listen', '127.0.0.1:0', '--cert-dir', CERTS, '--no-cluster', '--shutdown-delay', '0'], {
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  // The "serving" line is written at once: supervisors and this test wait for it.
  const url = await poll(() => lines(logFile).find((l) => typeof l.webhook === 'string')?.webhook as string | undefined, child);
  return { child, logFile, url, ca: readFileSync(join(CERTS, 'ca.crt'), 'utf8') };
}

async function poll<T>(probe: () => T | undefined, child: ChildProcess, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = probe();
    if (v !== undefined) return v;
    if (child.exitCode !== null) throw new Error(`the server exited (${child.exitCode})`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('gave up waiting');
}

interface Answer {
  allowed: boolean;
  /** The rule ids named in the answer: its warnings, or its denial. */
  rules: string[];
}

function rulesNamed(texts: readonly string[]): string[] {
  return [...new Set(texts.flatMap((w) => [...w.matchAll(/\[([a-z][a-z0-9-]*)\]/g)].map((m) => m[1] as string)))].sort();
}

/** `n` reviews over keep-alive connections, alternating warned and denied; the answers by uid. */
async function burst(s: Served, n: number, prefix: string): Promise<Map<string, Answer>> {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 8, ca: s.ca });
  const answers = await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const uid = `${prefix}-${i}`;
      const r = await request(`${s.url}/validate`, { ca: s.ca, agent, body: JSON.stringify(admissionReview(i % 2 ? denied : warned, { uid })), headers: { 'content-type': 'application/json' } });
      const response = (r.json as { response: { allowed: boolean; warnings?: string[]; status?: { message: string } } }).response;
      const named = rulesNamed([...(response.warnings ?? []), response.status?.message ?? '']);
      return [uid, { allowed: response.allowed, rules: named }] as const;
    }),
  );
  agent.destroy();
  return new Map(answers);
}

function reviewLines(s: Served, prefix: string): Line[] {
  return lines(s.logFile).filter((l) => l.msg === 'admission review' && String(l.uid).startsWith(`${prefix}-`));
}

function checkEveryReviewLogged(t: Test, s: Served, prefix: string, answers: Map<string, Answer>): void {
  t.ok([...answers.values()].some((a) => a.allowed && a.rules.length > 0), 'the burst has warned reviews');
  t.ok([...answers.values()].some((a) => !a.allowed && a.rules.includes('cloud-metadata-egress')), 'the burst has denied reviews');
  const logged = reviewLines(s, prefix);
  t.equal(logged.length, answers.size, `one line per review (${answers.size})`);
  t.same([...new Set(logged.map((l) => l.uid))].sort(), [...answers.keys()].sort(), 'every uid, each once');
  t.same(logged.filter((l) => l.level !== 30), [], 'each at info');
  // Each line names the verdict of its answer and every rule the answer names (a line may name
  // more: one warning can stand for two findings on the same field).
  const wrong = logged.filter((l) => {
    const a = answers.get(String(l.uid)) as Answer;
    const rules = Array.isArray(l.rules) ? (l.rules as string[]) : [];
    return l.verdict !== (a.allowed ? 'allowed' : 'forbidden') || !a.rules.every((r) => rules.includes(r));
  });
  t.same(wrong, [], 'each line carries the verdict of its answer and the rules that warned or denied');
}

t.test('lines reach the log while the server runs; SIGTERM right after a burst loses none', async (t) => {
  const s = await serve(t);
  const live = await burst(s, 4, 'live');
  await poll(() => (reviewLines(s, 'live').length === live.size ? true : undefined), s.child);
  t.equal(s.child.exitCode, null, 'the lines came while the server still runs');
  checkEveryReviewLogged(t, s, 'live', live);

  const answers = await burst(s, 300, 'term');
  t.equal([...answers.values()].filter((a) => !a.allowed).length, 150, 'half denied');
  s.child.kill('SIGTERM');
  const [code] = (await once(s.child, 'exit')) as [number | null];
  t.equal(code, 0, 'exit 0');
  checkEveryReviewLogged(t, s, 'term', answers);
  t.equal(lines(s.logFile).at(-1)?.msg, 'stopped', 'the last line says it stopped');
});

t.test('a second signal exits at once (code 1): the lines of every review answered are still written', async (t) => {
  const s = await serve(t);
  const answers = await burst(s, 200, 'twice');
  s.child.kill('SIGTERM');
  s.child.kill('SIGINT');
  const [code] = (await once(s.child, 'exit')) as [number | null];
  t.equal(code, 1, 'exit 1: stopped without draining');
  checkEveryReviewLogged(t, s, 'twice', answers);
  t.notOk(lines(s.logFile).some((l) => l.msg === 'stopped'), 'it did not get to the orderly end');
});

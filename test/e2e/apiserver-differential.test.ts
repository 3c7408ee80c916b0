/**
 * A real API server as a second oracle. 2,400 NetworkPolicies from a fixed seed (valid ones and
 * mutated invalid ones: names, namespaces, labels, selectors and operators, ports, named ports,
 * protocols, peers, ipBlocks, policyTypes) are created with a server-side dry run (`dryRun=All`,
 * no webhook registered) on the harness kube-apiserver v1.20.2, and each answer is compared with
 * the engine's: the verdict, and the set of field paths of a 422. The engine follows v1.36: the
 * known version differences (differential/known-differences.ts) are applied to its answer, each
 * exactly, and every other divergence fails.
 *
 * NamespaceLifecycle is off, so that a policy can name a namespace that does not exist (or
 * cannot: `Shop`, 64 characters) and reach validation; nothing is stored either way.
 */
import { Agent, request } from 'node:https';
import { rm } from 'node:fs/promises';
import t from 'tap';
import { admitNetworkPolicy } from '../../src/netpol/admit.js';
import { newWorkDir, startCluster } from './harness/cluster.js';
import { generatePolicies, type GeneratedPolicy } from './differential/generate.js';
import { KNOWN_DIFFERENCES } from './differential/known-differences.js';

const SEED = 20261201;
const COUNT = 2400;
/** Requests in flight at once: enough to keep a 2-core API server busy. */
const CONCURRENCY = 8;

interface Answer {
  /** valid (201), invalid (422), or another HTTP status / a decode problem. */
  readonly verdict: string;
  /** Field paths of the 422's causes, sorted, each once. */
  readonly fields: readonly string[];
}

const fieldSet = (fields: Iterable<string>): string[] => [...new Set(fields)].sort();

/** The engine's answer, and the same with the known differences applied, with which ones did. */
function engineAnswers(g: GeneratedPolicy): { engine: Answer; as120: Answer; applied: string[] } {
  const judge = (object: unknown) => admitNetworkPolicy({ operation: 'CREATE', object, namespace: g.namespace, warnings: false });
  const original = judge(g.object);
  const answer = (v: ReturnType<typeof judge>, keep: (e: (typeof v.fieldErrors)[number]) => boolean = () => true): Answer => {
    if (v.decodeIssues.length > 0) return { verdict: 'malformed', fields: fieldSet(v.decodeIssues.map((i) => i.field)) };
    const errs = v.fieldErrors.filter(keep);
    return errs.length ? { verdict: 'invalid', fields: fieldSet(errs.map((e) => e.field)) } : { verdict: 'valid', fields: [] };
  };
  const engine = answer(original);
  const applied: string[] = [];
  let seen = original;
  for (const d of KNOWN_DIFFERENCES) {
    const object = d.asSeenBy120?.(g.object);
    if (!object) continue;
    const other = judge(object);
    if (JSON.stringify(answer(other)) !== JSON.stringify(answer(seen))) applied.push(d.id);
    seen = other;
  }
  let as120 = answer(seen);
  for (const d of KNOWN_DIFFERENCES) {
    if (!d.notIn120) continue;
    const all = seen.fieldErrors;
    const kept = all.filter((e) => !d.notIn120!(e, all));
    if (kept.length === seen.fieldErrors.length) continue;
    const before = as120;
    seen = { ...seen, fieldErrors: kept };
    as120 = answer(seen);
    if (JSON.stringify(before) !== JSON.stringify(as120)) applied.push(d.id);
  }
  return { engine, as120, applied };
}

function dryRunCreate(apiUrl: string, tls: { ca: string; cert: string; key: string }, agent: Agent, g: GeneratedPolicy): Promise<Answer & { status: number; body: string }> {
  const body = JSON.stringify(g.object);
  const path = `/apis/networking.k8s.io/v1/namespaces/${encodeURIComponent(g.namespace)}/networkpolicies?dryRun=All`;
  return new Promise((resolve, reject) => {
    const req = request(`${apiUrl}${path}`, { method: 'POST', agent, ...tls, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = res.statusCode ?? 0;
        if (status === 201) return resolve({ verdict: 'valid', fields: [], status, body: text });
        if (status === 422) {
          const causes = (JSON.parse(text) as { details?: { causes?: { field?: string }[] } }).details?.causes ?? [];
          return resolve({ verdict: 'invalid', fields: fieldSet(causes.map((c) => c.field ?? '')), status, body: text });
        }
        resolve({ verdict: status === 400 ? 'malformed' : `HTTP ${status}`, fields: [], status, body: text });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function inPool<T, R>(items: readonly T[], width: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await work(items[i] as T, i);
      }
    }),
  );
  return out;
}

t.test('the engine and kube-apiserver v1.20.2 agree on every generated NetworkPolicy, but for the known version differences', async (t) => {
  const workDir = await newWorkDir('differential');
  const cluster = await startCluster({
    workDir,
    withoutAdmission: ['NamespaceLifecycle'],
  });
  t.teardown(async () => {
    await cluster.stop();
    if (t.passing()) await rm(workDir, { recursive: true, force: true });
    else t.comment(`work dir kept for inspection: ${workDir}`);
  });

  const corpus = generatePolicies(SEED, COUNT);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  t.teardown(() => agent.destroy());
  const answers = await inPool(corpus, CONCURRENCY, (g) => dryRunCreate(cluster.apiUrl, cluster.adminTls, agent, g));

  const counts = { policies: corpus.length, valid: 0, invalid: 0, other: 0 };
  const excluded = new Map<string, number>(KNOWN_DIFFERENCES.map((d) => [d.id, 0]));
  const byCategory = new Map<string, number>();
  const divergences: string[] = [];
  corpus.forEach((g, i) => {
    const server = answers[i]!;
    if (server.verdict === 'valid') counts.valid++;
    else if (server.verdict === 'invalid') counts.invalid++;
    else counts.other++;
    for (const m of g.mutations) byCategory.set(m.split(':')[0]!, (byCategory.get(m.split(':')[0]!) ?? 0) + 1);
    const { engine, as120, applied } = engineAnswers(g);
    const theirs = { verdict: server.verdict, fields: server.fields };
    if (JSON.stringify(as120) !== JSON.stringify(theirs)) {
      divergences.push(
        `#${i} [${g.mutations.join('; ') || 'valid'}] in ${JSON.stringify(g.namespace)}: engine ${JSON.stringify(engine)}` +
          `${applied.length ? ` (as 1.20: ${JSON.stringify(as120)})` : ''}, kube-apiserver ${JSON.stringify(theirs)}` +
          `${server.verdict.startsWith('HTTP') || server.verdict === 'malformed' ? ` ${server.body.slice(0, 300)}` : ''}\n  ${JSON.stringify(g.object)}`,
      );
    } else {
      for (const id of applied) excluded.set(id, (excluded.get(id) ?? 0) + 1);
    }
  });

  t.comment(`policies: ${counts.policies} (kube-apiserver: ${counts.valid} valid, ${counts.invalid} invalid, ${counts.other} other)`);
  t.comment(`mutations by category: ${[...byCategory].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  t.comment(`excluded per known difference: ${[...excluded].map(([k, v]) => `${k} ${v}`).join(', ')}`);
  t.ok(counts.policies >= 2000, `${counts.policies} policies`);
  t.ok(counts.valid >= 400 && counts.invalid >= 1000, 'both verdicts well represented');
  t.ok([...byCategory.values()].every((n) => n >= 100) && byCategory.size === 10, 'every mutation category well represented');
  t.same(divergences, [], `${divergences.length} divergences`);
});

/**
 * What the mutating webhook costs a NetworkPolicy write, through a real API server: the median
 * wall time of `kubectl apply --dry-run=server` of one policy in a namespace reviewed by both
 * webhooks (mutating + validating, as the chart registered them before) against one reviewed by
 * the validating webhook alone (the chart's default), in alternating runs of the same process.
 *
 *   npm run build && npx tsx bench/admission-latency.ts [--rounds 40] [--posts 400]
 *
 * Uses the end-to-end harness (test/e2e/harness: kube-apiserver v1.20.2 + etcd on loopback, the
 * real kubectl) and the built server (dist/main.js serve). A kubectl run is mostly kubectl's own
 * start-up, so the same comparison is also made with direct dry-run POSTs to the API server over
 * one keep-alive connection, where the webhook calls are most of the time; and the API server's own
 * histogram tells how long it spent in each webhook. The section lands in bench/results.md
 * (Recorded runs).
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type Cluster, startCluster } from '../test/e2e/harness/cluster.js';
import { get } from '../test/e2e/harness/net.js';
import { type RunningWebhook, createNamespace, registerWebhook, startWebhook } from '../test/e2e/webhook-fixture.js';
import { ROOT, WORK } from './lib/paths.js';
import { writeRecordedSection } from './lib/recorded.js';
import { machine, machineLine, median, num, table } from './lib/report.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '40' },
    posts: { type: 'string', default: '400' },
    'no-write': { type: 'boolean', default: false },
  },
});
const ROUNDS = Number(args.rounds);
const POSTS = Number(args.posts);

/** The two registrations compared; each reviews only its own namespace. */
const SETUPS = [
  { key: 'both', namespace: 'lat-both', mutating: true, label: 'mutating + validating (the chart before)' },
  { key: 'validating', namespace: 'lat-validating', mutating: false, label: 'validating only (the chart now)' },
] as const;
type Key = (typeof SETUPS)[number]['key'];

/** examples/good-policy.yaml: allowed without warnings by the built-in org policy. */
function policyIn(namespace: string): string {
  return readFileSync(join(ROOT, 'examples', 'good-policy.yaml'), 'utf8').replace(/^ {2}namespace: .*$/m, `  namespace: ${namespace}`);
}

function policyJson(namespace: string): string {
  return JSON.stringify({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'latency-probe', namespace },
    spec: {
      podSelector: { matchLabels: { app: 'api' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
      egress: [{ to: [{ podSelector: { matchLabels: { app: 'postgres' } } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
    },
  });
}

async function kubectlMs(cluster: Cluster, namespace: string): Promise<number> {
  const started = process.hrtime.bigint();
  const r = await cluster.kubectl(['apply', '--dry-run=server', '-f', '-'], { input: policyIn(namespace) });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (r.code !== 0 || !r.stdout.includes('created (server dry run)')) throw new Error(`kubectl apply --dry-run=server in ${namespace} failed:\n${r.stdout}${r.stderr}`);
  return ms;
}

/** One dry-run create straight to the API server (no kubectl), over a shared keep-alive agent. */
function postMs(cluster: Cluster, agent: Agent, namespace: string): Promise<number> {
  const body = policyJson(namespace);
  const url = `${cluster.apiUrl}/apis/networking.k8s.io/v1/namespaces/${namespace}/networkpolicies?dryRun=All`;
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        if (res.statusCode !== 201) reject(new Error(`dry-run POST in ${namespace}: HTTP ${res.statusCode}: ${Buffer.concat(chunks).toString('utf8')}`));
        else resolve(ms);
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Alternates the setups, swapping which goes first every round, so drift hits both alike. */
async function alternate(rounds: number, measure: (namespace: string) => Promise<number>): Promise<Record<Key, number[]>> {
  const out: Record<Key, number[]> = { both: [], validating: [] };
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? SETUPS : [...SETUPS].reverse();
    for (const s of order) out[s.key].push(await measure(s.namespace));
  }
  return out;
}

/** Sum and count of the API server's webhook admission histogram, per webhook name. */
function webhookSeconds(metrics: string): Map<string, { sum: number; count: number }> {
  const out = new Map<string, { sum: number; count: number }>();
  for (const line of metrics.split('\n')) {
    const m = /^apiserver_admission_webhook_admission_duration_seconds_(sum|count)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const name = /name="([^"]+)"/.exec(m[2]!)?.[1];
    if (!name) continue;
    const entry = out.get(name) ?? { sum: 0, count: 0 };
    entry[m[1] as 'sum' | 'count'] += Number(m[3]);
    out.set(name, entry);
  }
  return out;
}

/** netpol_guard_reviews_total summed over the series carrying every one of `labels`. */
function reviewsCounted(metrics: string, labels: Record<string, string>): number {
  let total = 0;
  for (const line of metrics.split('\n')) {
    if (!line.startsWith('netpol_guard_reviews_total{')) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) total += Number(line.split(' ').at(-1));
  }
  return total;
}

function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}

async function main(): Promise<void> {
  await mkdir(WORK, { recursive: true });
  const workDir = await mkdtemp(join(WORK, 'admission-latency-'));
  const at = machine();
  const cluster = await startCluster({ workDir: join(workDir, 'cluster') });
  let webhook: RunningWebhook | undefined;
  try {
    const serving = await cluster.issueCertificate({ name: 'webhook', usage: 'server', subjectAltNames: ['IP:127.0.0.1'] });
    webhook = await startWebhook({ workDir, name: 'latency', certFile: serving.certFile, keyFile: serving.keyFile });
    for (const s of SETUPS) {
      await createNamespace(cluster, s.namespace, s.key);
      await registerWebhook(cluster, { name: s.key, url: webhook.url, caPem: cluster.caPem, failurePolicy: 'Fail', timeoutSeconds: 3, mutating: s.mutating }, s.namespace);
    }
    process.stderr.write(`cluster and webhook up; warming up\n`);
    await alternate(3, (ns) => kubectlMs(cluster, ns));
    const agent = new Agent({ keepAlive: true, maxSockets: 1, ...cluster.adminTls });
    await alternate(50, (ns) => postMs(cluster, agent, ns));

    const metricsBefore = await webhook.metrics();
    const apiBefore = webhookSeconds((await get(`${cluster.apiUrl}/metrics`, cluster.adminTls)).body);
    process.stderr.write(`kubectl: ${ROUNDS} rounds\n`);
    const kubectl = await alternate(ROUNDS, (ns) => kubectlMs(cluster, ns));
    process.stderr.write(`direct POSTs: ${POSTS} rounds\n`);
    const posts = await alternate(POSTS, (ns) => postMs(cluster, agent, ns));
    agent.destroy();
    const metricsAfter = await webhook.metrics();
    const apiAfter = webhookSeconds((await get(`${cluster.apiUrl}/metrics`, cluster.adminTls)).body);

    // The comparison means something only if the mutating webhook was really called in one
    // namespace and not in the other.
    const counted = (labels: Record<string, string>) => reviewsCounted(metricsAfter, labels) - reviewsCounted(metricsBefore, labels);
    const mutateCalls = counted({ endpoint: 'mutate' });
    const unchanged = counted({ endpoint: 'mutate', verdict: 'unchanged' });
    const validateCalls = counted({ endpoint: 'validate' });
    const writes = ROUNDS + POSTS;
    if (mutateCalls !== writes || unchanged !== writes || validateCalls !== 2 * writes) {
      throw new Error(`expected ${writes} /mutate calls (all unchanged) and ${2 * writes} /validate calls; the server counted ${mutateCalls} (${unchanged} unchanged) and ${validateCalls}`);
    }
    const inWebhook = (name: string) => {
      const a = apiAfter.get(name) ?? { sum: 0, count: 0 };
      const b = apiBefore.get(name) ?? { sum: 0, count: 0 };
      return a.count > b.count ? ((a.sum - b.sum) / (a.count - b.count)) * 1000 : NaN;
    };

    const ms = (v: number) => `${num(v, 2)} ms`;
    const row = (what: string, r: Record<Key, number[]>): string[] => {
      const both = median(r.both);
      const alone = median(r.validating);
      // Each round wrote once in each namespace, back to back: the difference within a round is
      // free of the machine's drift between rounds.
      const paired = r.both.map((b, i) => b - r.validating[i]!);
      return [
        what,
        `${r.both.length} + ${r.validating.length}`,
        ms(both),
        ms(alone),
        `${ms(both - alone)} (${num(((both - alone) / both) * 100, 0)}%)`,
        `${ms(median(paired))} (${ms(quantile(paired, 0.25))} … ${ms(quantile(paired, 0.75))})`,
      ];
    };
    const markdown = [
      'Produced by `npx tsx bench/admission-latency.ts` (after `npm run build`): the end-to-end harness (kube-apiserver v1.20.2 + etcd on loopback, kubectl v1.35) with one netpol-guard (`dist/main.js serve --no-cluster`, log level info) registered by URL twice: for one namespace as the mutating and the validating webhook (failurePolicy Fail, as the chart registered them by default before), for another as the validating webhook alone (the chart\'s default now). The same allowed policy (examples/good-policy.yaml) is written with a server-side dry run in each, alternating which goes first every round.',
      '',
      machineLine(at),
      '',
      table(
        ['write', 'runs (each)', 'median, both webhooks', 'median, validating only', 'gained back (difference of medians)', 'per round: median difference (quartiles)'],
        [row('`kubectl apply --dry-run=server -f`', kubectl), row('POST `?dryRun=All`, keep-alive, no kubectl', posts)],
      ),
      '',
      `- The API server's own account (\`apiserver_admission_webhook_admission_duration_seconds\`, mean over the measured writes): ${ms(inWebhook('mutate.netpol-guard.io'))} per call in \`mutate.netpol-guard.io\`, ${ms(inWebhook('validate.netpol-guard.io'))} in \`validate.netpol-guard.io\`.`,
      `- Checked: netpol-guard answered ${num(mutateCalls)} /mutate calls (every write in the "both" namespace, each "unchanged") and ${num(validateCalls)} /validate calls (every write in both namespaces).`,
      '- A kubectl run is mostly kubectl starting and reading its discovery cache, which on a busy machine varies by far more than a webhook call takes; the direct POSTs and the API server\'s own account show the difference with less around it.',
    ].join('\n');
    process.stdout.write(`\n${markdown}\n`);
    if (!args['no-write']) {
      writeRecordedSection('Admission latency through the API server', markdown);
      process.stderr.write('\nWritten: bench/results.md (Recorded runs)\n');
    }
  } finally {
    await webhook?.stop();
    await cluster.stop();
  }
  await rm(workDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

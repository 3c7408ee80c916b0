/**
 * Two builds of netpol-guard side by side with the bare node:https server, in one run: what a
 * change did to throughput, CPU per request and latency, free of the drift a shared machine has
 * between runs. Every server stays up; each run loads them one after another, rotating the
 * order every run, and ratios are taken within a run.
 *
 *   cp -r dist bench/.work/dist-before      # before the change
 *   ... change, npm run build ...
 *   npx tsx bench/compare.ts --before bench/.work/dist-before [--runs 5] [--seconds 8] [--latency]
 *
 * Both builds run at their defaults (log level info, to a file as a container runtime collects
 * it). Scenarios: /validate with the seed-001 AdmissionReview, /mutate with the seed-001 policy
 * without its defaults. --latency adds p50/p99 at a fixed 1,000 reviews/s (open loop).
 *
 * Two bare servers: the canned answer of a few bytes, and netpol-guard's own answer canned
 * (`bare, same answer`). On a machine whose cores the load generator shares, reading a larger
 * answer costs the client CPU the server then lacks; the second ratio leaves that out.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Request } from 'autocannon';
import { DIST } from './lib/dist.js';
import { reviewBody, seedPolicy, undefaultedPolicy } from './lib/fixtures.js';
import { JSON_HEADERS, type LoadRun, type LoadTarget, closedLoop, openLoop, post, verifyTlsWith } from './lib/load.js';
import { WORK } from './lib/paths.js';
import { machine, machineLine, median, num, table } from './lib/report.js';
import { type RunningProcess, ensureCertificates, startBare, startGuard } from './lib/servers.js';

const { values: args } = parseArgs({
  options: {
    before: { type: 'string' },
    after: { type: 'string' },
    runs: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '8' },
    connections: { type: 'string', default: '10' },
    latency: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
if (!args.before) {
  process.stderr.write('usage: compare.ts --before DIST_DIR [--after DIST_DIR] [--runs N] [--seconds S] [--latency] [--only validate|mutate]\n');
  process.exit(2);
}
const RUNS = Number(args.runs);
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
const RATE = 1000;

const throughput = (t: LoadTarget, requests: Request[], seconds: number): Promise<LoadRun> => closedLoop(t, requests, seconds, CONNECTIONS);

const processes: RunningProcess[] = [];
try {
  const at = machine();
  await ensureCertificates();
  const before = await startGuard({ name: 'before', dist: resolve(args.before) });
  processes.push(before);
  const after = await startGuard({ name: 'after', dist: resolve(args.after ?? DIST) });
  processes.push(after);
  const bare = await startBare(before.certFile, before.keyFile);
  processes.push(bare);
  const ca = readFileSync(before.caFile, 'utf8');
  verifyTlsWith(ca);
  const scenarios = [
    { name: '/validate, seed-001', key: 'validate', requests: [{ method: 'POST', path: '/validate', headers: JSON_HEADERS, body: reviewBody(seedPolicy()) }] as Request[] },
    { name: '/mutate, seed-001 without defaults', key: 'mutate', requests: [{ method: 'POST', path: '/mutate', headers: JSON_HEADERS, body: reviewBody(undefaultedPolicy()) }] as Request[] },
  ].filter((s) => !args.only || s.key === args.only);

  // Both builds must answer alike, or the comparison is of different work.
  for (const s of scenarios) {
    const r = s.requests[0]!;
    const [a, b] = await Promise.all([before, after].map((g) => post(`${g.webhookUrl}${r.path}`, String(r.body), ca)));
    if (JSON.stringify(a!.json) !== JSON.stringify(b!.json)) throw new Error(`${s.name}: the builds answer differently:\n${JSON.stringify(a!.json)}\n${JSON.stringify(b!.json)}`);
  }
  // The builds' answers, canned for the second bare server.
  const answers: Record<string, unknown> = {};
  for (const s of scenarios) answers[s.requests[0]!.path as string] = (await post(`${after.webhookUrl}${s.requests[0]!.path}`, String(s.requests[0]!.body), ca)).json;
  const answersFile = join(WORK, 'compare-answers.json');
  writeFileSync(answersFile, JSON.stringify(answers));
  const same = await startBare(before.certFile, before.keyFile, [], answersFile);
  processes.push(same);
  const targets: LoadTarget[] = [
    { name: 'bare', url: bare.url, pid: bare.pid },
    { name: 'bare-same', url: same.url, pid: same.pid },
    { name: 'before', url: before.webhookUrl, pid: before.pid },
    { name: 'after', url: after.webhookUrl, pid: after.pid },
  ];
  for (const s of scenarios) for (const t of targets) await throughput(t, s.requests, 2);

  const runs = new Map<string, LoadRun[]>();
  const lat = new Map<string, { p50: number; p99: number }[]>();
  for (let run = 0; run < RUNS; run++) {
    const order = targets.map((_, i) => targets[(i + run) % targets.length]!);
    for (const s of scenarios) {
      for (const t of order) {
        const r = await throughput(t, s.requests, SECONDS);
        const key = `${s.name}|${t.name}`;
        runs.set(key, [...(runs.get(key) ?? []), r]);
        process.stderr.write(`run ${run + 1} ${s.name} ${t.name}: ${num(r.perSecond)}/s, ${num(r.cpuMicros, 1)} µs CPU/request, ${num(r.writes, 2)} writes/request\n`);
      }
      if (!args.latency) continue;
      for (const t of order) {
        const o = await openLoop({ url: t.url, requests: s.requests, rate: RATE, seconds: SECONDS, connections: CONNECTIONS, ca });
        if (o.errors) throw new Error(`${t.name}: ${o.errors} errors at ${RATE}/s`);
        const key = `${s.name}|${t.name}`;
        lat.set(key, [...(lat.get(key) ?? []), { p50: o.p50, p99: o.p99 }]);
        process.stderr.write(`run ${run + 1} ${s.name} ${t.name} at ${RATE}/s: p50 ${num(o.p50, 2)} p99 ${num(o.p99, 2)} ms\n`);
      }
    }
  }

  const rows: string[][] = [];
  for (const s of scenarios) {
    const bareRuns = runs.get(`${s.name}|bare`)!;
    const sameRuns = runs.get(`${s.name}|bare-same`)!;
    for (const t of targets) {
      const rs = runs.get(`${s.name}|${t.name}`)!;
      const ratio = median(rs.map((r, i) => r.perSecond / bareRuns[i]!.perSecond));
      const sameRatio = median(rs.map((r, i) => r.perSecond / sameRuns[i]!.perSecond));
      const l = lat.get(`${s.name}|${t.name}`);
      rows.push([
        s.name,
        t.name === 'bare' ? 'bare node:https' : t.name === 'bare-same' ? 'bare node:https, same answer' : `netpol-guard ${t.name}`,
        num(median(rs.map((r) => r.perSecond))),
        t.name === 'bare' ? '1' : num(ratio, 2),
        t.name === 'bare' ? '' : t.name === 'bare-same' ? '1' : num(sameRatio, 2),
        num(median(rs.map((r) => r.cpuMicros)), 1),
        num(median(rs.map((r) => r.writes)), 2),
        l ? `${num(median(l.map((x) => x.p50)), 2)} / ${num(median(l.map((x) => x.p99)), 2)}` : '',
        rs.map((r, i) => (t.name === 'bare' ? num(r.perSecond) : num(r.perSecond / bareRuns[i]!.perSecond, 2))).join(', '),
      ]);
    }
  }
  process.stdout.write(
    [
      machineLine(at),
      '',
      `${RUNS} runs of ${SECONDS} s per server and scenario (autocannon, ${CONNECTIONS} keep-alive TLS connections), order rotated every run; ratio = median of the per-run ratios to the bare server (canned answer of a few bytes) and to the bare server answering netpol-guard's own answer, canned. Builds: before ${resolve(args.before)}, after ${resolve(args.after ?? DIST)}.`,
      '',
      table(['scenario', 'server', 'req/s', 'ratio to bare', 'ratio to bare, same answer', 'CPU µs/req', 'writes/req', `p50 / p99 ms at ${num(RATE)}/s`, 'per run (req/s or ratio)'], rows),
      '',
    ].join('\n'),
  );
} finally {
  for (const p of processes) await p.stop();
}

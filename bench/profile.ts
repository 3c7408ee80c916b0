/**
 * A CPU profile of the built server under load: `node --cpu-prof dist/main.js serve`, driven by
 * autocannon over verified TLS, stopped with SIGTERM (the profile is written on exit), then
 * summarised: top functions by self time, self time per package or file, and our functions by
 * total time.
 *
 *   npx tsx bench/profile.ts [--seconds 15] [--endpoint validate|mutate] [--mix] [--top 10] [--log-level info] [--server guard|bare]
 *
 * `--server bare` profiles bench/bare-server.ts the same way, to tell what any TLS server pays per
 * answer (the socket write, the parse) from what netpol-guard adds. The µs/answer column (self
 * time over answers) compares across the two, where percentages of busy time do not.
 *
 * The .cpuprofile stays in bench/.work/profile/ (open it in Chrome DevTools or speedscope).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { summariseProfile, topByTotal } from './lib/cpuprofile.js';
import { deniedPolicy, reviewBody, seedPolicy, undefaultedPolicy } from './lib/fixtures.js';
import { WORK } from './lib/paths.js';
import { JSON_HEADERS, cannon, verifyTlsWith } from './lib/load.js';
import { machine, machineLine, num, savePart, table } from './lib/report.js';
import { CERT_DIR, ensureCertificates, startBare, startGuard } from './lib/servers.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '15' },
    endpoint: { type: 'string', default: 'validate' },
    mix: { type: 'boolean', default: false },
    top: { type: 'string', default: '10' },
    'log-level': { type: 'string', default: 'info' },
    connections: { type: 'string', default: '10' },
    server: { type: 'string', default: 'guard' },
  },
});

async function main(): Promise<void> {
  const m = machine();
  const dir = join(WORK, 'profile');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await ensureCertificates();
  const nodeArgs = ['--cpu-prof', '--cpu-prof-dir', dir];
  const bare = values.server === 'bare';
  const server = bare
    ? await startBare(join(CERT_DIR, 'tls.crt'), join(CERT_DIR, 'tls.key'), nodeArgs)
    : await startGuard({ name: 'profile', logLevel: values['log-level'], nodeArgs });
  verifyTlsWith(readFileSync(join(CERT_DIR, 'ca.crt'), 'utf8'));
  const baseUrl = 'webhookUrl' in server ? server.webhookUrl : server.url;
  const endpoint = values.endpoint === 'mutate' ? '/mutate' : '/validate';
  const bodies = values.mix ? [reviewBody(seedPolicy()), reviewBody(deniedPolicy())] : [reviewBody(endpoint === '/mutate' ? undefaultedPolicy() : seedPolicy())];
  const seconds = Number(values.seconds);
  const result = await cannon({
    url: `${baseUrl}${endpoint}`,
    connections: Number(values.connections),
    duration: seconds,
    requests: bodies.map((body) => ({ method: 'POST', path: endpoint, headers: JSON_HEADERS, body })),
  });
  await server.stop(30_000);
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  // The main thread's profile is the big one (worker threads, if any, write their own).
  const file = files.sort((a, b) => statSync(join(dir, b)).size - statSync(join(dir, a)).size)[0];
  if (!file) throw new Error(`no .cpuprofile in ${dir}: did the server exit cleanly?`);
  const summary = summariseProfile(join(dir, file));
  const top = Number(values.top);
  const reqs = result['2xx'];
  // Self time per answer: comparable between servers and runs, where a share of busy time is not.
  const perAnswer = (ms: number) => num((ms * 1000) / Math.max(1, reqs), 1);
  const selfRows = summary.functions.slice(0, top).map((f, i) => [String(i + 1), f.name, f.where, f.group, `${num(f.selfPct, 1)}%`, perAnswer(f.selfMs), `${num(f.totalPct, 1)}%`]);
  const groupRows = summary.groups.slice(0, 15).map((g) => [g.group, `${num(g.selfPct, 1)}%`, perAnswer(g.selfMs)]);
  const ours = topByTotal(summary, (f) => /^(dist|src)\//.test(f.group), 15).map((f) => [f.name, f.where, `${num(f.totalPct, 1)}%`, `${num(f.selfPct, 1)}%`]);
  const markdown = [
    '### 5. CPU profile of the server under load',
    '',
    machineLine(m),
    '',
    `\`${bare ? 'node --cpu-prof bench/bare-server.ts' : `node --cpu-prof dist/main.js serve --log-level ${values['log-level']}`}\`, ${values.connections} connections, ${seconds}s of POST ${endpoint} (${values.mix ? '50% allowed, 50% denied' : 'seed-001 policy'}): ${num(reqs)} answers, ${num(reqs / (result.duration || seconds))}/s under the profiler. Busy ${num(summary.busyMs)} ms of ${num(summary.wallMs)} ms wall (${perAnswer(summary.busyMs)} µs per answer); percentages are of busy time. Profile: bench/.work/profile/${file}.`,
    '',
    `Top ${top} functions by self time:`,
    '',
    table(['#', 'function', 'where', 'package / file', 'self', 'self µs/answer', 'total'], selfRows),
    '',
    'Self time by package or file:',
    '',
    table(['package / file', 'self', 'self µs/answer'], groupRows),
    '',
    'Our functions by total time (self + callees):',
    '',
    table(['function', 'where', 'total', 'self'], ours),
  ].join('\n');
  savePart({ part: bare ? 'profile-bare' : 'profile', machine: m, markdown, raw: { requests: reqs, summary: { ...summary, functions: summary.functions.slice(0, 60) } } });
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});

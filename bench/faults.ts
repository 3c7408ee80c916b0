/**
 * Fault-and-load scenarios against the built server (`node dist/main.js serve`, each in its own
 * process on 127.0.0.1): certificate rotation, SIGTERM, a broken org-policy file, slow clients,
 * many connections, over-limit bodies and an unreachable cluster, each under load, each judged
 * PASS or FAIL against its goal. Prints the figures and writes bench/faults.md; exits 1 when a
 * scenario fails.
 *
 *   npx tsx bench/faults.ts                       every scenario (about 5 minutes; build first)
 *   npx tsx bench/faults.ts --only slow-clients   one scenario, or a comma-separated list (names
 *                                                 below); the report then goes to
 *                                                 bench/.work/faults-partial.md instead
 *
 * Scenarios: cert-rotation, sigterm-under-load, broken-policy-under-load, slow-clients,
 * many-connections, over-limit-bodies, cluster-unreachable (each described in
 * bench/lib/faults/scenarios/).
 *
 * Environment: BENCH_FAULTS_SECONDS (load duration of the longer scenarios, default 20),
 * BENCH_FAULTS_CONNECTIONS and BENCH_FAULTS_FLAT_OUT_CONNECTIONS (many-connections, default 5000
 * and 2000), BENCH_FAULTS_UNREACHABLE_SECONDS (cluster-unreachable, default 60), BENCH_KEEP_LOGS=1
 * (keep every server log), BENCH_DIST (the build to run, default dist/).
 *
 * Control run: BENCH_FAULTS_KILL_AFTER_MS=N kills every server with SIGKILL N ms after it is
 * ready, to see the failure counters count; every scenario should FAIL, and the report goes to
 * bench/.work/faults-control.md.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DIST } from './lib/dist.js';
import { cleanUp, installCleanup, tempDir } from './lib/faults/cleanup.js';
import { type FaultContext, loadSeconds } from './lib/faults/context.js';
import { controlKillAfterMs } from './lib/faults/guard.js';
import { type Outcome, type ScenarioRun, crashed, passed } from './lib/faults/outcome.js';
import { pressureMark, pressureSince } from './lib/faults/pressure.js';
import { faultReport, scenarioSection, summaryTable } from './lib/faults/render.js';
import { brokenPolicyUnderLoad } from './lib/faults/scenarios/broken-policy.js';
import { certRotation } from './lib/faults/scenarios/cert-rotation.js';
import { clusterUnreachable } from './lib/faults/scenarios/cluster-unreachable.js';
import { manyConnections } from './lib/faults/scenarios/many-connections.js';
import { overLimitBodies } from './lib/faults/scenarios/over-limit.js';
import { sigtermUnderLoad } from './lib/faults/scenarios/sigterm.js';
import { slowClients } from './lib/faults/scenarios/slow-clients.js';
import { mintCa, mintServing, writePair } from './lib/faults/tls-material.js';
import { verifyTlsWith } from './lib/load.js';
import { ROOT, WORK } from './lib/paths.js';
import { machine } from './lib/report.js';
import { LOG_DIR } from './lib/servers.js';

interface Scenario {
  readonly name: string;
  readonly title: string;
  readonly run: (ctx: FaultContext) => Promise<ScenarioRun>;
}

/** In the order of the report. */
const SCENARIOS: readonly Scenario[] = [
  { name: 'cert-rotation', title: 'Certificate rotation under load', run: certRotation },
  { name: 'sigterm-under-load', title: 'SIGTERM under continuous load', run: (ctx) => sigtermUnderLoad(ctx) },
  { name: 'broken-policy-under-load', title: 'The org-policy file breaks under load', run: brokenPolicyUnderLoad },
  { name: 'slow-clients', title: 'Slow clients beside normal traffic', run: slowClients },
  { name: 'many-connections', title: 'Thousands of concurrent keep-alive TLS connections', run: manyConnections },
  { name: 'over-limit-bodies', title: 'Bodies over the 3 MiB limit under load', run: overLimitBodies },
  { name: 'cluster-unreachable', title: 'The Kubernetes API unreachable, then hung, then back', run: clusterUnreachable },
];

/**
 * The order they run in. Heavy load first; slow-clients near the end, because its last
 * observation (connections that never finish a TLS handshake are held for node's 120 s handshake
 * timeout) completes in the background while the light cluster scenario runs.
 */
const RUN_ORDER = ['cert-rotation', 'sigterm-under-load', 'broken-policy-under-load', 'many-connections', 'over-limit-bodies', 'slow-clients', 'cluster-unreachable'];

/** A wrong command line: said in one line, exit 2. */
class UsageError extends Error {}

function chosen(argv: readonly string[]): Scenario[] {
  const i = argv.indexOf('--only');
  if (i < 0) return [...SCENARIOS];
  const names = (argv[i + 1] ?? '').split(',').filter(Boolean);
  const unknown = names.filter((n) => !SCENARIOS.some((s) => s.name === n));
  if (names.length === 0 || unknown.length) {
    throw new UsageError(`--only takes scenario names (${SCENARIOS.map((s) => s.name).join(', ')})${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}`);
  }
  return SCENARIOS.filter((s) => names.includes(s.name));
}

async function context(): Promise<FaultContext> {
  const dir = tempDir('tls');
  const ca = await mintCa('netpol-guard fault-run CA');
  const serving = writePair(dir, await mintServing(ca));
  const caFile = join(dir, 'ca.crt');
  writeFileSync(caFile, ca.certPem);
  return { ca, caPem: ca.certPem, caFile, serving, seconds: loadSeconds() };
}

function printOutcome(o: Outcome): void {
  process.stdout.write(`\n${scenarioSection(o, SCENARIOS.findIndex((s) => s.name === o.name))}\n`);
}

async function runAll(scenarios: readonly Scenario[], ctx: FaultContext): Promise<Outcome[]> {
  const outcomes = new Map<string, Outcome>();
  const unfinished: { run: ScenarioRun; started: number }[] = [];
  const ordered = [...scenarios].sort((a, b) => RUN_ORDER.indexOf(a.name) - RUN_ORDER.indexOf(b.name));
  for (const s of ordered) {
    process.stderr.write(`\n== ${s.name} ==\n`);
    const started = performance.now();
    const pressure = pressureMark();
    let run: ScenarioRun;
    try {
      run = await s.run(ctx);
    } catch (error) {
      run = { outcome: crashed(s.name, s.title, error) };
      run.outcome.notes.push(`the servers' logs are in ${LOG_DIR}`);
    }
    outcomes.set(s.name, run.outcome);
    run.outcome.figures.push(['CPU pressure while it ran (time some task waited for a CPU)', pressureSince(pressure)]);
    if (run.finish) {
      process.stderr.write(`${s.name}: measured; its last observation completes in the background\n`);
      unfinished.push({ run, started });
    } else {
      run.outcome.durationSeconds = (performance.now() - started) / 1000;
      printOutcome(run.outcome);
    }
  }
  for (const { run, started } of unfinished) {
    try {
      await run.finish!();
    } catch (error) {
      const c = crashed(run.outcome.name, run.outcome.title, error).checks[0]!;
      run.outcome.checks.push(c);
    }
    run.outcome.durationSeconds = (performance.now() - started) / 1000;
    printOutcome(run.outcome);
  }
  return scenarios.map((s) => outcomes.get(s.name)!);
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help')) {
    process.stdout.write(readFileSync(new URL(import.meta.url), 'utf8').split('*/')[0]!.replace(/^\/\*\*|^ \* ?/gm, ''));
    return 0;
  }
  const scenarios = chosen(argv);
  if (!existsSync(join(DIST, 'main.js'))) throw new Error(`${DIST}/main.js is missing: build first (npx tsc -p tsconfig.build.json)`);
  installCleanup();
  const m = machine();
  const started = performance.now();
  try {
    const ctx = await context();
    verifyTlsWith(ctx.caPem);
    const outcomes = await runAll(scenarios, ctx);
    const minutes = (performance.now() - started) / 60_000;
    const preface = [
      'Produced by `npx tsx bench/faults.ts` (bench/lib/faults/): each scenario runs the built server (`node dist/main.js serve`) in its own process on 127.0.0.1, breaks something under load, and is judged against its goal.',
      `Clients verify the server certificate against a CA minted for the run. Server build: ${relative(ROOT, DIST) || DIST}. Total run time ${minutes.toFixed(1)} min.`,
    ];
    const control = controlKillAfterMs();
    if (control !== undefined) preface.unshift(`**CONTROL RUN: every server was killed with SIGKILL ${control} ms after it was ready. These figures show that the failure counters count; they measure nothing about the server.**`, '');
    const md = faultReport(m, outcomes, preface);
    const kind = control !== undefined ? 'control' : scenarios.length === SCENARIOS.length ? 'complete' : 'partial';
    const file = kind === 'complete' ? join(ROOT, 'bench', 'faults.md') : join(WORK, `faults-${kind}.md`);
    mkdirSync(WORK, { recursive: true });
    writeFileSync(file, md);
    writeFileSync(join(WORK, `faults-${kind}.json`), `${JSON.stringify({ machine: m, outcomes }, null, 2)}\n`);
    process.stdout.write(`\n${summaryTable(outcomes)}\n\nWritten: ${file}\n`);
    return outcomes.every(passed) ? 0 : 1;
  } finally {
    await cleanUp();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    void cleanUp().finally(() => process.exit(1));
  },
);

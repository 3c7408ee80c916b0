/**
 * Scenario 3, the org-policy file breaks under load. The server runs with --policy FILE (the
 * built-in policy, as `netpol-guard policy` prints it) while autocannon sends a mix of allowed and
 * denied reviews and a prober sends the denied one (egress to 169.254.169.254, denied by
 * cloud-metadata-egress) every 25 ms. The file is then replaced, as editors and config tools do
 * (write a temporary file, rename it over): with broken YAML, with YAML that fails the schema,
 * and with a valid policy that only warns about cloud-metadata-egress.
 *
 * Goal: 0 errors or non-2xx throughout; while the file is broken the denied review stays denied
 * (the last good policy); after the good replacement the new verdict shows (reported: file write
 * → first answer with it) and never the old one again; /readyz and
 * netpol_guard_policy_last_load_success say what happened at each step.
 */
import { rename, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fromDist } from '../../dist.js';
import { deniedPolicy, reviewBody, seedPolicy } from '../../fixtures.js';
import { JSON_HEADERS, cannon } from '../../load.js';
import { num } from '../../report.js';
import { tempDir } from '../cleanup.js';
import type { FaultContext } from '../context.js';
import { type Timed, openLoop } from '../drivers.js';
import { type Guard, keepLogsIfFailed, launchGuard } from '../guard.js';
import { metrics, readyz, sample } from '../health.js';
import { type ScenarioRun, check, figure, ms, newOutcome } from '../outcome.js';
import { callReview, errorSummary } from '../review-call.js';

type Builtin = typeof import('../../../../src/policy/builtin.js');

const PROBE_RATE = 40;
const BROKEN_YAML = 'mode: enforce\nrules:\n  cloud-metadata-egress: {action: deny\n';
const FAILS_SCHEMA = 'mode: enforce\nrules:\n  cloud-metadata-egress: {action: block}\n';

/** What the server's health port said at one moment. */
interface HealthSample {
  readonly at: number;
  readonly lastLoadSuccess?: number;
  readonly reloadFailures?: number;
  readonly policyDetail?: string;
}

async function healthNow(guard: Guard): Promise<HealthSample> {
  const [text, ready] = await Promise.all([metrics(guard.healthUrl), readyz(guard.healthUrl)]);
  return {
    at: performance.now(),
    lastLoadSuccess: text === undefined ? undefined : sample(text, 'netpol_guard_policy_last_load_success'),
    reloadFailures: text === undefined ? undefined : (sample(text, 'netpol_guard_policy_reloads_total', { result: 'failure' }) ?? 0),
    policyDetail: ready?.checks.policy?.detail,
  };
}

/** Replace the file in one step: readers see the old content or the new, never half of it. */
async function replaceFile(path: string, text: string): Promise<number> {
  const tmp = `${path}.next`;
  await writeFile(tmp, text);
  await rename(tmp, path);
  return performance.now();
}

export async function brokenPolicyUnderLoad(ctx: FaultContext): Promise<ScenarioRun> {
  const o = newOutcome(
    'broken-policy-under-load',
    'The org-policy file breaks under load',
    `--policy FILE (the built-in policy); autocannon, 10 connections, allowed and denied reviews alternating; a prober sending the denied review ${PROBE_RATE}/s; at 2 s the file becomes broken YAML, at 5 s YAML failing the schema (action: block), at 8 s a valid policy with cloud-metadata-egress: warn; 12 s in all`,
  );
  const { BUILTIN_POLICY_YAML } = await fromDist<Builtin>('policy/builtin.js');
  const warnOnly = BUILTIN_POLICY_YAML.replace('cloud-metadata-egress: {action: deny}', 'cloud-metadata-egress: {action: warn}');
  if (warnOnly === BUILTIN_POLICY_YAML) throw new Error('the built-in policy no longer has "cloud-metadata-egress: {action: deny}"; update this scenario');
  const policyFile = join(tempDir('policy'), 'org-policy.yaml');
  await writeFile(policyFile, BUILTIN_POLICY_YAML);
  const guard = await launchGuard({ name: 'broken-policy', ...ctx.serving, flags: ['--no-cluster', '--shutdown-delay', '0', '--policy', policyFile] });
  const agent = new https.Agent({ keepAlive: true, maxSockets: 4, ca: ctx.caPem });
  let completed = false;
  try {
    const start = performance.now();
    const at = (s: number) => sleep(Math.max(0, start + s * 1000 - performance.now()));
    const load = cannon({
      url: `${guard.webhookUrl}/validate`,
      connections: 10,
      duration: 12,
      requests: [reviewBody(seedPolicy()), reviewBody(deniedPolicy())].map((body) => ({ method: 'POST', path: '/validate', headers: JSON_HEADERS, body })),
    });
    const prober = openLoop(PROBE_RATE, () => callReview({ url: `${guard.webhookUrl}/validate`, object: deniedPolicy(), ca: ctx.caPem, agent }));
    const health: HealthSample[] = [];
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        health.push(await healthNow(guard));
        await sleep(50);
      }
    })();

    await at(2);
    const brokenAt = await replaceFile(policyFile, BROKEN_YAML);
    await at(5);
    const invalidAt = await replaceFile(policyFile, FAILS_SCHEMA);
    await at(8);
    const goodAt = await replaceFile(policyFile, warnOnly);
    const cannonResult = await load;
    prober.stop();
    const probes = await prober.done;
    watching = false;
    await watcher;

    // The prober: the denied review's verdict over time.
    const answered = probes.filter((p) => p.call.kind === 'answered');
    const probeErrors = probes.length - answered.length;
    const allowedOf = (p: Timed) => p.call.answer!.allowed;
    const whileBroken = answered.filter((p) => p.call.startedAt > brokenAt && p.call.endedAt < goodAt);
    const changed = answered.find((p) => p.call.startedAt > goodAt && allowedOf(p));
    const afterChange = changed ? answered.filter((p) => p.call.startedAt > changed.call.endedAt) : [];
    const verdictChangeMs = changed ? changed.call.endedAt - goodAt : undefined;
    const warned = changed?.call.answer!.warnings.some((w) => w.startsWith('[cloud-metadata-egress]')) ?? false;

    // The health port: first sample after each write that shows it.
    const firstAfter = (since: number, until: number, ok: (h: HealthSample) => boolean) => health.find((h) => h.at > since && h.at < until && ok(h));
    const brokenSeen = firstAfter(brokenAt, invalidAt, (h) => h.lastLoadSuccess === 0 && /the file is broken: .*not valid YAML/.test(h.policyDetail ?? ''));
    const invalidSeen = firstAfter(invalidAt, goodAt, (h) => h.lastLoadSuccess === 0 && h.reloadFailures === 2 && /cloud-metadata-egress.*block/s.test(h.policyDetail ?? ''));
    const goodSeen = firstAfter(goodAt, Infinity, (h) => h.lastLoadSuccess === 1 && !/broken/.test(h.policyDetail ?? ''));

    const cannonErrors = cannonResult.non2xx + cannonResult.errors + cannonResult.timeouts;
    figure(o, 'load: answered / non-2xx, errors, timeouts', `${num(cannonResult['2xx'])} / ${cannonErrors}`);
    figure(o, 'prober: answers / errors', `${num(answered.length)} / ${probeErrors}`);
    figure(o, 'prober answers while the file was broken or invalid: denied', `${num(whileBroken.filter((p) => !allowedOf(p)).length)} of ${num(whileBroken.length)}`);
    figure(o, 'broken YAML written → metric 0 and /readyz names it', ms(brokenSeen && brokenSeen.at - brokenAt));
    figure(o, 'schema-invalid YAML written → second failure counted, /readyz names it', ms(invalidSeen && invalidSeen.at - invalidAt));
    figure(o, 'good policy written → first answer with the new verdict (reload latency)', ms(verdictChangeMs));
    figure(o, 'good policy written → metric 1 and /readyz clean', ms(goodSeen && goodSeen.at - goodAt));
    check(o, '0 errors or non-2xx (load and prober)', cannonErrors + probeErrors === 0, `${cannonErrors + probeErrors} of ${num(cannonResult['2xx'] + cannonErrors + probes.length)}${probeErrors ? ` (${errorSummary(probes.map((p) => p.call))})` : ''}`);
    check(o, 'while broken, the last good policy judges (denied review stays denied)', whileBroken.length > 0 && whileBroken.every((p) => !allowedOf(p)), `${num(whileBroken.filter((p) => !allowedOf(p)).length)} of ${num(whileBroken.length)} denied`);
    check(o, 'the new policy takes over after the good write, and stays', changed !== undefined && warned && afterChange.every(allowedOf), changed ? `allowed with the [cloud-metadata-egress] warning ${ms(verdictChangeMs)} after the write; ${num(afterChange.filter(allowedOf).length)} of ${num(afterChange.length)} later answers agree` : 'never');
    check(o, 'broken YAML: policy_last_load_success 0, /readyz names the YAML error', brokenSeen !== undefined, brokenSeen ? `after ${ms(brokenSeen.at - brokenAt)}` : 'not seen');
    check(o, 'schema failure: counted as a second failure, /readyz names the field', invalidSeen !== undefined, invalidSeen ? `after ${ms(invalidSeen.at - invalidAt)}` : 'not seen');
    check(o, 'good policy: policy_last_load_success 1, /readyz clean', goodSeen !== undefined, goodSeen ? `after ${ms(goodSeen.at - goodAt)}` : 'not seen');
    o.headline = `${cannonErrors + probeErrors} errors of ${num(cannonResult['2xx'] + cannonErrors + probes.length)}; ${num(whileBroken.length)} answers while broken, all denied; new verdict ${ms(verdictChangeMs)} after the good write`;
    o.raw.policy = { brokenSeenMs: brokenSeen && brokenSeen.at - brokenAt, invalidSeenMs: invalidSeen && invalidSeen.at - invalidAt, goodSeenMs: goodSeen && goodSeen.at - goodAt, verdictChangeMs, whileBroken: whileBroken.length };
    completed = true;
    return { outcome: o };
  } finally {
    agent.destroy();
    await guard.stop();
    keepLogsIfFailed(o, [guard], completed);
  }
}

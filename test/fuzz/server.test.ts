/**
 * Fuzzing the server over real TLS: random and mutated AdmissionReviews, broken JSON, invalid
 * UTF-8, duplicate keys, deep nesting. Every answer is either a well-formed AdmissionReview with
 * the request's uid, or HTTP 4xx with a JSON error when no uid can be read; never a 5xx, never
 * a dropped connection. (bench/fuzz.ts runs the same generators 100,000 times.)
 */
import fc from 'fast-check';
import https from 'node:https';
import t from 'tap';
import { bodyArb, judge } from '../helpers/fuzz.js';
import { request, startTestServer } from '../helpers/server.js';

t.test('the server answers every generated request well', async (t) => {
  const server = await startTestServer(t);
  const agent = new https.Agent({ keepAlive: true, maxSockets: 8, ca: server.ca });
  t.teardown(() => agent.destroy());
  const samples = fc.sample(bodyArb, { numRuns: 1500, seed: 20261123 });
  const problems: string[] = [];
  for (let i = 0; i < samples.length; i += 8) {
    await Promise.all(
      samples.slice(i, i + 8).map(async ({ body, uid }) => {
        const res = await request(`${server.webhookUrl}/validate`, { ca: server.ca, body, agent, headers: { 'content-type': 'application/json' } });
        const problem = judge(res.status, res.text, uid);
        if (problem) problems.push(problem);
      }),
    );
  }
  t.same(problems.slice(0, 5), [], `${samples.length} requests, every answer well formed`);
  const mutate = await request(`${server.webhookUrl}/mutate`, { ca: server.ca, body: samples[0]!.body, agent, headers: { 'content-type': 'application/json' } });
  t.equal(judge(mutate.status, mutate.text, samples[0]!.uid), '', 'and /mutate');
  t.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false, 'no prototype pollution in the test process');
});

/**
 * Fuzzing the server over real TLS: random and mutated AdmissionReviews, broken JSON, invalid
 * UTF-8, duplicate keys, deep nesting. Every answer is either a well-formed AdmissionReview with
 * the request's uid, or HTTP 4xx with a JSON error when no uid can be read; never a 5xx, never
 * a dropped connection. (bench/fuzz.ts runs the same generators 100,000 times.)
 */
import fc from 'fast-check';
import https from 'node:https';
import t from 'tap';
import { hostileValueArb, mutatedPolicyArb, validPolicyArb } from '../helpers/arbitraries.js';
import { admissionReview, request, startTestServer } from '../helpers/server.js';

/** Bodies as bytes: JSON of generated reviews, mutated at the byte level now and then. */
export const bodyArb: fc.Arbitrary<{ body: Buffer; uid?: string }> = fc.oneof(
  fc.tuple(fc.oneof(validPolicyArb, mutatedPolicyArb, hostileValueArb), fc.constantFrom('CREATE', 'UPDATE', 'DELETE', 'CONNECT', 'PATCH'), fc.uuid(), fc.boolean()).map(
    ([object, operation, uid, beta]) => ({
      body: Buffer.from(JSON.stringify(admissionReview(object, { operation, uid, oldObject: object, version: beta ? 'admission.k8s.io/v1beta1' : 'admission.k8s.io/v1' }))),
      uid,
    }),
  ),
  fc.tuple(fc.uuid(), hostileValueArb).map(([uid, request]) => ({
    body: Buffer.from(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: typeof request === 'object' && request ? { ...request, uid } : { uid, x: request } })),
    uid,
  })),
  fc.anything({ maxDepth: 4 }).map((v) => ({ body: Buffer.from(JSON.stringify(v) ?? 'null') })),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ body: Buffer.from(bytes) })),
  fc.uuid().map((uid) => ({ body: Buffer.from(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"${uid}","uid":"${uid}","operation":"CREATE","object":{"metadata":{"name":"a","name":"b"}}}}`), uid })),
  fc.uuid().map((uid) => ({ body: Buffer.concat([Buffer.from(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"${uid}","operation":"CREATE","object":{"metadata":{"name":"`), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}}}}')]), uid })),
  fc.integer({ min: 1000, max: 20000 }).map((depth) => ({ body: Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`) })),
);

/** The checks every answer must pass; returns a description of what is wrong, or ''. */
export function judge(status: number, text: string, uid: string | undefined): string {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return `status ${status}: the answer is not JSON: ${text.slice(0, 80)}`;
  }
  if (status >= 500) return `status ${status}: ${text.slice(0, 120)}`;
  if (status === 200) {
    const response = json.response as { uid?: unknown; allowed?: unknown } | undefined;
    if (json.kind !== 'AdmissionReview' || !String(json.apiVersion).startsWith('admission.k8s.io/')) return `not an AdmissionReview: ${text.slice(0, 80)}`;
    if (typeof response?.allowed !== 'boolean') return 'no response.allowed';
    if (uid !== undefined && response.uid !== uid) return `uid ${String(response.uid)} instead of ${uid}`;
    return '';
  }
  if (status >= 400 && typeof json.message === 'string' && json.message.length > 0) return '';
  return `status ${status} without a message: ${text.slice(0, 80)}`;
}

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

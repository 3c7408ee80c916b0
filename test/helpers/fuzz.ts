/**
 * Generators and the verdict check for fuzzing the server; shared by test/fuzz/server.test.ts
 * and bench/fuzz.ts.
 */
import fc from 'fast-check';
import { hostileValueArb, mutatedPolicyArb, validPolicyArb } from './arbitraries.js';
import { admissionReview } from './server.js';

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


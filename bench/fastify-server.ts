/**
 * A reference point between the bare node:https server and netpol-guard: fastify over node:https
 * with the same certificate, a pino logger (at warn, so no line per request) and three no-op
 * callback hooks, as the webhook has. `canned` answers an allowed AdmissionReview with the
 * request's uid; `review` also runs the decision function (built-in org policy, no cluster) on
 * the object and answers its verdict, warnings and audit annotations.
 *
 *   npx tsx bench/fastify-server.ts canned|review CERT KEY   → prints {"port": N} on 127.0.0.1
 */
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';
import { pino } from 'pino';
import { fromDist } from './lib/dist.js';

const [variant, certFile, keyFile] = process.argv.slice(2);
if ((variant !== 'canned' && variant !== 'review') || !certFile || !keyFile) {
  process.stderr.write('usage: fastify-server.ts canned|review CERT KEY\n');
  process.exit(2);
}

interface Body {
  request?: { uid?: string; object?: unknown; namespace?: string };
}

// The build under test, as the other servers run it.
const { reviewNetworkPolicy } = await fromDist<typeof import('../src/review.js')>('review.js');
const { builtinPolicy } = await fromDist<typeof import('../src/policy/parse.js')>('policy/parse.js');
const context = { policy: builtinPolicy() };

const app = Fastify({
  https: { cert: readFileSync(certFile), key: readFileSync(keyFile) },
  keepAliveTimeout: 120_000,
  loggerInstance: pino({ level: 'warn' }),
});
app.addHook('onRequest', (_request, _reply, next) => next());
app.addHook('onSend', (_request, _reply, payload, next) => next(null, payload));
app.addHook('onResponse', (_request, _reply, next) => next());

app.post('/validate', async (request) => {
  const req = (request.body as Body).request;
  const uid = req?.uid ?? '';
  if (variant === 'canned') return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, allowed: true } };
  const review = reviewNetworkPolicy(
    { operation: 'CREATE', object: req?.object, namespace: req?.namespace, userInfo: { username: 'bench', groups: [] }, strictFields: false, includeApiWarnings: false },
    context,
  );
  return {
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    response: { uid, allowed: review.allowed, warnings: review.warnings, auditAnnotations: review.auditAnnotations },
  };
});

await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ port: (app.server.address() as { port: number }).port })}\n`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));

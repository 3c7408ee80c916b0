/**
 * The practical limit of one Node process here: a bare node:https server with the same
 * certificate that reads the AdmissionReview body, JSON.parses it and answers a canned allowed
 * AdmissionReview carrying the request's uid. No validation, no logging, no metrics.
 *
 * With ANSWERS (a JSON file: path → the AdmissionReview to answer there) it answers those
 * instead, the request's uid put in: the same bytes netpol-guard answers, so that the size of the
 * answer (which the load generator pays for on the same cores) is not counted as server work.
 *
 *   npx tsx bench/bare-server.ts CERT KEY [ANSWERS]   → prints {"port": N} when listening on 127.0.0.1
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';

const [certFile, keyFile, answersFile] = process.argv.slice(2);
const answers = answersFile ? (JSON.parse(readFileSync(answersFile, 'utf8')) as Record<string, { response: object }>) : undefined;
if (!certFile || !keyFile) {
  process.stderr.write('usage: bare-server.ts CERT KEY\n');
  process.exit(2);
}

const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile) }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let uid = '';
    try {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request?: { uid?: unknown } };
      uid = typeof review.request?.uid === 'string' ? review.request.uid : '';
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"BadRequest"}');
      return;
    }
    const canned = answers?.[(req.url ?? '').split('?')[0] ?? ''];
    const body = canned ? JSON.stringify({ ...canned, response: { ...canned.response, uid } }) : JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, allowed: true } });
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) }).end(body);
  });
});
// The same keep-alive policy as the webhook, so neither side closes connections mid-run.
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ port: typeof address === 'object' && address ? address.port : 0 })}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
});

/**
 * The HTTPS server the API server calls. Built, not listened: callers (serve, tests) listen.
 * Every limit is explicit, with the reason next to it.
 */
import type { Server as HttpsServer, ServerOptions as HttpsServerOptions } from 'node:https';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import { type AdmissionRouteOptions, registerAdmissionRoutes } from './admission-route.js';

/** The webhook app: fastify over node:https, so the server can swap its certificate. */
export type WebhookApp = FastifyInstance<HttpsServer>;

/** An UPDATE carries object and oldObject, each up to etcd's 1.5 MiB request limit. */
export const BODY_LIMIT_BYTES = 3 * 1024 * 1024;

export interface WebhookAppOptions extends AdmissionRouteOptions {
  readonly https: HttpsServerOptions;
  readonly logger: FastifyBaseLogger;
}

const CLIENT_ERRORS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'the body is not valid JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'the body is empty; expected an AdmissionReview',
  FST_ERR_CTP_BODY_TOO_LARGE: `the body is larger than ${BODY_LIMIT_BYTES} bytes`,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'the content type is not application/json',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'the Content-Length does not match the body',
};

/** The most of an over-limit body read (and discarded) after the 413 answer. */
export const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * After a 413, the rest of the body is still arriving. Closing at once makes the client's kernel
 * see a reset while it is still writing, and most HTTP clients then report a broken pipe instead
 * of the answer (RFC 9112 §9.6 asks for a lingering close). So the rest is read and discarded
 * (Node does that for a request whose body the handler left unread) and the connection stays
 * usable: a declared length up to DRAIN_LIMIT_BYTES, and a chunked body until it ends or passes
 * that many bytes, when the connection is cut. A longer declared length is cut at once
 * (fastify's `Connection: close`); requestTimeout bounds the time either way.
 */
function lingerAfterAnswer(request: FastifyRequest, reply: FastifyReply): boolean {
  const declared = request.headers['content-length'];
  if (declared !== undefined) {
    const n = Number(declared);
    return Number.isSafeInteger(n) && n <= DRAIN_LIMIT_BYTES;
  }
  // fastify stopped listening at the limit; the request keeps flowing, into nothing, until it
  // ends. Counted from the answer on, so the count starts once the 413 is on its way.
  reply.raw.once('finish', () => {
    let read = 0;
    request.raw.on('data', (chunk: Buffer) => {
      read += chunk.length;
      if (read > DRAIN_LIMIT_BYTES) request.raw.socket.destroy();
    });
  });
  return true;
}

export function buildWebhookApp(opts: WebhookAppOptions): WebhookApp {
  const app = Fastify<HttpsServer>({
    https: opts.https,
    loggerInstance: opts.logger,
    bodyLimit: BODY_LIMIT_BYTES,
    // The API server keeps idle connections for 90s; staying open longer means it always closes
    // first, so a reused connection is never reset under it.
    keepAliveTimeout: 120_000,
    // The longest webhook timeout an API server may configure is 30s: a request that has not
    // arrived completely by then is a slow or stuck client, not the API server.
    requestTimeout: 30_000,
    // An idle TLS connection that never sends a request is dropped after this.
    connectionTimeout: 60_000,
    // One log line per review is written by the route; fastify's per-request lines would double it.
    logController: new LogController({ disableRequestLogging: true }),
    // User-written objects may carry keys such as "__proto__" (as labels, say): the mutating
    // webhook sees them before the API server validates. JSON.parse keeps them as plain data
    // and nothing here merges untrusted objects, so they are reviewed, not refused.
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
    // During shutdown keep answering requests on open connections instead of a bare 503.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
  });
  // Headers must arrive within 10s, a guard against connections that trickle them.
  app.server.headersTimeout = 10_000;

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const known = err.code ? CLIENT_ERRORS[err.code] : undefined;
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status >= 500) request.log.error({ err: err.message, code: err.code }, 'request failed');
    else request.log.warn({ code: err.code, problem: known ?? err.message }, 'bad request');
    opts.metrics.badRequests.inc({ reason: err.code ?? 'error' });
    // fastify asks to close after any body error; for a 413, read on instead where bounded.
    if (status === 413 && lingerAfterAnswer(request, reply)) void reply.removeHeader('connection');
    void reply.code(status).send({
      error: status >= 500 ? 'InternalError' : status === 413 ? 'RequestEntityTooLarge' : 'BadRequest',
      message: known ? `${known}: ${err.message}` : err.message,
    });
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error: 'NotFound', message: `no route ${request.method} ${request.url}; use POST /validate or POST /mutate` });
  });

  registerAdmissionRoutes(app, opts);
  return app;
}

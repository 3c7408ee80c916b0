/**
 * Plain-HTTP server for probes and metrics, on its own port so that kubelet and Prometheus never
 * need the webhook's TLS trust, and a probe never competes with admission traffic.
 */
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import type { Metrics } from './metrics.js';
import type { Readiness } from './readiness.js';

export interface HealthAppOptions {
  readonly logger: FastifyBaseLogger;
  readonly metrics: Metrics;
  readonly readiness: Readiness;
}

export function buildHealthApp(opts: HealthAppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: opts.logger,
    logController: new LogController({ disableRequestLogging: true }),
    // Probes are tiny; anything else is not for us.
    bodyLimit: 1024,
    requestTimeout: 10_000,
    forceCloseConnections: true,
  });
  app.get('/livez', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const report = opts.readiness.report();
    return reply.code(report.ready ? 200 : 503).send({ status: report.ready ? 'ready' : 'not ready', checks: report.checks });
  });
  app.get('/metrics', async (_request, reply) => {
    const body = await opts.metrics.registry.metrics();
    return reply.type(opts.metrics.registry.contentType).send(body);
  });
  return app;
}

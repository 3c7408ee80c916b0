/**
 * `netpol-guard serve`: wires the certificate source, the org policy, the cluster view, metrics
 * and the two listeners, then handles shutdown. The only place the server does I/O setup.
 */
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { describeError, NpgError } from '../errors.js';
import { ensureDevCertificates } from '../tls/dev-certs.js';
import { CertificateSource, tlsServerOptions } from '../tls/source.js';
import { VERSION } from '../version.js';
import { Drain } from './drain.js';
import { ClusterSource } from './cluster-source.js';
import { type AuditReports, startAuditReports } from './audit-reports.js';
import { ImpactSource } from './impact-source.js';
import type { ClusterView } from '../cluster/view.js';
import { buildHealthApp } from './health-app.js';
import { Metrics } from './metrics.js';
import type { HostPort, ServeOptions } from './options.js';
import { PolicySource } from './policy-source.js';
import { processLogger } from './process-logger.js';
import { Readiness } from './readiness.js';
import { type WebhookApp, buildWebhookApp } from './webhook-app.js';

export interface RunningServer {
  readonly webhookUrl: string;
  readonly healthUrl: string;
  readonly caFile?: string;
  /** Stops being ready, waits the shutdown delay, drains in-flight reviews, closes everything. */
  shutdown(reason: string): Promise<void>;
}

function url(scheme: string, address: HostPort, port: number): string {
  const host = address.host === '0.0.0.0' || address.host === '' ? '127.0.0.1' : address.host.includes(':') ? `[${address.host}]` : address.host;
  return `${scheme}://${host}:${port}`;
}

function listeningPort(app: FastifyInstance): number {
  const addr = app.server.address();
  return typeof addr === 'object' && addr ? addr.port : 0;
}

/**
 * Connections waiting to be accepted. Node's default (511) overflows when an API server restarts
 * or a sync opens hundreds of connections at once, and a dropped SYN is retried only after 1 s,
 * then 3 s: past a webhook timeout. The kernel caps it at net.core.somaxconn.
 */
const LISTEN_BACKLOG = 4096;

async function listen(app: FastifyInstance, address: HostPort, what: string): Promise<void> {
  try {
    await app.listen({ host: address.host, port: address.port, backlog: LISTEN_BACKLOG });
  } catch (err) {
    throw new NpgError('NPG_LISTEN_FAILED', `cannot listen for ${what} on ${address.host}:${address.port}: ${describeError(err)}`, { cause: err });
  }
}

async function openCertificates(options: ServeOptions, log: Logger): Promise<{ source: CertificateSource; caFile?: string }> {
  if (options.tlsCert && options.tlsKey) {
    const source = await CertificateSource.open({ certFile: options.tlsCert, keyFile: options.tlsKey, clientCAFile: options.clientCA, logger: log });
    return { source };
  }
  const dev = await ensureDevCertificates({ dir: options.certDir, sans: [...options.tlsSans] });
  log.info(
    { caFile: resolve(dev.caCertPath), certFile: resolve(dev.certPath), generated: dev.generated, reason: dev.reason, caBundle: dev.caBundle },
    `${dev.generated ? 'generated' : 'reusing'} development certificates in ${options.certDir}; put caBundle into the webhook configuration`,
  );
  const source = await CertificateSource.open({ certFile: dev.certPath, keyFile: dev.keyPath, clientCAFile: options.clientCA, logger: log });
  return { source, caFile: resolve(dev.caCertPath) };
}

/** Time closing the listener may need on top of the review deadline (TLS teardown, last writes). */
const CLOSE_MARGIN_MS = 500;
/** Time left after the hard stop for the other listeners, the log flush and the process exit. */
const EXIT_MARGIN_MS = 250;

/** The certificate's expiry in the metrics and its state in /readyz; returns what records the expiry again after a rotation. */
function watchCertificate(certificates: CertificateSource, metrics: Metrics, readiness: Readiness): () => void {
  const recordCertificate = () => metrics.certificateExpiry.set(certificates.state().notAfter.getTime() / 1000);
  recordCertificate();
  readiness.add('certificate', () => {
    const s = certificates.state();
    const detail = `${s.subject} valid until ${s.notAfter.toISOString()}${s.lastError ? `; last rotation rejected: ${s.lastError}` : ''}`;
    return { ok: s.ready, detail: s.ready ? detail : `no valid certificate: ${detail}` };
  });
  return recordCertificate;
}

interface AuditWiring {
  readonly options: ServeOptions;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly readiness: Readiness;
  readonly cluster: ClusterSource;
  readonly policy: PolicySource;
}

/** --audit-reports: the report writer over the cluster view; without a cluster the server does not start. */
async function startAudit({ options, log, metrics, readiness, cluster, policy }: AuditWiring, clusterView: ClusterView | undefined): Promise<AuditReports> {
  if (!clusterView) {
    await cluster.close();
    throw new NpgError('NPG_CLUSTER_CONFIG', '--audit-reports needs the cluster, and no cluster configuration was found: pass --kubeconfig or run in a cluster');
  }
  const reports = startAuditReports({
    options: options.audit,
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    view: clusterView,
    revision: () => cluster.revision(),
    policy: () => policy.policyText(),
    metrics,
    logger: log,
  });
  readiness.add('audit', () => reports.readiness());
  return reports;
}

/** One connectivity model per cluster view, kept current from it (server/impact-source.ts). */
function impactSources(log: Logger, metrics: Metrics): { forView(view: ClusterView): ImpactSource; close(): void } {
  let current: { view: ClusterView; source: ImpactSource } | undefined;
  return {
    forView(view) {
      if (current?.view !== view) {
        current?.source.close();
        current = { view, source: new ImpactSource(view, log, metrics) };
      }
      return current.source;
    },
    close: () => current?.source.close(),
  };
}

/** Where it listens is what an operator (or a supervisor reading the log) waits for: now, not when the log buffer next fills. */
function announce(log: Logger, at: { webhookUrl: string; healthUrl: string; caFile: string | undefined; policy: string }): void {
  const { webhookUrl, healthUrl, caFile } = at;
  log.info(
    { webhook: webhookUrl, health: healthUrl, caFile, policy: at.policy, version: VERSION },
    `netpol-guard ${VERSION} serving ${webhookUrl}/validate and ${webhookUrl}/mutate; probes and metrics on ${healthUrl}/readyz and ${healthUrl}/metrics` +
      (caFile ? `; try: curl --cacert ${caFile} -H 'Content-Type: application/json' --data @examples/admission-review.json ${webhookUrl}/validate` : ''),
  );
  log.flush();
}

/** Everything a shutdown stops, in the order it stops them. */
interface Stoppable {
  readonly options: ServeOptions;
  readonly log: Logger;
  readonly readiness: Readiness;
  readonly drain: Drain;
  readonly webhook: WebhookApp;
  readonly audit: AuditReports | undefined;
  readonly impact: { close(): void };
  readonly closeAll: () => Promise<unknown>;
}

/** The shutdown, run once however often it is asked for. */
function shutdownOnce(r: Stoppable): (reason: string) => Promise<void> {
  const { options, log, webhook } = r;
  let stopping: Promise<void> | undefined;
  return (reason) => {
    stopping ??= (async () => {
      log.info({ reason, delayMs: options.shutdownDelayMs, timeoutMs: options.shutdownTimeoutMs }, 'shutting down: no longer ready');
      r.readiness.markShuttingDown();
      r.drain.begin();
      // The audit stops at once: a leader releases its Lease now, so another replica writes
      // the reports while this one drains.
      const auditClosed = r.audit?.close().catch((err: unknown) => log.warn({ err: describeError(err) }, 'audit did not stop cleanly'));
      // Stay up while endpoints drop us, so the API server stops sending new reviews here.
      await sleep(options.shutdownDelayMs);
      // The whole drain fits in --shutdown-timeout. Waiting for a quiet moment may use it up to
      // the reserve, which is what closing needs: the listener stops, and each open connection
      // gets at most the one review it is answering, bounded by the review deadline.
      const closeReserveMs = Math.min(options.shutdownTimeoutMs / 2, options.deadlineMs + CLOSE_MARGIN_MS);
      // A client that never finishes sending its review would hold the close past the bound.
      const hardStop = setTimeout(() => {
        log.warn({ timeoutMs: options.shutdownTimeoutMs }, 'connections still open at the end of the shutdown bound; closing them');
        webhook.server.closeAllConnections();
      }, Math.max(0, options.shutdownTimeoutMs - EXIT_MARGIN_MS));
      if (!(await r.drain.close(webhook, options.shutdownTimeoutMs - closeReserveMs))) {
        log.warn({ timeoutMs: options.shutdownTimeoutMs }, 'reviews kept arriving while draining; stopped accepting to finish within the shutdown bound');
      }
      clearTimeout(hardStop);
      await auditClosed;
      r.impact.close();
      await r.closeAll();
      log.info('stopped');
      log.flush();
    })();
    return stopping;
  };
}

export async function startServer(options: ServeOptions, log: Logger = processLogger(options.logLevel)): Promise<RunningServer> {
  const metrics = new Metrics(VERSION);
  const readiness = new Readiness();

  const { source: certificates, caFile } = await openCertificates(options, log);
  const recordCertificate = watchCertificate(certificates, metrics, readiness);

  let audit: AuditReports | undefined;
  const policy = await PolicySource.open(options.policy, log, {
    onReload: (ok) => {
      metrics.policyReloads.inc({ result: ok ? 'success' : 'failure' });
      metrics.policyValid.set(ok ? 1 : 0);
      if (ok) audit?.controller.policyChanged();
    },
  });
  metrics.policyValid.set(1);
  readiness.add('policy', () => policy.readiness());
  const cluster = await ClusterSource.open({ enabled: options.cluster, kubeconfig: options.kubeconfig, resyncSeconds: options.resyncSeconds, logger: log });
  readiness.add('cluster', () => cluster.readiness());
  const clusterView = cluster.view();
  if (clusterView) metrics.watchCluster(clusterView);
  if (options.audit.enabled) audit = await startAudit({ options, log, metrics, readiness, cluster, policy }, clusterView);

  const impact = impactSources(log, metrics);
  if (clusterView && options.impactBudgetMs > 0) impact.forView(clusterView);

  const webhook = buildWebhookApp({
    https: tlsServerOptions(certificates, { clientCA: options.clientCA !== undefined }),
    logger: log,
    metrics,
    policy: () => policy.policy(),
    cluster: () => cluster.view(),
    impact: () => {
      const view = cluster.view();
      return view && options.impactBudgetMs > 0 ? impact.forView(view) : undefined;
    },
    impactBudgetMs: options.impactBudgetMs,
    deadlineMs: options.deadlineMs,
    failureMode: options.failureMode,
  });
  const drain = new Drain();
  drain.install(webhook);
  certificates.on('reload', (context) => {
    webhook.server.setSecureContext(context);
    metrics.certificateReloads.inc({ result: 'success' });
    recordCertificate();
  });
  certificates.on('reloadError', () => metrics.certificateReloads.inc({ result: 'failure' }));
  const health = buildHealthApp({ logger: log, metrics, readiness });

  await listen(health, options.healthListen, 'health and metrics');
  await listen(webhook, options.listen, 'the webhook');
  const webhookUrl = url('https', options.listen, listeningPort(webhook));
  const healthUrl = url('http', options.healthListen, listeningPort(health));
  announce(log, { webhookUrl, healthUrl, caFile, policy: policy.policy().source });

  const shutdown = shutdownOnce({
    options,
    log,
    readiness,
    drain,
    webhook,
    audit,
    impact,
    closeAll: () => Promise.all([health.close(), certificates.close(), policy.close(), cluster.close()]),
  });
  return { webhookUrl, healthUrl, ...(caFile ? { caFile } : {}), shutdown };
}

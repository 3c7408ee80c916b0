/**
 * `serve --audit-reports`: wires the Lease elector, the audit controller, its worker thread and
 * the report writer. Every replica runs this; only the Lease holder audits and writes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { ClusterView } from '../cluster/view.js';
import { SERVICE_ACCOUNT_DIR, loadKubeConfig } from '../cluster/kubeconfig.js';
import { describeError } from '../errors.js';
import { REPORT_APIS } from '../reports/api.js';
import { ReportWriter } from '../reports/writer.js';
import { AuditController, type AuditTiming } from './audit-controller.js';
import { AuditThread } from './audit-thread.js';
import { LeaseElector } from './lease-elector.js';
import type { Metrics } from './metrics.js';
import type { AuditOptions } from './options.js';
import type { CheckResult } from './readiness.js';
import { clusterRoleOwner, leaseClient, reportStore } from './report-clients.js';

export interface AuditReportsInput {
  readonly options: AuditOptions;
  readonly kubeconfig?: string;
  readonly view: ClusterView;
  readonly revision: () => number;
  readonly policy: () => { text?: string; source: string };
  readonly metrics: Metrics;
  readonly logger: Logger;
  /** Test hook: shorter timings than the defaults. */
  readonly timing?: Partial<AuditTiming>;
}

export interface AuditReports {
  readonly controller: AuditController;
  readonly elector: LeaseElector;
  /** For /readyz detail; always ok: a replica that does not lead still serves admission. */
  readiness(): CheckResult;
  close(): Promise<void>;
}

/** The pod's own namespace in a cluster (the service account's), else `default`. */
function ownNamespace(): string {
  const file = join(SERVICE_ACCOUNT_DIR, 'namespace');
  try {
    if (existsSync(file)) return readFileSync(file, 'utf8').trim() || 'default';
  } catch {
    // not in a pod
  }
  return 'default';
}

/** How long one report or Lease request may take: a hung connection must not stall the leader past its renew deadline. */
const REQUEST_TIMEOUT_MS = 10_000;

export function startAuditReports(input: AuditReportsInput): AuditReports {
  const { options, logger, metrics } = input;
  const log = logger.child({ component: 'audit' });
  const loaded = loadKubeConfig({ requestTimeoutMs: Math.min(REQUEST_TIMEOUT_MS, options.renewDeadlineMs / 2), ...(input.kubeconfig ? { kubeconfig: input.kubeconfig } : {}) });
  const api = REPORT_APIS[options.reportApi];
  const namespace = options.leaseNamespace ?? ownNamespace();
  const identity = options.leaseIdentity ?? `${hostname()}_${process.pid}`;
  const thread = new AuditThread();
  let elector: LeaseElector | undefined;
  const writer = new ReportWriter({
    store: reportStore(loaded.config, api),
    logger: log,
    events: { onWrite: (op, result) => metrics.reportWrites.inc({ operation: op, result }) },
    mayWrite: () => elector?.isLeader === true,
  });
  const owner = options.reportOwner;
  const controller = new AuditController({
    view: input.view,
    revision: input.revision,
    policy: input.policy,
    compute: (job) => thread.run(job),
    writer,
    api: options.reportApi,
    owner: async () => {
      if (!owner) return undefined;
      try {
        return await clusterRoleOwner(loaded.config, owner);
      } catch (err) {
        // Reports without an owner are still reports; say why they will not be collected.
        log.warn({ clusterRole: owner, err: describeError(err) }, 'cannot read the report owner; reports are written without an owner reference');
        return undefined;
      }
    },
    maxResults: options.maxResults,
    metrics,
    logger: log,
    timing: { debounceMs: options.debounceMs, minIntervalMs: options.minIntervalMs, ...input.timing },
  });
  elector = new LeaseElector({
    client: leaseClient(loaded.config, namespace, options.leaseName),
    name: options.leaseName,
    namespace,
    identity,
    leaseDurationMs: options.leaseDurationMs,
    renewDeadlineMs: options.renewDeadlineMs,
    retryPeriodMs: options.retryPeriodMs,
    logger: log,
    onStartedLeading: () => controller.setLeading(true),
    onStoppedLeading: () => controller.setLeading(false),
  });
  log.info({ api: api.name, lease: `${namespace}/${options.leaseName}`, identity, owner: owner ?? null }, 'audit reports on: the Lease holder writes them');
  controller.start();
  elector.start();
  const e = elector;
  return {
    controller,
    elector: e,
    readiness() {
      const s = controller.snapshot();
      const role = s.leading ? 'writing audit reports (Lease holder)' : `standing by (Lease held by ${e.observedHolder || 'nobody yet'})`;
      const last = s.lastSuccessAt ? `; last audit ${new Date(s.lastSuccessAt).toISOString()}` : '';
      return { ok: true, detail: `${role}${last}${s.lastError ? `; last error: ${s.lastError}` : ''}` };
    },
    async close() {
      await e.stop();
      await controller.stop();
      await thread.close();
    },
  };
}

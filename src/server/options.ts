/**
 * `netpol-guard serve` options: from flags, else from NETPOL_GUARD_* environment variables, else
 * defaults. Parsed once, at the edge, validated with zod, then frozen.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { NpgError } from '../errors.js';
import { REPORT_API_NAMES, type ReportApiName } from '../reports/api.js';

export interface HostPort {
  readonly host: string;
  readonly port: number;
}

export type FailureMode = 'allow' | 'deny';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface ServeOptions {
  readonly listen: HostPort;
  readonly healthListen: HostPort;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly certDir: string;
  readonly tlsSans: readonly string[];
  readonly clientCA?: string;
  readonly policy?: string;
  readonly logLevel: LogLevel;
  /** Internal deadline for one review, below the API server's webhook timeout. */
  readonly deadlineMs: number;
  /** Milliseconds the impact of one change may take, within deadlineMs; 0: no impact. */
  readonly impactBudgetMs: number;
  /** What a review that misses the deadline answers. */
  readonly failureMode: FailureMode;
  /** After SIGTERM: how long to stay up unready so endpoints drop us before we stop accepting. */
  readonly shutdownDelayMs: number;
  /** After SIGTERM: the bound on finishing in-flight reviews. */
  readonly shutdownTimeoutMs: number;
  readonly kubeconfig?: string;
  readonly cluster: boolean;
  /** How often the cluster caches are relisted from scratch. */
  readonly resyncSeconds: number;
  /** The audit controller: reports written by the replica holding the Lease (docs/reports.md). */
  readonly audit: AuditOptions;
}

export interface AuditOptions {
  readonly enabled: boolean;
  readonly reportApi: ReportApiName;
  /** ClusterRole that owns every report (garbage collection on uninstall); none when absent. */
  readonly reportOwner?: string;
  readonly maxResults: number;
  readonly debounceMs: number;
  readonly minIntervalMs: number;
  readonly leaseName: string;
  /** Undefined: the pod's own namespace in a cluster, else `default`. */
  readonly leaseNamespace?: string;
  /** Undefined: host name and process id. */
  readonly leaseIdentity?: string;
  readonly leaseDurationMs: number;
  readonly renewDeadlineMs: number;
  readonly retryPeriodMs: number;
}

interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly env: string;
  readonly help: string;
}

/** Every flag, its environment variable and its help text: the single source for both. */
export const SERVE_FLAGS: Readonly<Record<string, FlagSpec>> = {
  listen: { type: 'string', env: 'NETPOL_GUARD_LISTEN', help: 'HTTPS address for /validate and /mutate (default 0.0.0.0:8443)' },
  'health-listen': { type: 'string', env: 'NETPOL_GUARD_HEALTH_LISTEN', help: 'plain HTTP address for /livez, /readyz, /metrics (default 0.0.0.0:9090)' },
  'tls-cert': { type: 'string', env: 'NETPOL_GUARD_TLS_CERT', help: 'serving certificate (PEM); watched and reloaded on change' },
  'tls-key': { type: 'string', env: 'NETPOL_GUARD_TLS_KEY', help: 'serving key (PEM)' },
  'cert-dir': { type: 'string', env: 'NETPOL_GUARD_CERT_DIR', help: 'where generated development certificates go (default certs/dev)' },
  'tls-san': { type: 'string', multiple: true, env: 'NETPOL_GUARD_TLS_SAN', help: 'extra name or IP for the generated certificate (repeatable; comma-separated in the env)' },
  'client-ca': { type: 'string', env: 'NETPOL_GUARD_CLIENT_CA', help: 'require client certificates signed by this CA bundle' },
  policy: { type: 'string', env: 'NETPOL_GUARD_POLICY', help: 'org-policy YAML file (default: the built-in policy); reloaded on change' },
  'log-level': { type: 'string', env: 'NETPOL_GUARD_LOG_LEVEL', help: 'fatal|error|warn|info|debug|trace|silent (default info)' },
  deadline: { type: 'string', env: 'NETPOL_GUARD_DEADLINE', help: 'milliseconds one review may take (default 2000)' },
  'impact-budget': { type: 'string', env: 'NETPOL_GUARD_IMPACT_BUDGET', help: 'milliseconds the impact of one change on traffic may take, within the deadline; over it the impact is skipped, visibly; 0 turns impact off (default 500)' },
  'failure-mode': { type: 'string', env: 'NETPOL_GUARD_FAILURE_MODE', help: 'answer to a review that misses the deadline: allow (with a warning) or deny (default allow)' },
  'shutdown-delay': { type: 'string', env: 'NETPOL_GUARD_SHUTDOWN_DELAY', help: 'milliseconds to keep serving unready after SIGTERM (default 2000)' },
  'shutdown-timeout': { type: 'string', env: 'NETPOL_GUARD_SHUTDOWN_TIMEOUT', help: 'milliseconds to finish in-flight reviews after that (default 10000)' },
  kubeconfig: { type: 'string', env: 'NETPOL_GUARD_KUBECONFIG', help: 'kubeconfig for cluster-aware rules (default: in-cluster, then KUBECONFIG)' },
  'no-cluster': { type: 'boolean', env: 'NETPOL_GUARD_NO_CLUSTER', help: 'do not watch the cluster; cluster-aware rules are skipped' },
  'resync-seconds': { type: 'string', env: 'NETPOL_GUARD_RESYNC_SECONDS', help: 'relist cluster caches this often (default 300)' },
  'audit-reports': { type: 'boolean', env: 'NETPOL_GUARD_AUDIT_REPORTS', help: 'keep PolicyReports of the audit current; one replica writes, chosen by a Lease (needs the cluster)' },
  'report-api': { type: 'string', env: 'NETPOL_GUARD_REPORT_API', help: 'wgpolicyk8s.io/v1alpha2 (PolicyReport, default) or openreports.io/v1alpha1 (Report)' },
  'report-owner': { type: 'string', env: 'NETPOL_GUARD_REPORT_OWNER', help: 'ClusterRole that owns every report, so they are garbage-collected with it (the chart sets its own)' },
  'report-max-results': { type: 'string', env: 'NETPOL_GUARD_REPORT_MAX_RESULTS', help: 'results kept per report, failures first (default 1000)' },
  'audit-debounce': { type: 'string', env: 'NETPOL_GUARD_AUDIT_DEBOUNCE', help: 'milliseconds the cluster must be quiet before an audit (default 5000)' },
  'audit-min-interval': { type: 'string', env: 'NETPOL_GUARD_AUDIT_MIN_INTERVAL', help: 'milliseconds between two audits at least (default 30000)' },
  'lease-name': { type: 'string', env: 'NETPOL_GUARD_LEASE_NAME', help: 'the Lease that chooses the report writer (default netpol-guard-audit)' },
  'lease-namespace': { type: 'string', env: 'NETPOL_GUARD_LEASE_NAMESPACE', help: "the Lease's namespace (default: the pod's own, else default)" },
  'lease-identity': { type: 'string', env: 'NETPOL_GUARD_LEASE_IDENTITY', help: 'this replica in the Lease (default: host name and process id; the chart uses the pod name)' },
  'lease-duration': { type: 'string', env: 'NETPOL_GUARD_LEASE_DURATION', help: 'milliseconds a Lease holds without renewal (default 15000)' },
  'lease-renew-deadline': { type: 'string', env: 'NETPOL_GUARD_LEASE_RENEW_DEADLINE', help: 'milliseconds the leader keeps trying to renew before it stops writing (default 10000)' },
  'lease-retry-period': { type: 'string', env: 'NETPOL_GUARD_LEASE_RETRY_PERIOD', help: 'milliseconds between Lease attempts (default 2000)' },
  help: { type: 'boolean', env: '', help: 'show this help' },
};

function hostPort(flag: string) {
  return z.string().transform((value, ctx): HostPort => {
    const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value);
    const port = m ? Number(m[3]) : NaN;
    if (!m || port > 65535) {
      ctx.addIssue({ code: 'custom', message: `--${flag} must be HOST:PORT (e.g. 127.0.0.1:8443 or [::1]:8443), got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return { host: m[1] ?? m[2] ?? '', port };
  });
}

function millis(flag: string, min: number) {
  return z.string().transform((value, ctx) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min) {
      ctx.addIssue({ code: 'custom', message: `--${flag} must be a whole number of milliseconds >= ${min}, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return n;
  });
}

function count(flag: string, min: number) {
  return z.string().transform((value, ctx) => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < min) {
      ctx.addIssue({ code: 'custom', message: `--${flag} must be a whole number >= ${min}, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return n;
  });
}

const schema = z.object({
  listen: hostPort('listen').prefault('0.0.0.0:8443'),
  'health-listen': hostPort('health-listen').prefault('0.0.0.0:9090'),
  'tls-cert': z.string().min(1).optional(),
  'tls-key': z.string().min(1).optional(),
  'cert-dir': z.string().min(1).default('certs/dev'),
  'tls-san': z.array(z.string().min(1)).default([]),
  'client-ca': z.string().min(1).optional(),
  policy: z.string().min(1).optional(),
  'log-level': z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    error: (i) => `--log-level must be one of fatal, error, warn, info, debug, trace, silent, got ${JSON.stringify(i.input)}`,
  }).default('info'),
  deadline: millis('deadline', 1).prefault('2000'),
  'impact-budget': millis('impact-budget', 0).prefault('500'),
  'failure-mode': z.enum(['allow', 'deny'], { error: (i) => `--failure-mode must be allow or deny, got ${JSON.stringify(i.input)}` }).default('allow'),
  'shutdown-delay': millis('shutdown-delay', 0).prefault('2000'),
  'shutdown-timeout': millis('shutdown-timeout', 1).prefault('10000'),
  kubeconfig: z.string().min(1).optional(),
  'no-cluster': z.boolean().default(false),
  'resync-seconds': millis('resync-seconds', 1).prefault('300'),
  'audit-reports': z.boolean().default(false),
  'report-api': z.enum(REPORT_API_NAMES as [ReportApiName, ...ReportApiName[]], {
    error: (i) => `--report-api must be ${REPORT_API_NAMES.join(' or ')}, got ${JSON.stringify(i.input)}`,
  }).default('wgpolicyk8s.io/v1alpha2'),
  'report-owner': z.string().min(1).optional(),
  'report-max-results': count('report-max-results', 1).prefault('1000'),
  'audit-debounce': millis('audit-debounce', 0).prefault('5000'),
  'audit-min-interval': millis('audit-min-interval', 0).prefault('30000'),
  'lease-name': z.string().regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, { message: '--lease-name must be a DNS subdomain name' }).default('netpol-guard-audit'),
  'lease-namespace': z.string().min(1).optional(),
  'lease-identity': z.string().min(1).optional(),
  'lease-duration': millis('lease-duration', 1000).prefault('15000'),
  'lease-renew-deadline': millis('lease-renew-deadline', 1).prefault('10000'),
  'lease-retry-period': millis('lease-retry-period', 1).prefault('2000'),
});

function fromEnv(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [flag, spec] of Object.entries(SERVE_FLAGS)) {
    const raw = spec.env ? env[spec.env] : undefined;
    if (raw === undefined || raw === '') continue;
    if (spec.type === 'boolean') out[flag] = /^(1|true|yes)$/i.test(raw);
    else if (spec.multiple) out[flag] = raw.split(',').map((s) => s.trim()).filter(Boolean);
    else out[flag] = raw;
  }
  return out;
}

export function serveUsage(): string {
  const lines = Object.entries(SERVE_FLAGS).map(([flag, spec]) => {
    const env = spec.env ? ` [$${spec.env}]` : '';
    return `  --${flag}${spec.type === 'string' ? ' VALUE' : ''}\n      ${spec.help}${env}`;
  });
  return `Usage: netpol-guard serve [options]\n\nOptions (each also readable from the environment variable shown):\n${lines.join('\n')}\n`;
}

/** Parses `serve` arguments; throws NpgError NPG_OPTION_INVALID with every problem listed. */
export function parseServeOptions(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): ServeOptions & { help: boolean } {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      options: Object.fromEntries(Object.entries(SERVE_FLAGS).map(([k, s]) => [k, { type: s.type, ...(s.multiple ? { multiple: true } : {}) }])),
      strict: true,
      allowPositionals: false,
    });
  } catch (err) {
    throw new NpgError('NPG_OPTION_INVALID', `${(err as Error).message}\n\n${serveUsage()}`);
  }
  const merged = { ...fromEnv(env), ...Object.fromEntries(Object.entries(parsed.values).filter(([, v]) => v !== undefined)) };
  const help = merged.help === true;
  delete merged.help;
  const result = schema.safeParse(merged);
  if (!result.success) {
    const problems = result.error.issues.map((i) => (i.code === 'custom' || i.path.length === 0 ? i.message : `--${i.path.join('.')}: ${i.message}`));
    throw new NpgError('NPG_OPTION_INVALID', problems.join('\n'));
  }
  const v = result.data;
  if ((v['tls-cert'] === undefined) !== (v['tls-key'] === undefined)) {
    throw new NpgError('NPG_OPTION_INVALID', '--tls-cert and --tls-key go together: give both, or neither to use generated certificates');
  }
  if (v['audit-reports'] && v['no-cluster']) {
    throw new NpgError('NPG_OPTION_INVALID', '--audit-reports audits the cluster the informers watch: it cannot go with --no-cluster');
  }
  if (!(v['lease-retry-period'] < v['lease-renew-deadline'] && v['lease-renew-deadline'] < v['lease-duration'])) {
    throw new NpgError(
      'NPG_OPTION_INVALID',
      `--lease-retry-period (${v['lease-retry-period']}) < --lease-renew-deadline (${v['lease-renew-deadline']}) < --lease-duration (${v['lease-duration']}) must hold, so that a leader stops writing before another may start`,
    );
  }
  return Object.freeze({
    help,
    listen: v.listen,
    healthListen: v['health-listen'],
    tlsCert: v['tls-cert'],
    tlsKey: v['tls-key'],
    certDir: v['cert-dir'],
    tlsSans: Object.freeze([...v['tls-san']]),
    clientCA: v['client-ca'],
    policy: v.policy,
    logLevel: v['log-level'],
    deadlineMs: v.deadline,
    impactBudgetMs: v['impact-budget'],
    failureMode: v['failure-mode'],
    shutdownDelayMs: v['shutdown-delay'],
    shutdownTimeoutMs: v['shutdown-timeout'],
    kubeconfig: v.kubeconfig,
    cluster: !v['no-cluster'],
    resyncSeconds: v['resync-seconds'],
    audit: Object.freeze({
      enabled: v['audit-reports'],
      reportApi: v['report-api'],
      reportOwner: v['report-owner'],
      maxResults: v['report-max-results'],
      debounceMs: v['audit-debounce'],
      minIntervalMs: v['audit-min-interval'],
      leaseName: v['lease-name'],
      leaseNamespace: v['lease-namespace'],
      leaseIdentity: v['lease-identity'],
      leaseDurationMs: v['lease-duration'],
      renewDeadlineMs: v['lease-renew-deadline'],
      retryPeriodMs: v['lease-retry-period'],
    }),
  });
}

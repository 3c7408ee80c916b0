/**
 * netpol-guard as the API server meets it in production: the built CLI (`dist/main.js serve`) in
 * a child process of its own, serving a certificate from the cluster CA, registered by URL in a
 * ValidatingWebhookConfiguration and a MutatingWebhookConfiguration.
 *
 *   const webhook = await startWebhook({ workDir, name: 'a', certFile, keyFile });
 *   await createNamespace(cluster, 'team-a', 'a');
 *   await registerWebhook(cluster, { name: 'a', url: webhook.url, caPem: cluster.caPem, failurePolicy: 'Fail' }, 'team-a');
 *
 * Each registration reviews only the namespaces labelled `e2e.netpol-guard.io/webhook=NAME`, so
 * several webhooks (one of them stopped on purpose) can share one API server without interfering.
 */
import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { type Cluster, type CommandResult, newWorkDir, startCluster } from './harness/cluster.js';
import { formatCommand } from './harness/command.js';
import { ManagedProcess } from './harness/processes.js';
import { kubectlPath } from './harness/tools.js';
import { get } from './harness/net.js';
import { waitFor } from './harness/wait.js';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN_JS = join(REPO_ROOT, 'dist', 'main.js');

/** The namespace label that routes a namespace to one registered webhook. */
export const WEBHOOK_LABEL = 'e2e.netpol-guard.io/webhook';

/** One JSON log line of the server (pino). */
export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

export interface RunningWebhook {
  /** https://127.0.0.1:PORT, without a path. */
  readonly url: string;
  /** http://127.0.0.1:PORT of /livez, /readyz and /metrics. */
  readonly healthUrl: string;
  readonly process: ManagedProcess;
  /** Every JSON line the server has logged so far. */
  logLines(): LogLine[];
  /** The Prometheus text from /metrics. */
  metrics(): Promise<string>;
  /** SIGKILL: the webhook is gone at once, as after a crash or an evicted pod. */
  kill(): Promise<void>;
  /** SIGTERM and wait: the orderly stop. Idempotent. */
  stop(): Promise<void>;
}

export interface StartWebhookOptions {
  /** Holds the server's log file (webhook-NAME.log). */
  workDir: string;
  name: string;
  certFile: string;
  keyFile: string;
  /** Watch the cluster through this kubeconfig (the informers); default --no-cluster. */
  kubeconfig?: string;
  extraArgs?: string[];
  /** How long start-up may take (default 30 s; with a cluster to list and watch, give more). */
  startTimeoutMs?: number;
}

function readLog(file: string): LogLine[] {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const lines: LogLine[] = [];
  for (const raw of text.split('\n')) {
    if (!raw.startsWith('{')) continue;
    try {
      lines.push(JSON.parse(raw) as LogLine);
    } catch {
      // A line still being written.
    }
  }
  return lines;
}

/**
 * Starts `node dist/main.js serve` on 127.0.0.1 with ports the kernel picks (port 0), and reads the
 * real ones from its "serving" log line, so there is no window in which another program could take
 * a port chosen in advance.
 */
export async function startWebhook(options: StartWebhookOptions): Promise<RunningWebhook> {
  const logFile = join(options.workDir, `webhook-${options.name}.log`);
  await writeFile(logFile, '');
  const proc = new ManagedProcess({
    name: `netpol-guard (${options.name})`,
    command: process.execPath,
    args: [
      MAIN_JS, 'serve',
      '--listen', '127.0.0.1:0',
      '--health-listen', '127.0.0.1:0',
      '--tls-cert', options.certFile,
      '--tls-key', options.keyFile,
      ...(options.kubeconfig ? ['--kubeconfig', options.kubeconfig] : ['--no-cluster']),
      // Nothing routes traffic here through Endpoints, so there is nothing to wait for on stop.
      '--shutdown-delay', '0',
      '--log-level', 'info',
      ...(options.extraArgs ?? []),
    ],
    logFile,
    cwd: REPO_ROOT,
  });
  const serving = await waitFor(
    () => {
      if (!proc.running) {
        throw new Error(`netpol-guard ${proc.describeExit()}:\n${readFileSync(logFile, 'utf8')}`);
      }
      return readLog(logFile).find((l) => typeof l.webhook === 'string' && typeof l.health === 'string');
    },
    { timeoutMs: options.startTimeoutMs ?? 30_000, intervalMs: 100, description: `netpol-guard (${options.name}) to log its listening addresses` },
  ).catch((error: Error) => {
    proc.killNow();
    throw error;
  });
  const url = serving.webhook as string;
  const healthUrl = serving.health as string;
  await waitFor(async () => (await get(`${healthUrl}/readyz`)).status === 200, {
    timeoutMs: options.startTimeoutMs ?? 30_000,
    description: `netpol-guard (${options.name}) /readyz`,
  });
  return {
    url,
    healthUrl,
    process: proc,
    logLines: () => readLog(logFile),
    metrics: async () => (await get(`${healthUrl}/metrics`)).body,
    async kill() {
      proc.killNow();
      // stop() waits with a referenced timer: the child is unref'd, and awaiting only its exit
      // would let node end the test process meanwhile.
      await proc.stop();
    },
    async stop() {
      await proc.stop();
    },
  };
}

export interface Registration {
  /** Names the configurations (`netpol-guard-NAME`) and the namespaces they review. */
  name: string;
  /** https://127.0.0.1:PORT */
  url: string;
  caPem: string;
  failurePolicy: 'Fail' | 'Ignore';
  timeoutSeconds?: number;
  /**
   * Register /mutate too (default true). false is what the chart does by default: the validating
   * webhook alone.
   */
  mutating?: boolean;
}

/**
 * The webhook names the chart uses, so kubectl's lines read as they will in a cluster. Names need
 * only be unique within one configuration, and each namespace here is reviewed by one of them.
 */
export const VALIDATING_WEBHOOK = 'validate.netpol-guard.io';
export const MUTATING_WEBHOOK = 'mutate.netpol-guard.io';

/**
 * The configurations as an operator would write them for a webhook reached by URL: the validating
 * one, and the mutating one unless `mutating: false`.
 */
export function webhookConfigurations(r: Registration): string {
  const caBundle = Buffer.from(r.caPem).toString('base64');
  const common = (path: string, operations: string[]) => `
  admissionReviewVersions: [v1]
  sideEffects: None
  timeoutSeconds: ${r.timeoutSeconds ?? 5}
  failurePolicy: ${r.failurePolicy}
  matchPolicy: Equivalent
  namespaceSelector:
    matchLabels:
      ${WEBHOOK_LABEL}: ${r.name}
  clientConfig:
    url: ${r.url}${path}
    caBundle: ${caBundle}
  rules:
  - apiGroups: [networking.k8s.io]
    apiVersions: [v1]
    resources: [networkpolicies]
    operations: [${operations.join(', ')}]
    scope: Namespaced`;
  const mutating = `apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: netpol-guard-${r.name}
webhooks:
- name: ${MUTATING_WEBHOOK}
  reinvocationPolicy: Never${common('/mutate', ['CREATE', 'UPDATE'])}
---
`;
  return `${r.mutating === false ? '' : mutating}apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata:
  name: netpol-guard-${r.name}
webhooks:
- name: ${VALIDATING_WEBHOOK}${common('/validate', ['CREATE', 'UPDATE', 'DELETE'])}
`;
}

/** A policy the built-in org policy denies (cloud-metadata-egress), for probing registration. */
export function probePolicy(namespace: string): string {
  return `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: registration-probe, namespace: ${namespace}}
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
  - to:
    - ipBlock: {cidr: 0.0.0.0/0}
    ports:
    - {port: 443, protocol: TCP}
`;
}

/** Creates a namespace routed to the webhook registered as `webhook` (a 1.20 server sets no labels). */
export async function createNamespace(cluster: Cluster, name: string, webhook: string): Promise<void> {
  await cluster.kubectl(['create', 'namespace', name], { check: true });
  await cluster.kubectl(['label', 'namespace', name, `kubernetes.io/metadata.name=${name}`, `${WEBHOOK_LABEL}=${webhook}`], { check: true });
}

/**
 * Applies both configurations, then waits until the API server calls the validating webhook: a
 * server-side dry run of the probe policy in `probeNamespace` is denied by it. The server reads
 * webhook configurations through an informer, so the first writes after `apply` may not be seen.
 */
export async function registerWebhook(cluster: Cluster, r: Registration, probeNamespace: string): Promise<void> {
  await cluster.kubectl(['apply', '-f', '-'], { input: webhookConfigurations(r), check: true });
  const denied = `admission webhook "${VALIDATING_WEBHOOK}" denied the request`;
  await cluster.waitFor(
    async () => {
      const probe = await cluster.kubectl(['apply', '--dry-run=server', '-f', '-'], { input: probePolicy(probeNamespace) });
      return probe.stderr.includes(denied) || undefined;
    },
    { timeoutMs: 60_000, intervalMs: 250, description: `the API server to call netpol-guard-${r.name} at ${r.url}` },
  );
}

export interface KubectlRun extends CommandResult {
  /** The command as a person would type it: `kubectl apply -f examples/good-policy.yaml`. */
  command: string;
}

/**
 * kubectl run from `cwd` (so file names are relative, as a person would type them), with the
 * cluster's kubeconfig. With `combined`, stderr goes into stdout as on a terminal, in the order
 * kubectl wrote them (warnings, then the result); `stderr` is then empty.
 */
export function kubectlIn(
  cluster: Cluster,
  cwd: string,
  args: readonly string[],
  options: { input?: string; combined?: boolean } = {},
): Promise<KubectlRun> {
  const command = formatCommand('kubectl', args);
  const [program, argv] = options.combined
    ? ['/bin/sh', ['-c', 'exec "$0" "$@" 2>&1', kubectlPath(), ...args]]
    : [kubectlPath(), [...args]];
  return new Promise((resolve, reject) => {
    const child = spawn(program, argv, { cwd, env: { ...process.env, ...cluster.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (signal) reject(new Error(`${command}: killed by ${signal}\n${stdout}${stderr}`));
      else resolve({ command, code: code ?? -1, stdout, stderr });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
  });
}

/** A transcript: the command after a prompt, then stdout and stderr as the terminal shows them. */
export function transcript(...runs: KubectlRun[]): string {
  return runs.map((r) => `$ ${r.command}\n${r.stdout}${r.stderr}`).join('\n');
}

/**
 * The certificate files as a Kubernetes Secret volume presents them: tls.crt and tls.key are
 * symlinks through `..data`, which points at a timestamped directory. Rotation writes a new
 * directory and renames a new `..data` link over the old one: one atomic step that changes both
 * files at once, so a reader never sees a new certificate beside an old key.
 */
export class SecretVolume {
  private generation = 0;
  constructor(readonly dir: string) {}

  get certFile(): string {
    return join(this.dir, 'tls.crt');
  }

  get keyFile(): string {
    return join(this.dir, 'tls.key');
  }

  async write(certPem: string, keyPem: string): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const data = `..${Date.now()}_${++this.generation}`;
    await mkdir(join(this.dir, data));
    await writeFile(join(this.dir, data, 'tls.crt'), certPem);
    await writeFile(join(this.dir, data, 'tls.key'), keyPem, { mode: 0o600 });
    const tmpLink = join(this.dir, '..data_tmp');
    await rm(tmpLink, { force: true });
    await symlink(data, tmpLink);
    await rename(tmpLink, join(this.dir, '..data'));
    for (const file of ['tls.crt', 'tls.key']) {
      await symlink(join('..data', file), join(this.dir, file)).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'EEXIST') throw e;
      });
    }
  }
}

/** The SHA-256 fingerprint of the certificate a TLS server presents (as X509Certificate prints it). */
export function servedFingerprint(url: string, caPem: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port), ca: caPem }, () => {
      const raw = socket.getPeerX509Certificate();
      socket.end();
      if (raw) resolve(raw.fingerprint256);
      else reject(new Error(`${url} presented no certificate`));
    });
    socket.on('error', reject);
  });
}

export function fingerprintOf(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

/** What a test bed needs of a tap test. */
interface TestLike {
  teardown(fn: () => Promise<void>): void;
  passing(): boolean;
  comment(...message: unknown[]): void;
}

export interface WebhookTestBed {
  readonly workDir: string;
  readonly cluster: Cluster;
  /** `<workDir>/manifests`, made empty. */
  readonly manifests: string;
  /** Hands the test's webhook to the teardown, which stops it before the cluster. */
  started(webhook: RunningWebhook): RunningWebhook;
}

/**
 * A work directory, a real API server and (once started) the webhook for one test, all torn down
 * with it; the work directory stays when the test fails, and the test says where.
 */
export async function webhookTestBed(t: TestLike, name: string): Promise<WebhookTestBed> {
  const workDir = await newWorkDir(name);
  const cluster = await startCluster({ workDir });
  let webhook: RunningWebhook | undefined;
  t.teardown(async () => {
    await webhook?.stop().catch(() => undefined);
    await cluster.stop();
    if (t.passing()) await rm(workDir, { recursive: true, force: true });
    else t.comment(`work dir kept for inspection: ${workDir}`);
  });
  const manifests = join(workDir, 'manifests');
  await mkdir(manifests);
  return {
    workDir,
    cluster,
    manifests,
    started: (w) => (webhook = w),
  };
}

/** The default-deny of ingress the impact tests apply to namespace `shop`. */
export const SHOP_DEFAULT_DENY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: shop}
spec:
  podSelector: {}
  policyTypes: [Ingress]
`;

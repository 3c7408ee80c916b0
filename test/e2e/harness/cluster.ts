/**
 * A real Kubernetes API server (v1.20.2) and etcd on loopback, for end-to-end tests.
 *
 * No kubelet, controller-manager or scheduler: objects are stored, defaulted, validated and sent
 * through admission webhooks, and nothing reconciles them. That is all a NetworkPolicy admission
 * webhook needs. Each cluster owns a fresh work directory holding its certificates, etcd data,
 * logs and kubeconfig; nothing is shared between clusters, so tests may run side by side.
 *
 *   const cluster = await startCluster({ workDir: await newWorkDir('my-test') });
 *   t.teardown(() => cluster.stop());
 *   await cluster.kubectl(['apply', '-f', '-'], { input: yaml, check: true });
 *
 * Starting fails with an Error naming the component and quoting the end of its log; it never
 * skips. See README.md beside this file for what a 1.20 server does differently.
 */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCommand, type CommandResult, type RunOptions } from './command.js';
import { apiserverArgs, checkApiserverVersion, etcdArgs, type ClusterPorts } from './components.js';
import { kubeconfigYaml, toolEnv } from './kubeconfig.js';
import { assertPortFree, get, pickFreePorts, type TlsClientOptions } from './net.js';
import { createPki, issue, type CertificateRequest, type IssuedCertificate, type Pki } from './pki.js';
import { ManagedProcess } from './processes.js';
import { etcdPath, helmPath, kubeApiserverPath, kubectlPath } from './tools.js';
import { waitFor, type WaitOptions } from './wait.js';

export type { CommandResult, RunOptions } from './command.js';
export type { CertificateRequest, IssuedCertificate } from './pki.js';
export type { WaitOptions } from './wait.js';
export type { ClusterPorts } from './components.js';
export { KUBE_APISERVER_VERSION } from './components.js';

export type Component = 'kube-apiserver' | 'etcd';

export interface StartClusterOptions {
  /** Created if missing; must be empty. Keeps pki/, etcd/, *.log, kubeconfig after stop(). */
  workDir: string;
  /** Fixed loopback ports; any left out are picked free (and re-picked if another process wins). */
  ports?: Partial<ClusterPorts>;
  /** How long kube-apiserver may take to report /readyz ok. Default 90 s. */
  readyTimeoutMs?: number;
  /** kube-apiserver --v. Default 1; 5 or more logs every webhook call. */
  logLevel?: number;
  /** Extra kube-apiserver flags, appended after ours (a repeated flag overrides ours). */
  apiserverFlags?: string[];
  /** Admission plugins to turn off (NamespaceLifecycle: objects in namespaces that do not exist). */
  withoutAdmission?: string[];
  /** Where binaries are looked up (KUBE_APISERVER, ETCD, KUBECTL, HELM). Default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface Cluster {
  readonly workDir: string;
  /** A kubeconfig with the admin client certificate embedded; namespace `default`. */
  readonly kubeconfig: string;
  readonly apiUrl: string;
  readonly etcdUrl: string;
  readonly ports: Readonly<ClusterPorts>;
  /** The CA that signed the API server's and the admin's certificates, and issueCertificate's. */
  readonly caPem: string;
  readonly caFile: string;
  /** PEMs for direct HTTPS calls to apiUrl as a system:masters user. */
  readonly adminTls: Readonly<TlsClientOptions>;
  /** KUBECONFIG plus private kubectl/helm cache and config directories, for other programs. */
  readonly env: Readonly<Record<string, string>>;
  /** Milliseconds from startCluster() to a ready API server with its `default` namespace. */
  readonly startupMs: number;
  kubectl(args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  helm(args: readonly string[], options?: RunOptions): Promise<CommandResult>;
  /** waitFor (see wait.ts) that adds the end of kube-apiserver's log to a timeout's Error. */
  waitFor<T>(
    probe: () => T | undefined | null | false | Promise<T | undefined | null | false>,
    options?: WaitOptions,
  ): Promise<T>;
  /** A component's log so far, or its last `tail` lines. */
  logs(component?: Component, options?: { tail?: number }): string;
  /** A certificate signed by the cluster CA, in WORKDIR/certs (a webhook's: usage 'server',
   * subjectAltNames ['IP:127.0.0.1']); its caBundle is `caPem`. */
  issueCertificate(request: CertificateRequest): Promise<IssuedCertificate>;
  /** SIGTERM to kube-apiserver then etcd, SIGKILL after 10 s each. Idempotent. */
  stop(): Promise<void>;
}

/** A fresh directory under test/e2e/.work/ (git-ignored), e.g. newWorkDir('webhook'). */
export async function newWorkDir(label: string): Promise<string> {
  const root = fileURLToPath(new URL('../.work/', import.meta.url));
  await mkdir(root, { recursive: true });
  return mkdtemp(join(root, `${label}-`));
}

const LOG_TAIL_LINES = 40;
const ETCD_READY_MS = 20_000;
const MAX_PORT_ATTEMPTS = 3;

/** Starts etcd and kube-apiserver in `options.workDir` and waits until the API serves requests. */
export async function startCluster(options: StartClusterOptions): Promise<Cluster> {
  const started = Date.now();
  const env = options.env ?? process.env;
  const bins = {
    apiserver: kubeApiserverPath(env),
    etcd: etcdPath(env),
    kubectl: kubectlPath(env),
    helm: helmPath(env),
  };
  await checkApiserverVersion(bins.apiserver);
  const workDir = resolve(options.workDir);
  await prepareWorkDir(workDir);
  const pki = await createPki(join(workDir, 'pki'));

  const fixed = options.ports ?? {};
  const allFixed = fixed.api !== undefined && fixed.etcd !== undefined && fixed.etcdPeer !== undefined;
  for (let attempt = 1; ; attempt++) {
    const ports = await choosePorts(fixed);
    try {
      const procs = await boot(workDir, pki, ports, bins, options);
      return await makeCluster(workDir, pki, ports, bins, procs, env, Date.now() - started).catch(async (error) => {
        await procs.apiserver.stop().finally(() => procs.etcd.stop());
        throw error;
      });
    } catch (error) {
      // Free ports are picked, then bound later by another program: a race another process
      // can win. Try again with new ones; a port the caller fixed is the caller's to fix.
      if (error instanceof PortTakenError && !allFixed && attempt < MAX_PORT_ATTEMPTS) continue;
      throw error;
    }
  }
}

class PortTakenError extends Error {}

interface Procs {
  etcd: ManagedProcess;
  apiserver: ManagedProcess;
}

async function boot(
  workDir: string,
  pki: Pki,
  ports: ClusterPorts,
  bins: { apiserver: string; etcd: string },
  options: StartClusterOptions,
): Promise<Procs> {
  const etcdUrl = `http://127.0.0.1:${ports.etcd}`;
  const apiUrl = `https://127.0.0.1:${ports.api}`;
  const adminTls = tlsOf(pki);
  await rm(join(workDir, 'etcd'), { recursive: true, force: true });
  const started: ManagedProcess[] = [];
  const start = async (name: Component, command: string, args: string[]) => {
    const logFile = join(workDir, `${name}.log`);
    await writeFile(logFile, ''); // a retry must not find the last attempt's bind error
    const p = new ManagedProcess({ name, command, args, logFile, cwd: workDir });
    started.push(p);
    return p;
  };
  try {
    const etcd = await start('etcd', bins.etcd, etcdArgs(workDir, ports));
    await waitReady(etcd, ETCD_READY_MS, 'GET /health', async () => {
      const r = await get(`${etcdUrl}/health`);
      return r.status === 200 && /"health":\s*"true"/.test(r.body);
    });
    const apiserver = await start('kube-apiserver', bins.apiserver, [
      ...apiserverArgs(pki, ports, options.logLevel ?? 1, options.withoutAdmission),
      ...(options.apiserverFlags ?? []),
    ]);
    const readyMs = options.readyTimeoutMs ?? 90_000;
    await waitReady(apiserver, readyMs, 'GET /readyz', async () => {
      const r = await get(`${apiUrl}/readyz`, adminTls);
      return r.status === 200 && r.body.trim() === 'ok';
    });
    // A post-start hook creates `default` just after /readyz turns ok; wait so that a test's
    // first `kubectl apply` into it cannot race the hook.
    await waitReady(apiserver, 20_000, 'GET /api/v1/namespaces/default', async () => {
      return (await get(`${apiUrl}/api/v1/namespaces/default`, adminTls)).status === 200;
    });
    return { etcd, apiserver };
  } catch (error) {
    for (const p of started.reverse()) await p.stop().catch(() => undefined);
    throw error;
  }
}

/** Polls `probe` until true; fails at once if the process exits, or with its log on timeout. */
async function waitReady(proc: ManagedProcess, timeoutMs: number, what: string, probe: () => Promise<boolean>) {
  const deadline = Date.now() + timeoutMs;
  let lastError = '';
  for (;;) {
    if (!proc.running) throw componentError(proc, `${proc.describeExit()} before ${what} succeeded`);
    try {
      if (await probe()) return;
      lastError = '';
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) {
      const detail = lastError ? ` (last error: ${lastError})` : '';
      throw componentError(proc, `did not answer ${what} within ${timeoutMs / 1000} s${detail}`);
    }
    await sleep(150);
  }
}

function componentError(proc: ManagedProcess, what: string): Error {
  const tail = tailOf(proc.logFile, LOG_TAIL_LINES);
  const message = `${proc.name} ${what} (log: ${proc.logFile})\n--- last lines of ${basename(proc.logFile)} ---\n${tail}`;
  return /address already in use/.test(tail) ? new PortTakenError(message) : new Error(message);
}

function tailOf(file: string, lines?: number): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return `(cannot read ${file}: ${(error as Error).message})`;
  }
  return lines === undefined ? text : text.trimEnd().split('\n').slice(-lines).join('\n');
}

async function choosePorts(fixed: Partial<ClusterPorts>): Promise<ClusterPorts> {
  for (const [what, port] of Object.entries(fixed)) if (port !== undefined) await assertPortFree(port, what);
  const [a = 0, b = 0, c = 0] = await pickFreePorts(3);
  return { api: fixed.api ?? a, etcd: fixed.etcd ?? b, etcdPeer: fixed.etcdPeer ?? c };
}

async function prepareWorkDir(workDir: string): Promise<void> {
  await mkdir(workDir, { recursive: true });
  const entries = await readdir(workDir);
  // Old etcd data or certificates would leak one run's objects into the next.
  if (entries.length > 0) {
    throw new Error(`workDir ${workDir} is not empty (${entries.slice(0, 5).join(', ')}); give each cluster a fresh directory, e.g. newWorkDir()`);
  }
}

function tlsOf(pki: Pki): TlsClientOptions {
  return { ca: pki.caPem, cert: readFileSync(pki.adminCert, 'utf8'), key: readFileSync(pki.adminKey, 'utf8') };
}

async function makeCluster(
  workDir: string,
  pki: Pki,
  ports: ClusterPorts,
  bins: { kubectl: string; helm: string },
  procs: Procs,
  baseEnv: NodeJS.ProcessEnv,
  startupMs: number,
): Promise<Cluster> {
  const apiUrl = `https://127.0.0.1:${ports.api}`;
  const adminTls = tlsOf(pki);
  const kubeconfig = join(workDir, 'kubeconfig');
  await writeFile(kubeconfig, kubeconfigYaml(apiUrl, adminTls), { mode: 0o600 });
  // Private caches: discovery results are keyed by host:port, and every run has new ports.
  const own = {
    KUBECONFIG: kubeconfig,
    KUBECACHEDIR: join(workDir, 'kube-cache'),
    HELM_CACHE_HOME: join(workDir, 'helm', 'cache'),
    HELM_CONFIG_HOME: join(workDir, 'helm', 'config'),
    HELM_DATA_HOME: join(workDir, 'helm', 'data'),
  };
  const env = toolEnv(baseEnv, own);
  let stopping: Promise<void> | undefined;

  const usable = () => {
    if (stopping) throw new Error(`the cluster in ${workDir} has been stopped`);
    if (!procs.apiserver.running) throw componentError(procs.apiserver, procs.apiserver.describeExit());
  };
  const logFileOf = (component: Component) => (component === 'etcd' ? procs.etcd : procs.apiserver).logFile;

  return {
    workDir,
    kubeconfig,
    apiUrl,
    etcdUrl: `http://127.0.0.1:${ports.etcd}`,
    ports: Object.freeze({ ...ports }),
    caPem: pki.caPem,
    caFile: pki.caCert,
    adminTls: Object.freeze(adminTls),
    env: Object.freeze(own),
    startupMs,
    async kubectl(args, options) {
      usable();
      return runCommand(bins.kubectl, args, env, options);
    },
    async helm(args, options) {
      usable();
      return runCommand(bins.helm, args, env, options);
    },
    async waitFor(probe, options) {
      try {
        return await waitFor(probe, options);
      } catch (error) {
        const tail = tailOf(procs.apiserver.logFile, 15);
        throw new Error(`${(error as Error).message}\n--- last lines of kube-apiserver.log ---\n${tail}`);
      }
    },
    logs(component = 'kube-apiserver', options = {}) {
      return tailOf(logFileOf(component), options.tail);
    },
    issueCertificate(request) {
      return issue(pki, join(workDir, 'certs'), request);
    },
    stop() {
      // The API server first: it talks to etcd while it shuts down.
      stopping ??= (async () => {
        try {
          await procs.apiserver.stop();
        } finally {
          await procs.etcd.stop();
        }
      })();
      return stopping;
    },
  };
}

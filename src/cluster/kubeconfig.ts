/**
 * Where the informers get their client configuration: --kubeconfig FILE, else the pod's service
 * account (in-cluster), else KUBECONFIG or ~/.kube/config. Unlike KubeConfig.loadFromDefault we
 * never fall back to http://localhost:8080: no usable configuration is an NpgError
 * NPG_CLUSTER_CONFIG saying what was tried.
 */
import { existsSync } from 'node:fs';
import type https from 'node:https';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { NpgError, describeError } from '../errors.js';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/**
 * A KubeConfig whose fetch options carry a timeout. client-node's Watch builds its request from
 * applyToFetchOptions and sets no timeout of its own, so a connection that never answers (a hung
 * API server, a silently dropped route) would wait forever. The timeout covers the time until the
 * response headers arrive; a watch that is streaming is not cut by it.
 */
export class TimedKubeConfig extends KubeConfig {
  constructor(private readonly requestTimeoutMs: number) {
    super();
  }

  override applyToFetchOptions(opts: https.RequestOptions): ReturnType<KubeConfig['applyToFetchOptions']> {
    return super.applyToFetchOptions({ ...opts, timeout: this.requestTimeoutMs });
  }
}

export interface KubeConfigOptions {
  /** --kubeconfig: used alone when given. */
  readonly kubeconfig?: string;
  /** Timeout for a request until its response headers (see TimedKubeConfig). */
  readonly requestTimeoutMs: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly serviceAccountDir?: string;
  readonly homeDir?: string;
}

export interface LoadedKubeConfig {
  readonly config: KubeConfig;
  /** Where it came from, for logs: `--kubeconfig /x`, `in-cluster`, `KUBECONFIG /x`, `~/.kube/config`. */
  readonly origin: string;
  readonly server: string;
}

function fail(what: string, err?: unknown): never {
  throw new NpgError('NPG_CLUSTER_CONFIG', err === undefined ? what : `${what}: ${describeError(err)}`, err === undefined ? undefined : { cause: err });
}

function checked(config: KubeConfig, origin: string): LoadedKubeConfig {
  if (!config.getCurrentContext()) fail(`${origin}: no current-context`);
  const cluster = config.getCurrentCluster();
  if (!cluster) fail(`${origin}: the current context "${config.getCurrentContext()}" names no known cluster`);
  if (!cluster.server) fail(`${origin}: the cluster "${cluster.name}" has no server`);
  try {
    new URL(cluster.server);
  } catch {
    fail(`${origin}: the cluster "${cluster.name}" has an invalid server URL ${JSON.stringify(cluster.server)}`);
  }
  return { config, origin, server: cluster.server };
}

function fromFiles(files: readonly string[], origin: string, timeoutMs: number): LoadedKubeConfig {
  const config = new TimedKubeConfig(timeoutMs);
  for (const [i, file] of files.entries()) {
    try {
      if (i === 0) config.loadFromFile(file);
      else {
        const more = new KubeConfig();
        more.loadFromFile(file);
        config.mergeConfig(more, true);
      }
    } catch (err) {
      fail(`${origin}: cannot load ${file}`, err);
    }
  }
  return checked(config, origin);
}

/** The pod's service account, as KubeConfig.loadFromCluster builds it, from an explicit env. */
function inCluster(env: NodeJS.ProcessEnv, dir: string, timeoutMs: number): LoadedKubeConfig {
  const host = env.KUBERNETES_SERVICE_HOST ?? '';
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const config = new TimedKubeConfig(timeoutMs);
  config.loadFromOptions({
    clusters: [{ name: 'in-cluster', server, caFile: join(dir, 'ca.crt'), skipTLSVerify: false }],
    // tokenFile: client-node re-reads the projected token every minute, so rotation is followed.
    users: [{ name: 'in-cluster', authProvider: { name: 'tokenFile', config: { tokenFile: join(dir, 'token') } } }],
    contexts: [{ name: 'in-cluster', cluster: 'in-cluster', user: 'in-cluster' }],
    currentContext: 'in-cluster',
  });
  return checked(config, 'in-cluster');
}

export function loadKubeConfig(options: KubeConfigOptions): LoadedKubeConfig {
  const env = options.env ?? process.env;
  const timeout = options.requestTimeoutMs;
  if (options.kubeconfig) {
    if (!existsSync(options.kubeconfig)) fail(`--kubeconfig ${options.kubeconfig}: no such file`);
    return fromFiles([options.kubeconfig], `--kubeconfig ${options.kubeconfig}`, timeout);
  }
  const saDir = options.serviceAccountDir ?? SERVICE_ACCOUNT_DIR;
  if (env.KUBERNETES_SERVICE_HOST && existsSync(join(saDir, 'token'))) return inCluster(env, saDir, timeout);
  const listed = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (listed.length > 0) {
    const present = listed.filter((f) => existsSync(f));
    if (present.length === 0) fail(`KUBECONFIG=${env.KUBECONFIG}: no such file`);
    return fromFiles(present, `KUBECONFIG ${present.join(delimiter)}`, timeout);
  }
  const home = join(options.homeDir ?? homedir(), '.kube', 'config');
  if (existsSync(home)) return fromFiles([home], home, timeout);
  return fail(
    'no Kubernetes client configuration: no --kubeconfig, not in a cluster (KUBERNETES_SERVICE_HOST unset or no service account token), ' +
      `KUBECONFIG unset and no ${home}`,
  );
}

/**
 * The webhook's cluster view: informers when a cluster is configured, nothing otherwise. A
 * missing configuration is fatal only when one was asked for (--kubeconfig); on a laptop
 * (`npm start`) the webhook runs without cluster-aware rules and says so.
 */
import type { InformerClusterView } from '../cluster/informers.js';
import type { ClusterView } from '../cluster/view.js';
import { describeError, NpgError } from '../errors.js';
import type { CheckResult } from './readiness.js';

export interface ClusterSourceLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export interface ClusterSourceOptions {
  readonly enabled: boolean;
  readonly kubeconfig?: string;
  readonly resyncSeconds: number;
  readonly logger: ClusterSourceLogger;
}

export class ClusterSource {
  private informers?: InformerClusterView;
  private disabledBecause: string;

  private constructor(opts: ClusterSourceOptions) {
    this.disabledBecause = opts.enabled ? '' : 'cluster-aware rules disabled (--no-cluster)';
  }

  /**
   * Starts the informers without waiting for their first sync (/readyz does). Throws NpgError
   * NPG_CLUSTER_CONFIG only when --kubeconfig was given and is unusable.
   */
  static async open(opts: ClusterSourceOptions): Promise<ClusterSource> {
    const source = new ClusterSource(opts);
    if (!opts.enabled) return source;
    // The Kubernetes client is large (tens of MB, half a second to load); with --no-cluster it
    // is never loaded at all.
    const { createInformerClusterView } = await import('../cluster/informers.js');
    const informers = createInformerClusterView({ kubeconfig: opts.kubeconfig, resyncSeconds: opts.resyncSeconds, logger: opts.logger });
    const started = informers.start();
    // A configuration error surfaces at once; a slow first sync must not hold up the listener.
    const early = await Promise.race([started.then(() => 'synced' as const, (err: unknown) => err), new Promise((r) => setTimeout(r, 50, 'pending'))]);
    if (early instanceof NpgError && early.code === 'NPG_CLUSTER_CONFIG') {
      await informers.stop();
      if (opts.kubeconfig) throw early;
      source.disabledBecause = `no cluster configuration found; cluster-aware rules disabled (${early.message})`;
      opts.logger.warn({ err: early.toString() }, 'running without cluster state: pass --kubeconfig, run in a cluster, or --no-cluster');
      return source;
    }
    if (early !== 'synced' && early !== 'pending') opts.logger.error({ err: describeError(early) }, 'cluster caches not synced yet; retrying');
    started.catch((err: unknown) => opts.logger.error({ err: describeError(err) }, 'cluster caches not synced yet; retrying'));
    source.informers = informers;
    return source;
  }

  /** The view for reviews, or undefined when cluster-aware rules are off. */
  view(): ClusterView | undefined {
    return this.informers?.view;
  }

  /** Goes up with every change the informers bring; 0 without them. */
  revision(): number {
    return this.informers?.revision() ?? 0;
  }

  readiness(): CheckResult {
    if (!this.informers) return { ok: true, detail: this.disabledBecause };
    return this.informers.readiness();
  }

  async close(): Promise<void> {
    await this.informers?.stop();
  }
}

/**
 * An informer view started against a fresh fake API server (fake-apiserver.ts) holding some
 * objects, torn down with the test; and a poll for "until this is true", for the informer tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ClusterLogger, createInformerClusterView, type InformerClusterView } from '../../src/cluster/informers.js';
import type { ClusterView } from '../../src/cluster/view.js';
import { type Collection, FakeApiServer } from './fake-apiserver.js';

type Obj = { apiVersion?: string; kind: string; metadata: { name: string; namespace?: string } };

export const KIND_COLLECTION: Record<string, Collection> = {
  Namespace: 'namespaces',
  Pod: 'pods',
  Service: 'services',
  Node: 'nodes',
  NetworkPolicy: 'networkpolicies',
  ValidatingWebhookConfiguration: 'validatingwebhookconfigurations',
  MutatingWebhookConfiguration: 'mutatingwebhookconfigurations',
  DaemonSet: 'daemonsets',
  ClusterNetworkPolicy: 'clusternetworkpolicies',
};

export const quiet: ClusterLogger = { info() {}, warn() {}, error() {}, debug() {} };

export async function fakeWith(objects: readonly unknown[]): Promise<FakeApiServer> {
  const fake = await FakeApiServer.start();
  for (const o of objects as Obj[]) {
    const c = KIND_COLLECTION[o.kind];
    if (c) fake.put(c, structuredClone(o) as never);
  }
  return fake;
}

export interface Setup {
  fake: FakeApiServer;
  informers: InformerClusterView;
  view: ClusterView;
}

export interface SetupOptions {
  staleAfterSeconds?: number;
  resyncSeconds?: number;
  /** false: the informers are made but not started (the test starts them). */
  start?: boolean;
  logger?: ClusterLogger;
  /** Called with the fake before the informers start (switches to set first). */
  before?: (fake: FakeApiServer) => void;
}

type Tap = { teardown(fn: () => unknown): void };

export async function setup(t: Tap, objects: readonly unknown[], opts: SetupOptions = {}): Promise<Setup> {
  const fake = await fakeWith(objects);
  opts.before?.(fake);
  const dir = await mkdtemp(join(tmpdir(), 'npg-informers-'));
  const kubeconfig = await fake.writeKubeconfig(join(dir, 'kubeconfig'));
  const informers = createInformerClusterView({ kubeconfig, resyncSeconds: opts.resyncSeconds ?? 300, staleAfterSeconds: opts.staleAfterSeconds ?? 4, logger: opts.logger ?? quiet });
  t.teardown(async () => {
    await informers.stop();
    await fake.close();
    await rm(dir, { recursive: true, force: true });
  });
  if (opts.start !== false) await informers.start({ timeoutMs: 10_000 });
  return { fake, informers, view: informers.view };
}

/** Polls `probe` until it holds; the milliseconds it took. Throws after `timeoutMs`. */
export async function until(what: string, probe: () => boolean, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  while (!probe()) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
  return Date.now() - started;
}

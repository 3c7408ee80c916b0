/**
 * A small stand-in for the API server's list and watch endpoints, over plain HTTP on loopback,
 * for fast informer tests: paginated lists, watches that replay from a resourceVersion (410 when
 * it is too old), bookmarks-free event streams that end after timeoutSeconds, and switches for
 * the failures a real cluster has: unreachable (pause/resume on the same port), hung (accepts
 * and never answers), forbidden, a CRD not installed (404), a server error. Every request is
 * recorded. ClusterNetworkPolicies are served as v1alpha2 only (v1beta1 is 404), as by the
 * released CRDs, so the version discovery is exercised.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import { writeFile } from 'node:fs/promises';

export const COLLECTIONS = {
  namespaces: '/api/v1/namespaces',
  pods: '/api/v1/pods',
  services: '/api/v1/services',
  nodes: '/api/v1/nodes',
  networkpolicies: '/apis/networking.k8s.io/v1/networkpolicies',
  validatingwebhookconfigurations: '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
  mutatingwebhookconfigurations: '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
  daemonsets: '/apis/apps/v1/daemonsets',
  clusternetworkpolicies: '/apis/policy.networking.k8s.io/v1alpha2/clusternetworkpolicies',
} as const;

export type Collection = keyof typeof COLLECTIONS;

interface Event {
  readonly rv: number;
  readonly collection: Collection;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: Record<string, unknown>;
}

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
}

type K8sObject = { metadata: { name: string; namespace?: string; resourceVersion?: string; [k: string]: unknown }; [k: string]: unknown };

const keyOf = (o: K8sObject) => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export class FakeApiServer {
  readonly requests: RecordedRequest[] = [];
  /** Accept connections but never answer. */
  hang = false;
  /** Ignore timeoutSeconds: watches stay open and silent (a stalled stream). */
  silentWatches = false;
  /** Collections answered with 403 Forbidden. */
  readonly forbidden = new Set<Collection>();
  /** Collections answered with 404 Not Found, as a CRD that is not installed. */
  readonly notServed = new Set<Collection>();
  /** Collections whose lists are answered with 500. */
  readonly failing = new Set<Collection>();
  /** Events older than this resourceVersion are "compacted": watches from before get 410. */
  compactedBefore = 0;

  private rv = 1;
  private readonly objects = new Map<Collection, Map<string, K8sObject>>();
  private readonly events: Event[] = [];
  private readonly watchers = new Set<{ collection: Collection; res: ServerResponse }>();
  private readonly sockets = new Set<Socket>();
  private server: Server;

  private constructor(readonly port: number, server: Server) {
    this.server = server;
  }

  static async start(port = 0): Promise<FakeApiServer> {
    const fake = new FakeApiServer(0, createServer());
    await fake.listen(port);
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private async listen(port: number): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    (this as { port: number }).port = (server.address() as { port: number }).port;
  }

  /** Unreachable: every connection dropped, new ones refused. */
  async pause(): Promise<void> {
    for (const w of this.watchers) w.res.destroy();
    this.watchers.clear();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Back on the same port. */
  async resume(): Promise<void> {
    await this.listen(this.port);
  }

  async close(): Promise<void> {
    await this.pause().catch(() => undefined);
  }

  async writeKubeconfig(file: string): Promise<string> {
    await writeFile(
      file,
      `apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster:
    server: ${this.url}
    insecure-skip-tls-verify: true
users:
- name: fake
  user:
    token: fake-token
contexts:
- name: fake
  context: {cluster: fake, user: fake}
current-context: fake
`,
    );
    return file;
  }

  put(collection: Collection, object: K8sObject): void {
    const map = this.objects.get(collection) ?? new Map<string, K8sObject>();
    this.objects.set(collection, map);
    const type = map.has(keyOf(object)) ? 'MODIFIED' : 'ADDED';
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String(++this.rv);
    map.set(keyOf(stored), stored);
    this.emit({ rv: this.rv, collection, type, object: stored });
  }

  remove(collection: Collection, name: string, namespace?: string): void {
    const map = this.objects.get(collection);
    const key = `${namespace ?? ''}/${name}`;
    const found = map?.get(key);
    if (!found) return;
    map!.delete(key);
    const gone = structuredClone(found);
    gone.metadata.resourceVersion = String(++this.rv);
    this.emit({ rv: this.rv, collection, type: 'DELETED', object: gone });
  }

  private emit(event: Event): void {
    this.events.push(event);
    for (const w of this.watchers) {
      if (w.collection === event.collection) w.res.write(`${JSON.stringify({ type: event.type, object: event.object })}\n`);
    }
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    this.requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams });
    if (this.hang) return; // never answered; the client must give up by itself
    const collection = (Object.entries(COLLECTIONS) as [Collection, string][]).find(([, p]) => p === url.pathname)?.[0];
    if (!collection || req.method !== 'GET') return this.status(res, 404, 'NotFound', `no route ${req.method} ${url.pathname}`);
    if (this.forbidden.has(collection)) return this.status(res, 403, 'Forbidden', `${collection} is forbidden: User "fake" cannot list resource "${collection}"`);
    if (this.notServed.has(collection)) return this.status(res, 404, 'NotFound', 'the server could not find the requested resource');
    if (url.searchParams.get('watch') === 'true') return this.watch(collection, url.searchParams, res);
    if (this.failing.has(collection)) return this.status(res, 500, 'InternalError', `listing ${collection} failed`);
    const items = [...(this.objects.get(collection)?.values() ?? [])];
    const limit = Number(url.searchParams.get('limit') ?? 0) || items.length || 1;
    const offset = Number(url.searchParams.get('continue') ?? 0);
    const page = items.slice(offset, offset + limit);
    const next = offset + limit < items.length ? String(offset + limit) : undefined;
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: String(this.rv), ...(next ? { continue: next } : {}) }, items: page }));
  }

  private watch(collection: Collection, q: URLSearchParams, res: ServerResponse): void {
    const from = Number(q.get('resourceVersion') ?? 0);
    res.writeHead(200, { 'content-type': 'application/json', 'transfer-encoding': 'chunked' });
    res.flushHeaders();
    if (from < this.compactedBefore) {
      res.end(`${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' } })}\n`);
      return;
    }
    for (const e of this.events) {
      if (e.collection === collection && e.rv > from) res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
    }
    const watcher = { collection, res };
    this.watchers.add(watcher);
    const timeout = Number(q.get('timeoutSeconds') ?? 0);
    const timer = timeout > 0 && !this.silentWatches ? setTimeout(() => res.end(), timeout * 1000) : undefined;
    res.on('close', () => {
      if (timer) clearTimeout(timer);
      this.watchers.delete(watcher);
    });
  }

  private status(res: ServerResponse, code: number, reason: string, message: string): void {
    res.writeHead(code, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code }));
  }
}

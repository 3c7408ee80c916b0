/**
 * Starting the real server in-process on 127.0.0.1:0 with generated certificates, and an HTTPS
 * client that trusts the generated CA (certificate verification stays on).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import https from 'node:https';
import { join } from 'node:path';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import type { Test } from 'tap';
import { parseServeOptions, type ServeOptions } from '../../src/server/options.js';
import { type RunningServer, startServer } from '../../src/server/serve.js';

export interface TestServer extends RunningServer {
  readonly ca: string;
  readonly logs: Record<string, unknown>[];
}

/** Starts a server with its own certificate directory; stopped by teardown. */
export async function startTestServer(t: Test, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<TestServer> {
  const dir = mkdtempSync(join(tmpdir(), 'netpol-guard-test-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const options: ServeOptions = parseServeOptions(
    ['--listen', '127.0.0.1:0', '--health-listen', '127.0.0.1:0', '--cert-dir', join(dir, 'certs'), '--shutdown-delay', '0', '--no-cluster', ...args],
    env,
  );
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const server = await startServer(options, pino({ level: 'debug' }, sink));
  t.teardown(() => server.shutdown('test done'));
  const caFile = server.caFile ?? options.tlsCert;
  return { ...server, ca: caFile ? readFileSync(caFile, 'utf8') : '', logs };
}

export interface HttpResult {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  readonly json: unknown;
}

export function request(
  url: string,
  opts: { ca: string; method?: string; body?: string | Buffer; headers?: Record<string, string>; agent?: https.Agent } = { ca: '' },
): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: opts.method ?? 'POST', ca: opts.ca, headers: opts.headers, agent: opts.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.end(opts.body);
    else req.end();
  });
}

export function postReview(server: TestServer, path: '/validate' | '/mutate', review: unknown): Promise<HttpResult> {
  return request(`${server.webhookUrl}${path}`, {
    ca: server.ca,
    body: JSON.stringify(review),
    headers: { 'content-type': 'application/json' },
  });
}

/** An AdmissionReview as the API server sends it. */
export function admissionReview(
  object: unknown,
  opts: { operation?: string; oldObject?: unknown; uid?: string; version?: string; kind?: object; dryRun?: boolean; userInfo?: object; namespace?: string } = {},
): Record<string, unknown> {
  const meta = ((object ?? opts.oldObject) as { metadata?: { name?: string; namespace?: string } } | null)?.metadata;
  return {
    apiVersion: opts.version ?? 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: opts.uid ?? 'b8c1a2d4-0000-4000-8000-000000000001',
      kind: opts.kind ?? { group: 'networking.k8s.io', version: 'v1', kind: 'NetworkPolicy' },
      resource: { group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies' },
      name: meta?.name ?? '',
      namespace: opts.namespace ?? meta?.namespace ?? 'default',
      operation: opts.operation ?? 'CREATE',
      userInfo: opts.userInfo ?? { username: 'alice', groups: ['system:authenticated'] },
      object,
      oldObject: opts.oldObject ?? null,
      dryRun: opts.dryRun ?? false,
    },
  };
}

/** Loopback ports and small HTTP(S) probes for the end-to-end harness. */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createServer, type Server } from 'node:net';

/**
 * Free loopback ports, all distinct: every listener stays open until all are chosen. Another
 * process can still take a port before our component binds it; startCluster retries then.
 */
export async function pickFreePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      ports.push(await listen(server, 0));
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  }
}

/** Throws `127.0.0.1:PORT is already in use` when a port chosen by the caller is taken. */
export async function assertPortFree(port: number, what: string): Promise<void> {
  const server = createServer();
  try {
    await listen(server, port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(`127.0.0.1:${port} (${what}) is already in use` + (code === 'EADDRINUSE' ? '' : ` (${code})`));
  }
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      const address = server.address();
      if (address && typeof address === 'object') resolve(address.port);
      else reject(new Error('listener has no TCP address'));
    });
  });
}

export interface TlsClientOptions {
  ca: string;
  cert: string;
  key: string;
}

export interface ProbeResult {
  status: number;
  body: string;
}

/**
 * One GET with a short timeout. Network errors reject; any HTTP status resolves, so readiness
 * loops can tell "not listening yet" from "listening but not ready".
 */
export function get(url: string, tls?: TlsClientOptions, timeoutMs = 2000): Promise<ProbeResult> {
  return new Promise((resolve, reject) => {
    const request = url.startsWith('https:') ? httpsRequest : httpRequest;
    const req = request(url, { method: 'GET', timeout: timeoutMs, ...tls }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Connections that tie up a server without ever completing a request, each timed from the moment
 * it started stalling until the server closed it:
 *
 * - trickling: a TLS connection that sends its request head one byte per second;
 * - stuck body: a TLS connection that sends a whole head announcing a body (Content-Length) and
 *   then only part of it;
 * - no handshake: a TCP connection that never starts TLS.
 *
 * The first line of anything the server answered is kept (a 408 Request Timeout, say).
 */
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';

export type SlowKind = 'trickling' | 'stuck body' | 'no handshake';

export interface SlowConnection {
  readonly kind: SlowKind;
  /** When it started stalling (head started, body stopped, TCP connected). */
  stallingSince: number;
  closedAt?: number;
  /** The first line the server sent, if any. */
  answer?: string;
}

export interface SlowGroup {
  readonly connections: readonly SlowConnection[];
  /** Resolves when the server has closed every one of them, or at `timeoutMs` (the rest stay open). */
  allClosed(timeoutMs: number): Promise<void>;
  /** Destroys whatever is still open. */
  close(): void;
}

const REQUEST_HEAD = (host: string) => `POST /validate HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}`;

function follow(socket: net.Socket, conn: SlowConnection): Promise<void> {
  socket.on('data', (d: Buffer) => (conn.answer ??= d.toString('latin1').split('\r\n')[0]));
  socket.on('error', () => undefined);
  return new Promise((resolve) =>
    socket.once('close', () => {
      conn.closedAt = performance.now();
      resolve();
    }),
  );
}

function group(sockets: net.Socket[], connections: SlowConnection[], closed: Promise<void>[], stop: () => void = () => undefined): SlowGroup {
  const all = Promise.all(closed).then(stop);
  return {
    connections,
    allClosed: (timeoutMs) => Promise.race([all, new Promise<void>((r) => setTimeout(r, timeoutMs).unref())]),
    close() {
      stop();
      for (const s of sockets) s.destroy();
    },
  };
}

function connectTls(url: URL, ca: string): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: url.hostname, port: Number(url.port), ca });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** `count` TLS connections, each sending its request head one byte a second. */
export async function tricklingHeads(webhookUrl: string, ca: string, count: number): Promise<SlowGroup> {
  const url = new URL(webhookUrl);
  const head = REQUEST_HEAD(url.host);
  const sockets = await Promise.all(Array.from({ length: count }, () => connectTls(url, ca)));
  const connections = sockets.map((): SlowConnection => ({ kind: 'trickling', stallingSince: performance.now() }));
  const closed = sockets.map((s, i) => follow(s, connections[i]!));
  let sent = 0;
  const tick = () => {
    for (const s of sockets) if (!s.destroyed && sent < head.length) s.write(head[sent]!);
    sent++;
  };
  tick();
  const timer = setInterval(tick, 1000);
  return group(sockets, connections, closed, () => clearInterval(timer));
}

/** `count` TLS connections announcing `contentLength` bytes of body and sending only 1 KiB. */
export async function stuckBodies(webhookUrl: string, ca: string, count: number, contentLength: number): Promise<SlowGroup> {
  const url = new URL(webhookUrl);
  const sockets = await Promise.all(Array.from({ length: count }, () => connectTls(url, ca)));
  const connections = sockets.map((s): SlowConnection => {
    s.write(`POST /validate HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: ${contentLength}\r\n\r\n{"apiVersion":`);
    s.write(' '.repeat(1024));
    return { kind: 'stuck body', stallingSince: performance.now() };
  });
  const closed = sockets.map((s, i) => follow(s, connections[i]!));
  return group(sockets, connections, closed);
}

/** `count` TCP connections to the TLS port that never send a byte. */
export async function silentTcp(webhookUrl: string, count: number): Promise<SlowGroup> {
  const url = new URL(webhookUrl);
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const s = net.connect(Number(url.port), url.hostname, () => resolve(s));
          s.once('error', reject);
        }),
    ),
  );
  const connections = sockets.map((): SlowConnection => ({ kind: 'no handshake', stallingSince: performance.now() }));
  const closed = sockets.map((s, i) => follow(s, connections[i]!));
  return group(sockets, connections, closed);
}

/**
 * TLS test helpers: certificates of any shape (made in-process, like the server's development
 * certificates), file replacement the ways a rotation happens, and clients that report what they saw.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, symlink, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import { createCertificateAuthority, issueCertificate, type CertificateAndKey } from '../../src/tls/issue.js';
import { classifySan } from '../../src/tls/san.js';

const DAY = 86_400_000;

export function makeCa(name = 'test CA'): Promise<CertificateAndKey> {
  return createCertificateAuthority({ commonName: name, notBefore: new Date(Date.now() - DAY), notAfter: new Date(Date.now() + 30 * DAY) });
}

export function makeLeaf(
  issuer: CertificateAndKey,
  opts: { usage?: 'server' | 'client'; commonName?: string; sans?: string[]; notBefore?: Date; notAfter?: Date } = {},
): Promise<CertificateAndKey> {
  return issueCertificate({
    issuer,
    usage: opts.usage ?? 'server',
    commonName: opts.commonName ?? 'localhost',
    sans: (opts.sans ?? (opts.usage === 'client' ? [] : ['localhost', '127.0.0.1'])).map(classifySan),
    notBefore: opts.notBefore ?? new Date(Date.now() - DAY),
    notAfter: opts.notAfter ?? new Date(Date.now() + 7 * DAY),
  });
}

/** Replace a file the way most tools do: write a temporary file, then rename it over the target. */
export async function replaceFile(path: string, text: string): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/**
 * A Secret volume as the kubelet lays it out: `tls.crt -> ..data/tls.crt`, `..data -> ..<stamp>`;
 * an update writes a new stamp directory and renames a new `..data` symlink over the old one.
 */
export async function secretVolume(dir: string, files: Record<string, string>): Promise<(next: Record<string, string>) => Promise<void>> {
  let generation = 0;
  const publish = async (next: Record<string, string>): Promise<void> => {
    const stamp = `..gen_${++generation}`;
    await mkdir(join(dir, stamp));
    for (const [name, text] of Object.entries(next)) await writeFile(join(dir, stamp, name), text);
    await symlink(stamp, join(dir, '..data_tmp'));
    await rename(join(dir, '..data_tmp'), join(dir, '..data'));
    if (generation > 1) await rm(join(dir, `..gen_${generation - 1}`), { recursive: true });
  };
  await publish(files);
  for (const name of Object.keys(files)) await symlink(join('..data', name), join(dir, name));
  return publish;
}

export interface ClientResult {
  ok: boolean;
  /** What the server sent before closing ('hello' from the test servers). */
  data: string;
  fingerprint256?: string;
  protocol?: string | null;
  error?: NodeJS.ErrnoException;
}

/** Connects to 127.0.0.1:port with SNI `localhost`; ok when the handshake and the read both succeed. */
export function tlsClient(port: number, opts: tls.ConnectionOptions): Promise<ClientResult> {
  return new Promise((resolve) => {
    let data = '';
    let fingerprint256: string | undefined;
    let protocol: string | null | undefined;
    const socket = tls.connect({ host: '127.0.0.1', port, servername: 'localhost', ...opts });
    socket.setEncoding('utf8');
    socket.on('secureConnect', () => {
      fingerprint256 = socket.getPeerCertificate().fingerprint256;
      protocol = socket.getProtocol();
    });
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('end', () => resolve({ ok: data === 'hello', data, fingerprint256, protocol }));
    socket.on('error', (error) => {
      socket.destroy();
      resolve({ ok: false, data, fingerprint256, protocol, error });
    });
  });
}

/**
 * A TLS server that says 'hello' to every connection it accepts, recording the client certificate's
 * CN ('' without one); closed at teardown.
 */
export async function helloServer(
  t: { teardown(fn: () => unknown): void },
  options: tls.TlsOptions,
): Promise<{ server: tls.Server; port: number; accepted: string[] }> {
  const accepted: string[] = [];
  const server = tls.createServer(options, (socket) => {
    socket.on('error', () => undefined);
    accepted.push(String(socket.getPeerCertificate().subject?.CN ?? ''));
    socket.end('hello');
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { server, port: (server.address() as AddressInfo).port, accepted };
}

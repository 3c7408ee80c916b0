/**
 * Certificates for the fault runs, minted with the server's own issuing code (dist/tls/issue.js):
 * one CA that every client trusts, and serving certificates for 127.0.0.1 signed by it. Plus
 * what a fresh handshake is served, to tell certificates apart by fingerprint.
 */
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import { fromDist } from '../dist.js';

type Issue = typeof import('../../../src/tls/issue.js');
type San = typeof import('../../../src/tls/san.js');

export interface Pair {
  readonly certPem: string;
  readonly keyPem: string;
}

const DAY_MS = 86_400_000;

export async function mintCa(name: string): Promise<Pair> {
  const { createCertificateAuthority } = await fromDist<Issue>('tls/issue.js');
  return createCertificateAuthority({ commonName: name, notBefore: new Date(Date.now() - DAY_MS), notAfter: new Date(Date.now() + 30 * DAY_MS) });
}

/** A serving certificate for localhost and 127.0.0.1, valid for a week. */
export async function mintServing(ca: Pair, commonName = 'localhost'): Promise<Pair> {
  const [{ issueCertificate }, { classifySan }] = await Promise.all([fromDist<Issue>('tls/issue.js'), fromDist<San>('tls/san.js')]);
  return issueCertificate({
    issuer: ca,
    commonName,
    usage: 'server',
    sans: ['localhost', '127.0.0.1'].map(classifySan),
    notBefore: new Date(Date.now() - DAY_MS),
    notAfter: new Date(Date.now() + 7 * DAY_MS),
  });
}

/** Writes a pair as tls.crt and tls.key in `dir`; returns their paths. */
export function writePair(dir: string, pair: Pair): { certFile: string; keyFile: string } {
  const certFile = join(dir, 'tls.crt');
  const keyFile = join(dir, 'tls.key');
  writeFileSync(keyFile, pair.keyPem, { mode: 0o600 });
  writeFileSync(certFile, pair.certPem);
  return { certFile, keyFile };
}

/** SHA-256 fingerprint as node prints it (AA:BB:...). */
export function fingerprint(certPem: string): string {
  return new X509Certificate(certPem).fingerprint256;
}

/** The fingerprint of the certificate a new handshake is served, verified against `ca`. */
export function servedFingerprint(url: string, ca: string, timeoutMs = 5000): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: hostname, port: Number(port), ca, rejectUnauthorized: true });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no TLS handshake within ${timeoutMs} ms`)));
    socket.once('secureConnect', () => {
      const served = socket.getPeerCertificate().fingerprint256;
      socket.end();
      resolve(served);
    });
    socket.once('error', reject);
  });
}

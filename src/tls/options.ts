/**
 * TLS settings for the webhook listener: protocol floor, cipher list, and client-certificate
 * requirements. Kept apart from the certificate source, which supplies the cert, key and client CA.
 */
import type { TlsOptions } from 'node:tls';
import { NpgError } from '../errors.js';

/**
 * What `tls.createSecureContext` / `server.setSecureContext` takes. The protocol and cipher settings
 * ride along with cert and key because setSecureContext rebuilds the whole context: without them a
 * reload would silently fall back to node's default cipher list.
 */
export interface TlsContextOptions {
  cert: string;
  key: string;
  ca?: string;
  minVersion: 'TLSv1.2';
  ciphers: string;
  honorCipherOrder: true;
}

/**
 * TLS 1.2: forward-secret ECDHE with AEAD ciphers only. TLS 1.3 suites are left at OpenSSL's defaults
 * (all AEAD): node changes the 1.3 list only when `ciphers` names TLS_ suites, and this one names none.
 */
export const TLS_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
].join(':');

/** A pair (and optional client CA) with the listener's protocol and cipher settings. */
export function hardenedContext(pair: { cert: string; key: string; ca?: string }): TlsContextOptions {
  const { cert, key, ca } = pair;
  return { cert, key, ...(ca !== undefined ? { ca } : {}), minVersion: 'TLSv1.2', ciphers: TLS_CIPHERS, honorCipherOrder: true };
}

/**
 * Options for `https.createServer` / fastify's `https`: the current pair plus TLS hardening, and with
 * `clientCA` the client-certificate requirement (the CA bundle comes from the source's clientCAFile).
 */
export function tlsServerOptions(
  source: { secureContextOptions(): TlsContextOptions },
  opts: { clientCA: boolean },
): TlsOptions & TlsContextOptions {
  const context = source.secureContextOptions();
  if (!opts.clientCA) return context;
  if (context.ca === undefined) {
    throw new NpgError('NPG_TLS_CLIENT_CA_INVALID', 'client certificates are required but no client CA file was given');
  }
  return { ...context, requestCert: true, rejectUnauthorized: true };
}

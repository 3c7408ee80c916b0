/**
 * Reading and validating a serving certificate, its key and an optional client CA bundle, with one
 * precise reason per way it can be wrong. The source reads a snapshot (contents + hash) first, so the
 * hash tells whether anything changed and validation works on exactly the bytes that were hashed.
 */
import { X509Certificate, createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createSecureContext } from 'node:tls';
import { NpgError, type ErrorCode } from '../errors.js';
import { formatSan, parseSubjectAltNames } from './san.js';

export interface CertificateFiles {
  certFile: string;
  keyFile: string;
  clientCAFile?: string;
}

type FileRead = { text: string } | { error: NodeJS.ErrnoException };

export interface FilesSnapshot {
  cert: FileRead;
  key: FileRead;
  ca?: FileRead;
  /** Changes whenever any file's content (or readability) changes. */
  hash: string;
}

export interface LoadedCertificate {
  cert: string;
  key: string;
  ca?: string;
  /** The serving (first) certificate in the chain. */
  leaf: X509Certificate;
  subject: string;
  sans: string[];
  notBefore: Date;
  notAfter: Date;
  hash: string;
}

const SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

export async function readSnapshot(files: CertificateFiles): Promise<FilesSnapshot> {
  const read = (path: string): Promise<FileRead> =>
    readFile(path, 'utf8').then(
      (text) => ({ text }),
      (error: NodeJS.ErrnoException) => ({ error }),
    );
  const [cert, key, ca] = await Promise.all([
    read(files.certFile),
    read(files.keyFile),
    files.clientCAFile === undefined ? undefined : read(files.clientCAFile),
  ]);
  const hash = createHash('sha256');
  for (const part of [cert, key, ca]) {
    if (part === undefined) hash.update('-\0');
    else if ('text' in part) hash.update(`=${part.text}\0`);
    else hash.update(`!${part.error.code ?? part.error.message}\0`);
  }
  return { cert, key, ...(ca ? { ca } : {}), hash: hash.digest('hex') };
}

/** Throws NpgError with the first thing wrong; returns the parsed pair otherwise. */
export function validateSnapshot(snap: FilesSnapshot, files: CertificateFiles, now: Date): LoadedCertificate {
  const certText = readText(snap.cert, 'NPG_TLS_CERT_UNREADABLE', `certificate file`);
  const keyText = readText(snap.key, 'NPG_TLS_CERT_UNREADABLE', `key file`);

  const chain = parseCertificates(certText, files.certFile, 'NPG_TLS_CERT_INVALID', 'certificate file');
  const leaf = chain[0] as X509Certificate;
  let key: KeyObject;
  try {
    key = createPrivateKey(keyText);
  } catch (error) {
    const why = /PRIVATE KEY-----/.test(keyText) ? (error as Error).message : 'it contains no PEM private key';
    throw new NpgError('NPG_TLS_CERT_INVALID', `key file ${files.keyFile} is not a usable private key: ${why}`);
  }
  if (!leaf.checkPrivateKey(key)) {
    throw new NpgError(
      'NPG_TLS_CERT_INVALID',
      `key file ${files.keyFile} does not match the certificate in ${files.certFile} (${describeCert(leaf)})`,
    );
  }
  chain.forEach((cert, i) => {
    const issuer = chain[i + 1];
    if (issuer && !(cert.checkIssued(issuer) && cert.verify(issuer.publicKey))) {
      throw new NpgError(
        'NPG_TLS_CERT_INVALID',
        `certificate #${i + 2} in ${files.certFile} did not issue certificate #${i + 1}; ` +
          'the file must hold the serving certificate first, then its intermediates in order',
      );
    }
    const validity = checkValidity(cert, now);
    if (validity) throw new NpgError('NPG_TLS_CERT_EXPIRED', `certificate #${i + 1} in ${files.certFile} (${describeCert(cert)}) ${validity}`);
  });
  if (leaf.keyUsage && !leaf.keyUsage.includes(SERVER_AUTH)) {
    throw new NpgError('NPG_TLS_CERT_INVALID', `certificate in ${files.certFile} is not for server authentication (its extendedKeyUsage lacks serverAuth)`);
  }
  try {
    createSecureContext({ cert: certText, key: keyText });
  } catch (error) {
    throw new NpgError('NPG_TLS_CERT_INVALID', `TLS rejects the pair ${files.certFile} / ${files.keyFile}: ${(error as Error).message}`);
  }

  let ca: string | undefined;
  if (snap.ca && files.clientCAFile !== undefined) {
    ca = readText(snap.ca, 'NPG_TLS_CLIENT_CA_INVALID', 'client CA file');
    const cas = parseCertificates(ca, files.clientCAFile, 'NPG_TLS_CLIENT_CA_INVALID', 'client CA file');
    if (cas.every((c) => checkValidity(c, now) !== undefined)) {
      throw new NpgError('NPG_TLS_CLIENT_CA_INVALID', `no certificate in client CA file ${files.clientCAFile} is currently valid`);
    }
    try {
      createSecureContext({ ca });
    } catch (error) {
      throw new NpgError('NPG_TLS_CLIENT_CA_INVALID', `TLS rejects client CA file ${files.clientCAFile}: ${(error as Error).message}`);
    }
  }

  return {
    cert: certText,
    key: keyText,
    ...(ca !== undefined ? { ca } : {}),
    leaf,
    subject: leaf.subject.replace(/\n/g, ', '),
    sans: parseSubjectAltNames(leaf.subjectAltName).map(formatSan),
    notBefore: new Date(leaf.validFrom),
    notAfter: new Date(leaf.validTo),
    hash: snap.hash,
  };
}

function readText(read: FileRead, code: ErrorCode, what: string): string {
  if ('text' in read) return read.text;
  throw new NpgError(code, `cannot read ${what}: ${read.error.message}`, { cause: read.error });
}

function parseCertificates(text: string, path: string, code: ErrorCode, what: string): X509Certificate[] {
  const blocks = text.match(CERT_BLOCK) ?? [];
  if (blocks.length === 0) {
    const hint = /PRIVATE KEY-----/.test(text) ? ' (it holds a private key: are the certificate and key paths swapped?)' : '';
    throw new NpgError(code, `${what} ${path} contains no PEM certificate${hint}`);
  }
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch (error) {
      throw new NpgError(code, `certificate #${i + 1} in ${what} ${path} cannot be parsed: ${(error as Error).message}`);
    }
  });
}

function checkValidity(cert: X509Certificate, now: Date): string | undefined {
  if (Date.parse(cert.validFrom) > now.getTime()) return `is not valid until ${cert.validFrom}`;
  if (Date.parse(cert.validTo) <= now.getTime()) return `expired on ${cert.validTo}`;
  return undefined;
}

/** Subject and fingerprint: enough to tell certificates apart in a log, nothing secret. */
export function describeCert(cert: X509Certificate): string {
  return `subject ${cert.subject.replace(/\n/g, ', ')}, sha256 ${cert.fingerprint256}`;
}

/**
 * Issues X.509 certificates in-process: a CA, and serving or client certificates signed by it.
 *
 * Keys are ECDSA P-256 made by node's WebCrypto (so by node's own OpenSSL); @peculiar/x509 only
 * encodes and signs the certificate structure. The container image has no openssl binary, so this is
 * how the server makes development certificates, and how tests make certificates of every shape.
 */
import { createPrivateKey, randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { SubjectAltName } from './san.js';

/** Node's WebCrypto, passed explicitly to every call instead of setting the library's global provider. */
const crypto = webcrypto as unknown as Parameters<typeof x509.X509CertificateGenerator.create>[1];
const subtle = webcrypto.subtle;

const EC_KEY = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const EC_SIGNATURE = { name: 'ECDSA', hash: 'SHA-256' } as const;

export interface CertificateAndKey {
  certPem: string;
  keyPem: string;
}

export interface ValidityPeriod {
  notBefore: Date;
  notAfter: Date;
}

export interface CaRequest extends ValidityPeriod {
  commonName: string;
}

export interface LeafRequest extends ValidityPeriod {
  issuer: CertificateAndKey;
  commonName: string;
  sans: readonly SubjectAltName[];
  usage: 'server' | 'client';
}

/** A self-signed CA: basicConstraints CA:TRUE, pathlen 0 (it signs leaves only), keyCertSign. */
export async function createCertificateAuthority(req: CaRequest): Promise<CertificateAndKey> {
  const keys = await subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned(
    {
      serialNumber: randomSerial(),
      name: [{ CN: [req.commonName] }, { O: ['netpol-guard'] }],
      notBefore: req.notBefore,
      notAfter: req.notAfter,
      keys,
      signingAlgorithm: EC_SIGNATURE,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
      ],
    },
    crypto,
  );
  return { certPem: toPem(cert), keyPem: await exportKeyPem(keys.privateKey) };
}

/** A leaf certificate for `usage` (serverAuth or clientAuth EKU) signed by `issuer`. */
export async function issueCertificate(req: LeafRequest): Promise<CertificateAndKey> {
  const issuerCert = new x509.X509Certificate(req.issuer.certPem);
  const signing = await importSigningKey(createPrivateKey(req.issuer.keyPem));
  const keys = await subtle.generateKey(EC_KEY, true, ['sign', 'verify']);
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    new x509.ExtendedKeyUsageExtension(
      [req.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
      false,
    ),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey, false, crypto),
    await x509.AuthorityKeyIdentifierExtension.create(issuerCert, false, crypto),
  ];
  if (req.sans.length > 0) {
    extensions.push(
      new x509.SubjectAlternativeNameExtension(
        req.sans.map((san) => ({ type: san.type, value: san.value })),
        false,
      ),
    );
  }
  const cert = await x509.X509CertificateGenerator.create(
    {
      serialNumber: randomSerial(),
      subject: [{ CN: [req.commonName] }],
      issuer: issuerCert.subjectName,
      notBefore: req.notBefore,
      notAfter: req.notAfter,
      publicKey: keys.publicKey,
      signingKey: signing.key,
      signingAlgorithm: signing.algorithm,
      extensions,
    },
    crypto,
  );
  return { certPem: toPem(cert), keyPem: await exportKeyPem(keys.privateKey) };
}

/**
 * WebCrypto signing parameters for an existing CA key read from disk: ours are P-256, but a CA that
 * an operator dropped in may be RSA or P-384.
 */
async function importSigningKey(key: KeyObject): Promise<{ key: webcrypto.CryptoKey; algorithm: object }> {
  const der = key.export({ format: 'der', type: 'pkcs8' });
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const namedCurve = curve === 'prime256v1' ? 'P-256' : curve === 'secp384r1' ? 'P-384' : undefined;
    if (!namedCurve) throw new Error(`unsupported CA key curve ${curve ?? 'unknown'} (P-256 or P-384 expected)`);
    const imported = await subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve }, false, ['sign']);
    return { key: imported, algorithm: { name: 'ECDSA', hash: namedCurve === 'P-256' ? 'SHA-256' : 'SHA-384' } };
  }
  if (key.asymmetricKeyType === 'rsa') {
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    return { key: await subtle.importKey('pkcs8', der, algorithm, false, ['sign']), algorithm };
  }
  throw new Error(`unsupported CA key type ${key.asymmetricKeyType ?? 'unknown'} (EC or RSA expected)`);
}

async function exportKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await subtle.exportKey('pkcs8', key));
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ format: 'pem', type: 'pkcs8' }).toString();
}

function toPem(cert: x509.X509Certificate): string {
  const pem = cert.toString('pem').replace(/\r\n/g, '\n');
  return pem.endsWith('\n') ? pem : `${pem}\n`;
}

/** 16 random bytes, positive and without a leading zero byte (RFC 5280 §4.1.2.2). */
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x40;
  return bytes.toString('hex');
}

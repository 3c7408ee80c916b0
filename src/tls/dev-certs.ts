/**
 * Development certificates: on first start the server makes a CA and a serving certificate in
 * `--cert-dir` (default certs/dev/), and reuses them afterwards. The CA is kept as long as it is
 * usable, so a caBundle already registered in a webhook configuration keeps working when only the
 * serving certificate is renewed (near expiry, new SANs, or damaged files).
 */
import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { NpgError, describeError } from '../errors.js';
import type { CertificateAndKey } from './issue.js';
import { classifySan, formatSan, parseSubjectAltNames, sameSan, uniqueSans, type SubjectAltName } from './san.js';

/**
 * The X.509 library is only needed when a certificate must be minted, which is rare after the
 * first start; loading it lazily keeps it out of every other start-up.
 */
const loadIssuer = () => import('./issue.js');

export interface DevCertificateOptions {
  dir: string;
  /** Extra DNS names or IP addresses, e.g. `netpol-guard.netpol-guard.svc`, beside the loopback ones. */
  sans?: readonly string[];
  /** The clock, for validity and renewal decisions; tests move it. */
  now?: Date;
}

export interface DevCertificates {
  caCertPath: string;
  caKeyPath: string;
  certPath: string;
  keyPath: string;
  /** Base64 of the CA PEM, as a webhook configuration's `clientConfig.caBundle` wants it. */
  caBundle: string;
  /** The SANs the serving certificate was checked (or made) for, as `DNS:x` / `IP:x`. */
  sans: string[];
  /** True when the serving certificate was written by this call. */
  generated: boolean;
  /** True when the CA was (re)made too: any caBundle registered before no longer matches. */
  caGenerated: boolean;
  /** Why certificates were generated; absent when the existing ones were reused. */
  reason?: string;
}

const DEFAULT_SANS = ['localhost', '127.0.0.1', '::1'];
const DAY_MS = 86_400_000;
const CA_VALIDITY_MS = 3650 * DAY_MS;
const LEAF_VALIDITY_MS = 365 * DAY_MS;
/** Renew this long before expiry, so a long-running dev server never serves an expired certificate. */
const RENEW_BEFORE_MS = 30 * DAY_MS;
/** Backdated a little so a client whose clock lags ours does not see "not yet valid". */
const BACKDATE_MS = 5 * 60_000;

type Inspection = { usable: true; pair: CertificateAndKey; cert: X509Certificate } | { usable: false; reason: string };

export async function ensureDevCertificates(options: DevCertificateOptions): Promise<DevCertificates> {
  const { dir } = options;
  const now = options.now ?? new Date();
  const paths = {
    caCertPath: join(dir, 'ca.crt'),
    caKeyPath: join(dir, 'ca.key'),
    certPath: join(dir, 'tls.crt'),
    keyPath: join(dir, 'tls.key'),
  };
  let wanted: SubjectAltName[];
  try {
    wanted = uniqueSans([...DEFAULT_SANS, ...(options.sans ?? [])].map(classifySan));
  } catch (error) {
    throw fail(`invalid subject alternative name: ${describeError(error)}`, error);
  }
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw fail(`cannot create certificate directory ${dir}: ${describeError(error)}`, error);
  }

  let ca = await inspect(paths.caCertPath, paths.caKeyPath, now, 'CA certificate');
  if (ca.usable && !ca.cert.ca) ca = { usable: false, reason: `${paths.caCertPath} is not a CA certificate` };
  let caPair: CertificateAndKey;
  let caCert: X509Certificate;
  let reason: string | undefined;
  if (ca.usable) {
    caPair = ca.pair;
    caCert = ca.cert;
    reason = await leafProblem(paths, caCert, wanted, now);
  } else {
    reason = ca.reason;
    const { createCertificateAuthority } = await loadIssuer();
    caPair = await generate('CA', () =>
      createCertificateAuthority({
        commonName: `netpol-guard development CA ${randomBytes(4).toString('hex')}`,
        notBefore: new Date(now.getTime() - BACKDATE_MS),
        notAfter: new Date(now.getTime() + CA_VALIDITY_MS),
      }),
    );
    await writeAtomic(paths.caKeyPath, caPair.keyPem, 0o600);
    await writeAtomic(paths.caCertPath, caPair.certPem, 0o644);
    caCert = new X509Certificate(caPair.certPem);
  }

  const result = {
    ...paths,
    caBundle: Buffer.from(caPair.certPem).toString('base64'),
    sans: wanted.map(formatSan),
    caGenerated: !ca.usable,
  };
  if (reason === undefined) return { ...result, generated: false };

  const firstName = wanted.find((s) => s.type === 'dns' && s.value !== 'localhost');
  const { issueCertificate } = await loadIssuer();
  const leaf = await generate('serving certificate', () =>
    issueCertificate({
      issuer: caPair,
      commonName: firstName?.value ?? 'localhost',
      sans: wanted,
      usage: 'server',
      notBefore: new Date(now.getTime() - BACKDATE_MS),
      // Never outlive the CA: clients would reject the chain from the CA's expiry on.
      notAfter: new Date(Math.min(now.getTime() + LEAF_VALIDITY_MS, Date.parse(caCert.validTo))),
    }),
  );
  // Key first: a crash between the two renames leaves a mismatched pair, which the next start detects.
  await writeAtomic(paths.keyPath, leaf.keyPem, 0o600);
  await writeAtomic(paths.certPath, leaf.certPem, 0o644);
  return { ...result, generated: true, reason };
}

/** Why the serving certificate must be remade, or undefined when it can be reused. */
async function leafProblem(
  paths: { certPath: string; keyPath: string; caCertPath: string },
  ca: X509Certificate,
  wanted: readonly SubjectAltName[],
  now: Date,
): Promise<string | undefined> {
  const leaf = await inspect(paths.certPath, paths.keyPath, now, 'serving certificate');
  if (!leaf.usable) return leaf.reason;
  if (!leaf.cert.checkIssued(ca) || !leaf.cert.verify(ca.publicKey)) {
    return `${paths.certPath} was not issued by ${paths.caCertPath}`;
  }
  const present = parseSubjectAltNames(leaf.cert.subjectAltName);
  const missing = wanted.filter((w) => !present.some((p) => sameSan(p, w)));
  if (missing.length > 0) return `${paths.certPath} lacks requested SAN ${missing.map(formatSan).join(', ')}`;
  return undefined;
}

/** Reads and checks a certificate and its key: parseable, matching, valid now and for 30 more days. */
async function inspect(certPath: string, keyPath: string, now: Date, what: string): Promise<Inspection> {
  let certPem: string;
  let keyPem: string;
  try {
    [certPem, keyPem] = await Promise.all([readFile(certPath, 'utf8'), readFile(keyPath, 'utf8')]);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { usable: false, reason: `no ${what} in ${certPath} and ${keyPath}` };
    return { usable: false, reason: `${what} is unreadable: ${describeError(error)}` };
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
  } catch {
    return { usable: false, reason: `${certPath} is not a valid PEM certificate` };
  }
  let matches: boolean;
  try {
    matches = cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch {
    return { usable: false, reason: `${keyPath} is not a valid PEM private key` };
  }
  if (!matches) return { usable: false, reason: `${keyPath} does not match ${certPath}` };
  const notBefore = Date.parse(cert.validFrom);
  const notAfter = Date.parse(cert.validTo);
  if (notBefore > now.getTime()) return { usable: false, reason: `${what} ${certPath} is not valid until ${cert.validFrom}` };
  if (notAfter - now.getTime() < RENEW_BEFORE_MS) {
    const when = notAfter <= now.getTime() ? 'expired on' : 'expires within 30 days, on';
    return { usable: false, reason: `${what} ${certPath} ${when} ${cert.validTo}` };
  }
  return { usable: true, pair: { certPem, keyPem }, cert };
}

async function generate<T>(what: string, make: () => Promise<T>): Promise<T> {
  try {
    return await make();
  } catch (error) {
    throw fail(`cannot generate the development ${what}: ${describeError(error)}`, error);
  }
}

/** Write to a temporary file beside the target, flush, then rename over it: readers see old or new. */
async function writeAtomic(path: string, data: string, mode: number): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(tmp, 'wx', mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw fail(`cannot write ${path}: ${describeError(error)}`, error);
  }
}

function fail(message: string, cause: unknown): NpgError {
  return new NpgError('NPG_TLS_GENERATE_FAILED', message, { cause });
}

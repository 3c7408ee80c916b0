/**
 * Throwaway certificates for one test cluster, made with the openssl command line (node has no
 * X.509 writer). One CA signs everything: the API server's serving certificate, the admin client
 * certificate, and any serving certificate a test asks for (a webhook's), so a webhook
 * configuration's caBundle is simply the cluster CA.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);

export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  caPem: string;
  apiserverCert: string;
  apiserverKey: string;
  adminCert: string;
  adminKey: string;
  /** Service-account token signing key pair; the API server refuses to start without one. */
  serviceAccountKey: string;
  serviceAccountPub: string;
}

export interface CertificateRequest {
  /** File name stem: NAME.crt and NAME.key. Letters, digits, '.', '_' and '-'. */
  name: string;
  commonName?: string;
  /** Subject O=, which Kubernetes reads as a group for client certificates. */
  organization?: string;
  /** subjectAltName entries in openssl syntax: 'IP:127.0.0.1', 'DNS:localhost'. */
  subjectAltNames?: string[];
  usage: 'server' | 'client';
}

export interface IssuedCertificate {
  certFile: string;
  keyFile: string;
  certPem: string;
  keyPem: string;
}

async function openssl(cwd: string, args: string[]): Promise<void> {
  try {
    await execFileP('openssl', args, { cwd });
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === 'ENOENT') throw new Error('openssl not found on PATH (build-apiserver.sh installs it)');
    throw new Error(`openssl ${args.join(' ')} failed in ${cwd}: ${(e.stderr ?? e.message).trim()}`);
  }
}

/** Creates DIR with a CA, the API server's and the admin's certificates, and the SA key pair. */
export async function createPki(dir: string): Promise<Pki> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await openssl(dir, [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '365',
    '-keyout', 'ca.key', '-out', 'ca.crt', '-subj', '/CN=netpol-guard-e2e-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE',
    '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature',
  ]);
  const partial = { dir, caCert: join(dir, 'ca.crt'), caKey: join(dir, 'ca.key') };
  await Promise.all([
    issue(partial, dir, {
      name: 'apiserver',
      commonName: 'kube-apiserver',
      // What clients dial (127.0.0.1, localhost) plus the in-cluster names the server expects.
      subjectAltNames: ['IP:127.0.0.1', 'IP:10.0.0.1', 'DNS:localhost', 'DNS:kubernetes',
        'DNS:kubernetes.default', 'DNS:kubernetes.default.svc', 'DNS:kubernetes.default.svc.cluster.local'],
      usage: 'server',
    }),
    // O=system:masters: a superuser under RBAC without any binding (and allowed to impersonate).
    issue(partial, dir, { name: 'admin', commonName: 'netpol-guard-e2e-admin', organization: 'system:masters', usage: 'client' }),
    (async () => {
      await openssl(dir, ['genrsa', '-out', 'sa.key', '2048']);
      await openssl(dir, ['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);
    })(),
  ]);
  return {
    ...partial,
    caPem: await readFile(partial.caCert, 'utf8'),
    apiserverCert: join(dir, 'apiserver.crt'),
    apiserverKey: join(dir, 'apiserver.key'),
    adminCert: join(dir, 'admin.crt'),
    adminKey: join(dir, 'admin.key'),
    serviceAccountKey: join(dir, 'sa.key'),
    serviceAccountPub: join(dir, 'sa.pub'),
  };
}

/** A key and a certificate signed by the CA, written to DIR/NAME.{crt,key}. */
export async function issue(
  ca: { caCert: string; caKey: string },
  dir: string,
  request: CertificateRequest,
): Promise<IssuedCertificate> {
  if (!/^[A-Za-z0-9._-]+$/.test(request.name)) throw new Error(`bad certificate name ${JSON.stringify(request.name)}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const { name } = request;
  const subject = (request.organization ? `/O=${request.organization}` : '') + `/CN=${request.commonName ?? name}`;
  const extensions = [
    'basicConstraints=CA:FALSE',
    'keyUsage=critical,digitalSignature,keyEncipherment',
    `extendedKeyUsage=${request.usage === 'server' ? 'serverAuth' : 'clientAuth'}`,
  ];
  if (request.subjectAltNames?.length) extensions.push(`subjectAltName=${request.subjectAltNames.join(',')}`);
  await writeFile(join(dir, `${name}.ext`), extensions.join('\n') + '\n');
  await openssl(dir, ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`,
    '-out', `${name}.csr`, '-subj', subject]);
  // A random serial instead of -CAcreateserial: signings may run in parallel.
  await openssl(dir, ['x509', '-req', '-sha256', '-days', '365', '-in', `${name}.csr`,
    '-CA', ca.caCert, '-CAkey', ca.caKey, '-set_serial', `0x${randomBytes(16).toString('hex')}`,
    '-out', `${name}.crt`, '-extfile', `${name}.ext`]);
  await Promise.all([rm(join(dir, `${name}.csr`)), rm(join(dir, `${name}.ext`))]);
  const certFile = join(dir, `${name}.crt`);
  const keyFile = join(dir, `${name}.key`);
  return { certFile, keyFile, certPem: await readFile(certFile, 'utf8'), keyPem: await readFile(keyFile, 'utf8') };
}

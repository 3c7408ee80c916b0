/**
 * The two ways a serving certificate gets replaced on disk under a running server:
 *
 * - in place: the key file, then the certificate file, each rewritten (truncated, then written) as
 *   a sidecar or `cp` does; a reader can see an empty file, or a new key beside the old cert;
 * - Kubernetes Secret volume: `tls.crt -> ..data/tls.crt`, `..data -> ..<generation>`; the kubelet
 *   writes a new generation directory and renames a new `..data` symlink over the old one, so the
 *   paths the server was given never change in place (test/helpers/tls.ts lays it out).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { secretVolume } from '../../../test/helpers/tls.js';
import { type Pair, writePair } from './tls-material.js';

export interface CertificateOnDisk {
  readonly style: 'in place' | 'Secret volume';
  readonly certFile: string;
  readonly keyFile: string;
  publish(pair: Pair): Promise<void>;
}

export function inPlaceFiles(dir: string, first: Pair): CertificateOnDisk {
  const { certFile, keyFile } = writePair(dir, first);
  return {
    style: 'in place',
    certFile,
    keyFile,
    async publish(pair) {
      await writeFile(keyFile, pair.keyPem);
      await writeFile(certFile, pair.certPem);
    },
  };
}

export async function secretVolumeFiles(dir: string, first: Pair): Promise<CertificateOnDisk> {
  const publish = await secretVolume(dir, { 'tls.crt': first.certPem, 'tls.key': first.keyPem });
  return {
    style: 'Secret volume',
    certFile: join(dir, 'tls.crt'),
    keyFile: join(dir, 'tls.key'),
    publish: (pair) => publish({ 'tls.crt': pair.certPem, 'tls.key': pair.keyPem }),
  };
}

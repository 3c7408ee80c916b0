/**
 * The command lines of etcd and kube-apiserver. The API server's flags are what a NetworkPolicy
 * webhook test needs from a control plane with no controllers; each unusual one says why.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Pki } from './pki.js';

export const KUBE_APISERVER_VERSION = 'v1.20.2';

export interface ClusterPorts {
  api: number;
  etcd: number;
  etcdPeer: number;
}

const ADMISSION_PLUGINS = [
  'NamespaceLifecycle', 'LimitRanger', 'DefaultTolerationSeconds', 'Priority', 'ResourceQuota',
  'MutatingAdmissionWebhook', 'ValidatingAdmissionWebhook',
];

export function etcdArgs(workDir: string, ports: ClusterPorts): string[] {
  const client = `http://127.0.0.1:${ports.etcd}`;
  const peer = `http://127.0.0.1:${ports.etcdPeer}`;
  return [
    '--name', 'netpol-guard-e2e', '--data-dir', join(workDir, 'etcd'),
    '--listen-client-urls', client, '--advertise-client-urls', client,
    '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `netpol-guard-e2e=${peer}`,
    '--logger', 'zap', '--log-outputs', 'stderr',
  ];
}

/**
 * `withoutAdmission`: plugins left out. The plugin flags are lists that a repeated flag extends,
 * so apiserverFlags cannot take one away.
 */
export function apiserverArgs(pki: Pki, ports: ClusterPorts, logLevel: number, withoutAdmission: readonly string[] = []): string[] {
  const enabled = ADMISSION_PLUGINS.filter((p) => !withoutAdmission.includes(p));
  return [
    '--bind-address=127.0.0.1', '--advertise-address=127.0.0.1',
    `--secure-port=${ports.api}`, '--insecure-port=0',
    `--etcd-servers=http://127.0.0.1:${ports.etcd}`,
    `--tls-cert-file=${pki.apiserverCert}`, `--tls-private-key-file=${pki.apiserverKey}`,
    `--client-ca-file=${pki.caCert}`, '--anonymous-auth=false', '--authorization-mode=RBAC',
    `--enable-admission-plugins=${enabled.join(',')}`,
    // No controller-manager creates service-account token Secrets, so the ServiceAccount
    // plugin would reject every Pod.
    `--disable-admission-plugins=${['ServiceAccount', ...withoutAdmission].join(',')}`,
    `--service-account-key-file=${pki.serviceAccountPub}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    '--service-cluster-ip-range=10.0.0.0/24',
    // A webhook's clientConfig.service is then resolved through its Endpoints (none exist, so it
    // fails fast) rather than by dialling a ClusterIP that nothing routes. Use clientConfig.url.
    '--enable-aggregator-routing=true',
    // Endpoints may not hold 127.0.0.1, so the `kubernetes` Service can never get one; do not
    // retry every 10 s.
    '--endpoint-reconciler-type=none',
    '--allow-privileged=true', '--profiling=false',
    `--v=${logLevel}`,
  ];
}

const checkedVersions = new Map<string, Promise<void>>();

/** Fails unless BIN is kube-apiserver v1.20.2; checked once per path and process. */
export function checkApiserverVersion(bin: string): Promise<void> {
  let check = checkedVersions.get(bin);
  if (!check) {
    check = promisify(execFile)(bin, ['--version'], { timeout: 20_000 }).then(
      ({ stdout }) => {
        if (stdout.trim() !== `Kubernetes ${KUBE_APISERVER_VERSION}`) {
          throw new Error(`${bin} reports "${stdout.trim()}", expected Kubernetes ${KUBE_APISERVER_VERSION}; unset KUBE_APISERVER or run test/e2e/harness/build-apiserver.sh`);
        }
      },
      (error: Error) => {
        throw new Error(`${bin} --version failed: ${error.message}`);
      },
    );
    checkedVersions.set(bin, check);
  }
  return check;
}

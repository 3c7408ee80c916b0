/**
 * Cluster-state manifests for impact tests, as `kubectl get -o yaml` would give them: the cluster
 * of Kubernetes' own NetworkPolicy e2e tests (namespaces x, y, z labelled ns=<name>; pods a, b, c
 * labelled pod=<name>, each serving 80 and 81 on TCP, UDP and SCTP under the names
 * serve-<port>-<proto>), x/a being 10.0.0.1 … z/c 10.0.0.9.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';

export function namespaceManifest(name: string, labels: Record<string, string> = {}) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } };
}

export interface PodManifestOptions {
  readonly ip?: string;
  readonly ports?: readonly { name?: string; containerPort: number; protocol?: string }[];
  readonly owner?: { kind: string; name: string };
}

export function podManifest(namespace: string, name: string, labels: Record<string, string>, o: PodManifestOptions = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels,
      ...(o.owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: o.owner.kind, name: o.owner.name, uid: `uid-${o.owner.name}`, controller: true }] } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'agnhost', ports: o.ports ?? [] }] },
    status: { phase: 'Running', ...(o.ip ? { podIP: o.ip, podIPs: [{ ip: o.ip }] } : {}) },
  };
}

export function policyManifest(namespace: string, name: string, spec: Record<string, unknown>) {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

export const E2E_CONTAINER_PORTS = [80, 81].flatMap((port) => ['TCP', 'UDP', 'SCTP'].map((protocol) => ({ name: `serve-${port}-${protocol.toLowerCase()}`, containerPort: port, protocol })));

export function e2eClusterObjects(): object[] {
  const out: object[] = [];
  let i = 1;
  for (const ns of ['x', 'y', 'z']) {
    out.push(namespaceManifest(ns, { ns }));
    for (const p of ['a', 'b', 'c']) out.push(podManifest(ns, p, { pod: p }, { ip: `10.0.0.${i++}`, ports: E2E_CONTAINER_PORTS }));
  }
  return out;
}

/** Writes objects as one multi-document YAML file in a new temporary directory; returns its path. */
export function writeManifests(objects: readonly object[], name = 'state.yaml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'npg-impact-'));
  const file = join(dir, name);
  writeFileSync(file, objects.map((o) => yaml.dump(o)).join('---\n'));
  return file;
}

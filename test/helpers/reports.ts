/** A small cluster whose audit gives every kind of report result: fail, warn, skip, pass. */
import { staticClusterView } from '../../src/cluster/static.js';
import { viewData } from '../../src/cluster/data-view.js';
import type { AuditJob } from '../../src/reports/compute.js';

export const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
export const pod = (namespace: string, name: string, app: string, ip: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace, name, labels: { app } },
  spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 8080 }] }] },
  status: { phase: 'Running', podIP: ip },
});
export const np = (namespace: string, name: string, spec: object) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace, name }, spec });

/**
 * shop: allow-all (fails allow-all-ingress, set to deny) and db (redundant: a warn); pods reachable
 * from outside (warns on Workloads). quiet: one NetworkPolicy without findings (a pass). open: a
 * namespace without policies whose ingress finding is exempt (a skip in the cluster report).
 */
export function reportCluster(extra: readonly unknown[] = []): unknown[] {
  return [
    ns('shop'),
    ns('open'),
    ns('quiet'),
    pod('shop', 'web-1', 'web', '10.0.0.1'),
    pod('shop', 'db-1', 'db', '10.0.0.2'),
    pod('open', 'app-1', 'app', '10.0.0.3'),
    pod('quiet', 'q-1', 'q', '10.0.0.4'),
    np('shop', 'allow-all', { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] }),
    np('shop', 'db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080 }] }], policyTypes: ['Ingress'] }),
    np('quiet', 'deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }),
    ...extra,
  ];
}

export const REPORT_POLICY = JSON.stringify({
  rules: { 'allow-all-ingress': { action: 'deny' } },
  exemptions: [{ namespaces: ['open'], rules: ['namespace-without-ingress-isolation'], reason: 'public by design' }],
});

export const NOW = 1_800_000_000_000;

export function reportJob(objects: readonly unknown[] = reportCluster(), over: Partial<AuditJob> = {}): AuditJob {
  return { data: viewData(staticClusterView(objects, 'test')), policyText: REPORT_POLICY, policySource: 'test-policy.yaml', api: 'wgpolicyk8s.io/v1alpha2', maxResults: 1000, now: NOW, ...over };
}

/**
 * Builders for cluster-state manifests (the objects a static ClusterView is made from) and a
 * small cluster most rule examples start from: CoreDNS in kube-system, a shop in `default`
 * (balance → postgres, hello behind a Service on 80 → 8080), flannel + Calico as the network.
 */
type Labels = Record<string, string>;
type Port = { name?: string; containerPort: number; protocol?: string };

export const namespace = (name: string, labels: Labels = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels } } });

export function pod(ns: string, name: string, labels: Labels, ports: Port[] = [], extra: { hostNetwork?: boolean; phase?: string } = {}) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: { ...(extra.hostNetwork ? { hostNetwork: true } : {}), containers: [{ name: 'main', image: 'example/app:1', ports }] },
    status: { phase: extra.phase ?? 'Running' },
  };
}

export function service(ns: string, name: string, selector: Labels | undefined, ports: { name?: string; port: number; targetPort?: number | string; protocol?: string }[]) {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { ...(selector ? { selector } : {}), ports } };
}

export const node = (name: string, ...podCIDRs: string[]) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name }, spec: { podCIDR: podCIDRs[0], podCIDRs } });

export function daemonSet(ns: string, name: string, ...images: string[]) {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name, namespace: ns, labels: { 'k8s-app': name } },
    spec: { selector: { matchLabels: { 'k8s-app': name } }, template: { metadata: { labels: { 'k8s-app': name } }, spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })) } } },
  };
}

export function validatingWebhook(name: string, service: { namespace: string; name: string; port?: number }, failurePolicy = 'Fail') {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name },
    webhooks: [{ name: `${name}.example.io`, failurePolicy, sideEffects: 'None', admissionReviewVersions: ['v1'], clientConfig: { service } }],
  };
}

export const DNS_PODS = [
  pod('kube-system', 'coredns-a', { 'k8s-app': 'kube-dns' }, [
    { name: 'dns', containerPort: 53, protocol: 'UDP' },
    { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
    { name: 'metrics', containerPort: 9153 },
  ]),
  pod('kube-system', 'coredns-b', { 'k8s-app': 'kube-dns' }, [
    { name: 'dns', containerPort: 53, protocol: 'UDP' },
    { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
  ]),
];

/** The base cluster: objects, not a view, so examples can add to them. */
export const SHOP: readonly unknown[] = [
  namespace('default'),
  namespace('kube-system'),
  namespace('bar', { team: 'bar' }),
  namespace('database', { team: 'data' }),
  ...DNS_PODS,
  pod('default', 'balance-1', { app: 'balance' }, [{ name: 'http', containerPort: 8000 }]),
  pod('default', 'postgres-0', { app: 'postgres' }, [{ name: 'pg', containerPort: 5432 }]),
  pod('default', 'hello-1', { app: 'hello' }, [{ name: 'http', containerPort: 8080 }]),
  pod('default', 'job-1', { app: 'job' }, [], { phase: 'Succeeded' }),
  pod('bar', 'b-1', { a: 'b' }, [{ name: 'web', containerPort: 8080 }]),
  pod('database', 'admin-1', { app: 'admin' }),
  service('default', 'postgres', { app: 'postgres' }, [{ port: 5432 }]),
  service('default', 'hello', { app: 'hello' }, [{ name: 'http', port: 80, targetPort: 8080 }]),
  service('bar', 'b', { a: 'b' }, [{ port: 80, targetPort: 'web' }]),
  node('node-1', '10.244.0.0/24'),
  node('node-2', '10.244.1.0/24'),
  daemonSet('kube-system', 'kube-proxy', 'registry.k8s.io/kube-proxy:v1.30.0'),
];

/** SHOP with its network plugin: flannel alone (seed 002's setup) or canal. */
export const FLANNEL_ONLY = daemonSet('kube-flannel', 'kube-flannel-ds', 'docker.io/flannel/flannel:v0.25.1', 'docker.io/flannel/flannel-cni-plugin:v1.4.0');
export const CANAL = daemonSet('kube-system', 'canal', 'docker.io/calico/node:v3.27.0', 'quay.io/coreos/flannel:v0.15.1');

/** A ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2, the version the released CRDs serve). */
export function clusterNetworkPolicy(name: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}) {
  return { apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name, ...metadata }, spec };
}

/** An Admin-tier Deny of everything from namespaces labelled team=bar into `database`. */
export const DENY_BAR_TO_DATABASE = clusterNetworkPolicy('deny-bar-to-database', {
  tier: 'Admin',
  priority: 10,
  subject: { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'database' } } },
  ingress: [{ name: 'no-bar', action: 'Deny', from: [{ namespaces: { matchLabels: { team: 'bar' } } }] }],
});

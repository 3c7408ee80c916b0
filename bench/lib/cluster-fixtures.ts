/**
 * Synthetic cluster states, as manifests (wire JSON): 500 stored policies for the cross-policy
 * DNS rule, and a large cluster of 10k pods / 1k namespaces / 2k services.
 */
type Json = Record<string, unknown>;

function ns(name: string, labels: Json = {}): Json {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

function pod(namespace: string, name: string, labels: Json, ports: Json[] = [{ name: 'http', containerPort: 8080, protocol: 'TCP' }]): Json {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace, name, labels },
    spec: { containers: [{ name: 'main', image: 'registry.example/app:1', ports }] },
    status: { phase: 'Running' },
  };
}

function dnsPods(): Json[] {
  const ports = [
    { name: 'dns', containerPort: 53, protocol: 'UDP' },
    { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
    { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
  ];
  return [0, 1].map((i) => pod('kube-system', `coredns-${i}`, { 'k8s-app': 'kube-dns' }, ports));
}

/**
 * Namespace `default` with 500 stored policies for the cross-policy DNS rule: half select the same
 * pods as the seed policy (role=db), a tenth select every pod, the rest other apps; all isolate
 * egress, some allow DNS. Plus the pods they select and the cluster DNS pods.
 */
export function storedPoliciesState(count = 500): Json[] {
  const objects: Json[] = [ns('default'), ns('kube-system')];
  objects.push(...dnsPods());
  for (let i = 0; i < 20; i++) objects.push(pod('default', `db-${i}`, { role: 'db', shard: `s${i % 4}` }, [{ name: 'redis', containerPort: 6379, protocol: 'TCP' }]));
  for (let i = 0; i < 40; i++) objects.push(pod('default', `app-${i}`, { app: `app-${i % 10}` }));
  for (let i = 0; i < count; i++) {
    const selector = i % 10 === 0 ? {} : i % 2 === 0 ? { matchLabels: { role: 'db' } } : { matchLabels: { app: `app-${i % 10}` } };
    const dns = i % 7 === 0;
    const egress = dns
      ? [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: i % 14 === 0 ? 'UDP' : 'TCP', port: 53 }] }]
      : [{ to: [{ ipBlock: { cidr: `10.${(i >> 8) & 255}.${i & 255}.0/24` } }, { podSelector: { matchLabels: { app: `app-${i % 10}` } } }], ports: [{ protocol: 'TCP', port: 5000 + (i % 1000) }] }];
    objects.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `stored-${i}`, namespace: 'default' },
      spec: { podSelector: selector, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: {} }] }], egress },
    });
  }
  return objects;
}

/**
 * A large cluster: 1,000 namespaces, 10,000 pods (10 per namespace, 5 label sets as replicas
 * give), 2,000 services (2 per namespace), 50 nodes, the cluster DNS.
 */
export function largeClusterState(): Json[] {
  const objects: Json[] = [];
  for (let n = 0; n < 1000; n++) {
    const name = `team-${n}`;
    objects.push(ns(name, { team: `t${n % 50}`, env: n % 3 === 0 ? 'prod' : 'dev' }));
    for (let p = 0; p < 10; p++) {
      const app = `svc-${p % 5}`;
      objects.push(pod(name, `${app}-${n}-${p}`, { app, 'pod-template-hash': `h${n}-${p % 5}`, tier: p % 2 ? 'web' : 'api' }));
    }
    for (let s = 0; s < 2; s++) {
      objects.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { namespace: name, name: `svc-${s}` },
        spec: { selector: { app: `svc-${s}` }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
      });
    }
  }
  objects.push(...dnsPods());
  for (let i = 0; i < 50; i++) {
    objects.push({ apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${i}` }, spec: { podCIDR: `10.244.${i}.0/24`, podCIDRs: [`10.244.${i}.0/24`] } });
  }
  return objects;
}

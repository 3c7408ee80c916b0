/**
 * What each audit rule flags and what it passes: small clusters as manifests, the subject and
 * field the first finding must name.
 */
const ns = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
let nextIp = 1;
const pod = (namespace: string, name: string, labels: Record<string, string>, port = 80) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels },
  spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: port, name: 'http' }] }] },
  status: { phase: 'Running', podIP: `10.9.0.${nextIp++}` },
});
const np = (namespace: string, name: string, spec: object) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec });
const cnp = (name: string, spec: object) => ({ apiVersion: 'policy.networking.k8s.io/v1alpha2', kind: 'ClusterNetworkPolicy', metadata: { name }, spec });

const app = (a: string) => ({ matchLabels: { app: a } });
const denyAll = (namespace: string) => np(namespace, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });

/** Three namespaces, an api and a db in shop, a client elsewhere. */
const base = () => [ns('shop', { team: 'shop' }), ns('web', { team: 'web' }), ns('ops', { team: 'ops' }), pod('shop', 'api-0', { app: 'api' }, 8080), pod('shop', 'db-0', { app: 'db' }, 5432), pod('web', 'ui-0', { app: 'ui' }, 8443), pod('ops', 'mon-0', { app: 'mon' }, 9090)];

export interface AuditExample {
  readonly name: string;
  readonly objects: readonly unknown[];
  readonly params?: Record<string, unknown>;
  /** For flagged examples: `Kind namespace/name` (or `Kind name`) of the first finding, and its field. */
  readonly subject?: string;
  readonly field?: string;
}

export const AUDIT_EXAMPLES: Record<string, { flagged: AuditExample[]; passes: AuditExample[] }> = {
  'namespace-without-ingress-isolation': {
    flagged: [
      { name: 'no policy at all', objects: base(), subject: 'Namespace ops/ops', field: 'metadata' },
      { name: 'only the db isolated', objects: [...base(), np('shop', 'db', { podSelector: app('db'), ingress: [] })], params: { partly: true } },
    ],
    passes: [
      { name: 'a default deny everywhere', objects: [...base(), denyAll('shop'), denyAll('web'), denyAll('ops')] },
      { name: 'partly isolated, when not asked about partly', objects: [...base(), np('shop', 'db', { podSelector: app('db'), ingress: [] }), denyAll('web'), denyAll('ops')], params: { partly: false } },
    ],
  },
  'namespace-without-egress-isolation': {
    flagged: [{ name: 'ingress isolation only', objects: [...base(), np('shop', 'in', { podSelector: {}, ingress: [] }), denyAll('web'), denyAll('ops')], subject: 'Namespace shop/shop', field: 'metadata' }],
    passes: [{ name: 'a default deny everywhere', objects: [...base(), denyAll('shop'), denyAll('web'), denyAll('ops')] }],
  },
  'pod-reachable-from-outside': {
    flagged: [
      { name: 'ipBlock 0.0.0.0/0', objects: [...base(), np('web', 'ui', { podSelector: app('ui'), ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 8443 }] }] })], subject: 'Workload web/ui', field: 'metadata' },
      { name: 'a rule with no from', objects: [...base(), np('shop', 'api', { podSelector: app('api'), ingress: [{ ports: [{ port: 8080 }] }] })], subject: 'Workload shop/api' },
    ],
    passes: [
      { name: 'private ranges only', objects: [...base(), np('web', 'ui', { podSelector: app('ui'), ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }, { ipBlock: { cidr: '192.168.0.0/16' } }] }] })] },
      { name: 'the public port is allowed by the parameters', objects: [...base(), np('web', 'ui', { podSelector: app('ui'), ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 8443 }] }] })], params: { allowedPorts: [8443] } },
      { name: 'not isolated pods are namespace-without-ingress-isolation\'s', objects: base() },
    ],
  },
  'pod-reachable-from-all-namespaces': {
    flagged: [{ name: 'namespaceSelector: {}', objects: [...base(), np('shop', 'api', { podSelector: app('api'), ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 8080 }] }] })], subject: 'Workload shop/api', field: 'metadata' }],
    passes: [
      { name: 'named namespaces only', objects: [...base(), np('shop', 'api', { podSelector: app('api'), ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'web' } } }], ports: [{ port: 8080 }] }] })] },
      { name: 'an allowed port', objects: [...base(), np('shop', 'api', { podSelector: app('api'), ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 8080 }] }] })], params: { allowedPorts: [8080] } },
    ],
  },
  'redundant-policy': {
    flagged: [
      {
        name: 'a copy of another policy',
        objects: [...base(), np('shop', 'db', { podSelector: app('db'), ingress: [{ from: [{ podSelector: app('api') }], ports: [{ port: 5432 }] }] }), np('shop', 'db-copy', { podSelector: app('db'), ingress: [{ from: [{ podSelector: app('api') }], ports: [{ port: 5432 }] }] })],
        subject: 'NetworkPolicy shop/db',
        field: 'metadata',
      },
      { name: 'a default deny under another, when asked', objects: [...base(), np('shop', 'deny', { podSelector: {}, ingress: [] }), np('shop', 'deny-2', { podSelector: {}, ingress: [] })], params: { ignoreDefaultDeny: false } },
    ],
    passes: [
      { name: 'each allows a port the other does not', objects: [...base(), np('shop', 'db', { podSelector: app('db'), ingress: [{ from: [{ podSelector: app('api') }], ports: [{ port: 5432 }] }] }), np('shop', 'db-more', { podSelector: app('db'), ingress: [{ from: [{ podSelector: app('api') }], ports: [{ port: 5433 }] }] })] },
      { name: 'a default deny under another', objects: [...base(), np('shop', 'deny', { podSelector: {}, ingress: [] }), np('shop', 'deny-2', { podSelector: {}, ingress: [] })] },
    ],
  },
  'redundant-rule': {
    flagged: [
      {
        name: 'a port range covers a port',
        objects: [...base(), np('shop', 'db', { podSelector: app('db'), ingress: [{ from: [{ podSelector: app('api') }], ports: [{ port: 5000, endPort: 6000 }] }, { from: [{ podSelector: app('api') }], ports: [{ port: 5432 }] }] })],
        subject: 'NetworkPolicy shop/db',
        field: 'spec.ingress[1]',
      },
      { name: 'all namespaces cover one', objects: [...base(), np('shop', 'api', { podSelector: app('api'), ingress: [{ from: [{ namespaceSelector: {} }] }, { from: [{ namespaceSelector: { matchLabels: { team: 'web' } } }], ports: [{ port: 8080 }] }] })], field: 'spec.ingress[1]' },
    ],
    passes: [
      { name: 'the port outside the range', objects: [...base(), np('shop', 'db', { podSelector: app('db'), ingress: [{ from: [{ podSelector: app('api') }], ports: [{ port: 5000, endPort: 5400 }] }, { from: [{ podSelector: app('api') }], ports: [{ port: 5432 }] }] })] },
      { name: 'UDP is not TCP', objects: [...base(), np('shop', 'db', { podSelector: app('db'), ingress: [{ from: [{ podSelector: app('api') }], ports: [{ port: 5432 }] }, { from: [{ podSelector: app('api') }], ports: [{ port: 5432, protocol: 'UDP' }] }] })] },
    ],
  },
  'admin-tier-overrides-rule': {
    flagged: [
      {
        name: 'an Admin Deny over the allowed sources',
        objects: [...base(), np('ops', 'mon', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'shop' } } }] }] }), cnp('no-shop', { tier: 'Admin', priority: 5, subject: { namespaces: { matchLabels: { team: 'ops' } } }, ingress: [{ action: 'Deny', from: [{ namespaces: { matchLabels: { team: 'shop' } } }] }] })],
        subject: 'NetworkPolicy ops/mon',
        field: 'spec.ingress[0]',
      },
    ],
    passes: [
      { name: 'the Deny covers only part of it', objects: [...base(), np('ops', 'mon', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] }), cnp('no-shop', { tier: 'Admin', priority: 5, subject: { namespaces: { matchLabels: { team: 'ops' } } }, ingress: [{ action: 'Deny', from: [{ namespaces: { matchLabels: { team: 'shop' } } }] }] })] },
      { name: 'a Pass hands the flows over', objects: [...base(), np('ops', 'mon', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'shop' } } }] }] }), cnp('pass-shop', { tier: 'Admin', priority: 5, subject: { namespaces: { matchLabels: { team: 'ops' } } }, ingress: [{ action: 'Pass', from: [{ namespaces: { matchLabels: { team: 'shop' } } }] }] })] },
    ],
  },
  'baseline-rule-never-applies': {
    flagged: [
      { name: 'every selected pod is isolated', objects: [...base(), denyAll('shop'), cnp('base', { tier: 'Baseline', priority: 5, subject: { namespaces: { matchLabels: { team: 'shop' } } }, ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] })], subject: 'ClusterNetworkPolicy base', field: 'spec.ingress[0]' },
      { name: 'an earlier rule matches first', objects: [...base(), cnp('base', { tier: 'Baseline', priority: 5, subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }, { action: 'Accept', from: [{ namespaces: { matchLabels: { team: 'web' } } }] }] })], field: 'spec.ingress[1]' },
    ],
    passes: [{ name: 'a namespace without NetworkPolicies', objects: [...base(), denyAll('web'), cnp('base', { tier: 'Baseline', priority: 5, subject: { namespaces: {} }, ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }] })] }],
  },
};

/**
 * For every rule, objects it must flag and objects it must pass, including the seed documents'
 * own examples. The meta-test fails when a rule in the catalogue has no entry here.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import type { NetworkPolicy } from '../../src/k8s/types.js';
import type { Operation, UserInfo } from '../../src/admission/types.js';
import { CANAL, FLANNEL_ONLY, SHOP, namespace, pod, service, validatingWebhook } from '../cluster/manifests.js';
import {
  CD,
  fromIPBlock,
  fromNamespaceSelector,
  fromPodSelector,
  makeNetworkPolicy,
  port,
  toIPBlock,
  toNamespaceSelector,
  toPodSelector,
  withEgressEmptyRule,
  withEgressPorts,
  withIngressEmptyRule,
  withIngressPorts,
  withPodSelector,
  withPolicyTypes,
} from '../helpers/netpol.js';

export interface Example {
  readonly name: string;
  readonly object: unknown;
  readonly operation?: Operation;
  readonly old?: unknown;
  readonly userInfo?: UserInfo;
  readonly params?: Record<string, unknown>;
  /** For flagged examples: the field of the (first) finding. */
  readonly field?: string;
  /**
   * Cluster state as manifests (a static ClusterView is built from them); rules that need or use
   * the cluster get it, as the engine gives it to them.
   */
  readonly cluster?: readonly unknown[];
}

export interface RuleExamples {
  readonly flagged: readonly Example[];
  readonly passes: readonly Example[];
}

const seedDir = fileURLToPath(new URL('../fixtures/seeds/', import.meta.url));
/** The first document of a seed fixture, as written (typos and all). */
export function seed(file: string, index = 0): unknown {
  return yaml.loadAll(readFileSync(seedDir + file, 'utf8'))[index];
}

const both = withPolicyTypes('Ingress', 'Egress');
/** A seed (or any object) moved to another namespace. */
const inNamespace = (object: unknown, ns: string): unknown => {
  const o = structuredClone(object) as { metadata?: Record<string, unknown> };
  o.metadata = { ...o.metadata, namespace: ns };
  return o;
};
const ns = (name: string) => (np: NetworkPolicy) => void (np.metadata = { ...np.metadata, namespace: name });
const app = (name: string) => withPodSelector({ matchLabels: { app: name } });
const KUBE_DNS_PEER = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } };
/** A namespace-wide DNS allowance, as seed 003 suggests, with TCP added. */
const NAMESPACE_DNS = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'default.dns', namespace: 'default' },
  spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [KUBE_DNS_PEER], ports: [port('UDP', 53), port('TCP', 53)] }] },
};
/** SHOP plus netpol-guard's own webhook: namespace, pod, Service 443 → 8443, configuration. */
const WITH_WEBHOOK = [
  ...SHOP,
  namespace('netpol-guard'),
  pod('netpol-guard', 'netpol-guard-1', { app: 'netpol-guard' }, [{ name: 'https', containerPort: 8443 }]),
  service('netpol-guard', 'netpol-guard', { app: 'netpol-guard' }, [{ port: 443, targetPort: 8443 }]),
  validatingWebhook('netpol-guard', { namespace: 'netpol-guard', name: 'netpol-guard', port: 443 }),
];
const dns = withEgressPorts(port('UDP', 53), port('TCP', 53));
const web = makeNetworkPolicy(fromPodSelector(CD), withIngressPorts(port('TCP', 8080)), withPolicyTypes('Ingress'));

export const EXAMPLES: Record<string, RuleExamples> = {
  'allow-all-ingress': {
    flagged: [
      { name: 'seed 003 allow-all', object: seed('003-allow-all-ingress.yaml'), field: 'spec.ingress[0]' },
      { name: 'ports but no from', object: makeNetworkPolicy(withIngressPorts(port('TCP', 443))), field: 'spec.ingress[0]' },
    ],
    passes: [
      { name: 'a source is listed', object: web },
      { name: 'seed 003 deny-all ingress', object: seed('003-deny-all-ingress.yaml') },
      { name: 'ingress not isolated', object: makeNetworkPolicy(withIngressEmptyRule, withPolicyTypes('Egress')) },
    ],
  },
  'allow-all-egress': {
    flagged: [
      { name: 'seed 000 kube-prometheus', object: seed('000-prometheus-k8s.yaml'), field: 'spec.egress[0]' },
      { name: 'seed 004 allow-all egress', object: seed('004-allow-all-egress.yaml'), field: 'spec.egress[0]' },
    ],
    passes: [
      { name: 'destinations listed', object: makeNetworkPolicy(toPodSelector(CD), dns, both) },
      { name: 'seed 003 deny-all egress', object: seed('003-deny-all-egress.yaml') },
    ],
  },
  'ipblock-world': {
    flagged: [
      { name: 'seed 003 egress-any', object: seed('003-egress-any.yaml'), field: 'spec.egress[0].to[0].ipBlock.cidr' },
      { name: 'seed 003 0.0.0.0/0 except the pod network', object: seed('003-egress-any-except-pod-cidr.yaml'), field: 'spec.egress[0].to[0].ipBlock.cidr' },
      { name: 'IPv6 everything, ingress', object: makeNetworkPolicy(fromIPBlock({ cidr: '::/0' })), field: 'spec.ingress[0].from[0].ipBlock.cidr' },
    ],
    passes: [{ name: 'a /24', object: makeNetworkPolicy(toIPBlock({ cidr: '203.0.113.0/24' }), both) }],
  },
  'cidr-too-wide': {
    flagged: [
      { name: 'a /8', object: makeNetworkPolicy(toIPBlock({ cidr: '10.0.0.0/8' }), both), field: 'spec.egress[0].to[0].ipBlock.cidr' },
      { name: 'a /32 IPv6', object: makeNetworkPolicy(fromIPBlock({ cidr: '2001:db8::/32' })), field: 'spec.ingress[0].from[0].ipBlock.cidr' },
      { name: 'a /20 with a stricter limit', object: makeNetworkPolicy(fromIPBlock({ cidr: '172.16.0.0/20' })), params: { ipv4MinPrefix: 24 } },
    ],
    passes: [
      { name: 'a /16', object: makeNetworkPolicy(fromIPBlock({ cidr: '172.16.0.0/16' })) },
      { name: '0.0.0.0/0 is left to ipblock-world', object: seed('003-egress-any.yaml') },
    ],
  },
  'namespace-selector-all': {
    flagged: [{ name: 'every namespace', object: makeNetworkPolicy(fromNamespaceSelector({})), field: 'spec.ingress[0].from[0].namespaceSelector' }],
    passes: [
      { name: 'seed 003: {} with a podSelector is "these pods in any namespace"', object: seed('003-postgres-any-namespace-pod.yaml') },
      { name: 'named namespaces', object: makeNetworkPolicy(fromNamespaceSelector({ matchLabels: { 'kubernetes.io/metadata.name': 'web' } })) },
    ],
  },
  'selector-and-or-confusion': {
    flagged: [
      {
        name: 'two lone items',
        object: makeNetworkPolicy((np) => {
          np.spec!.ingress = [{ from: [{ namespaceSelector: { matchLabels: { team: 'a' } } }, { podSelector: { matchLabels: { app: 'web' } } }] }];
        }),
        field: 'spec.ingress[0].from',
      },
      {
        name: 'egress too',
        object: makeNetworkPolicy(both, dns, (np) => {
          np.spec!.egress!.push({ to: [{ podSelector: CD }, { namespaceSelector: CD }] });
        }),
        field: 'spec.egress[1].to',
      },
    ],
    passes: [
      { name: 'seed 003 AND form', object: seed('003-postgres-namespace-and-pod.yaml') },
      { name: 'seed 003 two podSelectors', object: seed('003-postgres-two-peers.yaml') },
    ],
  },
  'egress-without-dns': {
    flagged: [
      { name: 'seed 003 balance without DNS', object: seed('003-balance-egress-no-dns.yaml'), field: 'spec.egress' },
      { name: 'seed 003 UDP only', object: seed('003-balance-egress-dns-kube-system.yaml'), field: 'spec.egress' },
      { name: 'seed 003 only 8.8.8.8', object: seed('003-egress-google-dns.yaml'), field: 'spec.egress' },
      { name: 'DNS ports, but to pods of this namespace', object: makeNetworkPolicy(toPodSelector(CD), dns, both), field: 'spec.egress' },
      { name: 'deny-all egress', object: seed('003-deny-all-egress.yaml'), field: 'spec.policyTypes' },
      {
        name: 'the port: 53 without protocol trap',
        object: { ...makeNetworkPolicy(both), spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 53 }] }] } },
        field: 'spec.egress[0].ports[0]',
      },
      {
        name: 'cluster: DNS ports to a namespace label kube-system does not carry (seed 003 namespace: kube-system)',
        object: makeNetworkPolicy(ns('default'), app('balance'), toNamespaceSelector({ matchLabels: { namespace: 'kube-system' } }), dns, both),
        cluster: SHOP,
        field: 'spec.egress',
      },
      {
        name: 'cluster: UPDATE drops DNS; the stored version that allowed it no longer counts',
        object: makeNetworkPolicy(toPodSelector(CD), both, (np) => (np.metadata!.resourceVersion = '7')),
        operation: 'UPDATE',
        old: makeNetworkPolicy(withEgressPorts(port('UDP', 53), port('TCP', 53)), both, (np) => (np.metadata!.resourceVersion = '7')),
        cluster: [...SHOP, makeNetworkPolicy(withEgressPorts(port('UDP', 53), port('TCP', 53)), both)],
        field: 'spec.egress',
      },
    ],
    passes: [
      { name: 'UDP and TCP 53 to kube-system', object: makeNetworkPolicy(toNamespaceSelector({ matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }), dns, both) },
      { name: 'UDP and TCP 53 to a resolver in a private range', object: makeNetworkPolicy(toIPBlock({ cidr: '10.0.0.10/32' }), dns, both) },
      { name: 'all ports to anywhere', object: makeNetworkPolicy(withEgressEmptyRule, both) },
      { name: 'a port range over 53', object: makeNetworkPolicy(withEgressPorts(port('UDP', 1, 1024), port('TCP', 1, 1024)), both) },
      { name: 'named dns ports', object: makeNetworkPolicy(withEgressPorts(port('UDP', 'dns'), port('TCP', 'dns-tcp')), both) },
      { name: 'egress not isolated', object: web },
      {
        name: 'cluster: seed 003 balance without DNS, but a namespace-wide DNS policy selects the same pods',
        object: seed('003-balance-egress-no-dns.yaml'),
        cluster: [...SHOP, NAMESPACE_DNS],
      },
      {
        name: 'cluster: to the DNS pods themselves, by their named ports',
        object: makeNetworkPolicy(ns('default'), app('balance'), (np) => void (np.spec!.egress = [{ to: [KUBE_DNS_PEER], ports: [port('UDP', 'dns'), port('TCP', 'dns-tcp')] }]), both),
        cluster: SHOP,
      },
      { name: 'cluster without DNS pods: judged as without cluster', object: makeNetworkPolicy(toNamespaceSelector({ matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }), dns, both), cluster: [namespace('bar')] },
    ],
  },
  'ports-unrestricted': {
    flagged: [{ name: 'seed 003 postgres from balance', object: seed('003-postgres-from-balance.yaml'), field: 'spec.ingress[0]' }],
    passes: [
      { name: 'ports listed', object: web },
      { name: 'no peers either is allow-all, not this', object: seed('003-allow-all-ingress.yaml') },
    ],
  },
  'namespace-label-never-set': {
    flagged: [
      { name: 'seed 003 namespace label', object: seed('003-postgres-namespace-and-pod.yaml'), field: 'spec.ingress[0].from[0].namespaceSelector.matchLabels' },
      {
        name: 'name in an expression',
        object: makeNetworkPolicy(fromNamespaceSelector({ matchExpressions: [{ key: 'name', operator: 'In', values: ['web'] }] })),
        field: 'spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].key',
      },
    ],
    passes: [{ name: 'the automatic label', object: makeNetworkPolicy(fromNamespaceSelector({ matchLabels: { 'kubernetes.io/metadata.name': 'web' } })) }],
  },
  'ipblock-cluster-cidr': {
    flagged: [
      { name: 'seed 002 flannel pod network', object: seed('002-allow-myapp-ingress.yaml'), params: { podCIDRs: ['10.244.0.0/16'] }, field: 'spec.ingress[0].from[0].ipBlock.cidr' },
      { name: 'a single service IP', object: makeNetworkPolicy(toIPBlock({ cidr: '10.96.0.10/32' }), both), params: { serviceCIDRs: ['10.96.0.0/12'] } },
      { name: 'cluster: seed 002 over the nodes\' podCIDRs, none configured', object: seed('002-allow-myapp-ingress.yaml'), cluster: SHOP, field: 'spec.ingress[0].from[0].ipBlock.cidr' },
    ],
    passes: [
      { name: 'outside the networks', object: makeNetworkPolicy(toIPBlock({ cidr: '203.0.113.0/24' }), both), params: { podCIDRs: ['10.244.0.0/16'] } },
      { name: 'the pod network excepted', object: seed('003-egress-any-except-pod-cidr.yaml'), params: { podCIDRs: ['10.16.0.0/14'] } },
      { name: 'nothing configured', object: seed('002-allow-myapp-ingress.yaml') },
      { name: 'cluster: outside the nodes\' podCIDRs', object: makeNetworkPolicy(toIPBlock({ cidr: '203.0.113.0/24' }), both), cluster: SHOP },
    ],
  },
  'cloud-metadata-egress': {
    flagged: [
      { name: 'seed 003 egress-any', object: seed('003-egress-any.yaml'), field: 'spec.egress[0].to[0].ipBlock.cidr' },
      { name: 'link-local range', object: makeNetworkPolicy(toIPBlock({ cidr: '169.254.0.0/16' }), both) },
      { name: 'AWS IPv6 endpoint', object: makeNetworkPolicy(toIPBlock({ cidr: 'fd00:ec2::/32' }), both) },
    ],
    passes: [
      { name: 'excepted', object: makeNetworkPolicy(toIPBlock({ cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] }), both) },
      { name: 'ingress from it is not egress', object: makeNetworkPolicy(fromIPBlock({ cidr: '169.254.0.0/16' })) },
    ],
  },
  'rules-without-policy-type': {
    flagged: [
      { name: 'egress rules, policyTypes [Ingress]', object: makeNetworkPolicy(toNamespaceSelector(CD), withPolicyTypes('Ingress')), field: 'spec.egress' },
      { name: 'ingress rules, policyTypes [Egress]', object: makeNetworkPolicy(fromPodSelector(CD), withPolicyTypes('Egress')), field: 'spec.ingress' },
    ],
    passes: [
      { name: 'seed 000 both listed', object: seed('000-prometheus-k8s.yaml') },
      { name: 'inferred', object: makeNetworkPolicy(toNamespaceSelector(CD)) },
    ],
  },
  'implicit-policy-types': {
    flagged: [
      { name: 'seed 004 allow-all egress', object: seed('004-allow-all-egress.yaml'), field: 'spec.policyTypes' },
      { name: 'none given', object: makeNetworkPolicy(fromPodSelector(CD)) },
    ],
    passes: [{ name: 'explicit', object: web }],
  },
  'empty-egress-not-isolating': {
    flagged: [{ name: 'egress: [] alone', object: { ...makeNetworkPolicy(), spec: { podSelector: {}, egress: [] } }, field: 'spec.egress' }],
    passes: [
      { name: 'with policyTypes', object: { ...makeNetworkPolicy(), spec: { podSelector: {}, egress: [], policyTypes: ['Egress'] } } },
      { name: 'egress rules present', object: makeNetworkPolicy(withEgressEmptyRule) },
    ],
  },
  'port-range-too-wide': {
    flagged: [{ name: '30000-32767', object: makeNetworkPolicy(withIngressPorts(port('TCP', 30000, 32767))), field: 'spec.ingress[0].ports[0].endPort' }],
    passes: [
      { name: 'a narrow range', object: makeNetworkPolicy(withIngressPorts(port('TCP', 8000, 8010))) },
      { name: 'wide, but allowed by params', object: makeNetworkPolicy(withIngressPorts(port('TCP', 30000, 32767))), params: { maxSpan: 5000 } },
    ],
  },
  'policy-name-pattern': {
    flagged: [{ name: 'not namespace.pod', object: makeNetworkPolicy(), field: 'metadata.name' }],
    passes: [{ name: 'seed 003 default.postgres', object: seed('003-postgres-from-balance.yaml') }],
  },
  'protected-policy': {
    flagged: [
      {
        name: 'a developer deletes the default-deny',
        object: null,
        operation: 'DELETE',
        old: makeNetworkPolicy((np) => (np.metadata!.labels = { 'netpol-guard.io/protected': 'true' })),
        userInfo: { username: 'dev', groups: ['developers'] },
        field: 'metadata.labels[netpol-guard.io/protected]',
      },
      {
        name: 'removing the label is a change too',
        object: makeNetworkPolicy((np) => (np.metadata!.resourceVersion = '1')),
        operation: 'UPDATE',
        old: makeNetworkPolicy((np) => {
          np.metadata!.labels = { 'netpol-guard.io/protected': 'true' };
          np.metadata!.resourceVersion = '1';
        }),
        userInfo: { username: 'dev', groups: ['developers'] },
      },
    ],
    passes: [
      {
        name: 'an administrator',
        object: null,
        operation: 'DELETE',
        old: makeNetworkPolicy((np) => (np.metadata!.labels = { 'netpol-guard.io/protected': 'true' })),
        userInfo: { username: 'admin', groups: ['system:masters'] },
      },
      { name: 'not protected', object: null, operation: 'DELETE', old: makeNetworkPolicy(), userInfo: { username: 'dev' } },
    ],
  },
  'pod-selector-matches-nothing': {
    flagged: [
      { name: 'seed 003 database.postgres: no postgres in namespace database', object: seed('003-postgres-namespace-and-pod.yaml'), cluster: SHOP, field: 'spec.podSelector' },
      { name: 'a label typo', object: makeNetworkPolicy(ns('default'), app('postgress')), cluster: SHOP, field: 'spec.podSelector' },
      { name: 'only a finished pod matches', object: makeNetworkPolicy(ns('default'), app('job')), cluster: SHOP },
      { name: 'an empty namespace, when asked', object: makeNetworkPolicy(ns('empty')), cluster: [...SHOP, namespace('empty')], params: { ignoreEmptyNamespaces: false } },
    ],
    passes: [
      { name: 'seed 003 default.postgres', object: seed('003-postgres-from-balance.yaml'), cluster: SHOP },
      { name: 'an empty namespace: applied before its workloads', object: makeNetworkPolicy(ns('empty')), cluster: [...SHOP, namespace('empty')] },
    ],
  },
  'peer-matches-nothing': {
    flagged: [
      {
        name: 'seed 003: namespaceSelector namespace: default, a label default does not carry',
        object: seed('003-postgres-namespace-and-pod.yaml'),
        cluster: SHOP,
        field: 'spec.ingress[0].from[0].namespaceSelector',
      },
      { name: 'seed 003 DNS to namespace: kube-system', object: seed('003-balance-egress-dns-kube-system.yaml'), cluster: SHOP, field: 'spec.egress[1].to[0].namespaceSelector' },
      {
        name: 'seed 002: matchExpressions on key name',
        object: makeNetworkPolicy(fromNamespaceSelector({ matchExpressions: [{ key: 'name', operator: 'In', values: ['testing', 'kube-system'] }] })),
        cluster: SHOP,
        field: 'spec.ingress[0].from[0].namespaceSelector',
      },
      { name: 'a podSelector alone for pods of another namespace', object: makeNetworkPolicy(ns('default'), fromPodSelector({ matchLabels: { app: 'admin' } })), cluster: SHOP, field: 'spec.ingress[0].from[0].podSelector' },
      {
        name: 'namespace found, pod label wrong',
        object: makeNetworkPolicy(ns('default'), toNamespaceSelector({ matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }), toPodSelector({ matchLabels: { 'k8s-app': 'coredns' } }), dns, both),
        cluster: SHOP,
        field: 'spec.egress[0].to[0].podSelector',
      },
    ],
    passes: [
      { name: 'seed 003 default.postgres from balance', object: seed('003-postgres-from-balance.yaml'), cluster: SHOP },
      {
        name: 'namespace by kubernetes.io/metadata.name, AND pod',
        object: makeNetworkPolicy(ns('default'), fromNamespaceSelector({ matchLabels: { 'kubernetes.io/metadata.name': 'database' } }), fromPodSelector({ matchLabels: { app: 'admin' } })),
        cluster: SHOP,
      },
      { name: 'ipBlock peers are not selectors', object: makeNetworkPolicy(fromIPBlock({ cidr: '203.0.113.0/24' })), cluster: SHOP },
    ],
  },
  'service-port-not-pod-port': {
    flagged: [
      { name: 'seed 003: service on 80, pods on 8080', object: makeNetworkPolicy(ns('default'), app('hello'), withIngressPorts(port('TCP', 80))), cluster: SHOP, field: 'spec.ingress[0].ports[0].port' },
      {
        name: 'egress to the service port',
        object: makeNetworkPolicy(ns('default'), app('balance'), toPodSelector({ matchLabels: { app: 'hello' } }), withEgressPorts(port('TCP', 80)), both),
        cluster: SHOP,
        field: 'spec.egress[0].ports[0].port',
      },
      { name: 'a named targetPort', object: makeNetworkPolicy(withIngressPorts(port('TCP', 80))), cluster: SHOP, field: 'spec.ingress[0].ports[0].port' },
    ],
    passes: [
      { name: 'the container port', object: makeNetworkPolicy(ns('default'), app('hello'), withIngressPorts(port('TCP', 8080))), cluster: SHOP },
      { name: 'service port equal to the pod port', object: makeNetworkPolicy(ns('default'), app('postgres'), withIngressPorts(port('TCP', 5432))), cluster: SHOP },
      { name: 'both ports listed', object: makeNetworkPolicy(ns('default'), app('hello'), withIngressPorts(port('TCP', 80), port('TCP', 8080))), cluster: SHOP },
    ],
  },
  'named-port-missing': {
    flagged: [
      { name: 'seed 003 my-http, which hello does not declare', object: seed('003-named-port.yaml'), cluster: SHOP, field: 'spec.ingress[0].ports[0].port' },
      {
        name: 'declared over another protocol',
        object: makeNetworkPolicy(ns('default'), toNamespaceSelector({ matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }), withEgressPorts(port('UDP', 'metrics')), both),
        cluster: SHOP,
        field: 'spec.egress[0].ports[0].port',
      },
    ],
    passes: [
      { name: 'declared by the selected pods', object: makeNetworkPolicy(ns('default'), app('hello'), withIngressPorts(port('TCP', 'http'))), cluster: SHOP },
      {
        name: 'declared by the destination pods',
        object: makeNetworkPolicy(ns('default'), (np) => void (np.spec!.egress = [{ to: [KUBE_DNS_PEER], ports: [port('UDP', 'dns'), port('TCP', 'dns-tcp')] }]), both),
        cluster: SHOP,
      },
    ],
  },
  'host-network-pods-selected': {
    flagged: [
      {
        name: 'seed 003: a hostNetwork pod',
        object: makeNetworkPolicy(ns('default'), app('node-exporter'), withIngressPorts(port('TCP', 9100))),
        cluster: [...SHOP, pod('default', 'node-exporter-x7k', { app: 'node-exporter' }, [{ containerPort: 9100 }], { hostNetwork: true })],
        field: 'spec.podSelector',
      },
    ],
    passes: [{ name: 'ordinary pods', object: seed('003-postgres-from-balance.yaml'), cluster: SHOP }],
  },
  'cni-without-policy-support': {
    flagged: [
      { name: 'seed 002: flannel alone', object: seed('002-allow-myapp-ingress.yaml'), cluster: [...SHOP, FLANNEL_ONLY], field: 'spec' },
      { name: 'seed 000 under flannel', object: seed('000-prometheus-k8s.yaml'), cluster: [...SHOP, FLANNEL_ONLY] },
      { name: 'said by the org policy', object: seed('003-deny-all-ingress.yaml'), cluster: SHOP, params: { cni: 'not-enforcing' } },
    ],
    passes: [
      { name: 'seed 002: canal = flannel + Calico', object: seed('002-allow-myapp-ingress.yaml'), cluster: [...SHOP, CANAL] },
      { name: 'no known plugin: unknown is not bad', object: seed('002-allow-myapp-ingress.yaml'), cluster: SHOP },
      { name: 'enforced elsewhere, says the org policy', object: seed('002-allow-myapp-ingress.yaml'), cluster: [...SHOP, FLANNEL_ONLY], params: { cni: 'enforcing' } },
    ],
  },
  'webhook-backend-isolated': {
    flagged: [
      { name: 'seed 003 deny-all ingress in the webhook\'s namespace', object: inNamespace(seed('003-deny-all-ingress.yaml'), 'netpol-guard'), cluster: WITH_WEBHOOK, field: 'spec.policyTypes' },
      {
        name: 'the port, but only from pods',
        object: makeNetworkPolicy(ns('netpol-guard'), withPodSelector({}), fromPodSelector({ matchLabels: { app: 'x' } }), withIngressPorts(port('TCP', 8443))),
        cluster: WITH_WEBHOOK,
        field: 'spec.ingress',
      },
      { name: 'the service port instead of the target port', object: makeNetworkPolicy(ns('netpol-guard'), withPodSelector({}), withIngressPorts(port('TCP', 443))), cluster: WITH_WEBHOOK },
    ],
    passes: [
      { name: 'the target port from anywhere', object: makeNetworkPolicy(ns('netpol-guard'), withPodSelector({}), withIngressPorts(port('TCP', 8443))), cluster: WITH_WEBHOOK },
      {
        name: 'the named port from the control plane',
        object: makeNetworkPolicy(ns('netpol-guard'), withPodSelector({}), fromIPBlock({ cidr: '10.0.0.0/24' }), withIngressPorts(port('TCP', 'https'))),
        cluster: WITH_WEBHOOK,
      },
      {
        name: 'deny-all, but another policy lets the API server in',
        object: inNamespace(seed('003-deny-all-ingress.yaml'), 'netpol-guard'),
        cluster: [...WITH_WEBHOOK, makeNetworkPolicy(ns('netpol-guard'), (np) => (np.metadata!.name = 'allow-webhook'), withPodSelector({ matchLabels: { app: 'netpol-guard' } }), withIngressPorts(port('TCP', 8443)))],
      },
      { name: 'deny-all elsewhere', object: seed('003-deny-all-ingress.yaml'), cluster: WITH_WEBHOOK },
    ],
  },
};

export type { NetworkPolicy };

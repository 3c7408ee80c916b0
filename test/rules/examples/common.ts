/**
 * What every rule's examples file shares: the Example shape, seeds as written, and the objects
 * and cluster states several rules are judged against.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import type { Operation, UserInfo } from '../../../src/admission/types.js';
import type { NetworkPolicy } from '../../../src/k8s/types.js';
import { SHOP, namespace, pod, service, validatingWebhook } from '../../cluster/manifests.js';
import { CD, fromPodSelector, makeNetworkPolicy, port, withEgressPorts, withIngressPorts, withPodSelector, withPolicyTypes } from '../../helpers/netpol.js';

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

export const seedDir = fileURLToPath(new URL('../../fixtures/seeds/', import.meta.url));
/** The first document of a seed fixture, as written (typos and all). */
export function seed(file: string, index = 0): unknown {
  return yaml.loadAll(readFileSync(seedDir + file, 'utf8'))[index];
}

export const both = withPolicyTypes('Ingress', 'Egress');
/** A seed (or any object) moved to another namespace. */
export const inNamespace = (object: unknown, ns: string): unknown => {
  const o = structuredClone(object) as { metadata?: Record<string, unknown> };
  o.metadata = { ...o.metadata, namespace: ns };
  return o;
};
export const ns = (name: string) => (np: NetworkPolicy) => void (np.metadata = { ...np.metadata, namespace: name });
export const app = (name: string) => withPodSelector({ matchLabels: { app: name } });
export const KUBE_DNS_PEER = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } };
/** A namespace-wide DNS allowance, as seed 003 suggests, with TCP added. */
export const NAMESPACE_DNS = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'default.dns', namespace: 'default' },
  spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [KUBE_DNS_PEER], ports: [port('UDP', 53), port('TCP', 53)] }] },
};
/** SHOP plus netpol-guard's own webhook: namespace, pod, Service 443 → 8443, configuration. */
export const WITH_WEBHOOK = [
  ...SHOP,
  namespace('netpol-guard'),
  pod('netpol-guard', 'netpol-guard-1', { app: 'netpol-guard' }, [{ name: 'https', containerPort: 8443 }]),
  service('netpol-guard', 'netpol-guard', { app: 'netpol-guard' }, [{ port: 443, targetPort: 8443 }]),
  validatingWebhook('netpol-guard', { namespace: 'netpol-guard', name: 'netpol-guard', port: 443 }),
];
export const dns = withEgressPorts(port('UDP', 53), port('TCP', 53));
export const web = makeNetworkPolicy(fromPodSelector(CD), withIngressPorts(port('TCP', 8080)), withPolicyTypes('Ingress'));

/**
 * Builders for tests: start from a valid NetworkPolicy and tweak it, the way the Kubernetes
 * validation tests do (makeNetworkPolicyCustom).
 */
import type {
  IPBlock,
  LabelSelector,
  NetworkPolicy,
  NetworkPolicyEgressRule,
  NetworkPolicyIngressRule,
  NetworkPolicyPeer,
  NetworkPolicyPort,
} from '../../src/k8s/types.js';

export type Tweak = (np: NetworkPolicy) => void;

export function makeNetworkPolicy(...tweaks: Tweak[]): NetworkPolicy {
  const np: NetworkPolicy = {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'foo', namespace: 'bar' },
    spec: { podSelector: { matchLabels: { a: 'b' } } },
  };
  for (const tweak of tweaks) tweak(np);
  return np;
}

const spec = (np: NetworkPolicy) => (np.spec ??= {});

function firstIngress(np: NetworkPolicy): NetworkPolicyIngressRule {
  const s = spec(np);
  if (!s.ingress || s.ingress.length === 0) s.ingress = [{}];
  return s.ingress[0] as NetworkPolicyIngressRule;
}

function firstEgress(np: NetworkPolicy): NetworkPolicyEgressRule {
  const s = spec(np);
  if (!s.egress || s.egress.length === 0) s.egress = [{}];
  return s.egress[0] as NetworkPolicyEgressRule;
}

function firstFrom(np: NetworkPolicy): NetworkPolicyPeer {
  const rule = firstIngress(np);
  if (!rule.from || rule.from.length === 0) rule.from = [{}];
  return rule.from[0] as NetworkPolicyPeer;
}

function firstTo(np: NetworkPolicy): NetworkPolicyPeer {
  const rule = firstEgress(np);
  if (!rule.to || rule.to.length === 0) rule.to = [{}];
  return rule.to[0] as NetworkPolicyPeer;
}

export const IPV4_BLOCK: IPBlock = { cidr: '192.168.0.0/16', except: ['192.168.3.0/24', '192.168.4.0/24'] };
export const IPV6_BLOCK: IPBlock = { cidr: 'fd00:192:168::/48', except: ['fd00:192:168:3::/64', 'fd00:192:168:4::/64'] };

export const withIngressEmptyRule: Tweak = (np) => void (spec(np).ingress = [{}]);
export const withIngressEmptyPeer: Tweak = (np) => void (firstIngress(np).from = [{}]);
export const withEgressEmptyRule: Tweak = (np) => void (spec(np).egress = [{}]);
export const withEgressEmptyPeer: Tweak = (np) => void (firstEgress(np).to = [{}]);

export const withIngressPorts = (...ports: NetworkPolicyPort[]): Tweak => (np) => void (firstIngress(np).ports = ports);
export const withEgressPorts = (...ports: NetworkPolicyPort[]): Tweak => (np) => void (firstEgress(np).ports = ports);

export const fromPodSelector = (selector: LabelSelector): Tweak => (np) => void (firstFrom(np).podSelector = selector);
export const fromNamespaceSelector = (selector: LabelSelector): Tweak => (np) => void (firstFrom(np).namespaceSelector = selector);
export const fromIPBlock = (block: IPBlock): Tweak => (np) => void (firstFrom(np).ipBlock = structuredClone(block));
export const toPodSelector = (selector: LabelSelector): Tweak => (np) => void (firstTo(np).podSelector = selector);
export const toNamespaceSelector = (selector: LabelSelector): Tweak => (np) => void (firstTo(np).namespaceSelector = selector);
export const toIPBlock = (block: IPBlock): Tweak => (np) => void (firstTo(np).ipBlock = structuredClone(block));

export const withPolicyTypes = (...types: string[]): Tweak => (np) => void (spec(np).policyTypes = types);
export const withPodSelector = (selector: LabelSelector): Tweak => (np) => void (spec(np).podSelector = selector);
export const withName = (name: string): Tweak => (np) => void (np.metadata = { ...np.metadata, name });

/** A port entry like upstream's makePort: omit what is not given. */
export function port(protocol: string | undefined, value?: number | string, endPort?: number): NetworkPolicyPort {
  const p: NetworkPolicyPort = {};
  if (protocol !== undefined) p.protocol = protocol;
  if (value !== undefined) p.port = value;
  if (endPort !== undefined) p.endPort = endPort;
  return p;
}

export const CD = { matchLabels: { c: 'd' } };
export const INVALID_SELECTOR = { matchLabels: { 'NoUppercaseOrSpecialCharsLike=Equals': 'b' } };

/**
 * A NetworkPolicy the API server rejects that also trips a deny rule: policyTypes [foo, bar] with
 * an egress rule to 0.0.0.0/0 (two field errors; rules-without-policy-type and ipblock-world).
 */
export const invalidAndDenied = (): NetworkPolicy => makeNetworkPolicy(toIPBlock({ cidr: '0.0.0.0/0' }), withPolicyTypes('foo', 'bar'));

/** The API server's 422 for invalidAndDenied(): its two causes, nothing of the org policy. */
export const INVALID_AND_DENIED_STATUS = {
  status: 'Failure',
  message:
    'NetworkPolicy.networking.k8s.io "foo" is invalid: [spec.policyTypes[0]: Unsupported value: "foo": supported values: "Ingress", "Egress", spec.policyTypes[1]: Unsupported value: "bar": supported values: "Ingress", "Egress"]',
  reason: 'Invalid',
  details: {
    group: 'networking.k8s.io',
    kind: 'NetworkPolicy',
    name: 'foo',
    causes: [
      { reason: 'FieldValueNotSupported', message: 'Unsupported value: "foo": supported values: "Ingress", "Egress"', field: 'spec.policyTypes[0]' },
      { reason: 'FieldValueNotSupported', message: 'Unsupported value: "bar": supported values: "Ingress", "Egress"', field: 'spec.policyTypes[1]' },
    ],
  },
  code: 422,
} as const;

/**
 * Policies compiled once per model: selectors to matchers (k8s/label-matchers.ts, the rules'
 * own semantics), ipBlocks and networks to shared blocks, effective policyTypes from the API
 * server's defaulting (netpol/defaults.ts).
 */
import type { NetworkPolicy, NetworkPolicyPort } from '../k8s/types.js';
import { applyDefaults } from '../netpol/defaults.js';
import { type LabelMatcher, MATCH_NOTHING, compileSelector } from '../k8s/label-matchers.js';
import type { LabelSelector } from '../k8s/types.js';
import { type Block, BlockTable } from './blocks.js';
import type { ClusterNetworkPolicy, ClusterNetworkPolicyAction, ClusterNetworkPolicyProtocol, ClusterNetworkPolicyTier } from '../k8s/cnp-types.js';

/** A NetworkPolicy peer: selectors (namespace undefined = the policy's own), or an address block. */
export type CompiledPeer =
  | { readonly kind: 'selector'; readonly namespace: LabelMatcher | undefined; readonly pod: LabelMatcher | undefined }
  | { readonly kind: 'ipBlock'; readonly block: Block };

export interface CompiledRule {
  readonly index: number;
  /** Undefined: every peer (`from`/`to` absent or empty). */
  readonly peers: readonly CompiledPeer[] | undefined;
  /** Undefined or empty: every port. */
  readonly ports: readonly NetworkPolicyPort[] | undefined;
  readonly hasIpBlock: boolean;
}

export interface CompiledPolicy {
  /** `namespace/name`. */
  readonly key: string;
  readonly namespace: string;
  readonly selects: LabelMatcher;
  /** Undefined when the effective policyTypes leave this direction out. */
  readonly ingress: readonly CompiledRule[] | undefined;
  readonly egress: readonly CompiledRule[] | undefined;
}

/** An absent selector selects nothing (an omitted podSelector is passed as `{}` where it means every pod). */
function matcherOf(selector: LabelSelector | null | undefined): LabelMatcher {
  return selector ? compileSelector(selector) : MATCH_NOTHING;
}

function compilePeers(peers: readonly { podSelector?: object; namespaceSelector?: object; ipBlock?: { cidr: string; except?: string[] } }[] | undefined, blocks: BlockTable): readonly CompiledPeer[] | undefined {
  if (!peers || peers.length === 0) return undefined;
  return peers.map((p): CompiledPeer => {
    if (p.ipBlock) return { kind: 'ipBlock', block: blocks.intern(p.ipBlock.cidr, p.ipBlock.except ?? []) };
    return {
      kind: 'selector',
      namespace: p.namespaceSelector ? matcherOf(p.namespaceSelector) : undefined,
      pod: p.podSelector ? matcherOf(p.podSelector) : undefined,
    };
  });
}

function compileRules(rules: readonly { ports?: NetworkPolicyPort[]; from?: unknown[]; to?: unknown[] }[] | undefined, field: 'from' | 'to', blocks: BlockTable): CompiledRule[] {
  return (rules ?? []).map((r, index) => {
    const peers = compilePeers(r[field] as Parameters<typeof compilePeers>[0], blocks);
    return { index, peers, ports: r.ports, hasIpBlock: peers?.some((p) => p.kind === 'ipBlock') ?? false };
  });
}

export function compileNetworkPolicy(input: NetworkPolicy, blocks: BlockTable): CompiledPolicy {
  const np = applyDefaults(input);
  const spec = np.spec ?? {};
  const types = spec.policyTypes ?? [];
  const namespace = np.metadata?.namespace ?? 'default';
  return {
    key: `${namespace}/${np.metadata?.name ?? ''}`,
    namespace,
    // An omitted podSelector is the zero value `{}`: every pod of the namespace.
    selects: matcherOf(spec.podSelector ?? {}),
    ingress: types.includes('Ingress') ? compileRules(spec.ingress, 'from', blocks) : undefined,
    egress: types.includes('Egress') ? compileRules(spec.egress, 'to', blocks) : undefined,
  };
}

export type CompiledCnpPeer =
  | { readonly kind: 'namespaces'; readonly namespace: LabelMatcher }
  | { readonly kind: 'pods'; readonly namespace: LabelMatcher; readonly pod: LabelMatcher }
  | { readonly kind: 'networks'; readonly blocks: readonly Block[] }
  | { readonly kind: 'nodes' }
  | { readonly kind: 'domainNames' }
  /** No known field set: a newer CRD than this version reads. The API says: fail closed. */
  | { readonly kind: 'unknown' };

export interface CompiledCnpRule {
  readonly index: number;
  readonly name?: string;
  readonly action: ClusterNetworkPolicyAction;
  readonly peers: readonly CompiledCnpPeer[];
  readonly protocols: readonly ClusterNetworkPolicyProtocol[] | undefined;
}

export interface CompiledCnp {
  readonly name: string;
  readonly tier: ClusterNetworkPolicyTier;
  readonly priority: number;
  readonly subjectNamespace: LabelMatcher;
  /** Undefined: every pod of the selected namespaces. */
  readonly subjectPod: LabelMatcher | undefined;
  readonly ingress: readonly CompiledCnpRule[];
  readonly egress: readonly CompiledCnpRule[];
}

function compileCnpRules(rules: ClusterNetworkPolicy['ingress'], blocks: BlockTable): CompiledCnpRule[] {
  return rules.map((r, index) => ({
    index,
    ...(r.name ? { name: r.name } : {}),
    action: r.action,
    protocols: r.protocols,
    peers: r.peers.map((p): CompiledCnpPeer => {
      if (p.namespaces) return { kind: 'namespaces', namespace: matcherOf(p.namespaces) };
      if (p.pods) return { kind: 'pods', namespace: matcherOf(p.pods.namespaceSelector), pod: matcherOf(p.pods.podSelector) };
      if (p.networks) return { kind: 'networks', blocks: p.networks.map((c) => blocks.intern(c)) };
      if (p.nodes) return { kind: 'nodes' };
      if (p.domainNames) return { kind: 'domainNames' };
      return { kind: 'unknown' };
    }),
  }));
}

export function compileClusterNetworkPolicy(cnp: ClusterNetworkPolicy, blocks: BlockTable): CompiledCnp {
  const s = cnp.subject;
  return {
    name: cnp.name,
    tier: cnp.tier,
    priority: cnp.priority,
    subjectNamespace: matcherOf(s.namespaces ?? s.pods?.namespaceSelector ?? {}),
    subjectPod: s.pods ? matcherOf(s.pods.podSelector) : undefined,
    ingress: compileCnpRules(cnp.ingress, blocks),
    egress: compileCnpRules(cnp.egress, blocks),
  };
}

/** Precedence inside a tier: lower priority first; equal priorities by name, so answers are stable. */
export function cnpPrecedence(a: CompiledCnp, b: CompiledCnp): number {
  return a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

export { BlockTable };

/** The items of from/to (selectors, ipBlocks and their combinations) and of ports, in words. */
import type { NetworkPolicyPeer, NetworkPolicyPort } from '../../k8s/types.js';
import type { Direction } from '../walk.js';
import { explainSelector } from './selectors.js';
import type { NamespaceExplanation, PeerExplanation, PortExplanation } from './types.js';

function ownNamespace(ns: NamespaceExplanation): string {
  return ns.name ? `this policy's own namespace (${ns.name})` : "this policy's own namespace";
}

function describeCidr(cidr: string): string {
  if (cidr === '0.0.0.0/0') return '0.0.0.0/0 (every IPv4 address)';
  if (cidr === '::/0') return '::/0 (every IPv6 address)';
  return cidr;
}

export function peerOf(peer: NetworkPolicyPeer, field: string, ns: NamespaceExplanation): PeerExplanation {
  const e = describePeer(peer, field, ns);
  // A selector with with/without clauses ends in a comma; at the end of a peer it is not needed.
  return { ...e, text: e.text.replace(/,$/, '') };
}

function describePeer(peer: NetworkPolicyPeer, field: string, ns: NamespaceExplanation): PeerExplanation {
  const pod = peer.podSelector ? explainSelector(peer.podSelector) : null;
  const nsSel = peer.namespaceSelector ? explainSelector(peer.namespaceSelector) : null;
  const ipBlock = peer.ipBlock ? { cidr: peer.ipBlock.cidr, except: peer.ipBlock.except ?? [] } : null;
  const make = (kind: PeerExplanation['kind'], text: string, reading = ''): PeerExplanation => ({
    field,
    kind,
    text,
    reading,
    podSelector: pod,
    namespaceSelector: nsSel,
    ipBlock,
  });
  const pods = pod === null || pod.matchesAll ? 'every pod' : `pods ${pod.text}`;
  const namespaces = nsSel === null || nsSel.matchesAll ? 'every namespace' : `namespaces ${nsSel.text}`;
  if (ipBlock && (pod || nsSel)) {
    return make('invalid', 'an item combining ipBlock with a selector', 'The API server rejects an ipBlock combined with podSelector or namespaceSelector in one item.');
  }
  if (ipBlock) {
    const except = ipBlock.except.length > 0 ? ` except ${joinAnd(ipBlock.except)}` : '';
    return make('ip-block', `addresses in ${describeCidr(ipBlock.cidr)}${except}`);
  }
  if (pod && nsSel) {
    let reading = '';
    if (!pod.matchesAll && !nsSel.matchesAll) {
      reading = `Both selectors are in one item, so they are ANDed: only ${pods.replace(/,$/, '')}, and only in ${namespaces.replace(/,$/, '')}. Written as two items, they would be ORed.`;
    } else if (nsSel.matchesAll && !pod.matchesAll) {
      reading = `namespaceSelector {} means every namespace: anyone who can create a pod ${pod.text.replace(/,$/, '')} in any namespace gets this access.`;
    }
    return make('pods-in-namespaces', `${pods} in ${namespaces}`, reading);
  }
  if (nsSel) return make('namespaces', `every pod in ${namespaces}`);
  if (pod) return make('pods', `${pods} in ${ownNamespace(ns)}`);
  return make('invalid', 'an empty item', 'The API server rejects an item with no podSelector, namespaceSelector or ipBlock.');
}

function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

export function portOf(port: NetworkPolicyPort, submitted: NetworkPolicyPort | undefined, field: string, direction: Direction): PortExplanation {
  const protocol = port.protocol ?? 'TCP';
  const base = {
    field,
    protocol,
    protocolDefaulted: submitted !== undefined && submitted.protocol === undefined,
    port: port.port ?? null,
    endPort: port.endPort ?? null,
  };
  let text: string;
  if (port.port === undefined) text = `every ${protocol} port`;
  else if (typeof port.port === 'string') {
    text = `${direction === 'ingress' ? "the selected pods'" : "the destination pods'"} ${protocol} container port named ${port.port}`;
  } else if (port.endPort !== undefined) text = `${protocol} ports ${port.port}-${port.endPort}`;
  else text = `${protocol} ${port.port}`;
  return { ...base, text };
}

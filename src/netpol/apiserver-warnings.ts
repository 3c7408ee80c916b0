/**
 * The warnings the API server itself returns for an accepted NetworkPolicy (the strategy's
 * WarningsOnCreate / WarningsOnUpdate): one per ipBlock cidr or except value in a
 * non-standard form.
 */
import { FieldPath } from '../k8s/field.js';
import type { NetworkPolicy, NetworkPolicyPeer } from '../k8s/types.js';
import { cidrWarnings } from './cidr.js';

function peerWarnings(peers: NetworkPolicyPeer[] | undefined, path: FieldPath): string[] {
  const out: string[] = [];
  (peers ?? []).forEach((peer, j) => {
    if (!peer.ipBlock) return;
    const block = path.index(j).child('ipBlock');
    out.push(...cidrWarnings(block.child('cidr'), peer.ipBlock.cidr));
    (peer.ipBlock.except ?? []).forEach((value, k) => out.push(...cidrWarnings(block.child('except').index(k), value)));
  });
  return out;
}

export function apiServerWarnings(np: NetworkPolicy): string[] {
  const spec = FieldPath.root('spec');
  const out: string[] = [];
  (np.spec?.ingress ?? []).forEach((rule, i) => out.push(...peerWarnings(rule.from, spec.child('ingress').index(i).child('from'))));
  (np.spec?.egress ?? []).forEach((rule, i) => out.push(...peerWarnings(rule.to, spec.child('egress').index(i).child('to'))));
  return out;
}

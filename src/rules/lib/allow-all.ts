/** allow-all-ingress and allow-all-egress: a rule without peers admits everyone. */
import type { NetworkPolicy } from '../../k8s/types.js';
import { type Direction, type PolicyWalks, isolates } from '../../netpol/walk.js';
import type { RuleFinding } from '../types.js';

/** The rules of one direction that name no peer, when the policy isolates that direction. */
export function allowAllFindings(np: NetworkPolicy, walks: PolicyWalks, direction: Direction): RuleFinding[] {
  if (!isolates(np, direction)) return [];
  const who = direction === 'ingress' ? 'source' : 'destination';
  const field = direction === 'ingress' ? 'from' : 'to';
  return walks
    .rules(direction)
    .filter((r) => !r.peers || r.peers.length === 0)
    .map((r) => ({
      field: r.path.toString(),
      message:
        !r.ports || r.ports.length === 0
          ? `rule without "${field}" or "ports" allows every ${who} on every port`
          : `rule without "${field}" allows every ${who}, in and outside the cluster`,
    }));
}


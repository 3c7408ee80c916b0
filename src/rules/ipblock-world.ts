import { toRange } from '../netpol/cidr.js';
import { defineRule } from './define.js';
import type { RuleFinding } from './types.js';

export const ipblockWorld = defineRule({
  id: 'ipblock-world',
  title: 'ipBlock allows the whole internet',
  description:
    'An ipBlock of 0.0.0.0/0 or ::/0 matches every address: for ingress every client on the internet, for egress every destination. Pod traffic is matched too unless the pod network is excepted.',
  remediation: 'narrow the CIDR to the networks you need, or add except ranges for the pod, service and private networks',
  defaultAction: 'warn',
  seeds: ['003'],
  check(np, { walks }) {
    const out: RuleFinding[] = [];
    for (const { path, peer, rule } of walks.peers()) {
      const cidr = peer.ipBlock?.cidr;
      const range = cidr ? toRange(cidr) : undefined;
      if (!cidr || !range || range.prefix !== 0) continue;
      const except = peer.ipBlock?.except ?? [];
      const scope = rule.direction === 'ingress' ? 'admits every client address' : 'reaches every address';
      out.push({
        field: path.child('ipBlock', 'cidr').toString(),
        message: except.length
          ? `${cidr} ${scope} except ${except.length} range(s)`
          : `${cidr} ${scope}`,
      });
    }
    return out;
  },
});

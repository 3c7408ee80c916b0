import { z } from 'zod';
import { toRange } from '../netpol/cidr.js';
import { peersOf } from '../netpol/walk.js';
import type { Rule, RuleFinding } from './types.js';

const NO_PARAMS = z.strictObject({});

export const ipblockWorld: Rule<z.infer<typeof NO_PARAMS>> = {
  id: 'ipblock-world',
  title: 'ipBlock allows the whole internet',
  description:
    'An ipBlock of 0.0.0.0/0 or ::/0 matches every address: for ingress every client on the internet, for egress every destination. Pod traffic is matched too unless the pod network is excepted.',
  remediation: 'narrow the CIDR to the networks you need, or add except ranges for the pod, service and private networks',
  defaultAction: 'warn',
  seeds: ['003'],
  needsSubmitted: false,
  needsCluster: false,
  operations: ['CREATE', 'UPDATE'],
  params: NO_PARAMS,
  check(np) {
    const out: RuleFinding[] = [];
    for (const { path, peer, rule } of peersOf(np)) {
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
};

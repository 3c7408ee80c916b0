import { z } from 'zod';
import { type ParsedRange, rangeHasAddress, toRange } from '../netpol/cidr.js';
import { isolates } from '../netpol/walk.js';
import { defineRule } from './define.js';
import type { RuleFinding } from './types.js';

const PARAMS = z.strictObject({
  addresses: z.array(z.string().refine((a) => /^[0-9a-fA-F:.]+$/.test(a), { error: 'expected an IP address' })).default(['169.254.169.254', 'fd00:ec2::254']).describe('Instance metadata endpoints (AWS, GCP, Azure, OpenStack share the IPv4 one; AWS has an IPv6 one).'),
});

export const cloudMetadataEgress = defineRule({
  id: 'cloud-metadata-egress',
  title: 'Egress allows the cloud metadata service',
  description:
    'An egress ipBlock that contains 169.254.169.254 (or fd00:ec2::254) lets the selected pods query the cloud instance metadata service, which can hand out the node\'s cloud credentials.',
  remediation: 'add 169.254.169.254/32 (and fd00:ec2::254/128) to the ipBlock\'s except list',
  defaultAction: 'deny',
  seeds: ['003'],
  params: PARAMS,
  check(np, { params, walks }) {
    if (!isolates(np, 'egress')) return [];
    const out: RuleFinding[] = [];
    for (const rule of walks.rules('egress')) {
      (rule.peers ?? []).forEach((peer, j) => {
        const cidr = peer.ipBlock?.cidr;
        const range = cidr ? toRange(cidr) : undefined;
        if (!cidr || !range) return;
        const excepts = (peer.ipBlock?.except ?? []).map(toRange).filter((r): r is ParsedRange => !!r);
        const open = params.addresses.filter((a) => rangeHasAddress(range, a) && !excepts.some((e) => rangeHasAddress(e, a)));
        if (open.length === 0) return;
        out.push({
          field: rule.path.child('to').index(j).child('ipBlock', 'cidr').toString(),
          message: `${cidr} includes the cloud metadata address ${open.join(', ')}`,
          fix: `add ${open.map((a) => (a.includes(':') ? `${a}/128` : `${a}/32`)).join(' and ')} to except`,
        });
      });
    }
    return out;
  },
});

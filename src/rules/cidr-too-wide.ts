import { z } from 'zod';
import { toRange } from '../netpol/cidr.js';
import { defineRule } from './define.js';
import type { RuleFinding } from './types.js';

const PARAMS = z.strictObject({
  ipv4MinPrefix: z.number().int().min(1).max(32).default(16).describe('The shortest IPv4 prefix allowed (a /8 holds 16.7 million addresses).'),
  ipv6MinPrefix: z.number().int().min(1).max(128).default(48).describe('The shortest IPv6 prefix allowed.'),
});

export const cidrTooWide = defineRule({
  id: 'cidr-too-wide',
  title: 'ipBlock wider than allowed',
  description:
    'An ipBlock wider than the configured prefix (per IP family) opens far more addresses than a policy usually needs. 0.0.0.0/0 and ::/0 are reported by ipblock-world instead.',
  remediation: 'use the narrowest CIDRs that cover the peers you mean',
  defaultAction: 'warn',
  seeds: ['003'],
  params: PARAMS,
  check(np, { params, walks }) {
    const out: RuleFinding[] = [];
    for (const { path, peer } of walks.peers()) {
      const cidr = peer.ipBlock?.cidr;
      const range = cidr ? toRange(cidr) : undefined;
      if (!cidr || !range || range.prefix === 0) continue;
      const min = range.family === 'ipv4' ? params.ipv4MinPrefix : params.ipv6MinPrefix;
      if (range.prefix >= min) continue;
      out.push({ field: path.child('ipBlock', 'cidr').toString(), message: `${cidr} is wider than /${min}, the widest ${range.family === 'ipv4' ? 'IPv4' : 'IPv6'} range allowed` });
    }
    return out;
  },
});

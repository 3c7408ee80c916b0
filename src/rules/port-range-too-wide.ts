import { z } from 'zod';
import { defineRule } from './define.js';
import type { RuleFinding } from './types.js';

const PARAMS = z.strictObject({
  maxSpan: z.number().int().min(0).max(65534).default(1000).describe('The most ports one range may span (endPort - port).'),
});

export const portRangeTooWide = defineRule({
  id: 'port-range-too-wide',
  title: 'Port range wider than allowed',
  description: 'A port range (port .. endPort) spanning more ports than configured opens services nobody listed.',
  remediation: 'narrow the range, or list the ports one by one',
  defaultAction: 'warn',
  seeds: ['003'],
  params: PARAMS,
  check(np, { params, walks }) {
    const out: RuleFinding[] = [];
    for (const r of walks.rules()) {
      (r.ports ?? []).forEach((p, j) => {
        if (typeof p.port !== 'number' || p.endPort === undefined) return;
        const span = p.endPort - p.port;
        if (span <= params.maxSpan) return;
        out.push({ field: r.path.child('ports').index(j).child('endPort').toString(), message: `range ${p.port}-${p.endPort} spans ${span} ports, more than ${params.maxSpan}` });
      });
    }
    return out;
  },
});

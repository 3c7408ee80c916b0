import { z } from 'zod';
import { plural, workloadList } from '../impact/summary.js';
import { defineRule } from './define.js';
import type { RuleFinding } from './types.js';

const REACH = ['world', 'every-namespace'] as const;

/** Fires when a change lets all of 0.0.0.0/0 (or ::/0), or pods of every namespace, reach pods that could not be reached so before. */
export const impactOpensToWorld = defineRule<{ reach: (typeof REACH)[number][] }, 'needs'>({
  id: 'impact-opens-to-world',
  title: 'Change opens pods to the world or to every namespace',
  description:
    'After this change, pods that could not be reached so before can be reached from every address (0.0.0.0/0 or ::/0 as a whole) or from pods of every namespace, on a port they declare. An ipBlock of 0.0.0.0/0 without except, an empty namespaceSelector, an allow-all rule, or the deletion of the policy that isolated them does it (seed 000, 003, 004). Sometimes wanted (an ingress controller, a public endpoint); often an accident of AND/OR or of the empty list (seed 001).',
  remediation: 'narrow the peers: a namespaceSelector of the namespaces that need access, or an ipBlock with except for the private ranges',
  defaultAction: 'warn',
  seeds: ['000', '001', '003', '004'],
  cluster: 'needs',
  impact: true,
  operations: ['CREATE', 'UPDATE', 'DELETE'],
  params: z.strictObject({
    reach: z
      .array(z.enum(REACH))
      .default([...REACH])
      .describe('Which new reach fires: `world` (every address outside the cluster), `every-namespace` (pods of every namespace).'),
  }),
  check(np, { impact, operation, params }) {
    if (!impact) return [];
    const { analysis, names } = impact;
    const field = operation === 'DELETE' ? 'metadata' : np.spec?.ingress?.length ? 'spec.ingress' : 'spec';
    const out: RuleFinding[] = [];
    const world = analysis.reach.world;
    if (params.reach.includes('world') && world.length > 0) {
      out.push({ field, message: `lets every address outside the cluster reach ${plural(world.length, 'pod')} that it could not reach before (${workloadList(world, names, 70)})` });
    }
    const every = analysis.reach.everyNamespace;
    if (params.reach.includes('every-namespace') && every.length > 0) {
      out.push({ field, message: `lets pods of every namespace reach ${plural(every.length, 'pod')} that they could not all reach before (${workloadList(every, names, 70)})` });
    }
    return out;
  },
});

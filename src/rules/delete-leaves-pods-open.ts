import { z } from 'zod';
import { plural, workloadList } from '../impact/summary.js';
import { defineRule } from './define.js';

/** Fires when deleting a policy leaves pods with no ingress-isolating policy at all. */
export const deleteLeavesPodsOpen = defineRule<{ minPods: number }, 'needs'>({
  id: 'delete-leaves-pods-open',
  title: 'Deletion leaves pods open to all ingress',
  description:
    'This NetworkPolicy is the last one isolating some pods for ingress: once it is deleted, those pods accept connections from every source again, as pods do by default (seed 003, 004). Often a clean-up that forgot a default-deny, or a rename done as delete-then-create. Fires when at least `minPods` pods are left so.',
  remediation: 'create the replacement policy first, or keep a default-deny in the namespace',
  defaultAction: 'warn',
  seeds: ['003', '004'],
  cluster: 'needs',
  impact: true,
  operations: ['DELETE'],
  params: z.strictObject({
    minPods: z.number().int().min(1).default(1).describe('Fires when at least this many pods are left without a policy isolating their ingress.'),
  }),
  check(_np, { impact, params }) {
    if (!impact) return [];
    const open = impact.analysis.opened.ingress;
    if (open.length < params.minPods) return [];
    return [{ field: 'metadata', message: `leaves ${plural(open.length, 'pod')} with no policy isolating their ingress (${workloadList(open, impact.names, 90)})` }];
  },
});

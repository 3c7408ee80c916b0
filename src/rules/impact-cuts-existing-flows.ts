import { z } from 'zod';
import { flowList, plural } from '../impact/summary.js';
import { defineRule } from './define.js';

/**
 * Fires when a change stops more flows that work today than `threshold` allows. With the default
 * action (warn) and threshold (0) every cut is said; a platform team that wants large cuts
 * stopped sets `action: deny` and a threshold, and smaller cuts still get the [impact] lines.
 */
export const impactCutsExistingFlows = defineRule<{ threshold: number }, 'needs'>({
  id: 'impact-cuts-existing-flows',
  title: 'Change cuts flows that work today',
  description:
    'Applying (or deleting) this NetworkPolicy stops connections between pods that the cluster allows today, on the ports the destination pods declare. A default-deny in a namespace with running workloads is the usual case (seed 004: once a policy selects a pod, everything not allowed is refused): right in the end, but every source not yet allowed loses access at once, and NetworkPolicies leave no flow logs to see it afterwards (seed 003). Fires when more flows than `threshold` are cut.',
  remediation: 'allow the sources that still need access before (or in) this policy; preview the change with kubectl apply --dry-run=server',
  defaultAction: 'warn',
  seeds: ['003', '004'],
  cluster: 'needs',
  impact: true,
  operations: ['CREATE', 'UPDATE', 'DELETE'],
  params: z.strictObject({
    threshold: z.number().int().min(0).default(0).describe('Cuts of up to this many flows (pod pairs per port and protocol) do not fire; above it the rule fires with its action (set deny to stop large cuts).'),
  }),
  check(_np, { params, impact, operation }) {
    if (!impact) return [];
    const { analysis, names } = impact;
    if (analysis.lostCount <= params.threshold) return [];
    const sources = analysis.lostSources;
    const targets = analysis.lostTargets;
    const over = params.threshold > 0 ? ` (threshold ${params.threshold})` : '';
    const head = `cuts ${plural(analysis.lostCount, 'flow')} allowed today${over}, ${plural(sources, 'source')} to ${plural(targets, 'pod')}: `;
    return [{ field: operation === 'DELETE' ? 'metadata' : 'spec', message: head + flowList(analysis.lost, names, Math.max(40, 150 - head.length)) }];
  },
});

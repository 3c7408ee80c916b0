import { z } from 'zod';
import { type Direction, isolates, rulesOf } from '../netpol/walk.js';
import type { Rule, RuleFinding } from './types.js';

const NO_PARAMS = z.strictObject({});

/** Both allow-all rules share this: a rule without peers admits everyone. */
export function allowAllFindings(np: Parameters<Rule['check']>[0], direction: Direction): RuleFinding[] {
  if (!isolates(np, direction)) return [];
  const who = direction === 'ingress' ? 'source' : 'destination';
  const field = direction === 'ingress' ? 'from' : 'to';
  return rulesOf(np, direction)
    .filter((r) => !r.peers || r.peers.length === 0)
    .map((r) => ({
      field: r.path.toString(),
      message:
        !r.ports || r.ports.length === 0
          ? `rule without "${field}" or "ports" allows every ${who} on every port`
          : `rule without "${field}" allows every ${who}, in and outside the cluster`,
    }));
}

export const allowAllIngress: Rule<z.infer<typeof NO_PARAMS>> = {
  id: 'allow-all-ingress',
  title: 'Ingress rule allows every source',
  description:
    'An ingress rule with no `from` (or an empty one) admits traffic from every pod in every namespace and from outside the cluster; `- {}` also opens every port. Usually a leftover or a misunderstanding of the empty list.',
  remediation: 'list the allowed sources under `from` (podSelector, namespaceSelector or ipBlock), or drop the rule',
  defaultAction: 'warn',
  seeds: ['001', '002', '003'],
  needsSubmitted: false,
  needsCluster: false,
  operations: ['CREATE', 'UPDATE'],
  params: NO_PARAMS,
  check: (np) => allowAllFindings(np, 'ingress'),
};

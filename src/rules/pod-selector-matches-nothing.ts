import { z } from 'zod';
import { labelHint, podSelectorOf, selectorMatcher } from './cluster-match.js';
import type { Rule } from './types.js';

const PARAMS = z.strictObject({
  ignoreEmptyNamespaces: z
    .boolean()
    .default(true)
    .describe('Say nothing when the namespace has no pods at all: policies are often applied before their workloads.'),
});

export type MatchesNothingParams = z.infer<typeof PARAMS>;
export { PARAMS as MATCHES_NOTHING_PARAMS };

export const podSelectorMatchesNothing: Rule<MatchesNothingParams> = {
  id: 'pod-selector-matches-nothing',
  title: 'podSelector selects no pod',
  description:
    'The policy\'s spec.podSelector selects no pod of its namespace right now, so the policy protects nothing; usually a label typo (seed 003 writes "db:app" for app=db) or a selector copied from another namespace. The API server accepts such selectors without a word.',
  remediation: 'correct spec.podSelector to labels the pods carry (kubectl get pods --show-labels)',
  defaultAction: 'warn',
  seeds: ['003'],
  needsSubmitted: false,
  needsCluster: true,
  operations: ['CREATE', 'UPDATE'],
  params: PARAMS,
  check(np, { params, cluster, namespace }) {
    if (!cluster) return [];
    const pods = cluster.pods(namespace);
    if (pods.length === 0 && params.ignoreEmptyNamespaces) return [];
    const selector = podSelectorOf(np);
    const matches = selectorMatcher(selector);
    if (pods.some((p) => matches(p.labels))) return [];
    const hint = labelHint(selector, pods, 'pod');
    return [
      {
        field: 'spec.podSelector',
        message: `selects no pod in namespace "${namespace}" right now`,
        ...(hint ? { fix: `${hint} in "${namespace}"; correct the podSelector, or create the pods first` } : {}),
      },
    ];
  },
};

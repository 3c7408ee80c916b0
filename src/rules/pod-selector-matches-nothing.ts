import { labelHint, podSelectorOf, selectorMatcher } from './lib/cluster-match.js';
import { defineRule } from './define.js';
import { MATCHES_NOTHING_PARAMS } from './lib/matches-nothing.js';

export const podSelectorMatchesNothing = defineRule({
  id: 'pod-selector-matches-nothing',
  title: 'podSelector selects no pod',
  description:
    'The policy\'s spec.podSelector selects no pod of its namespace right now, so the policy protects nothing; usually a label typo (seed 003 writes "db:app" for app=db) or a selector copied from another namespace. The API server accepts such selectors without a word.',
  remediation: 'correct spec.podSelector to labels the pods carry (kubectl get pods --show-labels)',
  defaultAction: 'warn',
  seeds: ['003'],
  cluster: 'needs',
  params: MATCHES_NOTHING_PARAMS,
  check(np, { params, cluster, namespace }) {
    const pods = cluster.pods(namespace);
    if (pods.length === 0 && params.ignoreEmptyNamespaces) return [];
    const selector = podSelectorOf(np);
    const matches = selectorMatcher(selector, cluster);
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
});

/** A ClusterView stub for tests that need only part of the cluster state. */
import type { ClusterView } from '../../src/cluster/view.js';
import { SelectorMatchers } from '../../src/k8s/label-matchers.js';

export function stubClusterView(overrides: Partial<ClusterView> = {}): ClusterView {
  return {
    ready: true,
    source: 'stub',
    namespaceLabels: () => undefined,
    namespaces: () => [],
    pods: () => [],
    services: () => [],
    nodes: () => [],
    networkPolicies: () => [],
    webhooks: () => [],
    daemonSets: () => [],
    status: () => ({ synced: true, ageSeconds: 0, counts: {} }),
    matchers: new SelectorMatchers(),
    ...overrides,
  };
}

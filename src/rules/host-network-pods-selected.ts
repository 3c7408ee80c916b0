import { selectedPods, someNames } from './lib/cluster-match.js';
import { defineRule } from './define.js';

export const hostNetworkPodsSelected = defineRule({
  id: 'host-network-pods-selected',
  title: 'Policy selects hostNetwork pods',
  description:
    'Pods with hostNetwork: true use the node\'s network namespace; NetworkPolicies do not apply to them in common implementations (upstream calls it undefined), so the policy gives a false sense of isolation for those pods.',
  remediation: 'exclude hostNetwork pods from the podSelector; restrict hostNetwork (Pod Security baseline) and protect such pods on the node',
  defaultAction: 'warn',
  seeds: ['003'],
  cluster: 'needs',
  check(np, { cluster, namespace }) {
    const host = selectedPods(np, namespace, cluster).filter((p) => p.hostNetwork);
    if (host.length === 0) return [];
    const s = host.length === 1 ? '' : 's';
    return [{ field: 'spec.podSelector', message: `selects ${host.length} hostNetwork pod${s} (${someNames(host.map((p) => p.name))}), which policies do not affect` }];
  },
});

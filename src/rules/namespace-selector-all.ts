import { isEmptySelector } from '../k8s/labels.js';
import { defineRule } from './define.js';

export const namespaceSelectorAll = defineRule({
  id: 'namespace-selector-all',
  title: 'Peer selects every pod in every namespace',
  description:
    'A peer with `namespaceSelector: {}` and no podSelector matches every pod in every namespace of the cluster, including kube-system and other teams.',
  remediation: 'select the namespaces you mean (kubernetes.io/metadata.name), or add a podSelector to the same peer',
  defaultAction: 'warn',
  seeds: ['003'],
  check(np, { walks }) {
    return walks.peers()
      .filter(({ peer }) => peer.namespaceSelector !== undefined && isEmptySelector(peer.namespaceSelector) && peer.podSelector === undefined)
      .map(({ path, rule }) => ({
        field: path.child('namespaceSelector').toString(),
        message: `{} without a podSelector ${rule.direction === 'ingress' ? 'admits' : 'reaches'} every pod in every namespace`,
      }));
  },
});

import type { ClusterView } from '../cluster/view.js';
import type { LabelSelector } from '../k8s/types.js';
import { labelHint, matchingNamespaces, selectorMatcher, some, someNames } from './lib/cluster-match.js';
import { MATCHES_NOTHING_PARAMS, type MatchesNothingParams } from './lib/matches-nothing.js';
import { defineRule } from './define.js';
import type { RuleFinding } from './types.js';

const METADATA_NAME = 'kubernetes.io/metadata.name';

/**
 * A namespaceSelector that matches nothing: `name` (and any label whose value is an existing
 * namespace's name) is almost always meant as kubernetes.io/metadata.name, the one label every
 * namespace carries; built-in namespaces carry no custom labels (seed 003).
 */
function namespaceFix(selector: LabelSelector, cluster: ClusterView): string {
  const names = new Set(cluster.namespaces().map((n) => n.name));
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (key === METADATA_NAME) continue;
    if (key === 'name' || names.has(value)) return `use "${METADATA_NAME}: ${value}"; namespaces carry no "${key}" label unless someone adds it`;
  }
  if ((selector.matchExpressions ?? []).some((e) => e.key === 'name')) return `use the key ${METADATA_NAME}; namespaces carry no "name" label unless someone adds it`;
  const hint = labelHint(selector, cluster.namespaces(), 'namespace');
  return `${hint ? `${hint}; ` : ''}select namespaces by ${METADATA_NAME}, or label them (kubectl get ns --show-labels)`;
}

/** Where pods matching a lone podSelector do live, for the fix: they may be in another namespace. */
function elsewhere(selector: LabelSelector, namespace: string, cluster: ClusterView): string[] {
  const matches = selectorMatcher(selector, cluster);
  return [...new Set(cluster.pods().filter((p) => p.namespace !== namespace && matches(p.labels)).map((p) => p.namespace))];
}

export const peerMatchesNothing = defineRule({
  id: 'peer-matches-nothing',
  title: 'Peer matches no namespace or pod',
  description:
    'A from/to peer\'s namespaceSelector matches no namespace, or its podSelector matches no pod in the selected namespaces (a podSelector alone means the policy\'s own namespace), so the rule allows nothing. Typical causes: selecting namespaces by a `name` label nobody set (seed 003: built-in namespaces carry no custom labels), a label typo, or pods that live in another namespace.',
  remediation: 'select namespaces by kubernetes.io/metadata.name and pods by labels they carry; add a namespaceSelector for pods of other namespaces',
  defaultAction: 'warn',
  seeds: ['002', '003'],
  cluster: 'needs',
  // A namespaceSelector on a label Kubernetes never sets is why it matches no namespace.
  explainedBy: ['namespace-label-never-set'],
  params: MATCHES_NOTHING_PARAMS,
  check(np, { params, cluster, namespace, walks }) {
    const out: RuleFinding[] = [];
    for (const { path, peer } of walks.peers()) {
      if (peer.namespaceSelector) {
        const namespaces = matchingNamespaces(peer.namespaceSelector, cluster);
        if (namespaces.length === 0) {
          out.push({ field: path.child('namespaceSelector').toString(), message: 'matches no namespace', fix: namespaceFix(peer.namespaceSelector, cluster) });
          continue;
        }
        if (!peer.podSelector) continue;
        const matches = selectorMatcher(peer.podSelector, cluster);
        if (namespaces.some((n) => some(cluster.pods(n.name), (p) => matches(p.labels)))) continue;
        const pods = namespaces.flatMap((n) => cluster.pods(n.name));
        if (pods.length === 0 && params.ignoreEmptyNamespaces) continue;
        const where = namespaces.length === 1 ? `namespace "${namespaces[0]!.name}"` : `the ${namespaces.length} selected namespaces`;
        const hint = labelHint(peer.podSelector, pods, 'pod');
        out.push({ field: path.child('podSelector').toString(), message: `matches no pod in ${where}`, ...(hint ? { fix: `${hint} there; correct the podSelector` } : {}) });
      } else if (peer.podSelector) {
        const pods = cluster.pods(namespace);
        const matches = selectorMatcher(peer.podSelector, cluster);
        if (pods.some((p) => matches(p.labels))) continue;
        const other = elsewhere(peer.podSelector, namespace, cluster);
        if (pods.length === 0 && params.ignoreEmptyNamespaces && other.length === 0) continue;
        const hint = labelHint(peer.podSelector, pods, 'pod');
        out.push({
          field: path.child('podSelector').toString(),
          message: `matches no pod in the policy's namespace "${namespace}"`,
          fix:
            other.length > 0
              ? `such pods run in ${someNames(other)}; add namespaceSelector {${METADATA_NAME}: ${other[0]}} to this peer`
              : `${hint ? `${hint} here; ` : ''}a podSelector alone selects pods of the policy's namespace`,
        });
      }
    }
    return out;
  },
});

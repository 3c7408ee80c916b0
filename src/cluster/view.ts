/**
 * A read-only view of the cluster state that cluster-aware rules judge a policy against.
 * Implemented by informers in the webhook and by static manifests in the CLI and tests.
 */
export interface ClusterView {
  /** Whether the view is synced and fresh enough to judge by; rules that need it are skipped otherwise. */
  readonly ready: boolean;
  /** Labels of a namespace, or undefined when the namespace is unknown. */
  namespaceLabels(name: string): Readonly<Record<string, string>> | undefined;
}

/**
 * Which workload a pod belongs to, for grouping in words a person acts on: the namespace and the
 * pod's controller (Deployment, StatefulSet, DaemonSet, Job...), else its identifying labels,
 * else the pod itself. Pure.
 */
export interface PodIdentity {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly owner?: { readonly kind: string; readonly name: string };
}

export interface Workload {
  /** `namespace/name` as printed. */
  readonly text: string;
  /** Deployment, StatefulSet..., `label` (grouped by an identifying label) or `Pod`. */
  readonly kind: string;
}

/** Labels that name an application, in the order they are trusted. */
const IDENTIFYING_LABELS = ['app.kubernetes.io/name', 'app', 'k8s-app', 'name', 'component'];

/**
 * A ReplicaSet made by a Deployment is named `<deployment>-<pod-template-hash>` and its pods
 * carry that hash as a label: the Deployment is found without reading the ReplicaSet.
 */
function deploymentOf(replicaSet: string, labels: Readonly<Record<string, string>>): string | undefined {
  const hash = labels['pod-template-hash'];
  if (!hash || !replicaSet.endsWith(`-${hash}`)) return undefined;
  return replicaSet.slice(0, -(hash.length + 1)) || undefined;
}

export function workloadOf(pod: PodIdentity): Workload {
  const owner = pod.owner;
  if (owner) {
    if (owner.kind === 'ReplicaSet') {
      const deployment = deploymentOf(owner.name, pod.labels);
      if (deployment) return { text: `${pod.namespace}/${deployment}`, kind: 'Deployment' };
    }
    if (owner.kind !== 'Node') return { text: `${pod.namespace}/${owner.name}`, kind: owner.kind }; // static pods are owned by their Node
  }
  for (const label of IDENTIFYING_LABELS) {
    const value = pod.labels[label];
    if (value) return { text: `${pod.namespace}/${value}`, kind: 'label' };
  }
  return { text: `${pod.namespace}/${pod.name}`, kind: 'Pod' };
}

/** Workload names of pods, most pods first (then by name), with their pod counts. */
export function workloadsOf(pods: readonly string[], identify: (key: string) => PodIdentity | undefined): { text: string; pods: number }[] {
  const counts = new Map<string, number>();
  for (const key of pods) {
    const id = identify(key);
    const text = id ? workloadOf(id).text : key;
    counts.set(text, (counts.get(text) ?? 0) + 1);
  }
  return [...counts.entries()].map(([text, n]) => ({ text, pods: n })).sort((a, b) => b.pods - a.pods || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
}

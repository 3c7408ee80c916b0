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

/**
 * The workload names of pods, worked out once per pod object and counted once per list of pods.
 * A webhook keeps one for its model: the lists are the pod lists of the model's classes, and a
 * class the model after a review shares with the model before keeps its list (any change to
 * one of its pods makes a new one), so a summary names only the pods of the classes a change
 * made again, not the 10,000 sources a deleted policy opens its pods to.
 */
export class WorkloadNames {
  private byPod = new WeakMap<PodIdentity, string>();
  private byList = new WeakMap<readonly string[], readonly WorkloadCount[]>();
  /** Workload names by number, in the order first counted. */
  private numbered: string[] = [];
  private numbers = new Map<string, number>();

  constructor(
    readonly identify: (key: string) => PodIdentity | undefined,
    /** Numbers handed out before they are all forgotten (names of workloads long gone would pile up). */
    private readonly numberLimit = 100_000,
  ) {}

  /** The workload of a pod; a pod it does not know is named by its `namespace/name`. */
  name(key: string): string {
    const id = this.identify(key);
    if (!id) return key;
    let text = this.byPod.get(id);
    if (text === undefined) this.byPod.set(id, (text = workloadOf(id).text));
    return text;
  }

  /** The workload name numbered `id` by count(). */
  nameOf(id: number): string {
    return this.numbered[id] as string;
  }

  /**
   * Pods per workload of a list, in the order met, each workload with a number: the same for
   * every list between two calls of newPass. The same list object answers from memory.
   */
  count(pods: readonly string[]): readonly WorkloadCount[] {
    let counts = this.byList.get(pods);
    if (!counts) {
      const byName = new Map<string, number>();
      for (const key of pods) {
        const w = this.name(key);
        byName.set(w, (byName.get(w) ?? 0) + 1);
      }
      counts = [...byName].map(([workload, n]) => ({ workload, id: this.number(workload), pods: n }));
      this.byList.set(pods, counts);
    }
    return counts;
  }

  private number(workload: string): number {
    let id = this.numbers.get(workload);
    if (id === undefined) {
      this.numbers.set(workload, (id = this.numbered.length));
      this.numbered.push(workload);
    }
    return id;
  }

  /**
   * Starts a pass that relies on the numbers: they stay fixed until the next call. Past the
   * limit, every number is forgotten here (never within a pass).
   */
  newPass(): void {
    if (this.numbered.length > this.numberLimit) this.forget();
  }

  private forget(): void {
    this.numbered = [];
    this.numbers = new Map();
    this.byList = new WeakMap();
  }
}

export interface WorkloadCount {
  readonly workload: string;
  /** The workload's number (WorkloadNames.nameOf). */
  readonly id: number;
  readonly pods: number;
}

/** Workload names of pods, most pods first (then by name), with their pod counts. */
export function workloadsOf(pods: readonly string[], names: WorkloadNames): { text: string; pods: number }[] {
  return names.count(pods).map((c) => ({ text: c.workload, pods: c.pods })).sort((a, b) => b.pods - a.pods || (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
}

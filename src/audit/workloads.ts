/**
 * Workloads: the pods of one namespace that one controller runs, recognised the way people name
 * them — by the app labels most charts set, else by the pod name without its generated suffixes.
 * The audit's matrix and its per-workload findings count workloads, not replicas.
 */
import type { ConnectivityModel, SnapshotPod } from '../connectivity/index.js';

export interface Workload {
  /** `namespace/name`. */
  readonly key: string;
  readonly namespace: string;
  readonly name: string;
  /** Member pods, `namespace/name`. */
  readonly pods: readonly string[];
  /** Ids of the model's pod classes its pods belong to (usually one). */
  readonly classes: readonly number[];
}

const NAME_LABELS = ['app.kubernetes.io/name', 'app', 'k8s-app', 'name'];
// ReplicaSet pods: name-<pod-template-hash>-<5 chars>; StatefulSet: name-<ordinal>; DaemonSet/Job: name-<5 chars>.
const GENERATED = [/-[a-z0-9]{6,10}-[a-z0-9]{5}$/, /-[0-9]+$/, /-[a-z0-9]{5}$/];

export function workloadName(pod: Pick<SnapshotPod, 'name' | 'labels'>): string {
  const component = pod.labels['app.kubernetes.io/component'];
  for (const label of NAME_LABELS) {
    const v = pod.labels[label];
    if (v) return component && label === 'app.kubernetes.io/name' ? `${v}-${component}` : v;
  }
  for (const re of GENERATED) if (re.test(pod.name)) return pod.name.replace(re, '');
  return pod.name;
}

/** The model's pods grouped into workloads, sorted by namespace then name. */
export function workloadsOf(model: ConnectivityModel): Workload[] {
  const byKey = new Map<string, { namespace: string; name: string; pods: string[]; classes: Set<number> }>();
  for (const pod of model.pods) {
    const name = workloadName(pod);
    const key = `${pod.namespace}/${name}`;
    let w = byKey.get(key);
    if (!w) byKey.set(key, (w = { namespace: pod.namespace, name, pods: [], classes: new Set() }));
    const podKey = `${pod.namespace}/${pod.name}`;
    w.pods.push(podKey);
    const cls = model.classOf(podKey);
    if (cls) w.classes.add(cls.id);
  }
  return [...byKey.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, w]) => ({ key, namespace: w.namespace, name: w.name, pods: w.pods, classes: [...w.classes].sort((a, b) => a - b) }));
}

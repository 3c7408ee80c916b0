/**
 * NetworkPolicy selection semantics against a ClusterView, shared by the cluster-aware rules:
 * which pods a policy selects, which pods and namespaces a peer matches, the Services in front
 * of pods, named-port resolution, and the set of policies that will exist once a policy is
 * written (its stored version replaced). Pure.
 */
import type { ClusterView, ContainerPortInfo, NamespaceInfo, PodInfo, ServiceInfo, ServicePortInfo } from '../../cluster/view.js';
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer } from '../../k8s/types.js';
import type { RuleAt } from '../../netpol/walk.js';
import { type LabelMatcher, MATCH_EVERYTHING } from '../../k8s/label-matchers.js';

/**
 * A selector compiled once per selector object by the cluster view's matchers: reviews match the
 * same selectors (stored policies, Services) against thousands of pods.
 */
export function selectorMatcher(selector: LabelSelector | null | undefined, cluster: ClusterView): LabelMatcher {
  return cluster.matchers.of(selector);
}

/** A Service's selector (a plain label map) as a matcher; an absent one selects nothing. */
export function serviceMatcher(svc: ServiceInfo, cluster: ClusterView): LabelMatcher {
  return cluster.matchers.ofLabelMap(svc.selector);
}

/** spec.podSelector; omitted counts as `{}` (every pod), the API server's zero value. */
export function podSelectorOf(np: NetworkPolicy): LabelSelector {
  return np.spec?.podSelector ?? {};
}

/** Pods of `namespace` that `np` selects. */
export function selectedPods(np: NetworkPolicy, namespace: string, cluster: ClusterView): PodInfo[] {
  const matches = selectorMatcher(podSelectorOf(np), cluster);
  return cluster.pods(namespace).filter((p) => matches(p.labels));
}

export function matchingNamespaces(selector: LabelSelector, cluster: ClusterView): NamespaceInfo[] {
  const matches = selectorMatcher(selector, cluster);
  return cluster.namespaces().filter((ns) => matches(ns.labels));
}

/**
 * Pods a selector peer matches: namespaceSelector picks namespaces (every pod there unless a
 * podSelector narrows it); a podSelector alone means the policy's own namespace. Undefined for
 * an ipBlock peer, which names addresses, not pods.
 */
export function peerPods(peer: NetworkPolicyPeer, namespace: string, cluster: ClusterView): PodInfo[] | undefined {
  const pods = peerPodsLazy(peer, namespace, cluster);
  return pods ? [...pods] : undefined;
}

/** peerPods without building the list: for "is there any …" questions over many pods. */
export function peerPodsLazy(peer: NetworkPolicyPeer, namespace: string, cluster: ClusterView): Iterable<PodInfo> | undefined {
  if (!peer.namespaceSelector && !peer.podSelector) return undefined;
  const namespaces = peer.namespaceSelector ? matchingNamespaces(peer.namespaceSelector, cluster).map((n) => n.name) : [namespace];
  const matches = peer.podSelector ? selectorMatcher(peer.podSelector, cluster) : MATCH_EVERYTHING;
  return {
    *[Symbol.iterator]() {
      for (const ns of namespaces) for (const p of cluster.pods(ns)) if (matches(p.labels)) yield p;
    },
  };
}

export function some<T>(items: Iterable<T>, test: (item: T) => boolean): boolean {
  for (const item of items) if (test(item)) return true;
  return false;
}

/** Whether a selector peer of a policy in `namespace` matches `pod` (false for ipBlock peers). */
export function peerMatchesPod(peer: NetworkPolicyPeer, namespace: string, pod: PodInfo, cluster: ClusterView): boolean {
  if (!peer.namespaceSelector && !peer.podSelector) return false;
  const nsOk = peer.namespaceSelector ? selectorMatcher(peer.namespaceSelector, cluster)(cluster.namespaceLabels(pod.namespace)) : pod.namespace === namespace;
  return nsOk && (!peer.podSelector || selectorMatcher(peer.podSelector, cluster)(pod.labels));
}

/**
 * The pods a rule's ports apply to: for ingress the pods the policy selects; for egress the
 * destination pods its selector peers match. `undefined` when that cannot be told: an egress
 * rule without peers (every destination) unless `everyPodWhenOpen`, or only ipBlock peers.
 * Lazy (and re-iterable): callers mostly ask whether any target has some port.
 */
export function portTargets(np: NetworkPolicy, rule: RuleAt, namespace: string, cluster: ClusterView, everyPodWhenOpen: boolean): Iterable<PodInfo> | undefined {
  if (rule.direction === 'ingress') return selectedPods(np, namespace, cluster);
  if (!rule.peers || rule.peers.length === 0) return everyPodWhenOpen ? cluster.pods() : undefined;
  const found = rule.peers.map((p) => peerPodsLazy(p, namespace, cluster)).filter((p): p is Iterable<PodInfo> => p !== undefined);
  if (found.length === 0) return undefined;
  return {
    *[Symbol.iterator]() {
      const seen = new Set<PodInfo>();
      for (const pods of found) {
        for (const p of pods) {
          if (seen.has(p)) continue;
          seen.add(p);
          yield p;
        }
      }
    },
  };
}

/** Services whose selector matches at least one of `pods` (in the pod's own namespace). */
export function servicesInFront(pods: readonly PodInfo[], cluster: ClusterView): ServiceInfo[] {
  const out = new Set<ServiceInfo>();
  for (const ns of new Set(pods.map((p) => p.namespace))) {
    const here = pods.filter((p) => p.namespace === ns);
    for (const svc of cluster.services(ns)) {
      const matches = serviceMatcher(svc, cluster);
      if (here.some((p) => matches(p.labels))) out.add(svc);
    }
  }
  return [...out];
}

export function serviceSelects(svc: ServiceInfo, pod: PodInfo, cluster: ClusterView): boolean {
  return svc.namespace === pod.namespace && serviceMatcher(svc, cluster)(pod.labels);
}

/** A container port of `pod` by name and protocol. */
export function namedPort(pod: PodInfo, name: string, protocol: string): ContainerPortInfo | undefined {
  return pod.ports.find((p) => p.name === name && p.protocol === protocol);
}

/** Where a Service port sends traffic on its backends: a number, and the port's name if it has one. */
export function serviceTarget(port: ServicePortInfo, backends: readonly PodInfo[]): { number?: number; name?: string } {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') {
    const name = backends.flatMap((p) => p.ports).find((p) => p.containerPort === target && p.protocol === port.protocol && p.name)?.name;
    return { number: target, ...(name ? { name } : {}) };
  }
  const resolved = backends.map((p) => namedPort(p, target, port.protocol)).find((p) => p !== undefined);
  return { name: target, ...(resolved ? { number: resolved.containerPort } : {}) };
}

/** Names `pod` gives to `number`/`protocol`: what a named port entry must say to admit it. */
export function portNames(pod: PodInfo, number: number, protocol: string): string[] {
  return pod.ports.filter((p) => p.containerPort === number && p.protocol === protocol && p.name).map((p) => p.name as string);
}

/**
 * The policies of `namespace` once `np` is written: the stored ones, with the stored version of
 * `np` (same name) replaced by `np` — on UPDATE the old rules no longer count.
 */
export function policiesAfterWrite(np: NetworkPolicy, namespace: string, cluster: ClusterView): NetworkPolicy[] {
  const name = np.metadata?.name;
  return [...cluster.networkPolicies(namespace).filter((p) => !name || p.metadata?.name !== name), np];
}

/** Groups pods by their label set (replicas share one), so per-pod work is done once per group. */
export function groupByLabels(pods: readonly PodInfo[]): PodInfo[][] {
  const groups = new Map<string, PodInfo[]>();
  for (const p of pods) {
    const key = JSON.stringify(Object.entries(p.labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    const g = groups.get(key);
    if (g) g.push(p);
    else groups.set(key, [p]);
  }
  return [...groups.values()];
}

/** `a, b, +3 more`: names for a message, kept short. */
export function someNames(names: readonly string[], max = 2): string {
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown}, +${names.length - max} more` : shown;
}

/**
 * A hint for a selector that matches nothing: the values the first selector key actually has on
 * the candidates (`pods here carry app=balance, app=postgres`), or that none carries the key.
 */
export function labelHint(selector: LabelSelector, candidates: readonly { labels: Readonly<Record<string, string>> }[], what: string): string | undefined {
  const key = Object.keys(selector.matchLabels ?? {})[0] ?? selector.matchExpressions?.[0]?.key;
  if (key === undefined) return undefined;
  const values = [...new Set(candidates.map((c) => c.labels[key]).filter((v): v is string => v !== undefined))].sort();
  if (values.length === 0) return `no ${what} carries the label "${key}"`;
  return `${what}s carry ${someNames(values.map((v) => `${key}=${v}`), 3)}`;
}

/**
 * Projection of Kubernetes objects to the few fields the rules read (the *Info types of
 * view.ts). Both ClusterView implementations go through these functions, so a manifest and the
 * same object arriving from a watch give the same view, and the informer view never holds a
 * whole object longer than one event. Accepts the wire JSON and @kubernetes/client-node's model
 * objects alike (their field names agree for every field read here, except NetworkPolicy's
 * `from`, which the models call `_from`).
 */
import { decodeClusterNetworkPolicy } from '../k8s/cnp-decode.js';
import { CNP_GROUP, CNP_VERSIONS, type ClusterNetworkPolicy } from '../k8s/cnp-types.js';
import type { NetworkPolicy } from '../k8s/types.js';
import { decodeNetworkPolicy } from '../netpol/decode.js';
import { defaultNetworkPolicy } from '../netpol/defaults.js';
import type { ContainerPortInfo, DaemonSetInfo, NamespaceInfo, NodeInfo, PodInfo, PodOwner, ServiceInfo, ServicePortInfo, WebhookInfo } from './view.js';

/** The resources the view keeps, by their API plural. */
export type ResourceName =
  | 'namespaces'
  | 'pods'
  | 'services'
  | 'nodes'
  | 'networkpolicies'
  | 'validatingwebhookconfigurations'
  | 'mutatingwebhookconfigurations'
  | 'daemonsets'
  | 'clusternetworkpolicies';

export interface ResourceValues {
  namespaces: NamespaceInfo;
  pods: PodInfo;
  services: ServiceInfo;
  nodes: NodeInfo;
  networkpolicies: NetworkPolicy;
  validatingwebhookconfigurations: readonly WebhookInfo[];
  mutatingwebhookconfigurations: readonly WebhookInfo[];
  daemonsets: DaemonSetInfo;
  clusternetworkpolicies: ClusterNetworkPolicy;
}

/**
 * What one object becomes: its key and projected value, `value: undefined` when it is known but
 * not kept (a finished pod; a watch update that makes a pod finish removes it), or why it is
 * unusable.
 */
export type Projected<T> =
  | { readonly ok: true; readonly namespace: string; readonly name: string; readonly value: T | undefined }
  | { readonly ok: false; readonly reason: string };

/** Shares identical label maps and port lists between objects: replicas carry the same ones. */
export class Interner {
  private readonly labelSets = new Map<string, Readonly<Record<string, string>>>();
  private readonly portLists = new Map<string, readonly ContainerPortInfo[]>();
  private readonly strings = new Map<string, string>();

  labels(labels: Record<string, string>): Readonly<Record<string, string>> {
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let found = this.labelSets.get(key);
    if (!found) {
      const shared: Record<string, string> = {};
      for (const [k, v] of Object.entries(labels)) shared[this.string(k)] = this.string(v);
      found = Object.freeze(shared);
      this.labelSets.set(key, found);
    }
    return found;
  }

  ports(ports: ContainerPortInfo[]): readonly ContainerPortInfo[] {
    if (ports.length === 0) return EMPTY;
    const key = JSON.stringify(ports);
    let found = this.portLists.get(key);
    if (!found) {
      found = Object.freeze(ports.map((p) => Object.freeze(p)));
      this.portLists.set(key, found);
    }
    return found;
  }

  /** Namespace names and label keys repeat on every object; keep one copy of each. */
  string(s: string): string {
    let found = this.strings.get(s);
    if (found === undefined) {
      found = s;
      this.strings.set(s, s);
    }
    return found;
  }

  get size(): number {
    return this.labelSets.size + this.portLists.size + this.strings.size;
  }
}

const EMPTY: readonly never[] = Object.freeze([]);

/** Thrown inside a projection to reject an object with a reason; never escapes this module. */
class Unusable extends Error {}

type Obj = Record<string, unknown>;

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  return JSON.stringify(v);
}

function objectAt(v: unknown, path: string): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw new Unusable(`${path}: expected an object, got ${describe(v)}`);
  return v as Obj;
}

function listAt(v: unknown, path: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new Unusable(`${path}: expected a list, got ${describe(v)}`);
  return v;
}

function stringAt(v: unknown, path: string): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Unusable(`${path}: expected a string, got ${describe(v)}`);
  return v;
}

function portAt(v: unknown, path: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 65535) throw new Unusable(`${path}: expected a port number 1-65535, got ${describe(v)}`);
  return v;
}

function labelsAt(v: unknown, path: string): Record<string, string> {
  const o = objectAt(v, path) ?? {};
  const out: Record<string, string> = {};
  for (const [k, value] of Object.entries(o)) {
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new Unusable(`${path}.${k}: expected a string, got ${describe(value)}`);
    out[k] = value;
  }
  return out;
}

interface Meta {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Record<string, string>;
}

/** Namespaced objects without a namespace land in `default`, as `kubectl apply` would put them. */
function metaOf(o: Obj, namespaced: boolean): Meta {
  const meta = objectAt(o.metadata, 'metadata');
  const name = stringAt(meta?.name, 'metadata.name');
  if (!name) throw new Unusable('metadata.name: required');
  const namespace = namespaced ? stringAt(meta?.namespace, 'metadata.namespace') || 'default' : '';
  return { name, namespace, labels: labelsAt(meta?.labels, 'metadata.labels') };
}

function protocolAt(v: unknown, path: string): string {
  return stringAt(v, path) ?? 'TCP';
}

function project<T>(input: unknown, namespaced: boolean, body: (o: Obj, meta: Meta) => T | undefined): Projected<T> {
  try {
    const o = objectAt(input, '(object)');
    if (!o) throw new Unusable('expected an object');
    const meta = metaOf(o, namespaced);
    return { ok: true, namespace: meta.namespace, name: meta.name, value: body(o, meta) };
  } catch (err) {
    if (err instanceof Unusable) return { ok: false, reason: err.message };
    throw err;
  }
}

export function projectNamespace(input: unknown, intern: Interner): Projected<NamespaceInfo> {
  return project(input, false, (_o, m) => Object.freeze({ name: m.name, labels: intern.labels(m.labels) }));
}

function containerPorts(spec: Obj | undefined, intern: Interner): readonly ContainerPortInfo[] {
  const out: ContainerPortInfo[] = [];
  for (const field of ['containers', 'initContainers'] as const) {
    listAt(spec?.[field], `spec.${field}`).forEach((c, i) => {
      const container = objectAt(c, `spec.${field}[${i}]`);
      listAt(container?.ports, `spec.${field}[${i}].ports`).forEach((p, j) => {
        const path = `spec.${field}[${i}].ports[${j}]`;
        const port = objectAt(p, path);
        const containerPort = portAt(port?.containerPort, `${path}.containerPort`);
        if (containerPort === undefined) throw new Unusable(`${path}.containerPort: required`);
        const name = stringAt(port?.name, `${path}.name`);
        out.push({ ...(name ? { name: intern.string(name) } : {}), containerPort, protocol: intern.string(protocolAt(port?.protocol, `${path}.protocol`)) });
      });
    });
  }
  return intern.ports(out);
}

/** status.podIPs, else status.podIP: the addresses policies' ipBlocks are matched against. */
function podIPs(status: Obj | undefined): readonly string[] {
  const listed = listAt(status?.podIPs, 'status.podIPs').map((entry, i) => stringAt(objectAt(entry, `status.podIPs[${i}]`)?.ip, `status.podIPs[${i}].ip`) ?? '');
  const single = stringAt(status?.podIP, 'status.podIP');
  const all = [...new Set([...(single ? [single] : []), ...listed].filter(Boolean))];
  return Object.freeze(all);
}

/**
 * The pod's controller (the owner reference marked `controller: true`, else the first), for
 * naming the workload a pod belongs to. Malformed references are ignored: they never make a pod
 * unusable, since nothing else in the view depends on them.
 */
function controllerOf(meta: Obj | undefined, intern: Interner): PodOwner | undefined {
  const refs = Array.isArray(meta?.ownerReferences) ? (meta.ownerReferences as unknown[]) : [];
  const usable = refs.filter((r): r is Obj => typeof r === 'object' && r !== null && typeof (r as Obj).kind === 'string' && typeof (r as Obj).name === 'string');
  const ref = usable.find((r) => r.controller === true) ?? usable[0];
  return ref ? Object.freeze({ kind: intern.string(ref.kind as string), name: ref.name as string }) : undefined;
}

export function projectPod(input: unknown, intern: Interner): Projected<PodInfo> {
  return project(input, true, (o, m) => {
    const spec = objectAt(o.spec, 'spec');
    const phase = stringAt(objectAt(o.status, 'status')?.phase, 'status.phase');
    const ports = containerPorts(spec, intern);
    if (phase === 'Succeeded' || phase === 'Failed') return undefined;
    const ips = podIPs(objectAt(o.status, 'status'));
    const node = stringAt(spec?.nodeName, 'spec.nodeName');
    const owner = controllerOf(objectAt(o.metadata, 'metadata'), intern);
    return Object.freeze({
      namespace: intern.string(m.namespace),
      name: m.name,
      labels: intern.labels(m.labels),
      hostNetwork: spec?.hostNetwork === true,
      ports,
      ...(ips.length > 0 ? { ips } : {}),
      ...(node ? { node: intern.string(node) } : {}),
      ...(owner ? { owner } : {}),
    });
  });
}

export function projectService(input: unknown, intern: Interner): Projected<ServiceInfo> {
  return project(input, true, (o, m) => {
    const spec = objectAt(o.spec, 'spec');
    const selectorObject = objectAt(spec?.selector, 'spec.selector');
    const ports: ServicePortInfo[] = listAt(spec?.ports, 'spec.ports').map((p, i) => {
      const path = `spec.ports[${i}]`;
      const port = objectAt(p, path);
      const number = portAt(port?.port, `${path}.port`);
      if (number === undefined) throw new Unusable(`${path}.port: required`);
      const target = port?.targetPort;
      let targetPort: number | string | undefined;
      if (typeof target === 'string') targetPort = /^\d+$/.test(target) ? Number(target) : target;
      else if (target !== undefined && target !== null) targetPort = portAt(target, `${path}.targetPort`);
      const name = stringAt(port?.name, `${path}.name`);
      return Object.freeze({
        ...(name ? { name } : {}),
        port: number,
        ...(targetPort !== undefined ? { targetPort } : {}),
        protocol: protocolAt(port?.protocol, `${path}.protocol`),
      });
    });
    // A Service with an empty selector has no managed endpoints, like one without.
    const selector = selectorObject && Object.keys(selectorObject).length > 0 ? intern.labels(labelsAt(selectorObject, 'spec.selector')) : undefined;
    return Object.freeze({ namespace: intern.string(m.namespace), name: m.name, ...(selector ? { selector } : {}), ports: Object.freeze(ports) });
  });
}

export function projectNode(input: unknown): Projected<NodeInfo> {
  return project(input, false, (o, m) => {
    const spec = objectAt(o.spec, 'spec');
    const list = listAt(spec?.podCIDRs, 'spec.podCIDRs').map((c, i) => stringAt(c, `spec.podCIDRs[${i}]`) ?? '');
    const single = stringAt(spec?.podCIDR, 'spec.podCIDR');
    const podCIDRs = [...new Set([...(single ? [single] : []), ...list].filter(Boolean))];
    return Object.freeze({ name: m.name, podCIDRs: Object.freeze(podCIDRs) });
  });
}

/** The client models call `from` `_from`; bring them back to the wire names before decoding. */
function wireSpec(spec: Obj): unknown {
  const ingress = listAt(spec.ingress, 'spec.ingress').map((r) => {
    const rule = objectAt(r, 'spec.ingress[]');
    if (!rule || !('_from' in rule)) return r;
    const { _from, ...rest } = rule;
    return rest.from === undefined ? { ...rest, from: _from } : rest;
  });
  // JSON round trip: drops the models' undefined-valued keys and class prototypes.
  return JSON.parse(JSON.stringify({ ...spec, ...(spec.ingress !== undefined ? { ingress } : {}) }));
}

/**
 * A NetworkPolicy as the API server stores it (defaulted), reduced to name, namespace and spec.
 * Fields this version does not know are dropped, as a lenient decoder would.
 */
export function projectNetworkPolicy(input: unknown): Projected<NetworkPolicy> {
  return project(input, true, (o, m) => {
    const spec = objectAt(o.spec, 'spec') ?? {};
    const raw = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: m.name, namespace: m.namespace }, spec: wireSpec(spec) };
    const decoded = decodeNetworkPolicy(defaultNetworkPolicy(raw).object);
    const broken = decoded.issues.find((i) => i.kind !== 'unknown-field');
    if (broken || !decoded.policy) throw new Unusable(broken?.message ?? 'not a NetworkPolicy');
    return Object.freeze({ apiVersion: decoded.policy.apiVersion, kind: decoded.policy.kind, metadata: { name: m.name, namespace: m.namespace }, spec: decoded.policy.spec ?? {} });
  });
}

function projectWebhooks(input: unknown, kind: WebhookInfo['kind']): Projected<readonly WebhookInfo[]> {
  return project(input, false, (o, m) => {
    // admissionregistration.k8s.io/v1 defaults failurePolicy to Fail (v1beta1 defaulted Ignore).
    const defaultFailurePolicy = typeof o.apiVersion === 'string' && o.apiVersion.endsWith('/v1beta1') ? 'Ignore' : 'Fail';
    const hooks = listAt(o.webhooks, 'webhooks').map((w, i): WebhookInfo => {
      const path = `webhooks[${i}]`;
      const hook = objectAt(w, path);
      const service = objectAt(objectAt(hook?.clientConfig, `${path}.clientConfig`)?.service, `${path}.clientConfig.service`);
      const ref = service
        ? {
            namespace: stringAt(service.namespace, `${path}.clientConfig.service.namespace`) ?? '',
            name: stringAt(service.name, `${path}.clientConfig.service.name`) ?? '',
            port: portAt(service.port, `${path}.clientConfig.service.port`) ?? 443,
          }
        : undefined;
      return Object.freeze({
        configuration: m.name,
        kind,
        webhook: stringAt(hook?.name, `${path}.name`) ?? '',
        failurePolicy: stringAt(hook?.failurePolicy, `${path}.failurePolicy`) ?? defaultFailurePolicy,
        ...(ref ? { service: Object.freeze(ref) } : {}),
      });
    });
    return Object.freeze(hooks);
  });
}

export const projectValidatingWebhooks = (input: unknown): Projected<readonly WebhookInfo[]> => projectWebhooks(input, 'ValidatingWebhookConfiguration');
export const projectMutatingWebhooks = (input: unknown): Projected<readonly WebhookInfo[]> => projectWebhooks(input, 'MutatingWebhookConfiguration');

export function projectDaemonSet(input: unknown, intern: Interner): Projected<DaemonSetInfo> {
  return project(input, true, (o, m) => {
    const podSpec = objectAt(objectAt(objectAt(o.spec, 'spec')?.template, 'spec.template')?.spec, 'spec.template.spec');
    const images: string[] = [];
    for (const field of ['containers', 'initContainers'] as const) {
      listAt(podSpec?.[field], `spec.template.spec.${field}`).forEach((c, i) => {
        const image = stringAt(objectAt(c, `spec.template.spec.${field}[${i}]`)?.image, `spec.template.spec.${field}[${i}].image`);
        if (image) images.push(image);
      });
    }
    return Object.freeze({ namespace: intern.string(m.namespace), name: m.name, labels: intern.labels(m.labels), images: Object.freeze(images) });
  });
}

/**
 * A ClusterNetworkPolicy as the connectivity model reads it (cnp-types.ts: tier, priority,
 * subject, rules; no status, no metadata but the name). What the CRD's schema would reject is
 * unusable, as for a manifest.
 */
export function projectClusterNetworkPolicy(input: unknown): Projected<ClusterNetworkPolicy> {
  const decoded = decodeClusterNetworkPolicy(input);
  if (!decoded.ok) return { ok: false, reason: decoded.reason };
  return { ok: true, namespace: '', name: decoded.value.name, value: Object.freeze(decoded.value) };
}

/** One projection per resource, with the interner where it helps. */
export function projectorFor<R extends ResourceName>(resource: R, intern: Interner): (input: unknown) => Projected<ResourceValues[R]> {
  const table: { [K in ResourceName]: (input: unknown) => Projected<ResourceValues[K]> } = {
    namespaces: (i) => projectNamespace(i, intern),
    pods: (i) => projectPod(i, intern),
    services: (i) => projectService(i, intern),
    nodes: projectNode,
    networkpolicies: projectNetworkPolicy,
    validatingwebhookconfigurations: projectValidatingWebhooks,
    mutatingwebhookconfigurations: projectMutatingWebhooks,
    daemonsets: (i) => projectDaemonSet(i, intern),
    clusternetworkpolicies: projectClusterNetworkPolicy,
  };
  return table[resource];
}

/**
 * Kinds of manifests the static view reads, by API group (core is ''), and their resource;
 * `versions` where only some versions of the group are read.
 */
export const KIND_RESOURCES: readonly { readonly group: string; readonly kind: string; readonly resource: ResourceName; readonly versions?: readonly string[] }[] = [
  { group: '', kind: 'Namespace', resource: 'namespaces' },
  { group: '', kind: 'Pod', resource: 'pods' },
  { group: '', kind: 'Service', resource: 'services' },
  { group: '', kind: 'Node', resource: 'nodes' },
  { group: 'networking.k8s.io', kind: 'NetworkPolicy', resource: 'networkpolicies' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', resource: 'validatingwebhookconfigurations' },
  { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration', resource: 'mutatingwebhookconfigurations' },
  { group: 'apps', kind: 'DaemonSet', resource: 'daemonsets' },
  { group: CNP_GROUP, kind: 'ClusterNetworkPolicy', resource: 'clusternetworkpolicies', versions: CNP_VERSIONS },
];

/** The resource a manifest's apiVersion and kind name, or undefined for kinds the view ignores. */
export function resourceOfKind(apiVersion: string, kind: string): ResourceName | undefined {
  const slash = apiVersion.lastIndexOf('/');
  const group = slash >= 0 ? apiVersion.slice(0, slash) : '';
  const version = apiVersion.slice(slash + 1);
  return KIND_RESOURCES.find((k) => k.kind === kind && k.group === group && (!k.versions || k.versions.includes(version)))?.resource;
}

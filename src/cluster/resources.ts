/**
 * What the informer view lists and watches, and the RBAC that allows exactly that. The Helm
 * chart's ClusterRole is CLUSTER_RBAC_RULES; test/cluster/informers.test.ts records the requests
 * the informers really make and checks both directions (nothing missing, nothing unused).
 *
 * ClusterNetworkPolicies are an optional CRD (kubernetes-sigs/network-policy-api) in one of
 * several versions: their list asks for the newest version first and remembers the one the
 * API server answered, which the watch then uses; 404 for every version means "not served".
 */
import {
  AdmissionregistrationV1Api,
  ApiException,
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  NetworkingV1Api,
  Observable,
  type ObservableMiddleware,
} from '@kubernetes/client-node';
import { CNP_GROUP, CNP_RESOURCE, CNP_VERSIONS_NEWEST_FIRST } from '../k8s/cnp-types.js';
import type { ResourceName } from './projection.js';

/** An RBAC PolicyRule (rbac.authorization.k8s.io/v1), as the chart writes it. */
export interface PolicyRule {
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly verbs: readonly string[];
}

/** Read-only: list and watch, nothing else; written out rather than derived, so the test means something. */
export const CLUSTER_RBAC_RULES: readonly PolicyRule[] = Object.freeze([
  { apiGroups: [''], resources: ['namespaces', 'pods', 'services', 'nodes'], verbs: ['list', 'watch'] },
  { apiGroups: ['networking.k8s.io'], resources: ['networkpolicies'], verbs: ['list', 'watch'] },
  { apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingwebhookconfigurations', 'mutatingwebhookconfigurations'], verbs: ['list', 'watch'] },
  { apiGroups: ['apps'], resources: ['daemonsets'], verbs: ['list', 'watch'] },
  { apiGroups: [CNP_GROUP], resources: [CNP_RESOURCE], verbs: ['list', 'watch'] },
]);

/** One page of a list, in whatever shape the client returns (models or plain JSON). */
export interface ListPage {
  readonly items: readonly unknown[];
  readonly metadata?: { readonly resourceVersion?: string; readonly _continue?: string };
}

export interface ListRequest {
  readonly limit: number;
  readonly _continue?: string;
  readonly signal: AbortSignal;
}

export interface WatchedResource {
  readonly resource: ResourceName;
  /** API group; '' for core. */
  readonly group: string;
  /**
   * The collection path the watch uses (all namespaces), and the apiVersion and kind of its
   * objects (lists of built-in kinds leave them out of the items). For an optional resource,
   * those of the version its last list found.
   */
  readonly path: string;
  readonly apiVersion: string;
  readonly kind: string;
  /**
   * An optional CRD: a cluster without it is the normal case. Its list fails with 404 when no
   * version is served (and 403 when the credentials may not read it), which the informers and
   * the one-off listing take as "none", not as a failure to wait on.
   */
  readonly optional?: boolean;
  list(request: ListRequest): Promise<ListPage>;
}

export interface ApiClients {
  readonly core: CoreV1Api;
  readonly networking: NetworkingV1Api;
  readonly admission: AdmissionregistrationV1Api;
  readonly apps: AppsV1Api;
  readonly custom: CustomObjectsApi;
}

export function apiClients(config: KubeConfig): ApiClients {
  return {
    core: config.makeApiClient(CoreV1Api),
    networking: config.makeApiClient(NetworkingV1Api),
    admission: config.makeApiClient(AdmissionregistrationV1Api),
    apps: config.makeApiClient(AppsV1Api),
    custom: config.makeApiClient(CustomObjectsApi),
  };
}

/**
 * Per-request options that make the generated client pass our AbortSignal to fetch: it has no
 * timeout of its own, and a list must neither hang nor outlive stop().
 */
function withSignal(signal: AbortSignal): Parameters<CoreV1Api['listNamespace']>[1] {
  const middleware: ObservableMiddleware = {
    pre: (context) => {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: (context) => new Observable(Promise.resolve(context)),
  };
  return { middleware: [middleware], middlewareMergeStrategy: 'append' };
}

const statusOf = (err: unknown): number | undefined => (err instanceof ApiException ? err.code : undefined);

/**
 * ClusterNetworkPolicies in the newest version the API server serves. A first page asks each
 * version in turn (404: not that one); the pages after it, and the watch, stay on the version
 * that answered. A custom object list is plain JSON: `continue` is renamed to the models'
 * `_continue`, and items get the apiVersion and kind of the list when they lack them.
 */
function clusterNetworkPolicies(custom: CustomObjectsApi): WatchedResource {
  let served = CNP_VERSIONS_NEWEST_FIRST[0]!;
  const collection = (version: string) => `/apis/${CNP_GROUP}/${version}/${CNP_RESOURCE}`;
  return {
    resource: CNP_RESOURCE,
    group: CNP_GROUP,
    get path() {
      return collection(served);
    },
    get apiVersion() {
      return `${CNP_GROUP}/${served}`;
    },
    kind: 'ClusterNetworkPolicy',
    optional: true,
    async list(r) {
      const versions = r._continue ? [served] : CNP_VERSIONS_NEWEST_FIRST;
      for (const [i, version] of versions.entries()) {
        try {
          const raw = (await custom.listClusterCustomObject(
            { group: CNP_GROUP, version, plural: CNP_RESOURCE, limit: r.limit, ...(r._continue ? { _continue: r._continue } : {}) },
            withSignal(r.signal),
          )) as { items?: unknown[]; metadata?: { resourceVersion?: string; continue?: string } };
          served = version;
          const apiVersion = `${CNP_GROUP}/${version}`;
          const items = (raw.items ?? []).map((item) => ({ apiVersion, kind: 'ClusterNetworkPolicy', ...(item as object) }));
          const { resourceVersion, continue: next } = raw.metadata ?? {};
          return { items, metadata: { ...(resourceVersion ? { resourceVersion } : {}), ...(next ? { _continue: next } : {}) } };
        } catch (err) {
          if (statusOf(err) !== 404 || i === versions.length - 1) throw err;
        }
      }
      throw new Error('unreachable: no ClusterNetworkPolicy version to ask');
    },
  };
}

export function watchedResources(c: ApiClients): readonly WatchedResource[] {
  const page = (r: ListRequest) => ({ limit: r.limit, ...(r._continue ? { _continue: r._continue } : {}) });
  return [
    { resource: 'namespaces', group: '', path: '/api/v1/namespaces', apiVersion: 'v1', kind: 'Namespace', list: (r) => c.core.listNamespace(page(r), withSignal(r.signal)) },
    { resource: 'pods', group: '', path: '/api/v1/pods', apiVersion: 'v1', kind: 'Pod', list: (r) => c.core.listPodForAllNamespaces(page(r), withSignal(r.signal)) },
    { resource: 'services', group: '', path: '/api/v1/services', apiVersion: 'v1', kind: 'Service', list: (r) => c.core.listServiceForAllNamespaces(page(r), withSignal(r.signal)) },
    { resource: 'nodes', group: '', path: '/api/v1/nodes', apiVersion: 'v1', kind: 'Node', list: (r) => c.core.listNode(page(r), withSignal(r.signal)) },
    {
      resource: 'networkpolicies',
      group: 'networking.k8s.io',
      path: '/apis/networking.k8s.io/v1/networkpolicies',
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      list: (r) => c.networking.listNetworkPolicyForAllNamespaces(page(r), withSignal(r.signal)),
    },
    {
      resource: 'validatingwebhookconfigurations',
      group: 'admissionregistration.k8s.io',
      path: '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      list: (r) => c.admission.listValidatingWebhookConfiguration(page(r), withSignal(r.signal)),
    },
    {
      resource: 'mutatingwebhookconfigurations',
      group: 'admissionregistration.k8s.io',
      path: '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      list: (r) => c.admission.listMutatingWebhookConfiguration(page(r), withSignal(r.signal)),
    },
    {
      resource: 'daemonsets',
      group: 'apps',
      path: '/apis/apps/v1/daemonsets',
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      list: (r) => c.apps.listDaemonSetForAllNamespaces(page(r), withSignal(r.signal)),
    },
    clusterNetworkPolicies(c.custom),
  ];
}

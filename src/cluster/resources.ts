/**
 * What the informer view lists and watches, and the RBAC that allows exactly that. The Helm
 * chart's ClusterRole is CLUSTER_RBAC_RULES; test/cluster/informers.test.ts records the requests
 * the informers really make and checks both directions (nothing missing, nothing unused).
 */
import {
  AdmissionregistrationV1Api,
  AppsV1Api,
  CoreV1Api,
  type KubeConfig,
  NetworkingV1Api,
  Observable,
  type ObservableMiddleware,
} from '@kubernetes/client-node';
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
  /** The collection path the watch uses (all namespaces). */
  readonly path: string;
  list(request: ListRequest): Promise<ListPage>;
}

export interface ApiClients {
  readonly core: CoreV1Api;
  readonly networking: NetworkingV1Api;
  readonly admission: AdmissionregistrationV1Api;
  readonly apps: AppsV1Api;
}

export function apiClients(config: KubeConfig): ApiClients {
  return {
    core: config.makeApiClient(CoreV1Api),
    networking: config.makeApiClient(NetworkingV1Api),
    admission: config.makeApiClient(AdmissionregistrationV1Api),
    apps: config.makeApiClient(AppsV1Api),
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

export function watchedResources(c: ApiClients): readonly WatchedResource[] {
  const page = (r: ListRequest) => ({ limit: r.limit, ...(r._continue ? { _continue: r._continue } : {}) });
  return [
    { resource: 'namespaces', group: '', path: '/api/v1/namespaces', list: (r) => c.core.listNamespace(page(r), withSignal(r.signal)) },
    { resource: 'pods', group: '', path: '/api/v1/pods', list: (r) => c.core.listPodForAllNamespaces(page(r), withSignal(r.signal)) },
    { resource: 'services', group: '', path: '/api/v1/services', list: (r) => c.core.listServiceForAllNamespaces(page(r), withSignal(r.signal)) },
    { resource: 'nodes', group: '', path: '/api/v1/nodes', list: (r) => c.core.listNode(page(r), withSignal(r.signal)) },
    {
      resource: 'networkpolicies',
      group: 'networking.k8s.io',
      path: '/apis/networking.k8s.io/v1/networkpolicies',
      list: (r) => c.networking.listNetworkPolicyForAllNamespaces(page(r), withSignal(r.signal)),
    },
    {
      resource: 'validatingwebhookconfigurations',
      group: 'admissionregistration.k8s.io',
      path: '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
      list: (r) => c.admission.listValidatingWebhookConfiguration(page(r), withSignal(r.signal)),
    },
    {
      resource: 'mutatingwebhookconfigurations',
      group: 'admissionregistration.k8s.io',
      path: '/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations',
      list: (r) => c.admission.listMutatingWebhookConfiguration(page(r), withSignal(r.signal)),
    },
    { resource: 'daemonsets', group: 'apps', path: '/apis/apps/v1/daemonsets', list: (r) => c.apps.listDaemonSetForAllNamespaces(page(r), withSignal(r.signal)) },
  ];
}

/**
 * What simulate runs on: the cluster state (--cluster-state manifests through the same loader
 * as `check --cluster-state`, or a one-time list of a live cluster with --kubeconfig), with the
 * objects of FILES on top — NetworkPolicies and ClusterNetworkPolicies replace those with the
 * same name, Namespaces and Pods join the state. A FILES document that cannot be used is an
 * input error naming its file and line; the others are still used.
 */
import { type SourcedObject, staticClusterViewFrom } from '../cluster/static.js';
import { readClusterStateObjects } from '../cluster/load-state.js';
import { projectNetworkPolicy, resourceOfKind } from '../cluster/projection.js';
import { type ClusterNetworkPolicy, type ConnectivitySnapshot, decodeClusterNetworkPolicy, isClusterNetworkPolicyKind, snapshotFromClusterView, withPolicyChanges } from '../connectivity/index.js';
import { NpgError, describeError } from '../errors.js';
import type { NetworkPolicy } from '../k8s/types.js';
import { lineOf } from '../yaml/locate.js';
import { type InputError, readInputs } from './inputs.js';

export interface SimulateSource {
  readonly clusterState?: readonly string[];
  readonly kubeconfig?: string;
  readonly files: readonly string[];
  /** --request-timeout for the live cluster, in ms. */
  readonly requestTimeoutMs: number;
}

export interface SimulateState {
  readonly snapshot: ConnectivitySnapshot;
  readonly errors: readonly InputError[];
  /** Policies FILES added or replaced, for messages. */
  readonly fromFiles: { readonly networkPolicies: number; readonly clusterNetworkPolicies: number };
}

function isNetworkPolicy(v: unknown): boolean {
  const o = v as { apiVersion?: unknown; kind?: unknown } | null;
  return o?.kind === 'NetworkPolicy' && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('networking.k8s.io/');
}

export async function loadSimulateState(source: SimulateSource): Promise<SimulateState> {
  const stateObjects: SourcedObject[] = [];
  if (source.clusterState) stateObjects.push(...(await readClusterStateObjects(source.clusterState)));
  if (source.kubeconfig !== undefined) stateObjects.push(...(await listLiveCluster(source.kubeconfig, source.requestTimeoutMs)));

  const { objects, errors: readErrors } = source.files.length > 0 ? await readInputs(source.files) : { objects: [], errors: [] };
  const errors: InputError[] = [...readErrors];
  const networkPolicies: NetworkPolicy[] = [];
  const clusterNetworkPolicies: ClusterNetworkPolicy[] = [];
  for (const obj of objects) {
    const line = lineOf(obj.located, obj.prefix);
    const rec = obj.value as { apiVersion?: unknown; kind?: unknown } | null;
    const bad = (message: string) => errors.push({ code: 'NPG_INPUT_INVALID', file: obj.file, line, message });
    if (isNetworkPolicy(obj.value)) {
      const p = projectNetworkPolicy(obj.value);
      if (p.ok && p.value) networkPolicies.push(p.value);
      else bad(`NetworkPolicy: ${p.ok ? 'not usable' : p.reason}`);
    } else if (isClusterNetworkPolicyKind(rec?.apiVersion, rec?.kind)) {
      const d = decodeClusterNetworkPolicy(obj.value);
      if (d.ok) clusterNetworkPolicies.push(d.value);
      else bad(`ClusterNetworkPolicy: ${d.reason}`);
    } else if (rec && typeof rec.apiVersion === 'string' && typeof rec.kind === 'string' && resourceOfKind(rec.apiVersion, rec.kind)) {
      const entry = { object: obj.value, origin: `${obj.file}:${line}` };
      try {
        staticClusterViewFrom([entry], 'check'); // one object alone: a broken one is reported, the rest still used
        stateObjects.push(entry);
      } catch (err) {
        bad(err instanceof NpgError ? err.message.replace(`${entry.origin}: `, '') : describeError(err));
      }
    }
  }
  const view = staticClusterViewFrom(stateObjects, 'simulate');
  const snapshot = withPolicyChanges(snapshotFromClusterView(view), { networkPolicies, clusterNetworkPolicies });
  return { snapshot, errors, fromFiles: { networkPolicies: networkPolicies.length, clusterNetworkPolicies: clusterNetworkPolicies.length } };
}

/**
 * One list of what the model needs from a live cluster: namespaces, pods, NetworkPolicies and,
 * where the CRD is installed, ClusterNetworkPolicies (v1beta1, else v1alpha2). A cluster without
 * the CRD is the normal case; any other failure is an error naming the resource.
 */
async function listLiveCluster(kubeconfig: string, requestTimeoutMs: number): Promise<SourcedObject[]> {
  const { loadKubeConfig } = await import('../cluster/kubeconfig.js');
  const k8s = await import('@kubernetes/client-node');
  const loaded = loadKubeConfig({ requestTimeoutMs, ...(kubeconfig ? { kubeconfig } : {}) });
  const core = loaded.config.makeApiClient(k8s.CoreV1Api);
  const networking = loaded.config.makeApiClient(k8s.NetworkingV1Api);
  const custom = loaded.config.makeApiClient(k8s.CustomObjectsApi);
  const out: SourcedObject[] = [];
  const origin = `${loaded.server}`;
  const tag = (items: readonly unknown[], apiVersion: string, kind: string) =>
    items.forEach((item, i) => out.push({ object: { ...(JSON.parse(JSON.stringify(item)) as object), apiVersion, kind }, origin: `${origin} ${kind} ${i}` }));
  const fetchAll = async <T>(what: string, list: (cont?: string) => Promise<{ items: T[]; metadata?: { _continue?: string } }>): Promise<T[]> => {
    const items: T[] = [];
    let cont: string | undefined;
    do {
      let page;
      try {
        page = await list(cont);
      } catch (err) {
        throw new NpgError('NPG_CLUSTER_CONFIG', `${loaded.origin}: cannot list ${what}: ${describeError(err)}`, { cause: err });
      }
      items.push(...page.items);
      cont = page.metadata?._continue || undefined;
    } while (cont);
    return items;
  };
  tag(await fetchAll('namespaces', (c) => core.listNamespace({ limit: 500, ...(c ? { _continue: c } : {}) })), 'v1', 'Namespace');
  tag(await fetchAll('pods', (c) => core.listPodForAllNamespaces({ limit: 500, ...(c ? { _continue: c } : {}) })), 'v1', 'Pod');
  const nps = await fetchAll('networkpolicies', (c) => networking.listNetworkPolicyForAllNamespaces({ limit: 500, ...(c ? { _continue: c } : {}) }));
  // The client's models call `from` `_from`; the projection brings it back.
  tag(nps, 'networking.k8s.io/v1', 'NetworkPolicy');
  for (const version of ['v1beta1', 'v1alpha2']) {
    try {
      const list = (await custom.listClusterCustomObject({ group: 'policy.networking.k8s.io', version, plural: 'clusternetworkpolicies' })) as { items?: unknown[] };
      tag(list.items ?? [], `policy.networking.k8s.io/${version}`, 'ClusterNetworkPolicy');
      break;
    } catch (err) {
      if ((err as { code?: number }).code === 404) continue; // this version (or the CRD) is not served
      throw new NpgError('NPG_CLUSTER_CONFIG', `${loaded.origin}: cannot list clusternetworkpolicies.policy.networking.k8s.io/${version}: ${describeError(err)}`, { cause: err });
    }
  }
  return out;
}

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
import { listLiveObjects } from './cluster-input.js';
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
  if (source.kubeconfig !== undefined) stateObjects.push(...(await listLiveObjects(source.kubeconfig, source.requestTimeoutMs)).objects);

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

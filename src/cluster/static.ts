/**
 * A ClusterView built once from manifests (the CLI's --cluster-state, tests): Namespaces, Pods,
 * Services, Nodes, NetworkPolicies, Validating/MutatingWebhookConfigurations, DaemonSets and
 * ClusterNetworkPolicies.
 * `kind: List` (what `kubectl get -o yaml` prints) is expanded; objects of other kinds are
 * ignored; an object of a known kind that cannot be read is an error naming where it came from.
 * Pure: file reading lives in load-state.ts.
 *
 * Two things make hand-written state behave like a live cluster:
 * - every Namespace gets the `kubernetes.io/metadata.name` label, as the API server sets it on
 *   every namespace since 1.21 (a dump of a live cluster already carries it);
 * - a namespace that objects live in but that has no Namespace manifest exists all the same,
 *   with only that label.
 */
import { NpgError } from '../errors.js';
import { type ResourceName, projectorFor, resourceOfKind } from './projection.js';
import { ClusterStore, clusterViewOf } from './store.js';
import type { ClusterView } from './view.js';

/** One object or List read from a manifest, with where it came from for error messages. */
export interface SourcedObject {
  readonly object: unknown;
  /** `state/pods.yaml document 2`, or `object 3` when the objects come from code. */
  readonly origin: string;
}

const METADATA_NAME = 'kubernetes.io/metadata.name';

function describeKind(o: Record<string, unknown>): string {
  const meta = o.metadata as { name?: unknown; namespace?: unknown } | undefined;
  const name = typeof meta?.name === 'string' ? meta.name : '';
  const ns = typeof meta?.namespace === 'string' ? `${meta.namespace}/` : '';
  return `${String(o.kind)}${name ? ` ${ns}${name}` : ''}`;
}

function invalid(origin: string, reason: string): NpgError {
  return new NpgError('NPG_CLUSTER_STATE_INVALID', `${origin}: ${reason}`);
}

/** What to do with an object that cannot be read: by default the whole view fails on it. */
export interface StaticViewOptions {
  /** Called instead of throwing: the object is left out and the view is built from the rest. */
  readonly onInvalid?: (error: NpgError) => void;
}

/** Expands Lists (nested too) into single objects; null documents (an empty `---`) are skipped. */
function* expand(entry: SourcedObject, onInvalid?: (error: NpgError) => void): Generator<SourcedObject> {
  if (onInvalid) {
    try {
      yield* expand(entry);
    } catch (err) {
      if (!(err instanceof NpgError)) throw err;
      onInvalid(err);
    }
    return;
  }
  const o = entry.object;
  if (o === null || o === undefined) return;
  if (typeof o !== 'object' || Array.isArray(o)) {
    throw invalid(entry.origin, `expected a Kubernetes object, got ${Array.isArray(o) ? 'a list' : JSON.stringify(o)}`);
  }
  const rec = o as Record<string, unknown>;
  if (typeof rec.kind !== 'string' || rec.kind === '') throw invalid(entry.origin, 'kind: required');
  if (typeof rec.apiVersion !== 'string' || rec.apiVersion === '') throw invalid(entry.origin, `${rec.kind}: apiVersion: required`);
  if (rec.kind === 'List' || (rec.kind.endsWith('List') && Array.isArray(rec.items))) {
    if (!Array.isArray(rec.items)) throw invalid(entry.origin, `${rec.kind}: items: expected a list`);
    for (const [i, item] of rec.items.entries()) yield* expand({ object: item, origin: `${entry.origin} items[${i}]` }, onInvalid);
    return;
  }
  yield entry;
}

/**
 * The view over `objects`, tagged with where each came from. Throws NpgError
 * NPG_CLUSTER_STATE_INVALID for the first unusable object.
 */
export function staticClusterViewFrom(objects: readonly SourcedObject[], source: string, options: StaticViewOptions = {}): ClusterView {
  const fail = (err: NpgError): void => {
    if (!options.onInvalid) throw err;
    options.onInvalid(err);
  };
  const store = new ClusterStore();
  const referenced = new Set<string>();
  for (const entry of objects) {
    for (const { object, origin } of expand(entry, options.onInvalid)) {
      const rec = object as Record<string, unknown>;
      const resource: ResourceName | undefined = resourceOfKind(rec.apiVersion as string, rec.kind as string);
      if (!resource) continue; // other kinds are not part of the view
      const projected = projectorFor(resource, store.intern)(object);
      if (!projected.ok) {
        fail(invalid(origin, `${describeKind(rec)}: ${projected.reason}`));
        continue;
      }
      if (projected.value === undefined) continue;
      (store.indexes[resource] as { set(ns: string, name: string, v: unknown): void }).set(projected.namespace, projected.name, projected.value);
      if (projected.namespace) referenced.add(projected.namespace);
    }
  }
  const namespaces = store.indexes.namespaces;
  for (const ns of namespaces.list('')) {
    if (ns.labels[METADATA_NAME] === undefined) {
      namespaces.set('', ns.name, Object.freeze({ name: ns.name, labels: store.intern.labels({ ...ns.labels, [METADATA_NAME]: ns.name }) }));
    }
  }
  for (const name of referenced) {
    if (!namespaces.get('', name)) namespaces.set('', name, Object.freeze({ name, labels: store.intern.labels({ [METADATA_NAME]: name }) }));
  }
  const counts = store.counts();
  return clusterViewOf(store, {
    source,
    ready: () => true,
    status: () => ({ synced: true, ageSeconds: 0, counts }),
  });
}

/** The view over plain objects (or Lists); errors name the object by its index (`object 0`). */
export function staticClusterView(objects: readonly unknown[], source: string): ClusterView {
  return staticClusterViewFrom(
    objects.map((object, i) => ({ object, origin: `${source}: object ${i}` })),
    source,
  );
}

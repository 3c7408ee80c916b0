/**
 * What the API server does to an object between admission and validation
 * (k8s.io/apiserver pkg/registry/rest BeforeCreate / BeforeUpdate and the NetworkPolicy
 * strategy's PrepareForCreate / PrepareForUpdate), so that we validate exactly what it validates.
 */
import type { NetworkPolicy } from '../k8s/types.js';

/** The API server appends 5 random characters; we use fixed ones so verdicts are repeatable. */
const GENERATED_SUFFIX = 'xxxxx';
const MAX_GENERATED_BASE = 63 - GENERATED_SUFFIX.length;

/**
 * A copy whose metadata may be changed. Both copies are made with Object.assign, not a spread:
 * V8 gives every spread copy that then gains a property (generation, say) a map of its own, which
 * costs a new map per review and makes every later read of the metadata slow; and on Node 20 a
 * spread followed by more properties (`{ ...np, metadata }`) takes a slow path of ~10 µs. The
 * typed object has only the fields the decoder knows, so Object.assign sets no prototype.
 */
function clone(np: NetworkPolicy): NetworkPolicy {
  return Object.assign({}, np, { metadata: Object.assign({}, np.metadata) });
}

/**
 * BeforeCreate: the request namespace fills an empty one, a name is generated from
 * generateName, and the strategy starts the generation at 1.
 */
export function prepareForCreate(np: NetworkPolicy, requestNamespace: string | undefined): NetworkPolicy {
  const out = clone(np);
  const meta = out.metadata ?? {};
  if (!meta.namespace && requestNamespace) meta.namespace = requestNamespace;
  if (!meta.name && meta.generateName) {
    meta.name = meta.generateName.slice(0, MAX_GENERATED_BASE) + GENERATED_SUFFIX;
  }
  meta.generation = 1;
  out.metadata = meta;
  return out;
}

/** Whether two policies have the same spec (as written: key order counts, as in the stored JSON). */
export function sameSpec(a: NetworkPolicy, b: NetworkPolicy): boolean {
  return JSON.stringify(a.spec ?? {}) === JSON.stringify(b.spec ?? {});
}

/**
 * BeforeUpdate: requests cannot change the generation (it is bumped when the spec changes),
 * an empty uid, the creation timestamp and the deletion fields are carried over from the
 * stored object.
 */
export function prepareForUpdate(np: NetworkPolicy, old: NetworkPolicy, requestNamespace: string | undefined): NetworkPolicy {
  const out = clone(np);
  const meta = out.metadata ?? {};
  const oldMeta = old.metadata ?? {};
  if (!meta.namespace && requestNamespace) meta.namespace = requestNamespace;
  meta.generation = (oldMeta.generation ?? 0) + (sameSpec(np, old) ? 0 : 1);
  if (!meta.uid && oldMeta.uid) meta.uid = oldMeta.uid;
  if (oldMeta.creationTimestamp) meta.creationTimestamp = oldMeta.creationTimestamp;
  if (oldMeta.deletionTimestamp) meta.deletionTimestamp = oldMeta.deletionTimestamp;
  if (oldMeta.deletionGracePeriodSeconds != null && meta.deletionGracePeriodSeconds == null) {
    meta.deletionGracePeriodSeconds = oldMeta.deletionGracePeriodSeconds;
  }
  out.metadata = meta;
  return out;
}

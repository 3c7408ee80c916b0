/**
 * A model derived from another by a few changes, without building it again from the snapshot:
 * only the pods that changed are placed again, only the classes they leave or join, and the
 * classes of namespaces whose policies or labels changed, get their policies attached again;
 * every other class is shared with the model it comes from, unchanged. Two uses:
 *
 * - the webhook keeps its model current from the informers' changes (pods come and go all the
 *   time; a rebuild of 10,000 pods takes a second, placing one pod takes microseconds);
 * - the impact of one NetworkPolicy change is the model before and the model derived by that
 *   change, so the model after costs the classes of one namespace, not the whole cluster.
 *
 * The result answers every question exactly as ConnectivityModel.build of the changed snapshot
 * would (test/connectivity/derive.test.ts checks it on random changes); class ids differ, as
 * they may. Pure: the model derived from is not modified.
 */
import type { NetworkPolicy } from '../k8s/types.js';
import type { ParsedRange } from '../netpol/cidr.js';
import { type Block, BlockTable, blockAdmitsAny } from './blocks.js';
import { ClassGrouper, type PodClass, attachPolicies, emptyFacts } from './classes.js';
import { type CompiledPolicy, compileNetworkPolicy } from './compile.js';
import { ConnectivityModel, type Lookup, type ModelParts, TERMINATED, podKey, policiesByNamespace, policyKey } from './model.js';
import type { Labels, SnapshotNamespace, SnapshotPod } from './types.js';

export interface ModelChanges {
  /** Namespaces added or relabelled. */
  readonly namespaces?: readonly SnapshotNamespace[];
  readonly deleteNamespaces?: readonly string[];
  /** Pods added, or replacing the one with the same namespace/name (a Succeeded or Failed pod leaves). */
  readonly pods?: readonly SnapshotPod[];
  /** `namespace/name` of pods gone. */
  readonly deletePods?: readonly string[];
  /** NetworkPolicies created, or replacing the one with the same namespace/name. */
  readonly networkPolicies?: readonly NetworkPolicy[];
  /** `namespace/name` of NetworkPolicies deleted. */
  readonly deleteNetworkPolicies?: readonly string[];
}

export interface DeriveOptions {
  /**
   * Keep the pod lookups as a small layer over the base model's (cheap, for a model that lives
   * for one review) instead of one flat map (for a model that is derived from again and again).
   */
  readonly layered?: boolean;
  /**
   * Entries the merged layer of a line of derived models may hold before it is flattened;
   * default an eighth of the flat map, at least 64 (tests set it low to cross the point).
   */
  readonly layerLimit?: number;
}

/** Answers from its own entries first (null: gone), then from the base. */
class Layered<V> implements Lookup<V> {
  constructor(
    readonly own: ReadonlyMap<string, V | null>,
    readonly base: ReadonlyMap<string, V>,
  ) {}

  get(key: string): V | undefined {
    const v = this.own.get(key);
    if (v !== undefined) return v ?? undefined;
    return this.base.get(key);
  }

  /** Every entry, flat. */
  entries(): Map<string, V> {
    const out = new Map(this.base);
    for (const [k, v] of this.own) {
      if (v === null) out.delete(k);
      else out.set(k, v);
    }
    return out;
  }
}

/**
 * A line of derived models (the webhook's, one per informer change) keeps one layer of changes
 * over a flat map, merged at each step, and flattens it only when the layer has grown to an
 * eighth of the map: a pod event costs the entries changed since the last flattening, not a
 * copy of 10,000 entries, and a lookup never walks more than one layer.
 */
const FLATTEN_AT = 1 / 8;

function lookup<V>(own: Map<string, V | null>, base: Lookup<V>, layered: boolean, layerLimit: number | undefined): Lookup<V> {
  if (own.size === 0) return base;
  // A model for one review: a layer over whatever its base is (at most two deep).
  if (layered) return new OneReviewLayer(own, base);
  // Derived from a model made for one review (rare: tests, the CLI): flattened first.
  const flat = base instanceof Layered ? base.base : base instanceof OneReviewLayer ? base.entries() : (base as ReadonlyMap<string, V>);
  let merged = own;
  if (base instanceof Layered) {
    merged = new Map(base.own);
    for (const [k, v] of own) merged.set(k, v);
  }
  const l = new Layered(merged, flat);
  return merged.size > (layerLimit ?? Math.max(64, flat.size * FLATTEN_AT)) ? l.entries() : l;
}

/** A layer over any lookup, for a model that lives for one review and is never derived from. */
class OneReviewLayer<V> implements Lookup<V> {
  constructor(
    private readonly own: ReadonlyMap<string, V | null>,
    private readonly base: Lookup<V>,
  ) {}

  get(key: string): V | undefined {
    const v = this.own.get(key);
    if (v !== undefined) return v ?? undefined;
    return this.base.get(key);
  }

  entries(): Map<string, V> {
    const b = this.base;
    const out = b instanceof Layered || b instanceof OneReviewLayer ? b.entries() : new Map(b as ReadonlyMap<string, V>);
    for (const [k, v] of this.own) {
      if (v === null) out.delete(k);
      else out.set(k, v);
    }
    return out;
  }
}

function namespaceOfKey(key: string): string {
  const slash = key.indexOf('/');
  return slash < 0 ? key : key.slice(0, slash);
}

function sameLabels(a: Labels | undefined, b: Labels | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => a[k] === b[k]);
}

const METADATA_NAME = 'kubernetes.io/metadata.name';

/** The NetworkPolicies after the changes, raw and compiled, in the order a rebuilt snapshot has them. */
function changedPolicies(base: ConnectivityModel, changes: ModelChanges, table: BlockTable): { raw: NetworkPolicy[]; compiled: CompiledPolicy[]; namespaces: Set<string> } {
  const raw = base.snapshot.networkPolicies;
  const compiled = base.networkPolicies;
  const deleted = new Set(changes.deleteNetworkPolicies ?? []);
  const upserts = new Map<string, NetworkPolicy>();
  for (const np of changes.networkPolicies ?? []) upserts.set(policyKey(np), np);
  const namespaces = new Set<string>([...deleted].map(namespaceOfKey));
  for (const key of upserts.keys()) namespaces.add(namespaceOfKey(key));
  const outRaw: NetworkPolicy[] = [];
  const outCompiled: CompiledPolicy[] = [];
  const placed = new Set<string>();
  for (let i = 0; i < compiled.length; i++) {
    const c = compiled[i] as CompiledPolicy;
    if (deleted.has(c.key)) continue;
    const up = upserts.get(c.key);
    if (up && !placed.has(c.key)) {
      placed.add(c.key);
      outRaw.push(up);
      outCompiled.push(compileNetworkPolicy(up, table));
    } else if (!up) {
      outRaw.push(raw[i] as NetworkPolicy);
      outCompiled.push(c);
    }
  }
  for (const [key, np] of upserts) {
    if (placed.has(key)) continue;
    outRaw.push(np);
    outCompiled.push(compileNetworkPolicy(np, table));
  }
  return { raw: outRaw, compiled: outCompiled, namespaces };
}

/** The namespace labels after the changes, and the namespaces whose labels changed (every class of theirs is made again). */
function namespaceLabelsAfter(p: ModelParts, changes: ModelChanges): { namespaceLabels: ReadonlyMap<string, Labels>; relabelled: Set<string> } {
  const relabelled = new Set<string>();
  if ((changes.namespaces?.length ?? 0) + (changes.deleteNamespaces?.length ?? 0) === 0) return { namespaceLabels: p.namespaceLabels, relabelled };
  const next = new Map(p.namespaceLabels);
  for (const name of changes.deleteNamespaces ?? []) {
    if (next.delete(name)) relabelled.add(name);
  }
  for (const ns of changes.namespaces ?? []) {
    const was = next.get(ns.name) ?? { [METADATA_NAME]: ns.name };
    if (!sameLabels(was, ns.labels)) relabelled.add(ns.name);
    next.set(ns.name, ns.labels);
  }
  return { namespaceLabels: next, relabelled };
}

/**
 * The pods placed again (null: leaving the model) — changed ones, every pod of a relabelled
 * namespace, pods a new ipBlock admits (it can split their class) — and the base's classes
 * that are replaced: theirs, and every class of a namespace whose policies changed.
 */
function podsToPlace(p: ModelParts, changes: ModelChanges, relabelled: ReadonlySet<string>, policyNamespaces: ReadonlySet<string>, newBlocks: readonly Block[]): { moved: Map<string, SnapshotPod | null>; replaced: Set<PodClass> } {
  const moved = new Map<string, SnapshotPod | null>();
  for (const key of changes.deletePods ?? []) moved.set(key, null);
  for (const pod of changes.pods ?? []) moved.set(podKey(pod), TERMINATED.has(pod.phase ?? '') ? null : pod);
  const replaced = new Set<PodClass>();
  for (const cls of p.classes) {
    if (relabelled.has(cls.namespace)) {
      replaced.add(cls);
      for (const key of cls.pods) if (!moved.has(key)) moved.set(key, p.byKey.get(key) ?? null);
    } else if (policyNamespaces.has(cls.namespace)) {
      replaced.add(cls);
    }
  }
  if (newBlocks.length > 0) {
    for (const pod of p.pods) {
      const key = podKey(pod);
      if (moved.has(key)) continue;
      const addresses = p.addresses.get(pod);
      if (addresses && addresses.length > 0 && newBlocks.some((b) => blockAdmitsAny(b, addresses))) moved.set(key, pod);
    }
  }
  for (const key of moved.keys()) {
    const cls = p.classOf.get(key);
    if (cls) replaced.add(cls);
  }
  return { moved, replaced };
}

/** The model's pod list with `podOwn` applied, by object rather than by key: no key string made for each of the 10,000 pods kept. */
function podListAfter(p: ModelParts, podOwn: ReadonlyMap<string, SnapshotPod | null>): readonly SnapshotPod[] {
  if (podOwn.size === 0) return p.pods;
  const replacing = new Map<SnapshotPod, SnapshotPod | null>();
  const added: SnapshotPod[] = [];
  for (const [key, pod] of podOwn) {
    const old = p.byKey.get(key);
    if (old) replacing.set(old, pod);
    else if (pod) added.push(pod);
  }
  const next: SnapshotPod[] = [];
  for (const pod of p.pods) {
    const replacement = replacing.get(pod);
    if (replacement === undefined) next.push(pod);
    else if (replacement !== null) next.push(replacement);
  }
  for (const pod of added) next.push(pod);
  return next;
}

/** The model after `changes` (ClusterNetworkPolicy changes are not among them: build again for those, they are rare). */
export function deriveModel(base: ConnectivityModel, changes: ModelChanges, options: DeriveOptions = {}): ConnectivityModel {
  const p = base.parts;
  const layered = options.layered ?? false;
  const table = BlockTable.from(p.blocks);
  const policyChange = (changes.networkPolicies?.length ?? 0) + (changes.deleteNetworkPolicies?.length ?? 0) > 0;
  const policies = policyChange ? changedPolicies(base, changes, table) : { raw: p.snapshot.networkPolicies as NetworkPolicy[], compiled: p.networkPolicies as CompiledPolicy[], namespaces: new Set<string>() };
  const newBlocks = table.blocks.slice(p.blocks.length);

  const { namespaceLabels, relabelled } = namespaceLabelsAfter(p, changes);

  // Classes by key: the base's, with this derivation's own entries over them (null: gone).
  const keyOwn = new Map<string, PodClass | null>();
  const classByKey = {
    get: (key: string) => {
      const v = keyOwn.get(key);
      return v !== undefined ? (v ?? undefined) : p.classByKey.get(key);
    },
    set: (key: string, cls: PodClass) => keyOwn.set(key, cls),
    delete: (key: string) => keyOwn.set(key, null),
  };
  const { moved, replaced } = podsToPlace(p, changes, relabelled, policies.namespaces, newBlocks);
  for (const cls of replaced) if (relabelled.has(cls.namespace)) classByKey.delete(cls.key);

  // Copies of the classes that change, with the moved pods taken out; shared ones stay as they are.
  let nextId = p.nextClassId;
  const newId = () => nextId++;
  const own = new Set<PodClass>();
  const copyOf = new Map<PodClass, PodClass>();
  const copy = (cls: PodClass): PodClass => {
    if (own.has(cls)) return cls;
    let c = copyOf.get(cls);
    if (!c) {
      c = { ...cls, id: newId(), pods: cls.pods.filter((k) => !moved.has(k)), ingressPolicies: [], egressPolicies: [], admin: [], baseline: [], facts: emptyFacts() };
      copyOf.set(cls, c);
      own.add(c);
      replaced.add(cls);
      classByKey.set(cls.key, c);
    }
    return c;
  };
  for (const cls of replaced) if (!relabelled.has(cls.namespace)) copy(cls);

  const grouper = new ClassGrouper(classByKey, newId, (ns) => namespaceLabels.get(ns), table.blocks, p.addresses as WeakMap<SnapshotPod, ParsedRange[]>, copy);
  const podOwn = new Map<string, SnapshotPod | null>();
  const classOwn = new Map<string, PodClass | null>();
  for (const [key, pod] of moved) {
    if (pod === null) {
      if (p.byKey.get(key)) podOwn.set(key, null);
      classOwn.set(key, null);
      continue;
    }
    if (p.byKey.get(key) !== pod) podOwn.set(key, pod);
    classOwn.set(key, grouper.place(pod));
  }
  for (const c of copyOf.values()) for (const key of c.pods) if (!classOwn.has(key)) classOwn.set(key, c);

  const fresh = [...copyOf.values(), ...grouper.created].filter((c) => c.pods.length > 0);
  const freshNamespaces = new Set(fresh.map((c) => c.namespace));
  const byNamespace = policiesByNamespace(policies.compiled.filter((np) => freshNamespaces.has(np.namespace)));
  for (const cls of fresh) attachPolicies(cls, byNamespace.get(cls.namespace) ?? [], p.clusterNetworkPolicies);
  for (const c of copyOf.values()) if (c.pods.length === 0) classByKey.delete(c.key);
  const classes = [...p.classes.filter((c) => !replaced.has(c)), ...fresh];

  const pods = podListAfter(p, podOwn);
  let namespaces = p.snapshot.namespaces;
  if (namespaceLabels !== p.namespaceLabels) namespaces = [...namespaceLabels].map(([name, labels]) => ({ name, labels }));

  return ConnectivityModel.assemble({
    snapshot: { namespaces, pods, networkPolicies: policies.raw, clusterNetworkPolicies: p.snapshot.clusterNetworkPolicies ?? [] },
    pods,
    byKey: lookup(podOwn, p.byKey, layered, options.layerLimit),
    classes,
    classOf: lookup(classOwn, p.classOf, layered, options.layerLimit),
    classByKey: lookup(keyOwn, p.classByKey, layered, options.layerLimit),
    nextClassId: nextId,
    networkPolicies: policies.compiled,
    clusterNetworkPolicies: p.clusterNetworkPolicies,
    blocks: table.blocks,
    namespaceLabels,
    addresses: p.addresses,
    ...(layered ? { derivedFrom: { parts: p, replaced, made: fresh } } : {}),
  });
}

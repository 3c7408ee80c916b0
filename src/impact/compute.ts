/**
 * The impact of a change of NetworkPolicies, from the connectivity model: the model before, the
 * model after, and the difference between them restricted to the pods the change can touch.
 * Pure.
 *
 * Why the restriction is exact: a flow's verdict depends on the source's egress policies and
 * the destination's ingress policies (and the ClusterNetworkPolicies, which a NetworkPolicy
 * change leaves alone). A changed policy can only alter flows INTO the pods it selects for
 * ingress (before or after the change) and flows FROM the pods it selects for egress.
 */
import {
  ConnectivityModel,
  type Party,
  podParty,
  type ConnectivitySnapshot,
  type FlowChange,
  type PodClass,
  type Probe,
  declaredProbes,
  type FlowGroup,
  diffGroups,
  expandGroups,
  policyKey,
} from '../connectivity/index.js';
import { deriveModel } from '../connectivity/derive.js';
import type { ImpactAnalysis, ImpactFlowDetail, ImpactReport, PolicyChange } from './types.js';

export interface ImpactOptions {
  /** Ports to compare; default each destination pod's declared container ports. */
  readonly probes?: readonly Probe[];
  /** Asked between the steps; when it answers true the analysis stops (the webhook's budget). */
  readonly expired?: () => boolean;
}


function changeKey(c: PolicyChange): string {
  return c.operation === 'DELETE' ? c.key : policyKey(c.policy);
}

/** The pods that a set of policies selects, per direction, among some classes of a model. */
function selectedBy(classes: Iterable<PodClass>, keys: ReadonlySet<string>, into: { ingress: Set<string>; egress: Set<string> }): void {
  for (const cls of classes) {
    const ingress = cls.ingressPolicies.some((p) => keys.has(p.key));
    const egress = cls.egressPolicies.some((p) => keys.has(p.key));
    for (const pod of cls.pods) {
      if (ingress) into.ingress.add(pod);
      if (egress) into.egress.add(pod);
    }
  }
}

/**
 * The classes a change of policies can select, before and after: derived for the change, the
 * model after made again every class of the changed policies' namespaces (derive.ts), so only
 * the classes it replaced and those it made can be selected by a changed policy.
 */
function candidateClasses(before: ConnectivityModel, after: ConnectivityModel): { before: Iterable<PodClass>; after: Iterable<PodClass> } {
  const from = after.parts.derivedFrom;
  if (from?.parts !== before.parts) return { before: before.classes, after: after.classes };
  return { before: from.replaced, after: from.made };
}

function detail(f: FlowChange): ImpactFlowDetail {
  const port = typeof f.port === 'number' ? f.port : (f.after.port ?? f.before.port ?? 0);
  return { from: f.from, to: f.to, port, protocol: f.protocol, before: f.before, after: f.after };
}

function sortFlows(list: ImpactFlowDetail[]): ImpactFlowDetail[] {
  return list.sort((x, y) => cmp(x.from, y.from) || cmp(x.to, y.to) || x.port - y.port || cmp(x.protocol, y.protocol));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const WORLD = ['0.0.0.0/0', '::/0'];

/** Whether anything outside the cluster, as a whole address family, reaches the class on one of the probes. */
function worldReaches(model: ConnectivityModel, cls: PodClass, probes: readonly Probe[]): boolean {
  const dst = podParty(cls);
  for (const cidr of WORLD) {
    const src = model.external(cidr);
    if (!src) continue;
    for (const p of probes) if (model.allows(src, dst, p.port, p.protocol)) return true;
  }
  return false;
}

/** Whether pods of every namespace (that has pods) reach the class on one of the probes. */
function everyNamespaceReaches(model: ConnectivityModel, cls: PodClass, probes: readonly Probe[]): boolean {
  const byNamespace = model.podClassesByNamespace();
  if (byNamespace.size < 2) return false;
  const dst = podParty(cls);
  for (const classes of byNamespace.values()) {
    if (!someReaches(model, classes, dst, probes)) return false;
  }
  return true;
}

function someReaches(model: ConnectivityModel, sources: readonly PodClass[], dst: Party, probes: readonly Probe[]): boolean {
  for (const src of sources) {
    const from = podParty(src);
    for (const p of probes) if (model.allows(from, dst, p.port, p.protocol)) return true;
  }
  return false;
}

/** The distinct pod lists of the groups' sources or destinations. */
function listsOf(groups: readonly FlowGroup[], end: 'from' | 'to'): Set<readonly string[]> {
  const lists = new Set<readonly string[]>();
  for (const g of groups) lists.add(g[end]);
  return lists;
}

function totalLength(lists: Iterable<readonly string[]>): number {
  let n = 0;
  for (const list of lists) n += list.length;
  return n;
}

/**
 * How many distinct pods the flows of two diffs come from. The source groups of one diff are a
 * partition of its sources (a pod has one pair of classes), so its distinct lists are disjoint
 * and their lengths add up; only pods of both diffs (ingress and egress of a change) are sought
 * one by one. A deleted policy that opens 50 pods to 10,000 sources costs a few thousand lists.
 */
function sourcesOf(into: readonly FlowGroup[], out: readonly FlowGroup[]): number {
  const a = listsOf(into, 'from');
  const b = listsOf(out, 'from');
  let n = totalLength(a);
  if (b.size === 0) return n;
  const seen = new Set<string>();
  for (const list of a) for (const p of list) seen.add(p);
  for (const list of b) for (const p of list) if (!seen.has(p)) n++;
  return n;
}

/**
 * How many distinct pods the flows of both diffs go to. The destination groups of a diff are a
 * partition of its destinations, and the second diff leaves out every destination of the first
 * (diffGroups' skipTo): each distinct list counts once, by its length.
 */
function targetsOf(groups: readonly FlowGroup[]): number {
  return totalLength(listsOf(groups, 'to'));
}

/**
 * The impact of `changes` on the cluster, by groups of flows: what the webhook reports from (it
 * never needs every flow, only counts, workloads and the first few). `before` is the model of
 * the cluster as it is; the model after is derived from it (derive.ts), not built again.
 * `expired` is asked between the steps: when it answers true the work stops (undefined).
 */
export function analyzeImpact(before: ConnectivityModel, changes: readonly PolicyChange[], options: ImpactOptions = {}): ImpactAnalysis | undefined {
  const expired = options.expired ?? (() => false);
  // Derived, not built again: only the classes of the changed policies' namespaces (and any a
  // new ipBlock splits) are worked out anew; the rest are shared with the model before.
  const after = deriveModel(
    before,
    {
      networkPolicies: changes.flatMap((c) => (c.operation === 'DELETE' ? [] : [c.policy])),
      deleteNetworkPolicies: changes.flatMap((c) => (c.operation === 'DELETE' ? [c.key] : [])),
    },
    { layered: true },
  );
  const keys = new Set(changes.map(changeKey));
  const touched = { ingress: new Set<string>(), egress: new Set<string>() };
  const candidates = candidateClasses(before, after);
  selectedBy(candidates.before, keys, touched);
  selectedBy(candidates.after, keys, touched);
  if (expired()) return undefined;

  const probes = options.probes;
  const scope = probes ? { probes } : {};
  // Flows into the pods selected for ingress, from every pod; then flows out of the pods
  // selected for egress to every other pod (those into the first set were counted already).
  const into = touched.ingress.size > 0 ? diffGroups(before, after, { to: [...touched.ingress], ...scope }) : { lost: [], gained: [] };
  if (expired()) return undefined;
  const out = touched.egress.size > 0 ? diffGroups(before, after, { from: [...touched.egress], ...scope }, touched.ingress) : { lost: [], gained: [] };
  if (expired()) return undefined;
  const lost = [...into.lost, ...out.lost];
  const gained = [...into.gained, ...out.gained];

  const isolated = { ingress: [] as string[], egress: [] as string[] };
  const opened = { ingress: [] as string[], egress: [] as string[] };
  for (const dir of ['ingress', 'egress'] as const) {
    for (const key of [...touched[dir]].sort()) {
      const was = before.isolation(key)?.[dir].length ?? 0;
      const now = after.isolation(key)?.[dir].length ?? 0;
      if (was === 0 && now > 0) isolated[dir].push(key);
      if (was > 0 && now === 0) opened[dir].push(key);
    }
  }

  const withoutPorts: string[] = [];
  const world: string[] = [];
  const everyNamespace: string[] = [];

  const seen = new Map<string, { world: boolean; every: boolean }>();
  for (const key of [...touched.ingress].sort()) {
    const a = after.classOf(key);
    const b = before.classOf(key);
    if (!a || !b) continue;
    if (a.ports.length === 0 && !probes) withoutPorts.push(key);
    // The answer is the same for every pod of one (before, after) pair of classes.
    const id = `${b.id},${a.id}`;
    let answer = seen.get(id);
    if (!answer) {
      if (expired()) return undefined;
      const ps = probes ?? declaredProbes(after, [{ pod: key }]);
      answer = {
        world: worldReaches(after, a, ps) && !worldReaches(before, b, ps),
        every: everyNamespaceReaches(after, a, ps) && !everyNamespaceReaches(before, b, ps),
      };
      seen.set(id, answer);
    }
    if (answer.world) world.push(key);
    if (answer.every) everyNamespace.push(key);
  }

  return {
    changes: changes.map((c) => ({ operation: c.operation, policy: changeKey(c) })),
    lost,
    gained,
    lostCount: lost.reduce((n, g) => n + g.count, 0),
    lostSources: sourcesOf(into.lost, out.lost),
    gainedSources: sourcesOf(into.gained, out.gained),
    lostTargets: targetsOf(lost),
    gainedTargets: targetsOf(gained),
    gainedCount: gained.reduce((n, g) => n + g.count, 0),
    isolated,
    opened,
    withoutPorts,
    reach: { world, everyNamespace },
  };
}

/** Every flow of an analysis, pod by pod, sorted: the report `impact -o json` prints. */
export function expandImpact(analysis: ImpactAnalysis): ImpactReport {
  const flows = (groups: readonly FlowGroup[]) => sortFlows(expandGroups(groups).map(detail));
  return {
    changes: analysis.changes,
    lost: flows(analysis.lost),
    gained: flows(analysis.gained),
    isolated: analysis.isolated,
    opened: analysis.opened,
    withoutPorts: analysis.withoutPorts,
    reach: analysis.reach,
  };
}

/**
 * The impact of `changes` on the cluster `snapshot` (the state before), every flow listed. A
 * model of the state before may be passed when the caller keeps one; it must be built from
 * `snapshot`.
 */
export function computeImpact(snapshot: ConnectivitySnapshot, changes: readonly PolicyChange[], options: Omit<ImpactOptions, 'expired'> = {}, beforeModel?: ConnectivityModel): ImpactReport {
  return expandImpact(analyzeImpact(beforeModel ?? ConnectivityModel.build(snapshot), changes, options) as ImpactAnalysis);
}

/**
 * The connectivity model: what traffic the cluster's policies really allow, and why. Pure (no I/O).
 *
 *   const model = ConnectivityModel.build(snapshot);          // or snapshotFromClusterView(view)
 *   model.verdict({ from: { pod: 'x/a' }, to: { pod: 'y/b' }, port: 80, protocol: 'TCP' });
 *     → { allowed, port, protocol, egress: SideVerdict, ingress: SideVerdict }
 *   connectivityMatrix(model, { from, to, probes? })            // every ordered pair, per probe
 *   diffConnectivity(before, after, scope?)                     // lost / gained flows, isolation changes
 *   diffGroups(before, after, scope?)                           // the same flows by groups of pods (per class pair)
 *   model.withPolicies(nps, cnps?) / withPolicyChanges(snapshot, changes)   // before/after a change
 *   deriveModel(model, changes)                                  // the model after changes of pods, labels, policies
 *   model.isolation('x/a'), model.classOf('x/a'), model.classes, model.pods
 *
 * Semantics: NetworkPolicy as the API defines it (policyTypes defaulting, ORed peers with ANDed
 * selectors inside one peer, ipBlock/except on IPv4 and IPv6, named ports resolved against the
 * destination pod in both directions, endPort, TCP/UDP/SCTP); ClusterNetworkPolicy
 * (policy.networking.k8s.io v1alpha2/v1beta1) Admin tier before NetworkPolicies, Baseline after.
 * Host-network pods are neither selected nor matched by selectors; pods without IPs match no
 * ipBlock; Succeeded/Failed pods are left out. A SideVerdict says which layer decided
 * (`decidedBy`), whether the pod is isolated, by which policies, and which rules admit the flow.
 *
 * Every verdict is the same for all pods of one class (classes.ts): matrices and diffs decide
 * once per pair of classes. The API only grows: fields and functions are added, never changed.
 */
export type {
  ClusterRuleRef,
  ConnectivitySnapshot,
  Decider,
  Endpoint,
  Flow,
  FlowVerdict,
  Labels,
  PodIsolation,
  Protocol,
  RuleRef,
  SideVerdict,
  SnapshotNamespace,
  SnapshotPod,
  SnapshotPort,
} from './types.js';
export type * from '../k8s/cnp-types.js';
export { decodeClusterNetworkPolicy, isClusterNetworkPolicyKind } from '../k8s/cnp-decode.js';
export { ConnectivityModel, endpointText, podKey, policyKey } from './model.js';
export type { PodClass } from './classes.js';
export { connectivityMatrix, declaredProbes, compareProbes, type Matrix, type MatrixFlow, type MatrixProbe, type MatrixRequest, type Probe } from './matrix.js';
export { diffConnectivity, diffGroups, expandGroups, type ConnectivityDiff, type DiffScope, type FlowChange, type FlowGroup, type GroupDiff, type IsolationChange } from './diff.js';
export { snapshotFromClusterView, withPolicyChanges, type PolicyChanges } from './snapshot.js';
export { policyCoverage, externalRepresentatives, type BaselineRuleUse, type Coverage, type CoverageOptions, type PolicyUse, type RuleUse } from './coverage.js';
export type { Party, Direction } from './evaluate.js';
export { podParty } from './evaluate.js';
export { deriveModel, type DeriveOptions, type ModelChanges } from './derive.js';

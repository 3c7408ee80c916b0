/**
 * The rule catalogue: an explicit list, in the order findings are reported.
 */
import { allowAllEgress } from './allow-all-egress.js';
import { allowAllIngress } from './allow-all-ingress.js';
import { cidrTooWide } from './cidr-too-wide.js';
import { cloudMetadataEgress } from './cloud-metadata-egress.js';
import { cniWithoutPolicySupport } from './cni-without-policy-support.js';
import { deleteLeavesPodsOpen } from './delete-leaves-pods-open.js';
import { egressWithoutDns } from './egress-without-dns.js';
import { emptyEgressNotIsolating } from './empty-egress-not-isolating.js';
import { hostNetworkPodsSelected } from './host-network-pods-selected.js';
import { impactCutsExistingFlows } from './impact-cuts-existing-flows.js';
import { impactOpensToWorld } from './impact-opens-to-world.js';
import { implicitPolicyTypes } from './implicit-policy-types.js';
import { ipblockClusterCidr } from './ipblock-cluster-cidr.js';
import { ipblockWorld } from './ipblock-world.js';
import { namespaceLabelNeverSet } from './namespace-label-never-set.js';
import { namedPortMissing } from './named-port-missing.js';
import { namespaceSelectorAll } from './namespace-selector-all.js';
import { peerMatchesNothing } from './peer-matches-nothing.js';
import { podSelectorMatchesNothing } from './pod-selector-matches-nothing.js';
import { policyNamePattern } from './policy-name-pattern.js';
import { portRangeTooWide } from './port-range-too-wide.js';
import { portsUnrestricted } from './ports-unrestricted.js';
import { protectedPolicy } from './protected-policy.js';
import { rulesWithoutPolicyType } from './rules-without-policy-type.js';
import { selectorAndOrConfusion } from './selector-and-or-confusion.js';
import { servicePortNotPodPort } from './service-port-not-pod-port.js';
import type { AnyRule } from './types.js';
import { webhookBackendIsolated } from './webhook-backend-isolated.js';

export const ALL_RULES: readonly AnyRule[] = Object.freeze([
  protectedPolicy,
  rulesWithoutPolicyType,
  emptyEgressNotIsolating,
  cloudMetadataEgress,
  allowAllIngress,
  allowAllEgress,
  ipblockWorld,
  cidrTooWide,
  ipblockClusterCidr,
  namespaceSelectorAll,
  selectorAndOrConfusion,
  namespaceLabelNeverSet,
  egressWithoutDns,
  portsUnrestricted,
  portRangeTooWide,
  implicitPolicyTypes,
  policyNamePattern,
  // Rules that judge the policy against live cluster state (skipped without a ready view).
  cniWithoutPolicySupport,
  webhookBackendIsolated,
  podSelectorMatchesNothing,
  peerMatchesNothing,
  hostNetworkPodsSelected,
  servicePortNotPodPort,
  namedPortMissing,
  // Rules over the change's impact on traffic (the connectivity model of the cluster view).
  impactCutsExistingFlows,
  impactOpensToWorld,
  deleteLeavesPodsOpen,
]);

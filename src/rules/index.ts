/**
 * The rule catalogue: an explicit list, in the order findings are reported.
 */
import { allowAllEgress } from './allow-all-egress.js';
import { allowAllIngress } from './allow-all-ingress.js';
import { cidrTooWide } from './cidr-too-wide.js';
import { cloudMetadataEgress } from './cloud-metadata-egress.js';
import { egressWithoutDns } from './egress-without-dns.js';
import { emptyEgressNotIsolating } from './empty-egress-not-isolating.js';
import { implicitPolicyTypes } from './implicit-policy-types.js';
import { ipblockClusterCidr } from './ipblock-cluster-cidr.js';
import { ipblockWorld } from './ipblock-world.js';
import { namespaceLabelNeverSet } from './namespace-label-never-set.js';
import { namespaceSelectorAll } from './namespace-selector-all.js';
import { policyNamePattern } from './policy-name-pattern.js';
import { portRangeTooWide } from './port-range-too-wide.js';
import { portsUnrestricted } from './ports-unrestricted.js';
import { protectedPolicy } from './protected-policy.js';
import { rulesWithoutPolicyType } from './rules-without-policy-type.js';
import { selectorAndOrConfusion } from './selector-and-or-confusion.js';
import type { AnyRule } from './types.js';

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
]);

export function ruleById(id: string): AnyRule | undefined {
  return ALL_RULES.find((r) => r.id === id);
}

/**
 * The API server's NetworkPolicy validation, rule for rule
 * (kubernetes pkg/apis/networking/validation/validation.go): same checks, same order, same
 * field paths and detail strings. Validators accumulate and never throw.
 */
import { type ErrorList, FieldPath, invalid, forbidden, named, notSupported, required } from '../k8s/field.js';
import { validateLabelSelector, type LabelSelectorValidationOptions } from '../k8s/labels.js';
import { isValidPortName, isValidPortNum, nameIsDNSSubdomain } from '../k8s/names.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../k8s/objectmeta.js';
import type {
  IPBlock,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicySpec,
} from '../k8s/types.js';
import { isStrictSubsetText, parseCIDRSloppy, validateCIDRForLegacyField } from './cidr.js';

export interface NetworkPolicyValidationOptions {
  /** Tolerate invalid label values in selectors (an update of a policy that already had them). */
  readonly allowInvalidLabelValueInSelector: boolean;
  /** CIDR strings of the old object, accepted again without strict checks (update ratcheting). */
  readonly allowCIDRsEvenIfInvalid: readonly string[];
}

const SUPPORTED_PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
const SUPPORTED_POLICY_TYPES = ['Ingress', 'Egress'] as const;

export function validateNetworkPolicyPort(port: NetworkPolicyPort, path: FieldPath): ErrorList {
  const errs: ErrorList = [];
  if (port.protocol !== undefined && !(SUPPORTED_PROTOCOLS as readonly string[]).includes(port.protocol)) {
    errs.push(notSupported(path.child('protocol'), named(port.protocol), SUPPORTED_PROTOCOLS));
  }
  if (port.port !== undefined) {
    if (typeof port.port === 'number') {
      for (const msg of isValidPortNum(port.port)) errs.push(invalid(path.child('port'), port.port, msg));
      if (port.endPort !== undefined) {
        if (port.endPort < port.port) {
          errs.push(invalid(path.child('endPort'), port.endPort, 'must be greater than or equal to `port`'));
        }
        for (const msg of isValidPortNum(port.endPort)) errs.push(invalid(path.child('endPort'), port.endPort, msg));
      }
    } else {
      if (port.endPort !== undefined) {
        errs.push(invalid(path.child('endPort'), port.endPort, 'may not be specified when `port` is non-numeric'));
      }
      for (const msg of isValidPortName(port.port)) errs.push(invalid(path.child('port'), port.port, msg));
    }
  } else if (port.endPort !== undefined) {
    errs.push(invalid(path.child('endPort'), port.endPort, 'may not be specified when `port` is not specified'));
  }
  return errs;
}

export function validateIPBlock(ipb: IPBlock, path: FieldPath, opts: NetworkPolicyValidationOptions): ErrorList {
  const errs: ErrorList = [];
  if (ipb.cidr === '') {
    errs.push(required(path.child('cidr'), ''));
    return errs;
  }
  errs.push(...validateCIDRForLegacyField(path.child('cidr'), ipb.cidr, opts.allowCIDRsEvenIfInvalid));
  const cidr = parseCIDRSloppy(ipb.cidr);
  // Already reported above, or a value of the old object that is accepted as it is.
  if (!cidr) return errs;
  (ipb.except ?? []).forEach((value, i) => {
    const exceptPath = path.child('except').index(i);
    errs.push(...validateCIDRForLegacyField(exceptPath, value, opts.allowCIDRsEvenIfInvalid));
    const except = parseCIDRSloppy(value);
    if (!except) return; // as for cidr: reported above, or kept from the old object
    if (!isStrictSubsetText(ipb.cidr, value)) errs.push(invalid(exceptPath, value, 'must be a strict subset of `cidr`'));
  });
  return errs;
}

export function validateNetworkPolicyPeer(
  peer: NetworkPolicyPeer,
  opts: NetworkPolicyValidationOptions,
  path: FieldPath,
): ErrorList {
  const errs: ErrorList = [];
  const selectorOpts: LabelSelectorValidationOptions = {
    allowInvalidLabelValueInSelector: opts.allowInvalidLabelValueInSelector,
  };
  let peers = 0;
  if (peer.podSelector !== undefined) {
    peers++;
    errs.push(...validateLabelSelector(peer.podSelector, selectorOpts, path.child('podSelector')));
  }
  if (peer.namespaceSelector !== undefined) {
    peers++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, selectorOpts, path.child('namespaceSelector')));
  }
  if (peer.ipBlock !== undefined) {
    peers++;
    errs.push(...validateIPBlock(peer.ipBlock, path.child('ipBlock'), opts));
  }
  if (peers === 0) errs.push(required(path, 'must specify a peer'));
  else if (peers > 1 && peer.ipBlock !== undefined) errs.push(forbidden(path, 'may not specify both ipBlock and another peer'));
  return errs;
}

export function validateNetworkPolicySpec(
  spec: NetworkPolicySpec,
  opts: NetworkPolicyValidationOptions,
  path: FieldPath,
): ErrorList {
  const errs: ErrorList = [];
  const selectorOpts = { allowInvalidLabelValueInSelector: opts.allowInvalidLabelValueInSelector };
  errs.push(...validateLabelSelector(spec.podSelector ?? {}, selectorOpts, path.child('podSelector')));
  (spec.ingress ?? []).forEach((rule, i) => {
    const rulePath = path.child('ingress').index(i);
    (rule.ports ?? []).forEach((port, j) => errs.push(...validateNetworkPolicyPort(port, rulePath.child('ports').index(j))));
    (rule.from ?? []).forEach((peer, j) => errs.push(...validateNetworkPolicyPeer(peer, opts, rulePath.child('from').index(j))));
  });
  (spec.egress ?? []).forEach((rule, i) => {
    const rulePath = path.child('egress').index(i);
    (rule.ports ?? []).forEach((port, j) => errs.push(...validateNetworkPolicyPort(port, rulePath.child('ports').index(j))));
    (rule.to ?? []).forEach((peer, j) => errs.push(...validateNetworkPolicyPeer(peer, opts, rulePath.child('to').index(j))));
  });
  const policyTypes = spec.policyTypes ?? [];
  if (policyTypes.length > SUPPORTED_POLICY_TYPES.length) {
    errs.push(invalid(path.child('policyTypes'), policyTypes, 'may not specify more than two policyTypes'));
    return errs;
  }
  policyTypes.forEach((type, i) => {
    if (!(SUPPORTED_POLICY_TYPES as readonly string[]).includes(type)) {
      errs.push(notSupported(path.child('policyTypes').index(i), named(type), SUPPORTED_POLICY_TYPES));
    }
  });
  return errs;
}

/** ValidationOptionsForNetworking: tolerate bad selector values only if the old podSelector had them. */
export function validationOptionsFor(oldPolicy: NetworkPolicy | undefined): NetworkPolicyValidationOptions {
  let allowInvalidLabelValueInSelector = false;
  if (oldPolicy) {
    const oldErrs = validateLabelSelector(
      oldPolicy.spec?.podSelector ?? {},
      { allowInvalidLabelValueInSelector: false },
      FieldPath.root('spec', 'podSelector'),
    );
    allowInvalidLabelValueInSelector = oldErrs.length > 0;
  }
  return { allowInvalidLabelValueInSelector, allowCIDRsEvenIfInvalid: [] };
}

/** ValidateNetworkPolicy: metadata (namespaced, DNS-subdomain name) and spec, for a create. */
export function validateNetworkPolicy(np: NetworkPolicy, opts: NetworkPolicyValidationOptions): ErrorList {
  return [
    ...validateObjectMeta(np.metadata ?? {}, true, nameIsDNSSubdomain, FieldPath.root('metadata')),
    ...validateNetworkPolicySpec(np.spec ?? {}, opts, FieldPath.root('spec')),
  ];
}

/** Every CIDR and except of a policy: on update these are accepted again as they were. */
export function existingCIDRs(np: NetworkPolicy): string[] {
  const out: string[] = [];
  const collect = (peers: NetworkPolicyPeer[] | undefined): void => {
    for (const peer of peers ?? []) {
      if (peer.ipBlock) out.push(peer.ipBlock.cidr, ...(peer.ipBlock.except ?? []));
    }
  };
  for (const rule of np.spec?.ingress ?? []) collect(rule.from);
  for (const rule of np.spec?.egress ?? []) collect(rule.to);
  return out;
}

/** ValidateNetworkPolicyUpdate: metadata update rules and the spec, with CIDR ratcheting. */
export function validateNetworkPolicyUpdate(
  update: NetworkPolicy,
  old: NetworkPolicy,
  opts: NetworkPolicyValidationOptions,
): ErrorList {
  const ratcheted: NetworkPolicyValidationOptions = { ...opts, allowCIDRsEvenIfInvalid: existingCIDRs(old) };
  return [
    ...validateObjectMetaUpdate(update.metadata ?? {}, old.metadata ?? {}, FieldPath.root('metadata')),
    ...validateNetworkPolicySpec(update.spec ?? {}, ratcheted, FieldPath.root('spec')),
  ];
}

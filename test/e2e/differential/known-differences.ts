/**
 * The differences between the harness's kube-apiserver (v1.20.2) and the API server the engine
 * follows (v1.36) that the differential test knows of, each with its upstream reference. Each
 * says exactly which of the engine's answers 1.20 would give otherwise, and the test compares the
 * 1.20 server with the engine's answer after these and nothing else. Message wording differs
 * too (e.g. 1.20's "not a valid CIDR"), but the test compares verdicts and field paths only.
 */
import type { FieldError } from '../../../src/k8s/field.js';

type Json = Record<string, unknown>;

export interface KnownDifference {
  readonly id: string;
  /** What differs, and the upstream code that shows it. */
  readonly why: string;
  /**
   * The object as 1.20 sees it (a field it does not know is dropped by its decoder), when the
   * difference is in what it reads; undefined when it reads the object the same way.
   */
  readonly asSeenBy120?: (object: Json) => Json | undefined;
  /** Of the engine's field errors (`all`), the ones 1.20 does not report. */
  readonly notIn120?: (error: FieldError, all: readonly FieldError[]) => boolean;
}

const LEADING_ZEROS = 'must not have leading 0s in IP or prefix length';

/** An IPv4 address part with an octet written with a leading zero (`010.0.0.0`). */
function ipHasLeadingZeros(cidr: string): boolean {
  const ip = cidr.split('/')[0] ?? '';
  return ip.includes('.') && !ip.includes(':') && ip.split('.').some((octet) => /^0\d/.test(octet));
}

/** Every `endPort` removed; undefined when there was none. */
function withoutEndPort(object: Json): Json | undefined {
  const copy = structuredClone(object);
  let found = false;
  const spec = copy.spec as Json | undefined;
  for (const key of ['ingress', 'egress']) {
    for (const rule of (spec?.[key] as Json[] | undefined) ?? []) {
      for (const port of (rule?.ports as Json[] | undefined) ?? []) {
        if (port && 'endPort' in port) {
          delete port.endPort;
          found = true;
        }
      }
    }
  }
  return found ? copy : undefined;
}

const IP_BLOCK_FIELD = /\.ipBlock\.(cidr|except\[\d+\])$/;
const SELECTOR_VALUE_FIELD = /\.matchExpressions\[\d+\]\.values\[\d+\]$/;

export const KNOWN_DIFFERENCES: readonly KnownDifference[] = [
  {
    id: 'endPort unknown to 1.20',
    why:
      'NetworkPolicyPort.endPort arrived in v1.21 (k8s.io/api networking/v1 types.go, KEP-2079 ' +
      '"NetworkPolicy port ranges"); the v1.20 decoder drops a field it does not know, so 1.20 ' +
      'validates the object without it (pkg/apis/networking/validation/validation.go ' +
      'ValidateNetworkPolicyPort has no endPort checks in v1.20).',
    asSeenBy120: withoutEndPort,
  },
  {
    id: 'strict CIDR parsing',
    why:
      'v1.36 validates ipBlock.cidr and except with IsValidCIDRForLegacyField under ' +
      'StrictIPCIDRValidation (staging/src/k8s.io/apimachinery/pkg/util/validation/ip.go, ' +
      'KEP-4858): an IPv4-mapped IPv6 address or bits set beyond the prefix length are errors. ' +
      'v1.20 only calls net.ParseCIDR (pkg/apis/core/validation ValidateCIDR), which accepts ' +
      'both, and leading zeros in the prefix length (`/08`). Leading zeros in an IPv4 address are ' +
      'not part of this difference: Go >= 1.17 net.ParseCIDR rejects them too, and the harness ' +
      'binary is built with Go 1.19.',
    notIn120: (e) =>
      IP_BLOCK_FIELD.test(e.field) &&
      (e.detail === 'must not have bits set beyond the prefix length' ||
        e.detail === 'must not have an IPv4-mapped IPv6 address' ||
        (e.detail === LEADING_ZEROS && typeof e.badValue === 'string' && !ipHasLeadingZeros(e.badValue))),
  },
  {
    id: 'except not checked after an unparsable cidr',
    why:
      'v1.20 ValidateIPBlock (pkg/apis/networking/validation/validation.go) returns at a cidr ' +
      'that net.ParseCIDR rejects, such as `010.0.0.0/8`. v1.36 reports it, then parses it with ' +
      'netutils.ParseCIDRSloppy, which reads leading zeros, and goes on to check every except ' +
      'against it.',
    notIn120: (e, all) => {
      const block = /^(.*\.ipBlock)\.except\[\d+\]$/.exec(e.field)?.[1];
      return (
        block !== undefined &&
        all.some((c) => c.field === `${block}.cidr` && c.detail === LEADING_ZEROS && typeof c.badValue === 'string' && ipHasLeadingZeros(c.badValue))
      );
    },
  },
  {
    id: 'selector values validated',
    why:
      'v1.36 checks every matchExpressions value as a label value unless ' +
      'AllowInvalidLabelValueInSelector (staging/src/k8s.io/apimachinery/pkg/apis/meta/v1/' +
      'validation/validation.go ValidateLabelSelectorRequirement); v1.20 checks the operator, ' +
      'the presence of values and the key only.',
    notIn120: (e) => SELECTOR_VALUE_FIELD.test(e.field) && e.type === 'FieldValueInvalid',
  },
];

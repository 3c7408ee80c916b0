/**
 * CIDR validation, warnings and containment exactly as the API server applies them to
 * NetworkPolicy ipBlocks (apimachinery validation/ip.go, core validation
 * IsValidCIDRForLegacyField, and net.IPNet semantics for the `except` subset check).
 * Address arithmetic and text forms use ipaddr.js.
 */
import ipaddr from 'ipaddr.js';
import { type ErrorList, type FieldPath, invalid } from '../k8s/field.js';
import { memoize } from '../util/memo.js';
import { bytesEqual, isV4Mapped, maskBytes, parseCIDRSloppy, parsePrefixStrict, type SloppyCIDR } from './goip.js';

export { parseCIDRSloppy } from './goip.js';

const INVALID_CIDR = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

/** Go's net.IP.String(): dotted for IPv4 (and IPv4-mapped IPv6), RFC 5952 otherwise. */
export function goIPString(ip16: Uint8Array): string {
  if (isV4Mapped(ip16)) return Array.from(ip16.subarray(12)).join('.');
  return (ipaddr.fromByteArray(Array.from(ip16)) as ipaddr.IPv6).toRFC5952String();
}

/** The masked network of a parsed CIDR, as net.IPNet holds it. */
function network(c: SloppyCIDR): Uint8Array {
  return maskBytes(c.ip, c.prefix, c.iplen);
}

/** Go's (*net.IPNet).String(). */
export function goIPNetString(c: SloppyCIDR): string {
  const nn = network(c);
  if (isV4Mapped(nn)) return `${goIPString(nn)}/${c.iplen === 4 ? c.prefix : c.prefix - 96}`;
  return `${goIPString(nn)}/${c.prefix}`;
}

/**
 * IsValidCIDRForLegacyField. With strict validation (the default since StrictIPCIDRValidation),
 * leading zeros, IPv4-mapped IPv6 and host bits are errors. A value already present in the old
 * object of an update is accepted as it is, before any parsing (upstream's
 * `slices.Contains(validOldCIDRs, value)` comes first), so an update never breaks on what was
 * stored, even a value that does not parse at all.
 */
export function validateCIDRForLegacyField(path: FieldPath, value: string, validOldCIDRs: readonly string[]): ErrorList {
  if (validOldCIDRs.includes(value)) return [];
  if (!parseCIDRSloppy(value)) return [invalid(path, value, INVALID_CIDR)];
  const strict = parsePrefixStrict(value);
  if (!strict) return [invalid(path, value, 'must not have leading 0s in IP or prefix length')];
  if (strict.is6 && isV4Mapped(strict.ip)) return [invalid(path, value, 'must not have an IPv4-mapped IPv6 address')];
  const masked = maskBytes(strict.ip, strict.prefix, strict.is6 ? 16 : 4);
  if (!bytesEqual(masked, strict.ip)) return [invalid(path, value, 'must not have bits set beyond the prefix length')];
  return [];
}

/** Go's net.IP.To4(): the 4-byte form of an IPv4 or IPv4-mapped address. */
function to4(ip: Uint8Array): Uint8Array | undefined {
  if (ip.length === 4) return ip;
  return isV4Mapped(ip) ? ip.subarray(12) : undefined;
}

/** net.IPNet.IP: 4 bytes for an IPv4-written CIDR, 16 otherwise. */
function ipnetIP(c: SloppyCIDR): Uint8Array {
  const nn = network(c);
  return c.iplen === 4 ? nn.subarray(12) : nn;
}

function maskOf(c: SloppyCIDR): Uint8Array {
  return maskBytes(new Uint8Array(16).fill(0xff), c.prefix, c.iplen).subarray(16 - c.iplen);
}

/** (*net.IPNet).Contains, including its IPv4/IPv6 length rules. */
function ipnetContains(c: SloppyCIDR, ip: Uint8Array): boolean {
  let nn = ipnetIP(c);
  const v4 = to4(nn);
  if (v4) nn = v4;
  let m = maskOf(c);
  if (m.length === 16 && nn.length === 4) m = m.subarray(12);
  if (m.length === 4 && nn.length !== 4) return false;
  const candidate = to4(ip) ?? ip;
  if (candidate.length !== nn.length) return false;
  for (let i = 0; i < nn.length; i++) {
    if (((nn[i] as number) & (m[i] as number)) !== ((candidate[i] as number) & (m[i] as number))) return false;
  }
  return true;
}

/** The API server's test that `except` lies strictly inside `cidr`. */
export function isStrictSubset(cidr: SloppyCIDR, except: SloppyCIDR): boolean {
  return ipnetContains(cidr, ipnetIP(except)) && cidr.prefix < except.prefix;
}

const strictSubsetOfText = memoize((pair: string): boolean => {
  const [a, b] = pair.split('\n') as [string, string];
  const cidr = parseCIDRSloppy(a);
  const except = parseCIDRSloppy(b);
  return cidr !== undefined && except !== undefined && isStrictSubset(cidr, except);
});

/** isStrictSubset for two values that parse, memoized by their text. */
export function isStrictSubsetText(cidr: string, except: string): boolean {
  return strictSubsetOfText(`${cidr}\n${except}`);
}

/**
 * GetWarningsForCIDR: values the API server accepts but warns about (host bits set,
 * non-standard forms, non-canonical IPv6). Only meaningful for values that parse.
 */
export function cidrWarnings(path: FieldPath, value: string): string[] {
  const sloppy = parseCIDRSloppy(value);
  if (!sloppy) return [];
  const warnings: string[] = [];
  const net = goIPNetString(sloppy);
  if (!bytesEqual(sloppy.ip, network(sloppy))) {
    const single = `${goIPString(sloppy.ip)}/${sloppy.iplen * 8}`;
    warnings.push(`${path}: CIDR value "${value}" is ambiguous in this context (should be "${net}" or "${single}"?)`);
  }
  const strict = parsePrefixStrict(value);
  if (!strict || (strict.is6 && isV4Mapped(strict.ip))) {
    warnings.push(`${path}: non-standard CIDR value "${value}" will be considered invalid in a future Kubernetes release: use "${net}"`);
  }
  if (warnings.length === 0 && strict && strict.is6) {
    const canonical = `${(ipaddr.fromByteArray(Array.from(strict.ip)) as ipaddr.IPv6).toRFC5952String()}/${strict.prefix}`;
    if (canonical !== value) {
      warnings.push(`${path}: IPv6 CIDR value "${value}" should be in RFC 5952 canonical format ("${canonical}")`);
    }
  }
  return warnings;
}

/** A CIDR in normalised form for rules: family, network address and prefix (ipaddr.js types). */
export interface ParsedRange {
  readonly family: 'ipv4' | 'ipv6';
  readonly address: ipaddr.IPv4 | ipaddr.IPv6;
  readonly prefix: number;
}

/**
 * Parses a value the API server would accept into a range for policy arithmetic. IPv4-mapped
 * IPv6 is folded to IPv4, because that is how network plugins apply it.
 */
export const toRange = memoize(toRangeUncached);

function toRangeUncached(value: string): ParsedRange | undefined {
  const c = parseCIDRSloppy(value);
  if (!c) return undefined;
  const nn = network(c);
  if (isV4Mapped(nn) && (c.iplen === 4 || c.prefix >= 96)) {
    const address = ipaddr.fromByteArray(Array.from(nn.subarray(12))) as ipaddr.IPv4;
    return { family: 'ipv4', address, prefix: c.iplen === 4 ? c.prefix : c.prefix - 96 };
  }
  return { family: 'ipv6', address: ipaddr.fromByteArray(Array.from(nn)) as ipaddr.IPv6, prefix: c.prefix };
}

/** Whether range `inner` lies entirely inside range `outer`. */
export function rangeContains(outer: ParsedRange, inner: ParsedRange): boolean {
  if (outer.family !== inner.family || outer.prefix > inner.prefix) return false;
  return inner.address.match([outer.address, outer.prefix] as never);
}

/** Whether two ranges share at least one address. */
export function rangesOverlap(a: ParsedRange, b: ParsedRange): boolean {
  return rangeContains(a, b) || rangeContains(b, a);
}

const parseAddress = memoize((address: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined => {
  if (!ipaddr.isValid(address)) return undefined;
  const a = ipaddr.parse(address);
  return a.kind() === 'ipv6' && (a as ipaddr.IPv6).isIPv4MappedAddress() ? (a as ipaddr.IPv6).toIPv4Address() : a;
});

/** Whether a single address (text) falls inside a range. */
export function rangeHasAddress(range: ParsedRange, address: string): boolean {
  const a = parseAddress(address);
  if (!a || a.kind() !== range.family) return false;
  return a.match([range.address, range.prefix] as never);
}

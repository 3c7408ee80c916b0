/**
 * IP and CIDR parsing with the exact acceptance rules of the Go code the API server runs:
 * `netutils.ParseCIDRSloppy` (k8s.io/utils/net, a fork of Go 1.16's lenient net.ParseCIDR) and
 * `netip.ParsePrefix` (Go's strict parser). No library reproduces these quirks — leading zeros,
 * over-long hex groups, IPv4-mapped IPv6 — so the syntax is checked here; arithmetic on the
 * parsed values is left to ipaddr.js (see cidr.ts). Results are memoized: callers must not
 * modify the returned byte arrays.
 */
import { memoize } from '../util/memo.js';

/** A parsed CIDR as net.IPNet sees it: the address as written, the prefix and the family width. */
export interface SloppyCIDR {
  /** The address exactly as written (host bits kept), 16 bytes; IPv4 in IPv4-mapped form. */
  readonly ip: Uint8Array;
  readonly prefix: number;
  /** 4 when the address was written as IPv4, 16 otherwise (decides the mask width). */
  readonly iplen: 4 | 16;
}

const BIG = 0xffffff;

/** Go's dtoi: decimal digits, leading zeros allowed. Returns [value, consumed] or undefined. */
function dtoi(s: string, from: number): [number, number] | undefined {
  let n = 0;
  let i = from;
  for (; i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57; i++) {
    n = n * 10 + (s.charCodeAt(i) - 48);
    if (n >= BIG) return undefined;
  }
  return i === from ? undefined : [n, i - from];
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** Go's xtoi: hexadecimal digits, any count while the value stays below 0xFFFFFF. */
function xtoi(s: string, from: number): [number, number] | undefined {
  let n = 0;
  let i = from;
  for (; i < s.length; i++) {
    const v = hexValue(s.charCodeAt(i));
    if (v < 0) break;
    n = n * 16 + v;
    if (n >= BIG) return undefined;
  }
  return i === from ? undefined : [n, i - from];
}

const V4_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff];

function sloppyIPv4(s: string): Uint8Array | undefined {
  const out = new Uint8Array(16);
  out.set(V4_PREFIX);
  let pos = 0;
  for (let i = 0; i < 4; i++) {
    if (pos >= s.length) return undefined;
    if (i > 0) {
      if (s[pos] !== '.') return undefined;
      pos++;
    }
    const r = dtoi(s, pos);
    if (!r || r[0] > 0xff) return undefined;
    out[12 + i] = r[0];
    pos += r[1];
  }
  return pos === s.length ? out : undefined;
}

function sloppyIPv6(input: string): Uint8Array | undefined {
  const ip = new Uint8Array(16);
  let s = input;
  let ellipsis = -1;
  if (s.length >= 2 && s[0] === ':' && s[1] === ':') {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return ip;
  }
  let i = 0;
  while (i < 16) {
    const r = xtoi(s, 0);
    if (!r || r[0] > 0xffff) return undefined;
    const [n, c] = r;
    if (c < s.length && s[c] === '.') {
      if (ellipsis < 0 && i !== 12) return undefined;
      if (i + 4 > 16) return undefined;
      const v4 = sloppyIPv4(s);
      if (!v4) return undefined;
      ip.set(v4.subarray(12), i);
      s = '';
      i += 4;
      break;
    }
    ip[i] = n >> 8;
    ip[i + 1] = n & 0xff;
    i += 2;
    s = s.slice(c);
    if (s.length === 0) break;
    if (s[0] !== ':' || s.length === 1) return undefined;
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return undefined;
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) return undefined;
  return expandEllipsis(ip, i, ellipsis);
}

function expandEllipsis(ip: Uint8Array, filled: number, ellipsis: number): Uint8Array | undefined {
  if (filled < 16) {
    if (ellipsis < 0) return undefined;
    const n = 16 - filled;
    for (let j = filled - 1; j >= ellipsis; j--) ip[j + n] = ip[j] as number;
    ip.fill(0, ellipsis, ellipsis + n);
  } else if (ellipsis >= 0) {
    return undefined; // "::" must stand for at least one group of zeros
  }
  return ip;
}

/** netutils.ParseCIDRSloppy: undefined when the API server's lenient parser rejects the value. */
export const parseCIDRSloppy = memoize(parseCIDRSloppyUncached);

function parseCIDRSloppyUncached(s: string): SloppyCIDR | undefined {
  const slash = s.indexOf('/');
  if (slash < 0) return undefined;
  const addr = s.slice(0, slash);
  const mask = s.slice(slash + 1);
  let iplen: 4 | 16 = 4;
  let ip = sloppyIPv4(addr);
  if (!ip) {
    iplen = 16;
    ip = sloppyIPv6(addr);
  }
  const m = dtoi(mask, 0);
  if (!ip || !m || m[1] !== mask.length || m[0] > 8 * iplen) return undefined;
  return { ip, prefix: m[0], iplen };
}

/** The outcome of Go's strict netip.ParsePrefix, reduced to what validation needs. */
export interface StrictPrefix {
  readonly ip: Uint8Array;
  readonly is6: boolean;
  readonly prefix: number;
}

function strictIPv4Fields(s: string, out: Uint8Array, at: number): boolean {
  let val = 0;
  let digits = 0;
  let pos = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (digits === 1 && val === 0) return false; // leading zero
      val = val * 10 + (c - 48);
      digits++;
      if (val > 255) return false;
    } else if (c === 46) {
      if (i === 0 || i === s.length - 1 || s[i - 1] === '.') return false;
      if (pos === 3) return false;
      out[at + pos] = val;
      pos++;
      val = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  if (pos < 3) return false;
  out[at + 3] = val;
  return true;
}

function strictIPv6(input: string): Uint8Array | undefined {
  let s = input;
  if (s.includes('%')) return undefined; // zones are never allowed in a prefix
  const ip = new Uint8Array(16);
  let ellipsis = -1;
  if (s.length >= 2 && s[0] === ':' && s[1] === ':') {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return ip;
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    for (; off < s.length; off++) {
      const v = hexValue(s.charCodeAt(off));
      if (v < 0) break;
      acc = acc * 16 + v;
      if (off > 3 || acc > 0xffff) return undefined;
    }
    if (off === 0) return undefined;
    if (off < s.length && s[off] === '.') {
      if (ellipsis < 0 && i !== 12) return undefined;
      if (i + 4 > 16) return undefined;
      if (!strictIPv4Fields(s, ip, i)) return undefined;
      s = '';
      i += 4;
      break;
    }
    ip[i] = acc >> 8;
    ip[i + 1] = acc & 0xff;
    i += 2;
    s = s.slice(off);
    if (s.length === 0) break;
    if (s[0] !== ':' || s.length === 1) return undefined;
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return undefined;
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) return undefined;
  return expandEllipsis(ip, i, ellipsis);
}

/** netip.ParsePrefix: undefined when Go's strict parser rejects the value. */
export const parsePrefixStrict = memoize(parsePrefixStrictUncached);

function parsePrefixStrictUncached(s: string): StrictPrefix | undefined {
  const slash = s.lastIndexOf('/');
  if (slash < 0) return undefined;
  const addr = s.slice(0, slash);
  const bits = s.slice(slash + 1);
  let ip: Uint8Array | undefined;
  let is6 = false;
  const firstSep = addr.search(/[.:%]/);
  if (firstSep >= 0 && addr[firstSep] === '.') {
    ip = new Uint8Array(16);
    ip.set(V4_PREFIX);
    if (!strictIPv4Fields(addr, ip, 12)) ip = undefined;
  } else if (firstSep >= 0 && addr[firstSep] === ':') {
    is6 = true;
    ip = strictIPv6(addr);
  }
  if (!ip) return undefined;
  // No sign, no leading zeros, decimal only.
  if (!/^(0|[1-9][0-9]*)$/.test(bits)) return undefined;
  const n = Number(bits);
  if (n > (is6 ? 128 : 32)) return undefined;
  return { ip, is6, prefix: n };
}

/** Whether a 16-byte address lies in ::ffff:0:0/96 (an IPv4 address in IPv6 clothing). */
export function isV4Mapped(ip: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (ip[i] !== 0) return false;
  return ip[10] === 0xff && ip[11] === 0xff;
}

/** The address with every bit past `bits` (counted over `width` bytes ending at byte 16) cleared. */
export function maskBytes(ip: Uint8Array, bits: number, width: 4 | 16): Uint8Array {
  const out = new Uint8Array(ip);
  const start = 16 - width;
  for (let i = start; i < 16; i++) {
    const bitIndex = (i - start) * 8;
    const keep = Math.max(0, Math.min(8, bits - bitIndex));
    out[i] = (out[i] as number) & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

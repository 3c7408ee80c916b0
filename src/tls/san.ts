/**
 * Subject alternative names: classifying what an operator typed (a name or an IP address) and reading
 * them back from node's X509Certificate.subjectAltName, so "is this SAN in the certificate?" compares
 * like with like (IPv6 in any spelling, DNS names in any case).
 */
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

export interface SubjectAltName {
  type: 'dns' | 'ip';
  /** DNS names lower-cased; IP addresses in ipaddr.js normalized form (IPv6 fully expanded). */
  value: string;
}

// RFC 1123 host names, with an optional leading wildcard label (`*.example.com`).
const DNS_NAME = /^(\*\.)?[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$/;

/** `netpol-guard.ns.svc` → DNS, `10.0.0.1` / `::1` → IP. Throws a plain Error on anything else. */
export function classifySan(raw: string): SubjectAltName {
  const text = raw.trim();
  if (isIP(text) !== 0) return { type: 'ip', value: ipaddr.parse(text).toNormalizedString() };
  const name = text.toLowerCase().replace(/\.$/, '');
  if (name.length > 253 || !DNS_NAME.test(name)) {
    throw new Error(`"${raw}" is neither an IP address nor a valid DNS name`);
  }
  return { type: 'dns', value: name };
}

/** `DNS:localhost`, `IP:127.0.0.1`: the spelling used in logs, reasons and openssl. */
export function formatSan(san: SubjectAltName): string {
  return `${san.type === 'dns' ? 'DNS' : 'IP'}:${san.value}`;
}

export function sameSan(a: SubjectAltName, b: SubjectAltName): boolean {
  return a.type === b.type && a.value === b.value;
}

/** Requested SANs de-duplicated in order, keeping the first spelling. */
export function uniqueSans(sans: readonly SubjectAltName[]): SubjectAltName[] {
  const out: SubjectAltName[] = [];
  for (const san of sans) if (!out.some((s) => sameSan(s, san))) out.push(san);
  return out;
}

/**
 * Splits node's subjectAltName string (`DNS:a, IP Address:127.0.0.1, DNS:"odd,name"`) into DNS and
 * IP entries; other kinds (email, URI, ...) are skipped. Node quotes values with special characters as
 * JSON strings, so a comma inside quotes is not a separator.
 */
export function parseSubjectAltNames(text: string | undefined): SubjectAltName[] {
  if (!text) return [];
  const entries: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (quoted && ch === '\\') {
      current += ch + (text[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === ',' && text[i + 1] === ' ') {
      entries.push(current);
      current = '';
      i++;
      continue;
    }
    current += ch;
  }
  if (current !== '') entries.push(current);

  const sans: SubjectAltName[] = [];
  for (const entry of entries) {
    const colon = entry.indexOf(':');
    if (colon < 0) continue;
    const kind = entry.slice(0, colon);
    let value = entry.slice(colon + 1);
    if (value.startsWith('"')) {
      try {
        value = JSON.parse(value) as string;
      } catch {
        continue;
      }
    }
    if (kind === 'DNS') sans.push({ type: 'dns', value: value.toLowerCase() });
    else if (kind === 'IP Address' && ipaddr.isValid(value)) {
      sans.push({ type: 'ip', value: ipaddr.parse(value).toNormalizedString() });
    }
  }
  return sans;
}

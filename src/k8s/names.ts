/**
 * String validators of the API server, message for message.
 *
 * Mirrors k8s.io/apimachinery/pkg/api/validate/content (dns.go, kube.go, errors.go) and the
 * helpers of k8s.io/apimachinery/pkg/util/validation/validation.go (IsDNS1123Label,
 * IsDNS1123Subdomain, IsDNS1035Label, IsValidPortNum, IsValidPortName, InclusiveRangeError), plus
 * NameIsDNSSubdomain and friends from k8s.io/apimachinery/pkg/api/validation/generic.go.
 *
 * The two packages word "too long" differently, and which one a field goes through decides the
 * text the API server answers (v1.36):
 * - util/validation.MaxLenError, `must be no more than N characters`: its own IsDNS1123Subdomain
 *   (metadata.name, through api/validation.NameIsDNSSubdomain), IsDNS1123Label (metadata.namespace,
 *   through ValidateNamespaceName = NameIsDNSLabel), IsDNS1035Label and IsValidPortName (named
 *   ports). The limit is still counted in bytes (Go's len).
 * - content.MaxLenError, `must be no more than N bytes`: content.IsLabelKey (util/validation's
 *   IsQualifiedName is an alias of it; the name part, and the prefix part through
 *   content.IsDNS1123Subdomain) and content.IsLabelValue (util/validation.IsValidLabelValue).
 *
 * Each validator returns a list of messages; an empty list means the value is valid.
 *
 * Go measures strings in UTF-8 bytes and its regular expressions see bytes that are not ASCII
 * as non-matching. Every validator here therefore works on the UTF-8 encoding of its input
 * (one JS char per byte), so lengths and trailing-dash masking behave exactly as upstream even
 * for values that are not ASCII.
 */

import { memoize } from '../util/memo.js';

const encoder = new TextEncoder();
const ASCII = /^[\x00-\x7f]*$/;

/**
 * The UTF-8 bytes of `value`, one char (U+0000..U+00FF) per byte. A lone surrogate becomes
 * U+FFFD, as Go's JSON decoder would have made it.
 */
export function goBytes(value: string): string {
  if (ASCII.test(value)) return value; // the common case: one byte per character already
  const bytes = encoder.encode(value);
  let out = '';
  for (let i = 0; i < bytes.length; i += 4096) {
    out += String.fromCharCode(...bytes.subarray(i, i + 4096));
  }
  return out;
}

/** len(value) in Go: the number of UTF-8 bytes. */
export function goLen(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const d = value.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n += 4;
        i++;
      } else {
        n += 3; // lone high surrogate: U+FFFD
      }
    } else n += 3;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Message helpers (content/errors.go; util/validation re-exports them).

/**
 * util/validation.MaxLenError (staging/src/k8s.io/apimachinery/pkg/util/validation/validation.go):
 * `fmt.Sprintf("must be no more than %d characters", length)`. Names, namespaces, port names.
 */
export function maxLenError(length: number): string {
  return `must be no more than ${length} characters`;
}

/**
 * content.MaxLenError (staging/src/k8s.io/apimachinery/pkg/api/validate/content/errors.go):
 * `fmt.Sprintf("must be no more than %d bytes", length)`. Label keys and label values.
 */
export function contentMaxLenError(length: number): string {
  return `must be no more than ${length} bytes`;
}

/** Which package's MaxLenError a validator answers with. */
type MaxLenMessage = (length: number) => string;

/**
 * content.RegexError. The examples are joined exactly as upstream joins them, which yields a
 * double space before each "or": `(e.g. 'MyName',  or 'my.name',  or '123-abc', regex ...)`.
 */
export function regexError(msg: string, re: string, ...examples: string[]): string {
  if (examples.length === 0) {
    return msg + " (regex used for validation is '" + re + "')";
  }
  msg += ' (e.g. ';
  for (let i = 0; i < examples.length; i++) {
    if (i > 0) msg += ' or ';
    msg += "'" + examples[i] + "', ";
  }
  msg += "regex used for validation is '" + re + "')";
  return msg;
}

/** content.EmptyError. */
export function emptyError(): string {
  return 'must be non-empty';
}

/** util/validation.InclusiveRangeError. */
export function inclusiveRangeError(lo: number, hi: number): string {
  return `must be between ${lo} and ${hi}, inclusive`;
}

/** content.prefixEach (upstream mutates in place; this returns a new list). */
export function prefixEach(msgs: readonly string[], prefix: string): string[] {
  return msgs.map((m) => prefix + m);
}

// ---------------------------------------------------------------------------------------------
// DNS names (content/dns.go).

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_ERR_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character";
export const DNS1123_LABEL_MAX_LENGTH = 63;
const dns1123LabelRegexp = new RegExp('^' + DNS1123_LABEL_FMT + '$');

const DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + '(\\.' + DNS1123_LABEL_FMT + ')*';
const DNS1123_SUBDOMAIN_ERR_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;
const dns1123SubdomainRegexp = new RegExp('^' + DNS1123_SUBDOMAIN_FMT + '$');

const DNS1035_LABEL_FMT = '[a-z]([-a-z0-9]*[a-z0-9])?';
const DNS1035_LABEL_ERR_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character";
export const DNS1035_LABEL_MAX_LENGTH = 63;
const dns1035LabelRegexp = new RegExp('^' + DNS1035_LABEL_FMT + '$');

/** IsDNS1123Label on UTF-8 bytes; util/validation's wording unless content's is asked for. */
function dns1123LabelBytes(b: string, tooLong: MaxLenMessage = maxLenError): string[] {
  const errs: string[] = [];
  if (b.length > DNS1123_LABEL_MAX_LENGTH) errs.push(tooLong(DNS1123_LABEL_MAX_LENGTH));
  if (!dns1123LabelRegexp.test(b)) {
    if (dns1123SubdomainRegexp.test(b)) {
      // A valid subdomain but not a valid label; the length was checked, so it must be dots.
      errs.push('must not contain dots');
    } else {
      errs.push(regexError(DNS1123_LABEL_ERR_MSG, DNS1123_LABEL_FMT, 'my-name', '123-abc'));
    }
  }
  return errs;
}

/** IsDNS1123Subdomain on UTF-8 bytes; util/validation's wording unless content's is asked for. */
function dns1123SubdomainBytes(b: string, tooLong: MaxLenMessage = maxLenError): string[] {
  const errs: string[] = [];
  if (b.length > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(tooLong(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!dns1123SubdomainRegexp.test(b)) {
    errs.push(regexError(DNS1123_SUBDOMAIN_ERR_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  }
  return errs;
}

function dns1035LabelBytes(b: string): string[] {
  const errs: string[] = [];
  if (b.length > DNS1035_LABEL_MAX_LENGTH) errs.push(maxLenError(DNS1035_LABEL_MAX_LENGTH));
  if (!dns1035LabelRegexp.test(b)) {
    errs.push(regexError(DNS1035_LABEL_ERR_MSG, DNS1035_LABEL_FMT, 'my-name', 'abc-123'));
  }
  return errs;
}

/** util/validation.IsDNS1123Label: a lowercase RFC 1123 label (namespace names, among others). */
function isDNS1123LabelUncached(value: string): string[] {
  return dns1123LabelBytes(goBytes(value));
}

/** Memoized: label keys and names repeat across reviews (upstream caches IsQualifiedName too). */
export const isDNS1123Label = memoize(isDNS1123LabelUncached);

/** util/validation.IsDNS1123Subdomain: a lowercase RFC 1123 subdomain (most object names). */
function isDNS1123SubdomainUncached(value: string): string[] {
  return dns1123SubdomainBytes(goBytes(value));
}

/** Memoized: label keys and names repeat across reviews (upstream caches IsQualifiedName too). */
export const isDNS1123Subdomain = memoize(isDNS1123SubdomainUncached);

/** util/validation.IsDNS1035Label: an RFC 1035 label (service names). */
export function isDNS1035Label(value: string): string[] {
  return dns1035LabelBytes(goBytes(value));
}

// ---------------------------------------------------------------------------------------------
// Label keys and values (content/kube.go).

const LABEL_KEY_CHAR_FMT = '[A-Za-z0-9]';
const LABEL_KEY_EXT_CHAR_FMT = '[-A-Za-z0-9_.]';
const LABEL_KEY_FMT = '(' + LABEL_KEY_CHAR_FMT + LABEL_KEY_EXT_CHAR_FMT + '*)?' + LABEL_KEY_CHAR_FMT;
const LABEL_KEY_ERR_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_KEY_MAX_LENGTH = 63;
const labelKeyRegexp = new RegExp('^' + LABEL_KEY_FMT + '$');

const LABEL_VALUE_FMT = '(' + LABEL_KEY_FMT + ')?';
const LABEL_VALUE_ERR_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
export const LABEL_VALUE_MAX_LENGTH = 63;
const labelValueRegexp = new RegExp('^' + LABEL_VALUE_FMT + '$');

/**
 * IsQualifiedName (content.IsLabelKey): an optional DNS-subdomain prefix and '/', then a name of
 * at most 63 bytes. Used for label keys, annotation keys and finalizer names.
 */
function isQualifiedNameUncached(value: string): string[] {
  const errs: string[] = [];
  const parts = goBytes(value).split('/');
  let name: string;
  switch (parts.length) {
    case 1:
      name = parts[0] as string;
      break;
    case 2: {
      const prefix = parts[0] as string;
      name = parts[1] as string;
      if (prefix.length === 0) {
        errs.push('prefix part ' + emptyError());
      } else {
        // content.IsDNS1123Subdomain: content's wording, `bytes`.
        const msgs = dns1123SubdomainBytes(prefix, contentMaxLenError);
        if (msgs.length !== 0) errs.push(...prefixEach(msgs, 'prefix part '));
      }
      break;
    }
    default:
      errs.push(
        'a valid label key ' +
          regexError(LABEL_KEY_ERR_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc') +
          " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      );
      return errs;
  }
  if (name.length === 0) {
    errs.push('name part ' + emptyError());
  } else if (name.length > LABEL_KEY_MAX_LENGTH) {
    errs.push('name part ' + contentMaxLenError(LABEL_KEY_MAX_LENGTH));
  }
  if (!labelKeyRegexp.test(name)) {
    errs.push('name part ' + regexError(LABEL_KEY_ERR_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc'));
  }
  return errs;
}

/** Memoized: label keys and names repeat across reviews (upstream caches IsQualifiedName too). */
export const isQualifiedName = memoize(isQualifiedNameUncached);

/** IsValidLabelValue (content.IsLabelValue): empty, or at most 63 bytes of [-A-Za-z0-9_.]. */
function isValidLabelValueUncached(value: string): string[] {
  const errs: string[] = [];
  const b = goBytes(value);
  if (b.length > LABEL_VALUE_MAX_LENGTH) errs.push(contentMaxLenError(LABEL_VALUE_MAX_LENGTH));
  if (!labelValueRegexp.test(b)) {
    errs.push(regexError(LABEL_VALUE_ERR_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  }
  return errs;
}

/** Memoized: label keys and names repeat across reviews (upstream caches IsQualifiedName too). */
export const isValidLabelValue = memoize(isValidLabelValueUncached);

// ---------------------------------------------------------------------------------------------
// Ports (util/validation/validation.go).

/** IsValidPortNum: 1..65535. */
export function isValidPortNum(port: number): string[] {
  if (port >= 1 && port <= 65535) return [];
  return [inclusiveRangeError(1, 65535)];
}

const portNameCharsetRegex = /^[-a-z0-9]+$/;
const portNameOneLetterRegexp = /[a-z]/;

/**
 * util/validation.IsValidPortName (IANA service name): at most 15 bytes of [-a-z0-9], at least
 * one letter, no leading, trailing or doubled hyphen; too long is util/validation's
 * `must be no more than 15 characters`.
 */
function isValidPortNameUncached(port: string): string[] {
  const errs: string[] = [];
  const b = goBytes(port);
  if (b.length > 15) errs.push(maxLenError(15));
  if (!portNameCharsetRegex.test(b)) {
    errs.push('must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  }
  if (!portNameOneLetterRegexp.test(b)) errs.push('must contain at least one letter (a-z)');
  if (b.includes('--')) errs.push('must not contain consecutive hyphens');
  if (b.length > 0 && (b[0] === '-' || b[b.length - 1] === '-')) {
    errs.push('must not begin or end with a hyphen');
  }
  return errs;
}

/** Memoized: label keys and names repeat across reviews (upstream caches IsQualifiedName too). */
export const isValidPortName = memoize(isValidPortNameUncached);

// ---------------------------------------------------------------------------------------------
// Name validators for ObjectMeta (api/validation/generic.go).

/**
 * A ValidateNameFunc: `prefix` is true when the value is a generateName, to which the server
 * appends a random suffix.
 */
export type ValidateNameFunc = (name: string, prefix: boolean) => string[];

/**
 * maskTrailingDash, on UTF-8 bytes: when a generateName longer than one byte ends in '-',
 * upstream drops the LAST TWO bytes and appends "a" (`name[:len(name)-2] + "a"`). The value
 * therefore gets one byte shorter, and a multi-byte character before the dash is cut in half,
 * which keeps it invalid.
 */
function maskTrailingDashBytes(b: string): string {
  if (b.length > 1 && b.endsWith('-')) return b.slice(0, b.length - 2) + 'a';
  return b;
}

/** NameIsDNSSubdomain: names that must be DNS subdomains (NetworkPolicy, Pod, ...). */
export const nameIsDNSSubdomain: ValidateNameFunc = (name, prefix) => {
  let b = goBytes(name);
  if (prefix) b = maskTrailingDashBytes(b);
  return dns1123SubdomainBytes(b);
};

/** NameIsDNSLabel: names that must be DNS labels (also ValidateNamespaceName). */
export const nameIsDNSLabel: ValidateNameFunc = (name, prefix) => {
  let b = goBytes(name);
  if (prefix) b = maskTrailingDashBytes(b);
  return dns1123LabelBytes(b);
};

/** NameIsDNS1035Label: names that must be RFC 1035 labels (Service). */
export const nameIsDNS1035Label: ValidateNameFunc = (name, prefix) => {
  let b = goBytes(name);
  if (prefix) b = maskTrailingDashBytes(b);
  return dns1035LabelBytes(b);
};

/** ValidateNamespaceName is NameIsDNSLabel upstream. */
export const validateNamespaceName: ValidateNameFunc = nameIsDNSLabel;

/** path.NameMayNotBe / NameMayNotContain: what a name may not be to form a URL path segment. */
const NAME_MAY_NOT_BE = ['.', '..'];
const NAME_MAY_NOT_CONTAIN = ['/', '%'];

/**
 * path.ValidatePathSegmentName (k8s.io/apimachinery/pkg/api/validation/path): the generic name
 * rule the registry applies to every object, whatever its kind.
 */
export const validatePathSegmentName: ValidateNameFunc = (name, prefix) => {
  if (!prefix) {
    for (const illegal of NAME_MAY_NOT_BE) if (name === illegal) return [`may not be '${illegal}'`];
  }
  const errs: string[] = [];
  for (const illegal of NAME_MAY_NOT_CONTAIN) if (name.includes(illegal)) errs.push(`may not contain '${illegal}'`);
  return errs;
};

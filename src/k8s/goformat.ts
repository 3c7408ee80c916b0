/**
 * Renders values the way Go's standard library does, so that our messages are byte-for-byte
 * the API server's: `%q` (strconv.Quote) for strings and `json.Marshal` for composite values.
 */

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** strconv.Quote: a double-quoted Go string literal with Go's escapes. */
export function goQuote(value: string): string {
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0) as number;
    switch (ch) {
      case '"': out += '\\"'; continue;
      case '\\': out += '\\\\'; continue;
      case '\x07': out += '\\a'; continue;
      case '\b': out += '\\b'; continue;
      case '\f': out += '\\f'; continue;
      case '\n': out += '\\n'; continue;
      case '\r': out += '\\r'; continue;
      case '\t': out += '\\t'; continue;
      case '\v': out += '\\v'; continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
      // A lone surrogate cannot come from valid UTF-8; Go's JSON decoder turns it into U+FFFD.
      out += '\uFFFD';
    } else if (PRINTABLE.test(ch)) {
      out += ch;
    } else if (cp < 0x80) {
      out += '\\x' + cp.toString(16).padStart(2, '0');
    } else if (cp < 0x10000) {
      out += '\\u' + cp.toString(16).padStart(4, '0');
    } else {
      out += '\\U' + cp.toString(16).padStart(8, '0');
    }
  }
  return out + '"';
}

function goJSONString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    const ch = value[i] as string;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    // Go escapes HTML-significant characters and the JS line separators by default.
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) {
      out += '\\u' + c.toString(16).padStart(4, '0');
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += ch + value[i + 1];
        i++;
      } else {
        out += '\ufffd';
      }
    } else if (c >= 0xd800 && c <= 0xdfff) {
      out += '\ufffd';
    } else {
      out += ch;
    }
  }
  return out + '"';
}

/** encoding/json.Marshal for plain data: map keys sorted, HTML characters escaped. */
export function goJSON(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return goJSONString(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return '[' + value.map(goJSON).join(',') + ']';
  if (typeof value === 'object') {
    const entries = Object.keys(value as object)
      .sort()
      .map((k) => goJSONString(k) + ':' + goJSON((value as Record<string, unknown>)[k]));
    return '{' + entries.join(',') + '}';
  }
  return 'null';
}

/**
 * A short preview of a value in JSON, for messages about untrusted input: stops writing once
 * `limit` characters are reached, so a huge or deeply nested value costs nothing.
 */
export function previewJSON(value: unknown, limit = 60): string {
  let out = '';
  const full = () => out.length >= limit;
  const walk = (v: unknown, depth: number): void => {
    if (full()) return;
    if (depth > 20) {
      out += '...';
      return;
    }
    if (Array.isArray(v)) {
      out += '[';
      for (let i = 0; i < v.length && !full(); i++) {
        if (i > 0) out += ',';
        walk(v[i], depth + 1);
      }
      out += ']';
    } else if (v !== null && typeof v === 'object') {
      out += '{';
      let first = true;
      for (const key of Object.keys(v)) {
        if (full()) break;
        if (!first) out += ',';
        first = false;
        out += goJSON(key.length > limit ? key.slice(0, limit) : key) + ':';
        walk((v as Record<string, unknown>)[key], depth + 1);
      }
      out += '}';
    } else {
      const text = typeof v === 'string' && v.length > limit ? goJSON(v.slice(0, limit)) : goJSON(v);
      out += text;
    }
  };
  walk(value, 0);
  return out.length > limit ? `${out.slice(0, limit - 3)}...` : out;
}

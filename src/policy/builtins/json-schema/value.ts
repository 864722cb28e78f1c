// The JSON values the schema validator works on. Builtin arguments arrive as plain JavaScript
// values (the wasm ABI hands them over as JSON) or as JSON text; both are copied into this model,
// with objects as Maps (no prototype keys such as "__proto__" to trip over) and strings made
// well-formed (a lone surrogate becomes U+FFFD, as Go's JSON decoder does). Pure.

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export type JsonObject = Map<string, JsonValue>;

/** Deepest nesting of arrays and objects accepted, in documents and schemas alike. */
export const MAX_NESTING = 512;
/** Most values (of any kind, at any depth) in one argument. */
const MAX_VALUES = 2_000_000;

/** Thrown (and caught by the builtins) when a value is deeper than MAX_NESTING or has more than MAX_VALUES values. */
export class NestingLimitError extends Error {
  readonly code = 'JSON_SCHEMA_SIZE_LIMIT';
  constructor(message = `nesting deeper than ${MAX_NESTING} levels`) {
    super(message);
    this.name = 'NestingLimitError';
  }
}

/** Counts the values a conversion has made, against MAX_VALUES. */
export class ValueCount {
  n = 0;

  add(): void {
    if (++this.n > MAX_VALUES) throw new NestingLimitError(`more than ${MAX_VALUES} values`);
  }
}

export const isObject = (v: JsonValue | undefined): v is JsonObject => v instanceof Map;

const wellFormed = (s: string): string => (s.isWellFormed() ? s : s.toWellFormed());

/** A copy of a plain JSON-like value in this model; undefined when it holds anything but JSON. */
export function fromPlain(v: unknown, count = new ValueCount(), depth = 0): JsonValue | undefined {
  count.add();
  if (v === null || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') return wellFormed(v);
  if (depth >= MAX_NESTING) throw new NestingLimitError();
  if (Array.isArray(v)) {
    const out: JsonValue[] = new Array<JsonValue>(v.length);
    for (let i = 0; i < v.length; i++) {
      const x = fromPlain(v[i], count, depth + 1);
      if (x === undefined) return undefined;
      out[i] = x;
    }
    return out;
  }
  const proto: unknown = typeof v === 'object' ? Object.getPrototypeOf(v) : undefined;
  if (proto === Object.prototype || proto === null) {
    const out: JsonObject = new Map();
    const o = v as Record<string, unknown>;
    for (const key of Object.keys(o)) {
      const x = fromPlain(o[key], count, depth + 1);
      if (x === undefined) return undefined;
      out.set(wellFormed(key), x);
    }
    return out;
  }
  return undefined;
}

/**
 * JSON text as Go's json.Valid + decoder read it; undefined for invalid JSON or a number outside
 * float64 range (Go keeps such a number's digits, but cannot compare it without overflowing).
 */
export function parseJsonText(text: string, count = new ValueCount()): JsonValue | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return fromPlain(parsed, count);
}

/** A key for a converted value (equal values from the same source give equal keys). Linear. */
export function fingerprint(v: JsonValue): string {
  if (v === null || typeof v !== 'object') return typeof v === 'string' ? JSON.stringify(v) : String(v);
  if (Array.isArray(v)) return `[${v.map(fingerprint).join(',')}]`;
  let out = '{';
  for (const [k, x] of v) out += `${JSON.stringify(k)}:${fingerprint(x)},`;
  return `${out}}`;
}

/** Compares by Unicode code point, which is the byte order of UTF-8 that Go sorts strings by. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // A surrogate (an astral code point) sorts after every BMP code unit in UTF-8 order.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * The keys of an object in Go's sorted order. gojsonschema ranges over Go maps in several places,
 * an order Go randomises on every run; vouch always takes this one, which Go can also take.
 */
export function sortedKeys(o: JsonObject): string[] {
  return [...o.keys()].sort(compareCodePoints);
}

const HEX = '0123456789abcdef';
const SHORT: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** A string as Go's encoding/json writes it: HTML-safe, U+2028/U+2029 escaped. */
function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (SHORT[ch] !== undefined) out += SHORT[ch];
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&') out += `\\u00${HEX[c >> 4]!}${HEX[c & 15]!}`;
    else if (c === 0x2028 || c === 0x2029) out += `\\u202${HEX[c & 15]!}`;
    else out += ch;
  }
  return `${out}"`;
}

/** A float64 as Go's encoding/json writes it (ES6 number formatting, but -0 stays "-0"). */
function goJsonNumber(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}

/** Go's json.Marshal of a decoded JSON value: keys sorted, Go's string and number spelling. */
export function goMarshal(v: JsonValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return goJsonNumber(v);
  if (typeof v === 'string') return goJsonString(v);
  if (Array.isArray(v)) return `[${v.map(goMarshal).join(',')}]`;
  return `{${sortedKeys(v)
    .map((k) => `${goJsonString(k)}:${goMarshal(v.get(k)!)}`)
    .join(',')}}`;
}

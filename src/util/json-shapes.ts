// Narrowing of parsed JSON/YAML values, shared by every parser of untrusted documents. Pure.

/** A JSON object (not an array, not null). */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isString(v: unknown): v is string {
  return typeof v === 'string';
}

export function isStringList(v: unknown): v is string[] {
  return Array.isArray(v) && v.every(isString);
}

/**
 * A decoded JSON value as String() prints it, `absent` for null and undefined: for values that are
 * only printed or compared as text (policy output, foreign reports), which nothing checked to be strings.
 */
export function jsonText(v: unknown, absent = ''): string {
  // Not `String(v ?? absent)`: the type checker reads that as `{}`, which it cannot tell from an object without toString.
  const text: unknown = v ?? absent;
  return String(text);
}

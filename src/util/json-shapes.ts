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
  // Narrowed `unknown` is `{}` to the type checker, which cannot tell it from an object without toString.
  return v === undefined || v === null ? absent : String(v as unknown);
}

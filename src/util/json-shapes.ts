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

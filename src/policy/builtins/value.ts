// Rego values at the host-builtin boundary of @open-policy-agent/opa-wasm 1.10.0 (src/opa.js,
// `_builtinCall`): arguments reach the host as `JSON.parse` of the module's JSON dump, so numbers are
// doubles and sets are arrays; a result that is an ArrayBuffer is handed to the module as raw JSON
// text (`_loadJSON`), which is how an integer above 2^53 goes back exactly. Pure.

/**
 * An integer argument as the policy most likely wrote it. A double above 2^53 stands for every
 * integer within half a unit in the last place; the shortest decimal that rounds to it (what
 * `String` prints) is the policy's own text whenever that had at most 15 significant digits
 * (17 mostly), e.g. a millisecond timestamp in nanoseconds. Undefined for a non-integer.
 */
export function integerArgument(x: unknown): bigint | undefined {
  if (typeof x === 'bigint') return x;
  if (typeof x !== 'number' || !Number.isInteger(x)) return undefined;
  if (Number.isSafeInteger(x)) return BigInt(x);
  const text = String(x);
  // Above 1e21 `String` uses an exponent; such values are far outside every int64 range anyway.
  return /^-?\d+$/.test(text) ? BigInt(text) : BigInt(x);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/** Go's int (64-bit) from an argument, as `builtins.IntOperand` accepts it; undefined otherwise. */
export function int64Argument(x: unknown): bigint | undefined {
  const n = integerArgument(x);
  return n !== undefined && n >= INT64_MIN && n <= INT64_MAX ? n : undefined;
}

/** Whether a bigint fits Go's int64. */
export const fitsInt64 = (n: bigint): boolean => n >= INT64_MIN && n <= INT64_MAX;

/** A result as exact JSON text: bigints print as integers; anything not JSON throws. */
export function encodeExactJson(value: unknown): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return value.toString();
    case 'number':
      if (!Number.isFinite(value)) throw new RangeError('not a JSON number');
      return JSON.stringify(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map((v: unknown) => encodeExactJson(v)).join(',')}]`;
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null) throw new TypeError('not a plain object');
      const parts = Object.entries(value as Record<string, unknown>).map(([k, v]) => `${JSON.stringify(k)}:${encodeExactJson(v)}`);
      return `{${parts.join(',')}}`;
    }
    default:
      throw new TypeError(`not a JSON value: ${typeof value}`);
  }
}

/** JSON text as the module reads it back: integers beyond 2^53 become bigints (for tests and tools). */
export function decodeExactJson(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown, context?: { source?: string }) =>
    typeof value === 'number' && !Number.isSafeInteger(value) && context?.source !== undefined && /^-?\d+$/.test(context.source)
      ? BigInt(context.source)
      : value,
  );
}

// Exact decimal arithmetic for schema numbers. gojsonschema compares and divides numbers as
// big.Rat built from their JSON digits, so 0.3 is a multiple of 0.1 and 1e-7 < 1e-6 exactly. A
// value here is the shortest decimal that reads back as the same float64 — the digits the JSON
// had, as long as they fit a float64, which is all the wasm ABI can carry anyway. Pure.

/** coefficient × 10^exponent. */
export interface Decimal {
  coefficient: bigint;
  exponent: number;
}

export function toDecimal(x: number): Decimal {
  if (x === 0) return { coefficient: 0n, exponent: 0 };
  const [mantissa, exp] = x.toExponential().split('e') as [string, string];
  const [whole, fraction = ''] = mantissa.split('.') as [string, string?];
  return { coefficient: BigInt(whole + fraction), exponent: Number(exp) - fraction.length };
}

/** Both values scaled to the smaller exponent, so their coefficients compare as the values do. */
function aligned(a: Decimal, b: Decimal): [bigint, bigint] {
  const e = Math.min(a.exponent, b.exponent);
  return [a.coefficient * 10n ** BigInt(a.exponent - e), b.coefficient * 10n ** BigInt(b.exponent - e)];
}

export function compareDecimal(a: Decimal, b: Decimal): number {
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Whether x / m is an integer (m is non-zero: the schema parser rejects multipleOf <= 0). */
export function isMultipleOf(x: Decimal, m: Decimal): boolean {
  const [a, b] = aligned(x, m);
  return a % b === 0n;
}

/** A schema bound: the number for messages, its decimal for exact comparisons. */
export interface NumberBound {
  value: number;
  decimal: Decimal;
}

export const toBound = (value: number): NumberBound => ({ value, decimal: toDecimal(value) });

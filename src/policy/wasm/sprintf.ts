// OPA's sprintf (open-policy-agent/opa v1.15.2, the version ec pins, v1/topdown/strings.go
// builtinSprintf): each Rego number becomes a Go int, *big.Int or float64 (from its text), a string
// stays a string, and any other value becomes its Rego text (ast.Value.String(), v1/ast/term.go),
// then Go's fmt.Sprintf formats. Values come as the module dumps them for vouch's dispatch
// (rego-value.ts: sets, number text, any object keys), or JSON-parsed (numbers as doubles). Pure.
import { goSprintf as goFmt, type GoValue } from '../builtins/gofmt.ts';
import { quote } from '../builtins/strconv.ts';
import { fitsInt64, integerArgument } from '../builtins/value.ts';
import { RegoNumber } from './rego-value.ts';

const utf8Compare = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** The integer a number stands for, when it reads as one (below 1e21 JS prints no exponent). */
function asInteger(v: number | bigint): bigint | undefined {
  if (typeof v === 'bigint') return v;
  return Number.isInteger(v) && Math.abs(v) < 1e21 ? integerArgument(v) : undefined;
}

/** A Rego number's text. */
function numberText(v: number | bigint): string {
  return asInteger(v)?.toString() ?? String(v);
}

const isNumber = (v: unknown): v is number | bigint | RegoNumber => typeof v === 'number' || typeof v === 'bigint' || v instanceof RegoNumber;

const TYPE_RANK = (v: unknown): number =>
  v === null || v === undefined
    ? 0
    : typeof v === 'boolean'
      ? 1
      : isNumber(v)
        ? 2
        : typeof v === 'string'
          ? 3
          : Array.isArray(v)
            ? 4
            : v instanceof Set
              ? 6
              : 5;

/** Sign, significant digits and decimal exponent of a number's text (value = 0.digits × 10^exp). */
function decimalParts(text: string): { negative: boolean; digits: string; exp: number } {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (!m) return { negative: false, digits: '', exp: 0 };
  const all = `${m[2]!}${m[3] ?? ''}`;
  const lead = all.length - all.replace(/^0+/, '').length;
  const digits = all.slice(lead).replace(/0+$/, '');
  // Exponents beyond 2^53 are not numbers OPA holds; clamping keeps the order of the rest.
  const exp = m[2]!.length - lead + Math.max(-1e15, Math.min(1e15, Number(m[4] ?? '0')));
  return { negative: m[1] === '-' && digits !== '', digits, exp: digits === '' ? 0 : exp };
}

/** Two numbers compared exactly, as OPA's NumberCompare does (big.Rat), from their text. */
function numberCompare(a: number | bigint | RegoNumber, b: number | bigint | RegoNumber): number {
  const text = (v: number | bigint | RegoNumber): string => (v instanceof RegoNumber ? v.text : typeof v === 'bigint' ? v.toString() : numberText(v));
  const x = decimalParts(text(a));
  const y = decimalParts(text(b));
  const sign = (p: typeof x): number => (p.digits === '' ? 0 : p.negative ? -1 : 1);
  if (sign(x) !== sign(y)) return sign(x) - sign(y);
  const magnitude = x.exp !== y.exp ? x.exp - y.exp : x.digits < y.digits ? -1 : x.digits > y.digits ? 1 : 0;
  return sign(x) < 0 ? -magnitude : magnitude;
}

/** An object's entries in OPA's key order: a plain object's (JSON) or a Map's (any key). */
function sortedEntries(v: object): [unknown, unknown][] {
  const entries: [unknown, unknown][] = v instanceof Map ? [...(v as Map<unknown, unknown>)] : Object.entries(v);
  return entries.sort(([a], [b]) => regoCompare(a, b));
}

/** OPA's ordering of values (ast.Compare), for printing set elements in its order. */
function regoCompare(a: unknown, b: unknown): number {
  const ra = TYPE_RANK(a);
  const rb = TYPE_RANK(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 1:
      return Number(a) - Number(b);
    case 2:
      return Math.sign(numberCompare(a as number, b as number));
    case 3:
      return utf8Compare(a as string, b as string);
    case 4:
    case 6: {
      const xs = ra === 6 ? [...(a as Set<unknown>)].sort(regoCompare) : (a as unknown[]);
      const ys = ra === 6 ? [...(b as Set<unknown>)].sort(regoCompare) : (b as unknown[]);
      for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
        const c = regoCompare(xs[i], ys[i]);
        if (c !== 0) return c;
      }
      return xs.length - ys.length;
    }
    case 5: {
      const ea = sortedEntries(a as object);
      const eb = sortedEntries(b as object);
      for (let i = 0; i < Math.min(ea.length, eb.length); i++) {
        const c = regoCompare(ea[i]![0], eb[i]![0]) || regoCompare(ea[i]![1], eb[i]![1]);
        if (c !== 0) return c;
      }
      return ea.length - eb.length;
    }
    default:
      return 0;
  }
}

/** A Rego value as OPA's ast.Value.String() prints it. */
export function regoString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return quote(v);
  if (v instanceof RegoNumber) return v.text;
  if (typeof v === 'number' || typeof v === 'bigint') return numberText(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(regoString).join(', ')}]`;
  if (v instanceof Set) return v.size === 0 ? 'set()' : `{${[...v].sort(regoCompare).map(regoString).join(', ')}}`;
  return `{${sortedEntries(v)
    .map(([k, x]) => `${regoString(k)}: ${regoString(x)}`)
    .join(', ')}}`;
}

/** A number's Go value from its text: int, then *big.Int, then float64, else the text itself. */
function numberToGo(text: string): GoValue {
  if (/^-?\d+$/.test(text)) {
    const n = BigInt(text);
    return fitsInt64(n) ? { type: 'int', value: n } : { type: 'big.Int', value: n };
  }
  const f = Number(text);
  // strconv.ParseFloat refuses what overflows a float64; OPA then passes the number's text.
  return Number.isFinite(f) ? { type: 'float64', value: f } : { type: 'string', value: text };
}

/** The Go value OPA's sprintf passes for one Rego argument. */
function toGo(v: unknown): GoValue {
  if (v instanceof RegoNumber) return numberToGo(v.text);
  if (typeof v === 'number' || typeof v === 'bigint') {
    const n = asInteger(v);
    if (n === undefined) return { type: 'float64', value: Number(v) };
    return fitsInt64(n) ? { type: 'int', value: n } : { type: 'big.Int', value: n };
  }
  if (typeof v === 'string') return { type: 'string', value: v };
  return { type: 'string', value: regoString(v) };
}

/** OPA's sprintf(format, values). */
export function goSprintf(format: string, args: unknown[]): string {
  return goFmt(format, args.map(toGo));
}

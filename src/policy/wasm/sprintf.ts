// OPA's sprintf (open-policy-agent/opa v1.15.2, the version ec pins, v1/topdown/strings.go
// builtinSprintf): each Rego number becomes a Go int, *big.Int or float64, a string stays a string,
// and any other value becomes its Rego text (ast.Value.String(), v1/ast/term.go), then Go's
// fmt.Sprintf formats. Numbers reach the host as doubles and sets as arrays (docs/compatibility.md);
// a JS Set, should a loader hand one over, prints as OPA prints a set. Pure.
import { goSprintf as goFmt, type GoValue } from '../builtins/gofmt.ts';
import { quote } from '../builtins/strconv.ts';
import { fitsInt64, integerArgument } from '../builtins/value.ts';

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

const TYPE_RANK = (v: unknown): number =>
  v === null || v === undefined ? 0 : typeof v === 'boolean' ? 1 : typeof v === 'number' || typeof v === 'bigint' ? 2 : typeof v === 'string' ? 3 : Array.isArray(v) ? 4 : v instanceof Set ? 6 : 5;

/** OPA's ordering of values (ast.Compare), for printing set elements in its order. */
export function regoCompare(a: unknown, b: unknown): number {
  const ra = TYPE_RANK(a);
  const rb = TYPE_RANK(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 1:
      return Number(a) - Number(b);
    case 2:
      return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
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
      const ka = Object.keys(a as object).sort(utf8Compare);
      const kb = Object.keys(b as object).sort(utf8Compare);
      for (let i = 0; i < Math.min(ka.length, kb.length); i++) {
        const c = utf8Compare(ka[i]!, kb[i]!) || regoCompare((a as Record<string, unknown>)[ka[i]!], (b as Record<string, unknown>)[kb[i]!]);
        if (c !== 0) return c;
      }
      return ka.length - kb.length;
    }
    default:
      return 0;
  }
}

/** A Rego value as OPA's ast.Value.String() prints it. */
export function regoString(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return quote(v);
  if (typeof v === 'number' || typeof v === 'bigint') return numberText(v);
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(regoString).join(', ')}]`;
  if (v instanceof Set) return v.size === 0 ? 'set()' : `{${[...v].sort(regoCompare).map(regoString).join(', ')}}`;
  const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => utf8Compare(a, b));
  return `{${entries.map(([k, x]) => `${quote(k)}: ${regoString(x)}`).join(', ')}}`;
}

/** The Go value OPA's sprintf passes for one Rego argument. */
function toGo(v: unknown): GoValue {
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

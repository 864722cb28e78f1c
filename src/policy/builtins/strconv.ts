// The parts of Go's strconv that fmt and OPA print with (go1.26.8 src/strconv/quote.go,
// src/internal/strconv/ftoa.go): Quote/QuoteToASCII/QuoteRune, CanBackquote and AppendFloat.
// Floats print from their exact binary value (rounded half to even), shortest forms from the
// shortest round-trip digits, as Go's do. IsPrint follows Node's Unicode tables, which may be a
// version ahead of Go's for newly assigned characters. Pure.

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Go's strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export const isPrint = (r: number): boolean => PRINTABLE.test(String.fromCodePoint(r));

const NAMED_ESCAPES: Partial<Record<number, string>> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };
const validRune = (r: number): boolean => r >= 0 && r <= 0x10ffff && (r < 0xd800 || r > 0xdfff);
const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

function escapeRune(r: number, quote: string, asciiOnly: boolean): string {
  const ch = String.fromCodePoint(r);
  if (ch === quote || ch === '\\') return `\\${ch}`;
  if (asciiOnly ? r < 0x80 && isPrint(r) : isPrint(r)) return ch;
  const named = NAMED_ESCAPES[r];
  if (named !== undefined) return named;
  if (r < 0x20 || r === 0x7f) return `\\x${hex(r, 2)}`;
  if (!validRune(r)) r = 0xfffd;
  return r < 0x10000 ? `\\u${hex(r, 4)}` : `\\U${hex(r, 8)}`;
}

/** Go's strconv.Quote (or QuoteToASCII): a double-quoted Go string literal. */
export function quote(s: string, asciiOnly = false): string {
  let out = '"';
  for (const ch of s) out += escapeRune(ch.codePointAt(0)!, '"', asciiOnly);
  return `${out}"`;
}

/** Go's strconv.QuoteRune (or QuoteRuneToASCII); an invalid rune prints as U+FFFD. */
export function quoteRune(r: number, asciiOnly = false): string {
  return `'${escapeRune(validRune(r) ? r : 0xfffd, "'", asciiOnly)}'`;
}

/** Go's strconv.CanBackquote. */
export function canBackquote(s: string): boolean {
  for (const ch of s) {
    const r = ch.codePointAt(0)!;
    if (r === 0xfeff || (r >= 0xd800 && r <= 0xdfff)) return false;
    if ((r < 0x20 && r !== 9) || r === 0x60 || r === 0x7f) return false;
  }
  return true;
}

// ---- floats ----

/** Decimal digits (no leading or trailing zeros) with the decimal point after `dp` of them. */
interface Digits {
  d: string;
  dp: number;
}

function bitsOf(x: number): { neg: boolean; mant: bigint; exp: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const neg = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  // A subnormal has no implicit bit and the smallest exponent.
  return biased === 0 ? { neg, mant: frac, exp: -1074 } : { neg, mant: frac | (1n << 52n), exp: biased - 1075 };
}

function trimDigits(d: string, dp: number): Digits {
  const lead = d.length - d.replace(/^0+/, '').length;
  d = d.slice(lead).replace(/0+$/, '');
  return d === '' ? { d: '', dp: 0 } : { d, dp: dp - lead };
}

/** Every digit of |x|. */
function exactDigits(x: number): Digits {
  const { mant, exp } = bitsOf(x);
  if (mant === 0n) return { d: '', dp: 0 };
  if (exp >= 0) {
    const s = (mant << BigInt(exp)).toString();
    return trimDigits(s, s.length);
  }
  const s = (mant * 5n ** BigInt(-exp)).toString();
  return trimDigits(s, s.length + exp);
}

/** The shortest digits that read back as |x| (ECMAScript and Go both pick the nearest such). */
function shortestDigits(x: number): Digits {
  if (x === 0) return { d: '', dp: 0 };
  const [mantissa, e] = Math.abs(x).toExponential().split('e') as [string, string];
  return trimDigits(mantissa.replace('.', ''), Number(e) + 1);
}

/** Go's decimal.Round: to nd digits, exact halves to even. */
function roundDigits(a: Digits, nd: number): Digits {
  if (nd < 0 || nd >= a.d.length) return a;
  const next = a.d[nd]!;
  const up = next === '5' && nd + 1 === a.d.length ? nd > 0 && Number(a.d[nd - 1]) % 2 === 1 : next >= '5';
  if (!up) return trimDigits(a.d.slice(0, nd), a.dp);
  let i = nd - 1;
  while (i >= 0 && a.d[i] === '9') i--;
  if (i < 0) return { d: '1', dp: a.dp + 1 };
  return trimDigits(a.d.slice(0, i) + String(Number(a.d[i]) + 1), a.dp);
}

function fmtE(neg: boolean, d: Digits, prec: number, e: string): string {
  let out = (neg ? '-' : '') + (d.d[0] ?? '0');
  if (prec > 0) out += `.${d.d.slice(1, prec + 1).padEnd(prec, '0')}`;
  let exp = d.d === '' ? 0 : d.dp - 1;
  const sign = exp < 0 ? '-' : '+';
  exp = Math.abs(exp);
  return `${out}${e}${sign}${String(exp).padStart(2, '0')}`;
}

function fmtF(neg: boolean, d: Digits, prec: number): string {
  let out = neg ? '-' : '';
  out += d.dp > 0 ? d.d.slice(0, d.dp).padEnd(d.dp, '0') : '0';
  if (prec > 0) {
    let frac = '';
    for (let i = 0; i < prec; i++) {
      const j = d.dp + i;
      frac += j >= 0 && j < d.d.length ? d.d[j]! : '0';
    }
    out += `.${frac}`;
  }
  return out;
}

function fmtB(neg: boolean, mant: bigint, exp: number): string {
  return `${neg ? '-' : ''}${mant}p${exp >= 0 ? '+' : ''}${exp}`;
}

/** Go's %x for floats: -0x1.yyyyp±dd, rounded to prec hex digits when prec is 0..14. */
function fmtX(neg: boolean, mantIn: bigint, expIn: number, prec: number, upper: boolean): string {
  let mant = mantIn;
  // Go's exponent here counts from a mantissa read as 1.fraction (bits 52..0).
  let exp = mant === 0n ? 0 : expIn + 52;
  mant <<= 8n;
  const ONE = 1n << 60n;
  while (mant !== 0n && (mant & ONE) === 0n) {
    mant <<= 1n;
    exp--;
  }
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(prec * 4);
    const extra = (mant << shift) & (ONE - 1n);
    mant >>= 60n - shift;
    if ((extra | (mant & 1n)) > 1n << 59n) mant++;
    mant <<= 60n - shift;
    if ((mant & (1n << 61n)) !== 0n) {
      mant >>= 1n;
      exp++;
    }
  }
  const digit = (v: bigint): string => {
    const c = v.toString(16);
    return upper ? c.toUpperCase() : c;
  };
  let out = `${neg ? '-' : ''}0${upper ? 'X' : 'x'}${(mant >> 60n) & 1n}`;
  mant = (mant << 4n) & ((1n << 64n) - 1n);
  if (prec < 0 && mant !== 0n) {
    out += '.';
    while (mant !== 0n) {
      out += digit((mant >> 60n) & 15n);
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  } else if (prec > 0) {
    out += '.';
    for (let i = 0; i < prec; i++) {
      out += digit((mant >> 60n) & 15n);
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  }
  const sign = exp < 0 ? '-' : '+';
  return `${out}${upper ? 'P' : 'p'}${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** Go's strconv.FormatFloat(x, fmt, prec, 64) for fmt in b e E f g G x X; prec < 0 is shortest. */
export function formatFloat(x: number, fmt: string, prec: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const { neg, mant, exp } = bitsOf(x);
  if (fmt === 'b') return fmtB(neg, mant, exp);
  if (fmt === 'x' || fmt === 'X') return fmtX(neg, mant, exp, prec, fmt === 'X');
  const shortest = prec < 0;
  let digs: Digits;
  if (shortest) {
    digs = shortestDigits(x);
    if (mant !== 0n) {
      if (fmt === 'e' || fmt === 'E') prec = Math.max(digs.d.length - 1, 0);
      else if (fmt === 'f') prec = Math.max(digs.d.length - digs.dp, 0);
      else prec = digs.d.length;
    }
  } else {
    const exact = exactDigits(x);
    if (fmt === 'e' || fmt === 'E') digs = roundDigits(exact, prec + 1);
    else if (fmt === 'f') digs = roundDigits(exact, exact.dp + prec);
    else {
      // Go raises a zero precision to one, but only on its path for non-zero values.
      if (prec === 0 && mant !== 0n) prec = 1;
      digs = roundDigits(exact, prec);
    }
  }
  if (fmt === 'e' || fmt === 'E') return fmtE(neg, digs, prec, fmt);
  if (fmt === 'f') return fmtF(neg, digs, prec);
  // %g: %e for small and large exponents, else %f; trailing zeros never printed.
  let eprec = prec;
  if (eprec > digs.d.length && digs.d.length >= digs.dp) eprec = digs.d.length;
  if (shortest) eprec = 6;
  const e = digs.dp - 1;
  const efmt = fmt === 'G' ? 'E' : 'e';
  if (e < -4 || e >= eprec) return fmtE(neg, digs, Math.min(prec, digs.d.length) - 1, efmt);
  if (prec > digs.dp) prec = digs.d.length;
  return fmtF(neg, digs, Math.max(prec - digs.dp, 0));
}

// Go's fmt.Sprintf (go1.26.8 src/fmt/print.go doPrintf/printArg, src/fmt/format.go, and
// src/math/big/intconv.go for *big.Int) over the four Go types OPA's sprintf hands it: int,
// *big.Int, float64 and string. Flags, width, precision, `*` and `[n]` argument indexes, and Go's
// error forms (%!d(string=x), %!(EXTRA …), %!v(MISSING), …) included. Pure.
import { canBackquote, formatFloat, isPrint, quote, quoteRune } from './strconv.ts';

export type GoValue =
  { type: 'int'; value: bigint } | { type: 'big.Int'; value: bigint } | { type: 'float64'; value: number } | { type: 'string'; value: string };

interface Flags {
  plus: boolean;
  minus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  plusV: boolean;
  sharpV: boolean;
  wid: number;
  widPresent: boolean;
  prec: number;
  precPresent: boolean;
}

const noFlags = (): Flags => ({
  plus: false,
  minus: false,
  sharp: false,
  space: false,
  zero: false,
  plusV: false,
  sharpV: false,
  wid: 0,
  widPresent: false,
  prec: 0,
  precPresent: false,
});
const runeCount = (s: string): number => [...s].length;

function padding(f: Flags, n: number): string {
  return n <= 0 ? '' : (f.zero && !f.minus ? '0' : ' ').repeat(n);
}

/** Go's fmt.pad: width in runes, spaces (or zeros when asked) on the left, spaces on the right for '-'. */
function pad(f: Flags, s: string): string {
  if (!f.widPresent || f.wid === 0) return s;
  const n = f.wid - runeCount(s);
  return f.minus ? s + padding(f, n) : padding(f, n) + s;
}

/** Pads with spaces whatever the zero flag says (Go clears it around these calls). */
const padSpaces = (f: Flags, s: string): string => pad({ ...f, zero: false }, s);

function fmtInteger(f: Flags, value: bigint, base: number, verb: string, upper: boolean): string {
  const negative = value < 0n;
  const u = negative ? -value : value;
  let prec = 0;
  if (f.precPresent) {
    prec = f.prec;
    if (prec === 0 && u === 0n) return ' '.repeat(f.widPresent ? f.wid : 0);
  } else if (f.zero && !f.minus && f.widPresent) {
    prec = f.wid;
    if (negative || f.plus || f.space) prec--;
  }
  let digits = u.toString(base);
  if (upper) digits = digits.toUpperCase();
  digits = digits.padStart(prec, '0');
  if (f.sharp) {
    if (base === 2) digits = `0b${digits}`;
    else if (base === 8 && digits[0] !== '0') digits = `0${digits}`;
    else if (base === 16) digits = `0${upper ? 'X' : 'x'}${digits}`;
  }
  if (verb === 'O') digits = `0o${digits}`;
  if (negative) digits = `-${digits}`;
  else if (f.plus) digits = `+${digits}`;
  else if (f.space) digits = ` ${digits}`;
  return padSpaces(f, digits);
}

/** Go's fmtUnicode: U+0041, with %#U the quoted character too. */
function fmtUnicode(f: Flags, value: bigint): string {
  const u = BigInt.asUintN(64, value);
  let prec = 4;
  if (f.precPresent && f.prec > 4) prec = f.prec;
  let out = `U+${u.toString(16).toUpperCase().padStart(prec, '0')}`;
  if (f.sharp && u <= 0x10ffffn && isPrint(Number(u)) && !(u >= 0xd800n && u <= 0xdfffn)) out += ` '${String.fromCodePoint(Number(u))}'`;
  return padSpaces(f, out);
}

/** The rune Go makes of an integer: invalid code points become U+FFFD. */
function toRune(value: bigint): number {
  const u = BigInt.asUintN(64, value);
  const r = u > 0x10ffffn ? 0xfffd : Number(u);
  return r >= 0xd800 && r <= 0xdfff ? 0xfffd : r;
}

function fmtFloat(f: Flags, v: number, verb: string, precIn: number): string {
  const prec = f.precPresent ? f.prec : precIn;
  let num = formatFloat(v, verb, prec);
  num = num[0] === '-' || num[0] === '+' ? num : `+${num}`;
  if (f.space && num[0] === '+' && !f.plus) num = ` ${num.slice(1)}`;
  if (num[1] === 'I' || num[1] === 'N') {
    if (num[1] === 'N' && !f.space && !f.plus) num = num.slice(1);
    return padSpaces(f, num);
  }
  if (f.sharp && verb !== 'b') {
    let digits = 0;
    if (verb === 'v' || verb === 'g' || verb === 'G' || verb === 'x') digits = prec === -1 ? 6 : prec;
    let tail = '';
    let hasPoint = false;
    let sawNonzero = false;
    let body = num;
    for (let i = 1; i < body.length; i++) {
      const c = body[i]!;
      if (c === '.') hasPoint = true;
      else if (c === 'p' || c === 'P' || ((c === 'e' || c === 'E') && verb !== 'x' && verb !== 'X')) {
        tail = body.slice(i);
        body = body.slice(0, i);
        break;
      } else {
        if (c !== '0') sawNonzero = true;
        if (sawNonzero) digits--;
      }
    }
    if (!hasPoint) {
      if (body.length === 2 && body[1] === '0') digits--;
      body += '.';
    }
    if (digits > 0) body += '0'.repeat(digits);
    num = body + tail;
  }
  if (f.plus || num[0] !== '+') {
    if (f.zero && !f.minus && f.widPresent && f.wid > num.length) return num[0]! + '0'.repeat(f.wid - num.length) + num.slice(1);
    return pad(f, num);
  }
  return pad(f, num.slice(1));
}

function fmtString(f: Flags, s: string, verb: string): string | undefined {
  const truncate = (x: string): string => (f.precPresent ? [...x].slice(0, f.prec).join('') : x);
  switch (verb) {
    case 'v':
    case 's':
      if (verb === 'v' && f.sharpV) return fmtQ(f, s);
      return pad(f, truncate(s));
    case 'x':
    case 'X':
      return fmtSx(f, s, verb === 'X');
    case 'q':
      return fmtQ(f, s);
    default:
      return undefined;
  }

  function fmtQ(fl: Flags, x: string): string {
    x = truncate(x);
    if (fl.sharp && canBackquote(x)) return pad(fl, `\`${x}\``);
    return pad(fl, quote(x, fl.plus));
  }
}

function fmtSx(f: Flags, s: string, upper: boolean): string {
  let bytes = Buffer.from(s, 'utf8');
  if (f.precPresent && f.prec < bytes.length) bytes = bytes.subarray(0, f.prec);
  if (bytes.length === 0) return f.widPresent ? padding(f, f.wid) : '';
  let width = 2 * bytes.length;
  if (f.space) {
    if (f.sharp) width *= 2;
    width += bytes.length - 1;
  } else if (f.sharp) width += 2;
  const prefix = upper ? '0X' : '0x';
  let body = f.sharp ? prefix : '';
  bytes.forEach((b, i) => {
    if (f.space && i > 0) body += f.sharp ? ` ${prefix}` : ' ';
    const h = b.toString(16).padStart(2, '0');
    body += upper ? h.toUpperCase() : h;
  });
  const fill = f.widPresent && f.wid > width ? padding(f, f.wid - width) : '';
  return f.minus ? body + fill : fill + body;
}

/** The base of each integer verb (Go's fmt; `s` only for *big.Int). */
const INTEGER_BASE = new Map<string, 2 | 8 | 10 | 16>([
  ['v', 10],
  ['d', 10],
  ['b', 2],
  ['o', 8],
  ['O', 8],
  ['x', 16],
  ['X', 16],
]);

/** *big.Int's Format method. */
function fmtBigInt(f: Flags, x: bigint, verb: string): string {
  const base = verb === 's' ? 10 : INTEGER_BASE.get(verb);
  if (base === undefined) return `%!${verb}(big.Int=${x})`;
  const plus = f.plus || f.plusV;
  const sign = x < 0n ? '-' : plus ? '+' : f.space ? ' ' : '';
  let prefix = '';
  if (f.sharp || f.sharpV) prefix = verb === 'b' ? '0b' : verb === 'o' ? '0' : verb === 'x' ? '0x' : verb === 'X' ? '0X' : '';
  if (verb === 'O') prefix = '0o';
  let digits = (x < 0n ? -x : x).toString(base);
  if (verb === 'X') digits = digits.toUpperCase();
  let zeros = 0;
  if (f.precPresent) {
    if (digits.length < f.prec) zeros = f.prec - digits.length;
    else if (digits === '0' && f.prec === 0) return '';
  }
  let left = 0;
  let right = 0;
  const length = sign.length + prefix.length + zeros + digits.length;
  if (f.widPresent && length < f.wid) {
    const d = f.wid - length;
    if (f.minus) right = d;
    else if (f.zero && !f.precPresent) zeros = d;
    else left = d;
  }
  return ' '.repeat(left) + sign + prefix + '0'.repeat(zeros) + digits + ' '.repeat(right);
}

const typeName = (a: GoValue): string => (a.type === 'big.Int' ? '*big.Int' : a.type);

/** Go's printArg for one value and verb. */
function printArg(f: Flags, a: GoValue, verb: string): string {
  if (verb === 'T') return pad(f, [...typeName(a)].slice(0, f.precPresent ? f.prec : undefined).join(''));
  if (a.type === 'big.Int') return fmtBigInt(f, a.value, verb === 'p' ? 'p' : verb);
  let out: string | undefined;
  if (a.type === 'int') {
    const v = a.value;
    const base = INTEGER_BASE.get(verb);
    if (base !== undefined) out = fmtInteger(f, v, base, verb, verb === 'X');
    else
      switch (verb) {
        case 'c':
          out = pad(f, String.fromCodePoint(toRune(v)));
          break;
        case 'q':
          out = pad(f, quoteRune(toRune(v), f.plus));
          break;
        case 'U':
          out = fmtUnicode(f, v);
          break;
      }
  } else if (a.type === 'float64') {
    switch (verb) {
      case 'v':
        out = fmtFloat(f, a.value, 'g', -1);
        break;
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        out = fmtFloat(f, a.value, verb, -1);
        break;
      case 'f':
      case 'e':
      case 'E':
        out = fmtFloat(f, a.value, verb, 6);
        break;
      case 'F':
        out = fmtFloat(f, a.value, 'f', 6);
        break;
    }
  } else {
    out = fmtString(f, a.value, verb);
  }
  // A verb the type has no meaning for: %!verb(type=value), the value printed with %v.
  return out ?? `%!${verb}(${typeName(a)}=${printArg(f, a, 'v')})`;
}

function parsenum(s: string, start: number, end: number): { num: number; ok: boolean; next: number } {
  let num = 0;
  let ok = false;
  let i = start;
  for (; i < end && s[i]! >= '0' && s[i]! <= '9'; i++) {
    if (num > 1e6 || num < -1e6) return { num: 0, ok: false, next: end };
    num = num * 10 + s.charCodeAt(i) - 0x30;
    ok = true;
  }
  return { num, ok, next: i };
}

/** Go's fmt.Sprintf. */
export function goSprintf(format: string, args: GoValue[]): string {
  const end = format.length;
  let out = '';
  let argNum = 0;
  let reordered = false as boolean; // set inside argNumber(), which narrowing does not follow
  let i = 0;
  while (i < end) {
    let goodArgNum = true;
    const lasti = i;
    while (i < end && format[i] !== '%') i++;
    out += format.slice(lasti, i);
    if (i >= end) break;
    i++;
    const f = noFlags();
    for (; i < end; i++) {
      const c = format[i];
      if (c === '#') f.sharp = true;
      else if (c === '0') f.zero = true;
      else if (c === '+') f.plus = true;
      else if (c === '-') f.minus = true;
      else if (c === ' ') f.space = true;
      else break;
    }
    // An explicit argument index, [n], one-based.
    let afterIndex = false as boolean; // as `reordered`
    const argNumber = (): void => {
      if (i >= end || format[i] !== '[') {
        afterIndex = false;
        return;
      }
      reordered = true;
      const close = format.indexOf(']', i + 1);
      let ok = false;
      let index = 0;
      let wid = 1;
      if (end - i >= 3 && close !== -1) {
        const p = parsenum(format, i + 1, close);
        wid = close - i + 1;
        if (p.ok && p.next === close) {
          ok = true;
          index = p.num - 1;
        }
      }
      if (ok && index >= 0 && index < args.length) {
        argNum = index;
        i += wid;
        afterIndex = true;
        return;
      }
      goodArgNum = false;
      i += wid;
      afterIndex = ok;
    };
    const intFromArg = (): { num: number; ok: boolean } => {
      if (argNum >= args.length) return { num: 0, ok: false };
      const a = args[argNum++]!;
      if (a.type !== 'int' || a.value > 1_000_000n || a.value < -1_000_000n) return { num: 0, ok: false };
      return { num: Number(a.value), ok: true };
    };
    argNumber();
    if (i < end && format[i] === '*') {
      i++;
      const w = intFromArg();
      f.wid = w.num;
      f.widPresent = w.ok;
      if (!w.ok) out += '%!(BADWIDTH)';
      if (f.wid < 0) {
        f.wid = -f.wid;
        f.minus = true;
        f.zero = false;
      }
      afterIndex = false;
    } else {
      const p = parsenum(format, i, end);
      f.wid = p.num;
      f.widPresent = p.ok;
      i = p.next;
      if (afterIndex && f.widPresent) goodArgNum = false;
    }
    if (i + 1 < end && format[i] === '.') {
      i++;
      if (afterIndex) goodArgNum = false;
      argNumber();
      if (i < end && format[i] === '*') {
        i++;
        const p = intFromArg();
        f.prec = p.num;
        f.precPresent = p.ok;
        if (f.prec < 0) {
          f.prec = 0;
          f.precPresent = false;
        }
        if (!f.precPresent) out += '%!(BADPREC)';
        afterIndex = false;
      } else {
        const p = parsenum(format, i, end);
        f.prec = p.num;
        f.precPresent = p.ok;
        i = p.next;
        if (!f.precPresent) {
          f.prec = 0;
          f.precPresent = true;
        }
      }
    }
    if (!afterIndex) argNumber();
    if (i >= end) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i)!);
    i += verb.length;
    if (verb === '%') out += '%';
    else if (!goodArgNum) out += `%!${verb}(BADINDEX)`;
    else if (argNum >= args.length) out += `%!${verb}(MISSING)`;
    else {
      if (verb === 'v' || verb === 'w') {
        f.sharpV = f.sharp;
        f.sharp = false;
        f.plusV = f.plus;
        f.plus = false;
      }
      out += printArg(f, args[argNum]!, verb);
      argNum++;
    }
  }
  if (!reordered && argNum < args.length) {
    out += `%!(EXTRA ${args
      .slice(argNum)
      .map((a) => `${typeName(a)}=${printArg(noFlags(), a, 'v')}`)
      .join(', ')})`;
  }
  return out;
}

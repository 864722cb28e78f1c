// A parse tree as a pattern for V8's linear-time engine (the `l` flag, no `u`): every set spelled out
// as UTF-16 code units, repetitions within V8's replication limit, and a refusal for whatever V8
// would not run exactly as Go does.
import { Re2UnsupportedError } from './errors.ts';
import { contains, normalize, type Ranges } from './charset.ts';
import { hasCapture, nullable, subsOf, type Assertion, type Node } from './syntax.ts';

/** V8's linear engine refuses a pattern whose nested counted repetitions multiply past this. */
export const V8_REPLICATION = 16;
/** Patterns longer than this (in JavaScript source) are refused rather than handed to V8. */
const MAX_SOURCE = 1 << 18;
/**
 * In multi-line mode `\r`, U+2028 and U+2029 would be line terminators for V8 (only `\n` is for Go):
 * the subject carries them as lone low surrogates instead, which a well-formed string never has.
 */
export const LINE_STAND_INS: [number, number][] = [
  [0x0d, 0xdc00],
  [0x2028, 0xdc01],
  [0x2029, 0xdc02],
];

interface Emitted {
  src: string;
  /** Can take a quantifier as is. */
  atom: boolean;
  /** Has a top-level `|`. */
  alt: boolean;
  /** V8's replication factor of `src`. */
  repl: number;
}

const unit = (u: number): string => (/[A-Za-z0-9_]/.test(String.fromCharCode(u)) ? String.fromCharCode(u) : `\\u${u.toString(16).padStart(4, '0')}`);

function without(r: Ranges, cp: number): Ranges {
  const out: Ranges = [];
  for (let i = 0; i < r.length; i += 2) {
    const lo = r[i]!;
    const hi = r[i + 1]!;
    if (cp < lo || cp > hi) out.push(lo, hi);
    else {
      if (lo < cp) out.push(lo, cp - 1);
      if (cp < hi) out.push(cp + 1, hi);
    }
  }
  return out;
}

/** `[…]` of UTF-16 units, or the one unit alone. */
function unitClass(units: Ranges): string {
  if (units.length === 2 && units[0] === units[1]) return unit(units[0]!);
  let body = '';
  for (let i = 0; i < units.length; i += 2) body += units[i] === units[i + 1] ? unit(units[i]!) : `${unit(units[i]!)}-${unit(units[i + 1]!)}`;
  return `[${body}]`;
}

/** A set of code points as UTF-16: a class of BMP units, then surrogate pairs by leading unit. */
function emitSet(r: Ranges, multiline: boolean): Emitted {
  let bmp: number[] = [];
  const lowsByHigh = new Map<number, number[]>();
  const wholeHighs: number[] = [];
  for (let i = 0; i < r.length; i += 2) {
    const lo = r[i]!;
    const hi = r[i + 1]!;
    if (lo <= Math.min(hi, 0xd7ff)) bmp.push(lo, Math.min(hi, 0xd7ff));
    if (Math.max(lo, 0xe000) <= Math.min(hi, 0xffff)) bmp.push(Math.max(lo, 0xe000), Math.min(hi, 0xffff));
    for (let cp = Math.max(lo, 0x10000); cp <= hi;) {
      const high = 0xd800 + ((cp - 0x10000) >> 10);
      const end = Math.min(hi, 0x10000 + ((high - 0xd800 + 1) << 10) - 1);
      const lowLo = 0xdc00 + ((cp - 0x10000) & 0x3ff);
      const lowHi = 0xdc00 + ((end - 0x10000) & 0x3ff);
      if (lowLo === 0xdc00 && lowHi === 0xdfff) wholeHighs.push(high, high);
      else lowsByHigh.set(high, [...(lowsByHigh.get(high) ?? []), lowLo, lowHi]);
      cp = end + 1;
    }
  }
  if (multiline) {
    for (const [cp, standIn] of LINE_STAND_INS) {
      if (!contains(r, cp)) continue;
      bmp = [...without(normalize(bmp), cp), standIn, standIn];
    }
  }
  const pieces: string[] = [];
  const units = normalize(bmp);
  if (units.length > 0) pieces.push(unitClass(units));
  if (wholeHighs.length > 0) pieces.push(`${unitClass(normalize(wholeHighs))}[\\udc00-\\udfff]`);
  for (const [high, lows] of lowsByHigh) pieces.push(`${unit(high)}${unitClass(normalize(lows))}`);
  if (pieces.length === 0) return { src: '[]', atom: true, alt: false, repl: 1 };
  if (pieces.length === 1) return { src: pieces[0]!, atom: units.length > 0, alt: false, repl: 1 };
  return { src: `(?:${pieces.join('|')})`, atom: true, alt: false, repl: 1 };
}

function hasAssertion(n: Node, kinds: Assertion[]): boolean {
  return (n.k === 'assert' && kinds.includes(n.a)) || subsOf(n).some((s) => hasAssertion(s, kinds));
}

const maxRepl = (parts: Emitted[]): number => parts.reduce((m, p) => Math.max(m, p.repl), 1);

export class Emitter {
  /** Multi-line anchors need V8's `m` flag, and the subject's other line terminators stood in for. */
  readonly multiline: boolean;
  private readonly pattern: string;

  constructor(pattern: string, tree: Node) {
    this.pattern = pattern;
    this.multiline = hasAssertion(tree, ['bol', 'eol']);
    if (this.multiline && hasAssertion(tree, ['bot', 'eot']))
      this.unsupported('multi-line anchors (?m)^ and (?m)$ mixed with whole-text anchors in one expression');
  }

  unsupported(why: string): never {
    throw new Re2UnsupportedError(this.pattern, why);
  }

  emit(n: Node, budget: number, stripCaptures: boolean): Emitted {
    switch (n.k) {
      case 'set':
        return emitSet(n.r, this.multiline);
      case 'empty':
        return { src: '(?:)', atom: true, alt: false, repl: 1 };
      case 'assert':
        return {
          src: n.a === 'bol' || n.a === 'bot' ? '^' : n.a === 'eol' || n.a === 'eot' ? '$' : n.a === 'wb' ? '\\b' : '\\B',
          atom: false,
          alt: false,
          repl: 1,
        };
      case 'cat': {
        const parts = this.each(n.subs, budget, stripCaptures);
        return { src: parts.map((p) => (p.alt ? `(?:${p.src})` : p.src)).join(''), atom: false, alt: false, repl: maxRepl(parts) };
      }
      case 'alt': {
        const parts = this.each(n.subs, budget, stripCaptures);
        return { src: parts.map((p) => p.src).join('|'), atom: false, alt: true, repl: maxRepl(parts) };
      }
      case 'cap': {
        const inner = this.emit(n.sub, budget, stripCaptures);
        if (stripCaptures) return inner;
        return { src: `(${inner.src})`, atom: true, alt: false, repl: inner.repl };
      }
      case 'rep':
        return this.repetition(n, budget, stripCaptures);
    }
  }

  private repetition(n: Extract<Node, { k: 'rep' }>, budget: number, strip: boolean): Emitted {
    const { min, max, greedy, sub } = n;
    const lazy = greedy ? '' : '?';
    const group = (e: Emitted): string => (e.atom ? e.src : `(?:${e.src})`);
    if (max === 0) {
      // Matches the empty string; kept (not dropped) so that capture groups keep their numbers.
      const x = this.emit(sub, budget, strip);
      return { src: `${group(x)}{0}`, atom: false, alt: false, repl: x.repl };
    }
    if (min === 1 && max === 1) return this.emit(sub, budget, strip);
    if (min === 0 && max === 1) return this.optional(this.emit(sub, budget, strip), greedy);
    const empty = nullable(sub);
    if (max < 0) {
      if (empty) this.unsupported('a repetition of an expression that can match the empty string (Go and JavaScript iterate it differently)');
      if (min <= 1) {
        const x = this.emit(sub, budget, strip);
        return { src: `${group(x)}${min === 0 ? '*' : '+'}${lazy}`, atom: false, alt: false, repl: x.repl };
      }
      if (min <= budget) {
        const x = this.emit(sub, Math.floor(budget / min), strip);
        return { src: `${group(x)}{${min},}${lazy}`, atom: false, alt: false, repl: min * x.repl };
      }
      // x{n,} = x…x x+ (Go's simplification): the earlier copies without their groups, which the loop sets again.
      const copy = this.emit(sub, budget, true);
      const last = this.emit(sub, budget, strip);
      return this.copies(copy, min - 1, `${group(last)}+${lazy}`, Math.max(copy.repl, last.repl));
    }
    const exact = min === max;
    if ((exact || !empty) && max <= budget) {
      const x = this.emit(sub, Math.floor(budget / max), strip);
      return { src: `${group(x)}{${exact ? min : `${min},${max}`}}${lazy}`, atom: false, alt: false, repl: max * x.repl };
    }
    // x{n,m} = x…x (x(x)?)? (Go's simplification), spelled out as copies and alternations.
    if (!exact && hasCapture(sub) && !strip) this.unsupported('a capture group in a counted repetition too large for V8 (at most 16 copies)');
    const copy = this.emit(sub, budget, true);
    if (exact) {
      const last = this.emit(sub, budget, strip);
      return this.copies(copy, min - 1, group(last), Math.max(copy.repl, last.repl));
    }
    let tail = '';
    for (let k = 0; k < max - min; k++) {
      this.checkSize(tail.length + copy.src.length + 8);
      tail = greedy ? `(?:${copy.alt ? `(?:${copy.src})` : copy.src}${tail}|)` : `(?:|${copy.alt ? `(?:${copy.src})` : copy.src}${tail})`;
    }
    return this.copies(copy, min, tail, copy.repl);
  }

  /** Each of a sequence, refused as soon as their total is too large (not after building it). */
  private each(subs: Node[], budget: number, strip: boolean): Emitted[] {
    let total = 0;
    return subs.map((s) => {
      const e = this.emit(s, budget, strip);
      total += e.src.length;
      this.checkSize(total);
      return e;
    });
  }

  private optional(x: Emitted, greedy: boolean): Emitted {
    // An alternation, not `?`: JavaScript refuses an empty iteration of `?` where Go takes it.
    return { src: greedy ? `(?:${x.src}|)` : `(?:|${x.src})`, atom: true, alt: false, repl: x.repl };
  }

  private copies(x: Emitted, n: number, suffix: string, repl: number): Emitted {
    const one = x.alt ? `(?:${x.src})` : x.src;
    this.checkSize(one.length * n + suffix.length);
    return { src: one.repeat(n) + suffix, atom: false, alt: false, repl };
  }

  checkSize(length: number): void {
    if (length > MAX_SOURCE) this.unsupported('the expression is too large');
  }
}

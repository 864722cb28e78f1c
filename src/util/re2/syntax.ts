// Go's regexp/syntax grammar (Perl flags, as regexp.Compile uses them), re-stated over code points:
// a parse tree with Go's acceptance rules and error wording, and the tree facts the emitter needs.
import { Re2SyntaxError, Re2UnsupportedError } from './errors.ts';
import { ANY, ANY_BUT_NL, MAX_RUNE, PERL, POSIX, complement, fold, jsPropertyFor, normalize, propertyRanges, type Ranges } from './charset.ts';

export type Assertion = 'bol' | 'eol' | 'bot' | 'eot' | 'wb' | 'nwb';
export type Node =
  | { k: 'set'; r: Ranges }
  | { k: 'empty' }
  | { k: 'assert'; a: Assertion }
  | { k: 'cat'; subs: Node[] }
  | { k: 'alt'; subs: Node[] }
  | { k: 'cap'; index: number; sub: Node }
  | { k: 'rep'; min: number; max: number; greedy: boolean; counted: boolean; sub: Node };

const FOLD = 1;
const MULTILINE = 2;
const DOT_NL = 4;
const UNGREEDY = 8;
const MAX_REPEAT = 1000;
const MAX_HEIGHT = 1000;

const isAlnum = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const hexValue = (c: number): number => (c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1);
const ch = (s: string): number => s.charCodeAt(0);

/** Go's regexp/syntax parser with Perl flags (what regexp.Compile uses), re-stated over code points. */
export class Parser {
  private readonly cps: number[];
  private i = 0;
  private flags = 0;
  readonly names: (string | undefined)[] = [undefined];
  private readonly pattern: string;

  constructor(pattern: string) {
    this.pattern = pattern;
    this.cps = Array.from(pattern, (c) => c.codePointAt(0)!);
  }

  parse(): Node {
    const node = this.body();
    if (this.i < this.cps.length) this.fail('unexpected )', this.pattern);
    if (height(node) > MAX_HEIGHT) this.fail('expression nests too deeply', this.pattern);
    return node;
  }

  private fail(what: string, expr: string): never {
    throw new Re2SyntaxError(this.pattern, what, expr);
  }

  private text(from: number, to = this.i): string {
    return String.fromCodePoint(...this.cps.slice(from, to));
  }

  private peek(offset = 0): number | undefined {
    return this.cps[this.i + offset];
  }

  private colonBracket = -2;

  /** Where the next `:]` at or after `from` starts (-1: none); searches move forward only, so the total is linear. */
  private colonBracketFrom(from: number): number {
    if (this.colonBracket === -1 || this.colonBracket >= from) return this.colonBracket;
    let k = from;
    while (k + 1 < this.cps.length && !(this.cps[k] === ch(':') && this.cps[k + 1] === ch(']'))) k++;
    this.colonBracket = k + 1 < this.cps.length ? k : -1;
    return this.colonBracket;
  }

  /** Alternatives up to `)` or the end; flag changes last to the end of the enclosing group. */
  private body(): Node {
    const alternatives: Node[] = [];
    let seq: Node[] = [];
    let lastRepeat = -1;
    while (this.i < this.cps.length && this.peek() !== ch(')')) {
      const start = this.i;
      const c = this.peek()!;
      let repeated = false;
      if (c === ch('|')) {
        alternatives.push(concat(seq));
        seq = [];
        this.i++;
      } else if (c === ch('*') || c === ch('+') || c === ch('?')) {
        this.i++;
        this.repeat(seq, c === ch('+') ? 1 : 0, c === ch('?') ? 1 : -1, false, start, lastRepeat);
        repeated = true;
      } else if (c === ch('{')) {
        const counts = this.counts();
        if (counts) {
          this.repeat(seq, counts.min, counts.max, true, start, lastRepeat);
          repeated = true;
        } else {
          this.i++;
          seq.push(this.literal(c));
        }
      } else if (c === ch('(')) {
        const group = this.group();
        if (group) seq.push(group);
      } else if (c === ch('[')) {
        seq.push({ k: 'set', r: this.charClass() });
      } else if (c === ch('\\')) {
        seq.push(...this.escape());
      } else {
        this.i++;
        if (c === ch('.')) seq.push({ k: 'set', r: this.flags & DOT_NL ? ANY : ANY_BUT_NL });
        else if (c === ch('^')) seq.push({ k: 'assert', a: this.flags & MULTILINE ? 'bol' : 'bot' });
        else if (c === ch('$')) seq.push({ k: 'assert', a: this.flags & MULTILINE ? 'eol' : 'eot' });
        else seq.push(this.literal(c));
      }
      lastRepeat = repeated ? start : -1;
    }
    alternatives.push(concat(seq));
    return alternatives.length === 1 ? alternatives[0]! : { k: 'alt', subs: alternatives };
  }

  private literal(c: number): Node {
    return { k: 'set', r: this.flags & FOLD ? fold([c, c]) : [c, c] };
  }

  /** `{n}`, `{n,}`, `{n,m}` at the cursor, consumed; undefined (nothing consumed) when not that form. */
  private counts(): { min: number; max: number } | undefined {
    const start = this.i;
    let j = start + 1;
    /** Go's parseInt: digits without a leading zero; -1 when too big. */
    const int = (): number | undefined => {
      const first = j;
      if (!(this.cps[j]! >= 0x30 && this.cps[j]! <= 0x39)) return undefined;
      if (this.cps[j] === 0x30 && this.cps[j + 1]! >= 0x30 && this.cps[j + 1]! <= 0x39) return undefined;
      while (this.cps[j]! >= 0x30 && this.cps[j]! <= 0x39) j++;
      return j - first > 8 ? -1 : Number(this.text(first, j));
    };
    let min = int();
    if (min === undefined) return undefined;
    let max = min;
    if (this.cps[j] === ch(',')) {
      j++;
      if (this.cps[j] === ch('}')) max = -1;
      else {
        const m = int();
        if (m === undefined) return undefined;
        max = m;
        if (m < 0) min = -1;
      }
    }
    if (this.cps[j] !== ch('}')) return undefined;
    this.i = j + 1;
    if (min < 0 || min > MAX_REPEAT || max > MAX_REPEAT || (max >= 0 && min > max)) this.fail('invalid repeat count', this.text(start));
    return { min, max };
  }

  private repeat(seq: Node[], min: number, max: number, counted: boolean, start: number, lastRepeat: number): void {
    let greedy = (this.flags & UNGREEDY) === 0;
    if (this.peek() === ch('?')) {
      this.i++;
      greedy = !greedy;
    }
    if (lastRepeat >= 0) this.fail('invalid nested repetition operator', this.text(lastRepeat));
    const sub = seq.pop();
    if (!sub) this.fail('missing argument to repetition operator', this.text(start));
    const node: Node = { k: 'rep', min, max, greedy, counted, sub };
    if (counted && (min >= 2 || max >= 2) && !repeatIsValid(node, MAX_REPEAT)) this.fail('invalid repeat count', this.text(start));
    seq.push(node);
  }

  /** `(`…`)`, `(?flags)`, `(?flags:…)`, `(?P<name>…)`, `(?<name>…)`; undefined for a bare flag change. */
  private depth = 0;

  private group(): Node | undefined {
    const open = this.i;
    // Go bounds the tree's height (checked after parsing); this bounds the parser's own recursion.
    if (++this.depth > MAX_HEIGHT) throw new Re2UnsupportedError(this.pattern, 'groups nested more than 1000 deep');
    try {
      return this.groupBody(open);
    } finally {
      this.depth--;
    }
  }

  private groupBody(open: number): Node | undefined {
    this.i++;
    let capture: { index: number } | undefined;
    const outer = this.flags;
    if (this.peek() === ch('?')) {
      const named = this.peek(1) === ch('P') && this.peek(2) === ch('<') ? 3 : this.peek(1) === ch('<') ? 2 : 0;
      if (named > 0) {
        const close = this.cps.indexOf(ch('>'), this.i);
        if (close < 0) this.fail('invalid named capture', this.text(open, this.cps.length));
        const name = this.text(this.i + named, close);
        if (!/^[A-Za-z0-9_]+$/.test(name)) this.fail('invalid named capture', this.text(open, close + 1));
        this.i = close + 1;
        this.names.push(name);
        capture = { index: this.names.length - 1 };
      } else if (this.flagGroup(open)) {
        return undefined;
      }
    } else {
      this.names.push(undefined);
      capture = { index: this.names.length - 1 };
    }
    const sub = this.body();
    if (this.peek() !== ch(')')) this.fail('missing closing )', this.pattern);
    this.i++;
    this.flags = outer;
    return capture ? { k: 'cap', index: capture.index, sub } : sub;
  }

  /** After `(?`: flags, then `)` (returns true: only the flags change) or `:` (a group follows). */
  private flagGroup(open: number): boolean {
    this.i++;
    let flags = this.flags;
    let negate = false;
    let sawFlag = false;
    for (;;) {
      const c = this.peek();
      this.i++;
      const bit = c === ch('i') ? FOLD : c === ch('m') ? MULTILINE : c === ch('s') ? DOT_NL : c === ch('U') ? UNGREEDY : 0;
      if (bit) {
        flags = negate ? flags & ~bit : flags | bit;
        sawFlag = true;
      } else if (c === ch('-') && !negate) {
        negate = true;
        sawFlag = false;
      } else if ((c === ch(':') || c === ch(')')) && (!negate || sawFlag)) {
        this.flags = flags;
        return c === ch(')');
      } else {
        this.fail('invalid or unsupported Perl syntax', this.text(open, Math.min(this.i, this.cps.length)));
      }
    }
  }

  /** A backslash outside a class: assertions, `\Q…\E`, classes, then single-character escapes. */
  private escape(): Node[] {
    const start = this.i;
    const c = this.peek(1);
    const simple: Record<number, Node> = {
      [ch('A')]: { k: 'assert', a: 'bot' },
      [ch('z')]: { k: 'assert', a: 'eot' },
      [ch('b')]: { k: 'assert', a: 'wb' },
      [ch('B')]: { k: 'assert', a: 'nwb' },
    };
    if (c !== undefined && simple[c]) {
      this.i += 2;
      return [simple[c]];
    }
    if (c === ch('C')) this.fail('invalid escape sequence', '\\C');
    if (c === ch('Q')) {
      let end = this.i + 2;
      while (end < this.cps.length && !(this.cps[end] === ch('\\') && this.cps[end + 1] === ch('E'))) end++;
      const literal = this.cps.slice(this.i + 2, end);
      this.i = Math.min(this.cps.length, end + 2);
      return literal.map((x) => this.literal(x));
    }
    const cls = this.unicodeClass() ?? this.perlClass();
    if (cls) return [{ k: 'set', r: cls }];
    const r = this.escapedChar();
    if (r === undefined) this.fail('invalid escape sequence', this.text(start));
    return [this.literal(r)];
  }

  /** `\d \D \s \S \w \W` at the cursor. */
  private perlClass(): Ranges | undefined {
    if (this.peek() !== ch('\\')) return undefined;
    const c = this.peek(1);
    const name = c === undefined ? '' : String.fromCodePoint(c);
    const base = PERL[name.toLowerCase()];
    if (!base || !/[dswDSW]/.test(name)) return undefined;
    this.i += 2;
    return this.group_(base, name === name.toUpperCase());
  }

  /** A class group, folded under (?i) before any negation (Go's appendGroup). */
  private group_(base: Ranges, negated: boolean): Ranges {
    const r = this.flags & FOLD ? fold(base) : base;
    return negated ? complement(r) : r;
  }

  /** `\pN`, `\p{Name}`, `\PN`, `\p{^Name}` at the cursor. */
  private unicodeClass(): Ranges | undefined {
    if (this.peek() !== ch('\\') || (this.peek(1) !== ch('p') && this.peek(1) !== ch('P'))) return undefined;
    const start = this.i;
    let negated = this.peek(1) === ch('P');
    let name: string;
    if (this.peek(2) === ch('{')) {
      const close = this.cps.indexOf(ch('}'), this.i);
      if (close < 0) this.fail('invalid character class range', this.text(start, this.cps.length));
      name = this.text(this.i + 3, close);
      this.i = close + 1;
    } else {
      name = this.peek(2) === undefined ? '' : String.fromCodePoint(this.peek(2)!);
      this.i = Math.min(this.cps.length, this.i + 3);
    }
    if (name.startsWith('^')) {
      negated = !negated;
      name = name.slice(1);
    }
    const prop = jsPropertyFor(name);
    if (!prop) this.fail('invalid character class range', this.text(start));
    const set = prop === 'Any' ? ANY : prop === 'Assigned' ? complement(propertyRanges('Cn')) : propertyRanges(prop);
    return this.group_(set, negated);
  }

  /** The code point of a single-character escape (`\n`, `\x41`, `\x{263a}`, `\101`, `\.`), consumed. */
  private escapedChar(): number | undefined {
    const c = this.peek(1);
    if (c === undefined) this.fail('trailing backslash at end of expression', '');
    this.i += 2;
    if (c < 0x80 && !isAlnum(c)) return c;
    const isOctal = (x: number | undefined): x is number => x !== undefined && x >= 0x30 && x <= 0x37;
    if (c === ch('0') || (c >= ch('1') && c <= ch('7') && isOctal(this.peek()))) {
      let r = c - 0x30;
      for (let n = 1; n < 3 && isOctal(this.peek()); n++) r = r * 8 + (this.cps[this.i++]! - 0x30);
      return r;
    }
    if (c === ch('x')) return this.hexEscape();
    const named: Record<number, number> = { [ch('a')]: 7, [ch('f')]: 12, [ch('n')]: 10, [ch('r')]: 13, [ch('t')]: 9, [ch('v')]: 11 };
    return named[c];
  }

  private hexEscape(): number | undefined {
    if (this.peek() === ch('{')) {
      this.i++;
      let r = 0;
      let digits = 0;
      for (;;) {
        const c = this.cps[this.i++];
        if (c === undefined) return undefined;
        if (c === ch('}')) return digits > 0 ? r : undefined;
        const v = hexValue(c);
        if (v < 0) return undefined;
        r = r * 16 + v;
        digits++;
        if (r > MAX_RUNE) return undefined;
      }
    }
    const x = hexValue(this.cps[this.i++] ?? -1);
    const y = hexValue(this.cps[this.i++] ?? -1);
    return x < 0 || y < 0 ? undefined : x * 16 + y;
  }

  /** `[…]` at the cursor (Go's parseClass with Perl flags: `-` is literal where it cannot be a range). */
  private charClass(): Ranges {
    const whole = this.i;
    this.i++;
    let negated = false;
    if (this.peek() === ch('^')) {
      negated = true;
      this.i++;
    }
    const pairs: number[] = [];
    let first = true;
    while (this.peek() !== ch(']') || first) {
      if (this.i >= this.cps.length) this.fail('missing closing ]', this.text(whole, this.cps.length));
      first = false;
      if (this.peek() === ch('[') && this.peek(1) === ch(':')) {
        const end = this.colonBracketFrom(this.i + 2);
        if (end >= 0) {
          const name = this.text(this.i + 2, end);
          const base = POSIX[name.replace(/^\^/, '')];
          if (!base) this.fail('invalid character class range', this.text(this.i, end + 2));
          this.i = end + 2;
          pairs.push(...this.group_(base, name.startsWith('^')));
          continue;
        }
      }
      const cls = this.unicodeClass() ?? this.perlClass();
      if (cls) {
        pairs.push(...cls);
        continue;
      }
      const rangeStart = this.i;
      const lo = this.classChar(whole);
      let hi = lo;
      if (this.peek() === ch('-') && this.peek(1) !== undefined && this.peek(1) !== ch(']')) {
        this.i++;
        hi = this.classChar(whole);
        if (hi < lo) this.fail('invalid character class range', this.text(rangeStart));
      }
      pairs.push(...(this.flags & FOLD ? fold([lo, hi]) : [lo, hi]));
    }
    this.i++;
    const set = normalize(pairs);
    return negated ? complement(set) : set;
  }

  private classChar(whole: number): number {
    const c = this.peek();
    if (c === undefined) this.fail('missing closing ]', this.text(whole, this.cps.length));
    if (c !== ch('\\')) {
      this.i++;
      return c;
    }
    const start = this.i;
    const r = this.escapedChar();
    if (r === undefined) this.fail('invalid escape sequence', this.text(start));
    return r;
  }
}

function concat(seq: Node[]): Node {
  return seq.length === 0 ? { k: 'empty' } : seq.length === 1 ? seq[0]! : { k: 'cat', subs: seq };
}

export function subsOf(n: Node): Node[] {
  return n.k === 'cat' || n.k === 'alt' ? n.subs : n.k === 'cap' || n.k === 'rep' ? [n.sub] : [];
}

function height(n: Node): number {
  let h = 0;
  for (const s of subsOf(n)) h = Math.max(h, height(s));
  return h + 1;
}

/** Go's repeatIsValid: nested counted repetitions may not multiply past `limit` copies. */
function repeatIsValid(n: Node, limit: number): boolean {
  let budget = limit;
  if (n.k === 'rep' && n.counted) {
    if (n.max === 0) return true;
    const m = n.max < 0 ? n.min : n.max;
    if (m > budget) return false;
    if (m > 0) budget = Math.floor(budget / m);
  }
  return subsOf(n).every((s) => repeatIsValid(s, budget));
}

export function nullable(n: Node): boolean {
  switch (n.k) {
    case 'set':
      return false;
    case 'empty':
    case 'assert':
      return true;
    case 'cat':
      return n.subs.every(nullable);
    case 'alt':
      return n.subs.some(nullable);
    case 'cap':
      return nullable(n.sub);
    case 'rep':
      return n.min === 0 || nullable(n.sub);
  }
}

export function hasCapture(n: Node): boolean {
  return n.k === 'cap' || subsOf(n).some(hasCapture);
}

/** Groups every match of `n` sets. */
function alwaysSet(n: Node): Set<number> {
  switch (n.k) {
    case 'cat':
      return new Set(n.subs.flatMap((s) => [...alwaysSet(s)]));
    case 'alt': {
      const [first, ...rest] = n.subs.map(alwaysSet);
      return new Set([...first!].filter((g) => rest.every((r) => r.has(g))));
    }
    case 'cap':
      return new Set([n.index, ...alwaysSet(n.sub)]);
    case 'rep':
      return n.min >= 1 ? alwaysSet(n.sub) : new Set();
    default:
      return new Set();
  }
}

/**
 * Groups whose value JavaScript may report differently: inside a repetition that iterates more than
 * once, JavaScript clears a group at each iteration, Go keeps the last value set.
 */
export function unstableGroups(n: Node, out: Set<number>): Set<number> {
  if (n.k === 'rep' && (n.max < 0 || n.max >= 2)) {
    const kept = alwaysSet(n.sub);
    const walk = (m: Node): void => {
      if (m.k === 'cap' && !kept.has(m.index)) out.add(m.index);
      subsOf(m).forEach(walk);
    };
    walk(n.sub);
  }
  for (const s of subsOf(n)) unstableGroups(s, out);
  return out;
}

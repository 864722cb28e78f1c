// Regular expressions of schemas (`pattern`, `patternProperties`, format "regex"): Go's regexp
// (RE2 syntax, leftmost-first, linear time) in gojsonschema. Everything here goes through the one
// small interface below, so that the RE2-semantics module (src/util/re2.ts) plugs in by replacing
// `compilePattern`'s body and nothing else.
//
// Until then, `compilePattern` is a conservative adapter onto JavaScript's RegExp: it translates
// the RE2 constructs whose meaning it knows exactly ('.' never matches "\n", \s and \w are ASCII,
// \A and \z, POSIX classes, (?P<name>…)) and refuses everything else, as well as any repetition
// (more than once) of a group that itself repeats or alternates, the shapes that make backtracking
// exponential, such as `(?:-[a-z]+)*` or `(a|ab)*` — valid RE2, refused until the RE2 module
// replaces this adapter. Refusing means "not a valid regex" to the caller: the schema fails to
// compile rather than being checked with a different meaning. What remains is polynomial
// backtracking (`\d*\d*\d*x`), which only the RE2 module's linear engine removes: plug it in.
// Pure.

/** A compiled pattern: `test` reports whether it matches anywhere in `s` (Go's MatchString). */
export interface CompiledPattern {
  test(s: string): boolean;
}

/** Compiles an RE2 pattern; undefined when it is invalid (or, for now, outside the adapter's subset). */
export function compilePattern(source: string): CompiledPattern | undefined {
  const translated = translateRe2(source);
  if (translated === undefined) return undefined;
  try {
    const re = new RegExp(translated.source, translated.flags);
    return { test: (s) => re.test(s) };
  } catch {
    return undefined;
  }
}

const MAX_REPEAT = 1000; // RE2's limit on {n,m} counts.
const SYNTAX = new Set([...'^$\\.*+?()[]{}|/']);
const PERL_CLASSES: Record<string, string> = { d: '0-9', w: '0-9A-Za-z_', s: '\\t\\n\\f\\r ' };
const POSIX_CLASSES: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7f', blank: '\\t ', cntrl: '\\x00-\\x1f\\x7f', digit: '0-9',
  graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ', upper: 'A-Z',
  word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};
const CATEGORIES = new Set(['L', 'Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'M', 'Mn', 'Mc', 'Me', 'N', 'Nd', 'Nl', 'No', 'P', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf', 'Po', 'S', 'Sm', 'Sc', 'Sk', 'So', 'Z', 'Zs', 'Zl', 'Zp', 'C', 'Cc', 'Cf', 'Co', 'Cs']);

class Refused extends Error {}

/** A literal character outside a class ('u'-mode JavaScript allows escaping syntax characters only). */
const literal = (ch: string): string => (SYNTAX.has(ch) ? `\\${ch}` : ch);
/** A literal character inside a class, where '-' must be escaped too. */
const classLiteral = (ch: string): string => (SYNTAX.has(ch) || ch === '-' ? `\\${ch}` : ch);

interface Frame {
  /** Whether a repetition or an alternation appears inside this group (repeating it may backtrack exponentially). */
  repeats: boolean;
}

class Translator {
  private i = 0;
  private out = '';
  private readonly frames: Frame[] = [{ repeats: false }];
  /** What the last atom was: a group ('group', with whether it repeats inside) or anything else. */
  private last: { kind: 'none' } | { kind: 'atom' } | { kind: 'group'; repeats: boolean } | { kind: 'quantified' } = { kind: 'none' };
  dotAll = false;

  private readonly src: string;

  constructor(src: string) {
    this.src = src;
  }

  private peek(offset = 0): string | undefined {
    return this.src[this.i + offset];
  }

  translate(): string {
    while (this.i < this.src.length) this.step();
    if (this.frames.length !== 1) throw new Refused('missing )');
    return this.out;
  }

  private step(): void {
    const ch = this.src[this.i]!;
    switch (ch) {
      case '(':
        return this.openGroup();
      case ')':
        return this.closeGroup();
      case '|':
        this.i++;
        this.out += '|';
        this.frames[this.frames.length - 1]!.repeats = true;
        this.last = { kind: 'none' };
        return;
      case '*':
      case '+':
      case '?':
        return this.quantifier(ch, 1, ch === '?' ? 1 : Infinity);
      case '{': {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.i));
        if (!m) return this.atom(literal('{'), 1);
        const min = Number(m[1]);
        const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
        if (min > MAX_REPEAT || (max !== Infinity && (max > MAX_REPEAT || max < min))) throw new Refused('bad repeat');
        return this.quantifier(m[0], m[0].length, max);
      }
      case '[':
        return this.atom(this.charClass(), 0);
      case '.':
        return this.atom(this.dotAll ? '[^]' : '[^\\n]', 1);
      case '^':
      case '$':
        this.i++;
        this.out += ch;
        this.last = { kind: 'none' };
        return;
      case '\\':
        return this.escapeOutside();
      default:
        return this.atom(literal(ch), ch.length);
    }
  }

  private atom(js: string, advance: number): void {
    this.i += advance;
    this.out += js;
    this.last = { kind: 'atom' };
  }

  /** A repetition operator; `max` is how many times it may repeat its operand. */
  private quantifier(text: string, advance: number, max: number): void {
    if (this.last.kind === 'none' || this.last.kind === 'quantified') throw new Refused('missing or nested repetition');
    // Backtracking turns exponential only when a repeating group is itself repeated; an optional one is fine.
    if (this.last.kind === 'group' && this.last.repeats && max > 1) throw new Refused('repetition of a repeating group');
    this.i += advance;
    let js = text;
    if (this.peek() === '?') {
      this.i++;
      js += '?';
    }
    this.out += js;
    this.frames[this.frames.length - 1]!.repeats = true;
    this.last = { kind: 'quantified' };
  }

  private openGroup(): void {
    const rest = this.src.slice(this.i);
    let opener: string;
    let js: string;
    const named = /^\(\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
    if (rest.startsWith('(?:')) {
      opener = '(?:';
      js = '(?:';
    } else if (named) {
      opener = named[0];
      js = '(';
    } else if (rest.startsWith('(?')) throw new Refused('flags or unsupported group');
    else {
      opener = '(';
      js = '(';
    }
    this.i += opener.length;
    this.out += js;
    this.frames.push({ repeats: false });
    this.last = { kind: 'none' };
  }

  private closeGroup(): void {
    if (this.frames.length === 1) throw new Refused('unexpected )');
    const frame = this.frames.pop()!;
    if (frame.repeats) this.frames[this.frames.length - 1]!.repeats = true;
    this.i++;
    this.out += ')';
    this.last = { kind: 'group', repeats: frame.repeats };
  }

  /** An escape outside a class: \d \w \s and negations, \b \B \A \z, punctuation, \x, \n… */
  private escapeOutside(): void {
    const e = this.peek(1);
    if (e === undefined) throw new Refused('trailing backslash');
    const perl = PERL_CLASSES[e.toLowerCase()];
    if (perl !== undefined) return this.atom(e === e.toLowerCase() ? `[${perl}]` : `[^${perl}]`, 2);
    if (e === 'b' || e === 'B') {
      this.i += 2;
      this.out += `\\${e}`;
      this.last = { kind: 'none' };
      return;
    }
    if (e === 'A' || e === 'z') {
      this.i += 2;
      this.out += e === 'A' ? '(?<![^])' : '(?![^])';
      this.last = { kind: 'none' };
      return;
    }
    const single = this.singleCharEscape(false);
    return this.atom(single.js, single.length);
  }

  /** Escapes that stand for one character, in or out of a class. */
  private singleCharEscape(inClass: boolean): { js: string; length: number } {
    const e = this.peek(1)!;
    const controls: Record<string, string> = { n: '\\n', t: '\\t', r: '\\r', f: '\\f', v: '\\v', a: '\\x07' };
    if (controls[e] !== undefined) return { js: controls[e], length: 2 };
    if (e === 'x') {
      const rest = this.src.slice(this.i + 2);
      const braced = /^\{([0-9A-Fa-f]{1,6})\}/.exec(rest);
      if (braced && parseInt(braced[1]!, 16) <= 0x10ffff) return { js: `\\u{${braced[1]}}`, length: 2 + braced[0].length };
      const two = /^[0-9A-Fa-f]{2}/.exec(rest);
      if (two) return { js: `\\x${two[0]}`, length: 4 };
      throw new Refused('bad \\x');
    }
    if (e === 'p' || e === 'P') {
      const m = /^\\[pP](?:\{(\^?)([A-Za-z]+)\}|([A-Za-z]))/.exec(this.src.slice(this.i));
      const name = m?.[2] ?? m?.[3];
      if (!m || name === undefined || !CATEGORIES.has(name)) throw new Refused('unicode class');
      const negated = (e === 'P') !== (m[1] === '^');
      return { js: `\\${negated ? 'P' : 'p'}{${name}}`, length: m[0].length };
    }
    // RE2 lets any punctuation be escaped to stand for itself; letters and digits are reserved.
    if (/^[!-/:-@[-`{-~]$/.test(e)) return { js: inClass ? classLiteral(e) : literal(e), length: 2 };
    throw new Refused(`escape \\${e}`);
  }

  /** A bracket expression, translated item by item into a JavaScript class. */
  private charClass(): string {
    let j = this.i + 1;
    let js = '[';
    if (this.src[j] === '^') {
      js += '^';
      j++;
    }
    let first = true;
    for (;;) {
      const ch = this.src[j];
      if (ch === undefined) throw new Refused('missing ]');
      if (ch === ']' && !first) break;
      first = false;
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.src.slice(j));
      if (posix) {
        const range = POSIX_CLASSES[posix[2]!];
        if (range === undefined || posix[1] === '^') throw new Refused('posix class');
        js += range;
        j += posix[0].length;
        continue;
      }
      const lo = this.classChar(j);
      j += lo.length;
      if (this.src[j] === '-' && this.src[j + 1] !== undefined && this.src[j + 1] !== ']') {
        if (lo.set) throw new Refused('range from a class');
        const hi = this.classChar(j + 1);
        if (hi.set || hi.codePoint < lo.codePoint) throw new Refused('bad range');
        js += `${lo.js}-${hi.js}`;
        j += 1 + hi.length;
      } else js += lo.js;
    }
    this.i = j + 1; // consumed through the ']' (the caller's atom() advances no further)
    return `${js}]`;
  }

  private classChar(j: number): { js: string; length: number; codePoint: number; set: boolean } {
    const ch = this.src[j]!;
    if (ch !== '\\') {
      const cp = this.src.codePointAt(j)!;
      const text = String.fromCodePoint(cp);
      return { js: classLiteral(text), length: text.length, codePoint: cp, set: false };
    }
    const e = this.src[j + 1];
    if (e === undefined) throw new Refused('trailing backslash');
    const perl = PERL_CLASSES[e.toLowerCase()];
    if (perl !== undefined) {
      if (e !== e.toLowerCase()) throw new Refused('negated class inside a class');
      return { js: perl, length: 2, codePoint: -1, set: true };
    }
    const saved = this.i;
    this.i = j;
    const single = this.singleCharEscape(true);
    this.i = saved;
    const set = single.js.startsWith('\\p') || single.js.startsWith('\\P');
    return { js: single.js, length: single.length, codePoint: set ? -1 : decodeEscapedCodePoint(single.js), set };
  }
}

function decodeEscapedCodePoint(js: string): number {
  const named: Record<string, number> = { '\\n': 10, '\\t': 9, '\\r': 13, '\\f': 12, '\\v': 11 };
  if (named[js] !== undefined) return named[js];
  const braced = /^\\u\{([0-9A-Fa-f]+)\}$/.exec(js);
  if (braced) return parseInt(braced[1]!, 16);
  const hex = /^\\x([0-9A-Fa-f]{2})$/.exec(js);
  if (hex) return parseInt(hex[1]!, 16);
  return js.replace(/^\\/, '').codePointAt(0)!;
}

/** RE2 source → JavaScript source and flags, or undefined when refused (see the header). */
export function translateRe2(source: string): { source: string; flags: string } | undefined {
  let rest = source;
  let flags = 'u';
  const leading = /^\(\?([imsU]+)\)/.exec(rest);
  let dotAll = false;
  if (leading) {
    const set = leading[1]!;
    // (?U) swaps greediness and (?m) counts only "\n" as a line end in RE2 (JavaScript: \r too).
    if (set.includes('U') || set.includes('m')) return undefined;
    if (set.includes('i')) flags += 'i';
    dotAll = set.includes('s');
    rest = rest.slice(leading[0].length);
  }
  try {
    const t = new Translator(rest);
    t.dotAll = dotAll;
    return { source: t.translate(), flags };
  } catch (err) {
    if (err instanceof Refused) return undefined;
    throw err;
  }
}

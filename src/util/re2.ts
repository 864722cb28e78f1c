// Regular expressions with Go's RE2 semantics (regexp/syntax of Go 1.26, which opa 1.22 and cosign
// use) for patterns that come from policy data and identity flags: linear time whatever the pattern
// and subject, no backreferences or lookaround (refused as invalid, as Go refuses them), Go's syntax
// (`(?i)`, `(?s:…)`, `(?U)`, `\A`, `\z`, `\Q…\E`, `[[:alpha:]]`, `\pL`, `(?P<name>…)`, octal and
// `\x{…}` escapes) and leftmost-first matching.
//
// A pattern is parsed here into a tree with Go's acceptance rules, then emitted as a JavaScript
// pattern for V8's non-backtracking engine (the `l` flag, enabled below), with every character set
// spelled out as UTF-16 code units: case folding, `.`, classes and Unicode properties are computed
// here, so nothing depends on JavaScript's own flags. What JavaScript's engine cannot reproduce
// exactly is refused as Re2UnsupportedError rather than approximated: a repetition of something
// that can match the empty string (Go and JavaScript iterate it differently), multi-line anchors
// mixed with whole-text anchors, counted repetitions of capture groups beyond V8's replication limit.
import v8 from 'node:v8';
import { EnvironmentError, InputError } from '../errors.ts';

v8.setFlagsFromString('--enable-experimental-regexp-engine');

/** The pattern is not valid RE2 (Go refuses it too): OPA's builtins are then undefined. */
export class Re2SyntaxError extends InputError {
  constructor(pattern: string, what: string, expr: string) {
    super('RE2_SYNTAX', `error parsing regexp: ${what}: \`${expr}\``, { value: pattern });
    this.name = 'Re2SyntaxError';
  }
}

/** Valid RE2 that vouch cannot run with exactly Go's results: refused, never approximated. */
export class Re2UnsupportedError extends InputError {
  constructor(pattern: string, why: string) {
    super('RE2_UNSUPPORTED', `the regular expression ${JSON.stringify(pattern.slice(0, 200))} is valid RE2 but not supported by vouch: ${why}`, { value: pattern });
    this.name = 'Re2UnsupportedError';
  }
}

// ---- Sets of code points: sorted, disjoint, non-adjacent [lo, hi] pairs, flattened ----

type Ranges = number[];
const MAX_RUNE = 0x10ffff;
const isHigh = (u: number): boolean => u >= 0xd800 && u <= 0xdbff;
const isLow = (u: number): boolean => u >= 0xdc00 && u <= 0xdfff;

function normalize(pairs: number[]): Ranges {
  const spans: [number, number][] = [];
  for (let i = 0; i < pairs.length; i += 2) spans.push([pairs[i]!, pairs[i + 1]!]);
  spans.sort((a, b) => a[0] - b[0]);
  const out: Ranges = [];
  for (const [lo, hi] of spans) {
    const last = out.length - 1;
    if (last > 0 && lo <= out[last]! + 1) out[last] = Math.max(out[last]!, hi);
    else out.push(lo, hi);
  }
  return out;
}

function complement(r: Ranges): Ranges {
  const out: Ranges = [];
  let next = 0;
  for (let i = 0; i < r.length; i += 2) {
    if (r[i]! > next) out.push(next, r[i]! - 1);
    next = r[i + 1]! + 1;
  }
  if (next <= MAX_RUNE) out.push(next, MAX_RUNE);
  return out;
}

function contains(r: Ranges, cp: number): boolean {
  for (let i = 0; i < r.length; i += 2) if (cp >= r[i]! && cp <= r[i + 1]!) return true;
  return false;
}

const ANY: Ranges = [0, MAX_RUNE];
const ANY_BUT_NL: Ranges = [0, 9, 11, MAX_RUNE];

// Go's Perl and POSIX classes are ASCII (regexp/syntax/perl_groups.go).
const PERL: Record<string, Ranges> = { d: [0x30, 0x39], s: [0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20], w: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a] };
const POSIX: Record<string, Ranges> = {
  alnum: [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
  alpha: [0x41, 0x5a, 0x61, 0x7a],
  ascii: [0x00, 0x7f],
  blank: [0x09, 0x09, 0x20, 0x20],
  cntrl: [0x00, 0x1f, 0x7f, 0x7f],
  digit: [0x30, 0x39],
  graph: [0x21, 0x7e],
  lower: [0x61, 0x7a],
  print: [0x20, 0x7e],
  punct: [0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
  space: [0x09, 0x0d, 0x20, 0x20],
  upper: [0x41, 0x5a],
  word: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a],
  xdigit: [0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
};

// ---- Case folding: Go's (?i) matches every code point of a simple-case-folding orbit ----

/** Every code point below `limit` (surrogates excepted), in order, as one string. */
function codePointsBelow(limit: number): string {
  const units = new Uint16Array(Math.min(limit, 0xd800) + Math.max(0, Math.min(limit, 0x10000) - 0xe000) + Math.max(0, limit - 0x10000) * 2);
  let i = 0;
  for (let cp = 0; cp < limit; cp++) {
    if (cp < 0x10000) {
      if (cp < 0xd800 || cp > 0xdfff) units[i++] = cp;
    } else {
      units[i++] = 0xd800 + ((cp - 0x10000) >> 10);
      units[i++] = 0xdc00 + ((cp - 0x10000) & 0x3ff);
    }
  }
  return new TextDecoder('utf-16le').decode(units);
}

/** Code point at a UTF-16 offset of codePointsBelow()'s string. */
function codePointAtOffset(i: number): number {
  const bmpUnits = 0x10000 - 0x800;
  return i < 0xd800 ? i : i < bmpUnits ? i + 0x800 : 0x10000 + (i - bmpUnits) / 2;
}

let orbitOf: Map<number, number[]> | undefined;
/** Two characters fold to the same under Unicode simple case folding (what `/…/ui` compares). */
const SAME_FOLD = /^(.)\1$/iu;

/** Orbits from Node's Unicode data: characters that change under case mapping, linked by upper/lower case when they fold alike. */
function caseOrbits(): Map<number, number[]> {
  if (orbitOf) return orbitOf;
  const root = new Map<number, number>();
  const find = (x: number): number => {
    let r = x;
    while (root.get(r) !== undefined && root.get(r) !== r) r = root.get(r)!;
    return r;
  };
  // Every cased character lies below U+20000.
  for (const m of codePointsBelow(0x20000).matchAll(/\p{Changes_When_Casemapped}/gu)) {
    const s = m[0];
    for (const t of [s.toLowerCase(), s.toUpperCase()]) {
      if (t === s || Array.from(t).length !== 1 || !SAME_FOLD.test(s + t)) continue;
      const a = find(s.codePointAt(0)!);
      const b = find(t.codePointAt(0)!);
      root.set(a, a);
      root.set(b, a);
    }
  }
  const groups = new Map<number, number[]>();
  for (const cp of root.keys()) groups.set(find(cp), [...(groups.get(find(cp)) ?? []), cp]);
  orbitOf = new Map();
  for (const members of groups.values()) for (const m of members) orbitOf.set(m, members);
  return orbitOf;
}

let foldable: number[] | undefined;

/** The set with every member's orbit added (Go's appendFoldedRange). */
function fold(r: Ranges): Ranges {
  const orbits = caseOrbits();
  foldable ??= [...orbits.keys()].sort((a, b) => a - b);
  const extra: number[] = [];
  for (const cp of foldable) if (contains(r, cp)) for (const m of orbits.get(cp)!) extra.push(m, m);
  return extra.length === 0 ? r : normalize([...r, ...extra]);
}

// ---- Unicode classes: Go 1.26's names, sets from Node's Unicode data ----

const GO_CATEGORIES = 'C Cc Cf Cn Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(' ');
const GO_CATEGORY_ALIASES: Record<string, string> = {
  Cased_Letter: 'LC', Close_Punctuation: 'Pe', Combining_Mark: 'M', Connector_Punctuation: 'Pc', Control: 'Cc', Currency_Symbol: 'Sc',
  Dash_Punctuation: 'Pd', Decimal_Number: 'Nd', Enclosing_Mark: 'Me', Final_Punctuation: 'Pf', Format: 'Cf', Initial_Punctuation: 'Pi',
  Letter: 'L', Letter_Number: 'Nl', Line_Separator: 'Zl', Lowercase_Letter: 'Ll', Mark: 'M', Math_Symbol: 'Sm', Modifier_Letter: 'Lm',
  Modifier_Symbol: 'Sk', Nonspacing_Mark: 'Mn', Number: 'N', Open_Punctuation: 'Ps', Other: 'C', Other_Letter: 'Lo', Other_Number: 'No',
  Other_Punctuation: 'Po', Other_Symbol: 'So', Paragraph_Separator: 'Zp', Private_Use: 'Co', Punctuation: 'P', Separator: 'Z',
  Space_Separator: 'Zs', Spacing_Mark: 'Mc', Surrogate: 'Cs', Symbol: 'S', Titlecase_Letter: 'Lt', Unassigned: 'Cn', Uppercase_Letter: 'Lu',
  cntrl: 'Cc', digit: 'Nd', punct: 'P',
};
// unicode.Scripts of Go 1.26. Go looks names up after canonicalising them (first letter upper, the
// rest lower, no `_`, `-` or space), so only the one-word names are reachable (regexp/syntax/parse.go).
const GO_SCRIPTS = (
  'Adlam Ahom Anatolian_Hieroglyphs Arabic Armenian Avestan Balinese Bamum Bassa_Vah Batak Bengali Bhaiksuki Bopomofo Brahmi Braille ' +
  'Buginese Buhid Canadian_Aboriginal Carian Caucasian_Albanian Chakma Cham Cherokee Chorasmian Common Coptic Cuneiform Cypriot ' +
  'Cypro_Minoan Cyrillic Deseret Devanagari Dives_Akuru Dogra Duployan Egyptian_Hieroglyphs Elbasan Elymaic Ethiopic Georgian Glagolitic ' +
  'Gothic Grantha Greek Gujarati Gunjala_Gondi Gurmukhi Han Hangul Hanifi_Rohingya Hanunoo Hatran Hebrew Hiragana Imperial_Aramaic ' +
  'Inherited Inscriptional_Pahlavi Inscriptional_Parthian Javanese Kaithi Kannada Katakana Kawi Kayah_Li Kharoshthi Khitan_Small_Script ' +
  'Khmer Khojki Khudawadi Lao Latin Lepcha Limbu Linear_A Linear_B Lisu Lycian Lydian Mahajani Makasar Malayalam Mandaic Manichaean ' +
  'Marchen Masaram_Gondi Medefaidrin Meetei_Mayek Mende_Kikakui Meroitic_Cursive Meroitic_Hieroglyphs Miao Modi Mongolian Mro Multani ' +
  'Myanmar Nabataean Nag_Mundari Nandinagari New_Tai_Lue Newa Nko Nushu Nyiakeng_Puachue_Hmong Ogham Ol_Chiki Old_Hungarian Old_Italic ' +
  'Old_North_Arabian Old_Permic Old_Persian Old_Sogdian Old_South_Arabian Old_Turkic Old_Uyghur Oriya Osage Osmanya Pahawh_Hmong ' +
  'Palmyrene Pau_Cin_Hau Phags_Pa Phoenician Psalter_Pahlavi Rejang Runic Samaritan Saurashtra Sharada Shavian Siddham SignWriting ' +
  'Sinhala Sogdian Sora_Sompeng Soyombo Sundanese Syloti_Nagri Syriac Tagalog Tagbanwa Tai_Le Tai_Tham Tai_Viet Takri Tamil Tangsa ' +
  'Tangut Telugu Thaana Thai Tibetan Tifinagh Tirhuta Toto Ugaritic Vai Vithkuqi Wancho Warang_Citi Yezidi Yi Zanabazar_Square'
).split(' ');

function canonicalName(name: string): string {
  const bare = name.replace(/[_\- ]/g, '');
  return bare.charAt(0).toUpperCase() + bare.slice(1).toLowerCase();
}

let unicodeNames: Map<string, string> | undefined;

/** Canonical Go name → the JavaScript property that holds the same code points. */
function jsPropertyFor(name: string): string | undefined {
  if (!unicodeNames) {
    unicodeNames = new Map([['Any', 'Any'], ['Assigned', 'Assigned'], ['Ascii', 'ASCII'], ['Lc', 'LC']]);
    for (const c of GO_CATEGORIES) if (canonicalName(c) === c) unicodeNames.set(c, c);
    for (const s of GO_SCRIPTS) if (canonicalName(s) === s) unicodeNames.set(s, `Script=${s}`);
    for (const [alias, c] of Object.entries(GO_CATEGORY_ALIASES)) unicodeNames.set(canonicalName(alias), c);
  }
  return unicodeNames.get(canonicalName(name));
}

let everyCodePoint: string | undefined;
const propertySets = new Map<string, Ranges>();

/** Code points of a JavaScript Unicode property: runs found by `\p{…}+` over every code point in order. */
function propertyRanges(prop: string): Ranges {
  const known = propertySets.get(prop);
  if (known) return known;
  everyCodePoint ??= codePointsBelow(MAX_RUNE + 1);
  const out: Ranges = [];
  for (const m of everyCodePoint.matchAll(new RegExp(`\\p{${prop}}+`, 'gu'))) {
    const lastUnit = m.index + m[0].length - 1;
    out.push(codePointAtOffset(m.index), codePointAtOffset(isLow(everyCodePoint.charCodeAt(lastUnit)) ? lastUnit - 1 : lastUnit));
  }
  const ranges = normalize(out);
  propertySets.set(prop, ranges);
  return ranges;
}

// ---- Parse tree ----

type Assertion = 'bol' | 'eol' | 'bot' | 'eot' | 'wb' | 'nwb';
type Node =
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
class Parser {
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
  private group(): Node | undefined {
    const open = this.i;
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
    let pairs: number[] = [];
    let first = true;
    while (this.peek() !== ch(']') || first) {
      if (this.i >= this.cps.length) this.fail('missing closing ]', this.text(whole, this.cps.length));
      first = false;
      if (this.peek() === ch('[') && this.peek(1) === ch(':')) {
        const rest = this.text(this.i, this.cps.length);
        const end = rest.indexOf(':]', 2);
        if (end >= 0) {
          const name = rest.slice(2, end);
          const base = POSIX[name.replace(/^\^/, '')];
          if (!base) this.fail('invalid character class range', rest.slice(0, end + 2));
          this.i += Array.from(rest.slice(0, end + 2)).length;
          pairs = pairs.concat(this.group_(base, name.startsWith('^')));
          continue;
        }
      }
      const cls = this.unicodeClass() ?? this.perlClass();
      if (cls) {
        pairs = pairs.concat(cls);
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
      pairs = pairs.concat(this.flags & FOLD ? fold([lo, hi]) : [lo, hi]);
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

function subsOf(n: Node): Node[] {
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

function nullable(n: Node): boolean {
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

function hasCapture(n: Node): boolean {
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
function unstableGroups(n: Node, out: Set<number>): Set<number> {
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

// ---- Emission as a JavaScript pattern for V8's linear engine ----

/** V8's linear engine refuses a pattern whose nested counted repetitions multiply past this. */
const V8_REPLICATION = 16;
/** Patterns longer than this (in JavaScript source) are refused rather than handed to V8. */
const MAX_SOURCE = 1 << 18;
/**
 * In multi-line mode `\r`, U+2028 and U+2029 would be line terminators for V8 (only `\n` is for Go):
 * the subject carries them as lone low surrogates instead, which a well-formed string never has.
 */
const LINE_STAND_INS: [number, number][] = [[0x0d, 0xdc00], [0x2028, 0xdc01], [0x2029, 0xdc02]];

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
    for (let cp = Math.max(lo, 0x10000); cp <= hi; ) {
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

class Emitter {
  /** Multi-line anchors need V8's `m` flag, and the subject's other line terminators stood in for. */
  readonly multiline: boolean;
  private readonly pattern: string;

  constructor(pattern: string, tree: Node) {
    this.pattern = pattern;
    this.multiline = hasAssertion(tree, ['bol', 'eol']);
    if (this.multiline && hasAssertion(tree, ['bot', 'eot'])) this.unsupported('multi-line anchors (?m)^ and (?m)$ mixed with whole-text anchors in one expression');
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
        return { src: n.a === 'bol' || n.a === 'bot' ? '^' : n.a === 'eol' || n.a === 'eot' ? '$' : n.a === 'wb' ? '\\b' : '\\B', atom: false, alt: false, repl: 1 };
      case 'cat': {
        const parts = n.subs.map((s) => this.emit(s, budget, stripCaptures));
        return { src: parts.map((p) => (p.alt ? `(?:${p.src})` : p.src)).join(''), atom: false, alt: false, repl: Math.max(...parts.map((p) => p.repl)) };
      }
      case 'alt': {
        const parts = n.subs.map((s) => this.emit(s, budget, stripCaptures));
        return { src: parts.map((p) => p.src).join('|'), atom: false, alt: true, repl: Math.max(...parts.map((p) => p.repl)) };
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

// ---- Matching ----

/** One match: UTF-16 offsets in the subject. */
export interface Re2Match {
  start: number;
  end: number;
}

/** A match with each group's text (undefined when unset). */
interface Submatch extends Re2Match {
  groups: (string | undefined)[];
}

let linearEngine: boolean | undefined;

function assertLinearEngine(): void {
  if (linearEngine === undefined) {
    try {
      new RegExp('a', 'l');
      linearEngine = true;
    } catch {
      linearEngine = false;
    }
  }
  if (!linearEngine) {
    throw new EnvironmentError('RE2_ENGINE', "V8's linear-time regular expression engine is not available in this Node.js (--enable-experimental-regexp-engine)", { value: process.version });
  }
}

export class Re2 {
  readonly pattern: string;
  /** Capture names by group number (index 0, the whole match, has none). */
  readonly groupNames: readonly (string | undefined)[];
  private readonly re: RegExp;
  private readonly multiline: boolean;
  private readonly unstable: ReadonlySet<number>;

  constructor(pattern: string) {
    assertLinearEngine();
    this.pattern = pattern;
    const wellFormed = pattern.toWellFormed();
    const parser = new Parser(wellFormed);
    const tree = parser.parse();
    this.groupNames = parser.names;
    const emitter = new Emitter(pattern, tree);
    const { src } = emitter.emit(tree, V8_REPLICATION, false);
    emitter.checkSize(src.length);
    this.multiline = emitter.multiline;
    this.unstable = unstableGroups(tree, new Set());
    try {
      this.re = new RegExp(src, emitter.multiline ? 'lgm' : 'lg');
    } catch (err) {
      throw new Re2UnsupportedError(pattern, `V8's linear engine refused it (${err instanceof Error ? err.message.slice(-60) : String(err)})`);
    }
  }

  toString(): string {
    return `/${this.pattern}/`;
  }

  /** Go's MatchString: is there a match anywhere (unanchored)? */
  test(s: string): boolean {
    return this.execAt(this.prepare(s), 0) !== undefined;
  }

  /** Go's FindAll…: up to `n` successive non-overlapping matches (all when n < 0). */
  findAll(s: string, n: number): Re2Match[] {
    return this.submatches(s, n).map(({ start, end }) => ({ start, end }));
  }

  private submatches(s: string, n: number): Submatch[] {
    const subject = this.prepare(s);
    const out: Submatch[] = [];
    let prevEnd = -1;
    for (let pos = 0; (n < 0 || out.length < n) && pos <= subject.length; ) {
      const m = this.execAt(subject, pos);
      if (!m) break;
      let accept = true;
      if (m.end === pos) {
        // An empty match: never right after the previous match; the next search starts one code point on.
        if (m.start === prevEnd) accept = false;
        pos += pos >= subject.length ? 1 : isHigh(subject.charCodeAt(pos)) && isLow(subject.charCodeAt(pos + 1)) ? 2 : 1;
      } else {
        pos = m.end;
      }
      prevEnd = m.end;
      if (accept) out.push(m);
    }
    return out;
  }

  /** Go's ReplaceAllString, as OPA's regex.replace runs it: `$1`, `${1}`, `$name`, `${name}`, `$$`. */
  replaceAll(s: string, template: string): string {
    const refs = templateRefs(template);
    for (const ref of refs) {
      const groups = typeof ref === 'number' ? [ref] : this.groupNames.flatMap((name, i) => (name === ref ? [i] : []));
      if (groups.some((g) => this.unstable.has(g))) {
        throw new Re2UnsupportedError(this.pattern, `$${ref} refers to a group inside a repetition that may not set it (Go keeps an earlier iteration's value, JavaScript does not)`);
      }
    }
    const subject = s.toWellFormed();
    let out = '';
    let last = 0;
    for (const m of this.submatches(subject, -1)) {
      out += subject.slice(last, m.start) + this.expand(template, m, subject.slice(m.start, m.end));
      last = m.end;
    }
    return out + subject.slice(last);
  }

  /** Go's Split: the text between matches (n < 0: all). */
  split(s: string, n: number): string[] {
    if (n === 0) return [];
    const subject = s.toWellFormed();
    if (this.pattern.length > 0 && subject.length === 0) return [''];
    const out: string[] = [];
    let begin = 0;
    let end = 0;
    for (const m of this.findAll(subject, n)) {
      if (n > 0 && out.length >= n - 1) break;
      end = m.start;
      if (m.end !== 0) out.push(subject.slice(begin, end));
      begin = m.end;
    }
    if (end !== subject.length) out.push(subject.slice(begin));
    return out;
  }

  private prepare(s: string): string {
    const wellFormed = s.toWellFormed();
    if (!this.multiline) return wellFormed;
    return wellFormed.replace(/[\r\u2028\u2029]/g, (c) => String.fromCharCode(LINE_STAND_INS.find(([cp]) => cp === c.charCodeAt(0))![1]));
  }

  /** The leftmost-first match starting at or after `pos` on a code point boundary. */
  private execAt(subject: string, pos: number): Submatch | undefined {
    for (let from = pos; from <= subject.length; ) {
      this.re.lastIndex = from;
      const m = this.re.exec(subject);
      if (!m) return undefined;
      if (m.index > 0 && isLow(subject.charCodeAt(m.index)) && isHigh(subject.charCodeAt(m.index - 1))) {
        // V8 scans UTF-16 units: a match found inside a surrogate pair is not one Go could see.
        from = m.index + 1;
        continue;
      }
      const groups = m.slice(1).map((g) => (g === undefined || !this.multiline ? g : restoreLineBreaks(g)));
      return { start: m.index, end: m.index + m[0].length, groups };
    }
    return undefined;
  }

  private expand(template: string, m: Submatch, whole: string): string {
    let out = '';
    let rest = template;
    for (;;) {
      const dollar = rest.indexOf('$');
      if (dollar < 0) break;
      out += rest.slice(0, dollar);
      rest = rest.slice(dollar + 1);
      if (rest.startsWith('$')) {
        out += '$';
        rest = rest.slice(1);
        continue;
      }
      const ref = extractRef(rest);
      if (!ref) {
        out += '$';
        continue;
      }
      rest = ref.rest;
      if (typeof ref.name === 'number') out += ref.name === 0 ? whole : (m.groups[ref.name - 1] ?? '');
      else {
        const i = this.groupNames.findIndex((name, g) => name === ref.name && m.groups[g - 1] !== undefined);
        if (i > 0) out += m.groups[i - 1]!;
      }
    }
    return out + rest;
  }
}

function restoreLineBreaks(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    const standIn = LINE_STAND_INS.find(([, x]) => x === u);
    out += standIn && !(i > 0 && isHigh(s.charCodeAt(i - 1))) ? String.fromCharCode(standIn[0]) : s[i];
  }
  return out;
}

const NAME_CHAR = /^[\p{L}\p{Nd}_]/u;

/** Go's `extract`: a `name` or `{name}` after `$`; a number when all digits without a leading zero. */
function extractRef(s: string): { name: number | string; rest: string } | undefined {
  const brace = s.startsWith('{');
  let i = brace ? 1 : 0;
  while (i < s.length) {
    const c = String.fromCodePoint(s.codePointAt(i)!);
    if (!NAME_CHAR.test(c)) break;
    i += c.length;
  }
  const name = s.slice(brace ? 1 : 0, i);
  if (name === '') return undefined;
  if (brace) {
    if (s[i] !== '}') return undefined;
    i++;
  }
  const numeric = /^[0-9]+$/.test(name) && !(name.length > 1 && name.startsWith('0')) && name.length <= 9;
  return { name: numeric ? Number(name) : name, rest: s.slice(i) };
}

/** Group numbers and names a replacement template refers to (group 0 excluded). */
function templateRefs(template: string): (number | string)[] {
  const refs: (number | string)[] = [];
  let rest = template;
  for (let dollar = rest.indexOf('$'); dollar >= 0; dollar = rest.indexOf('$')) {
    rest = rest.slice(dollar + 1);
    if (rest.startsWith('$')) {
      rest = rest.slice(1);
      continue;
    }
    const ref = extractRef(rest);
    if (!ref) continue;
    if (ref.name !== 0) refs.push(ref.name);
    rest = ref.rest;
  }
  return refs;
}

const cache = new Map<string, Re2 | InputError>();
const CACHE_ENTRIES = 512;

/** Compiles once per pattern (policies call builtins with the same pattern many times). */
export function compileRe2(pattern: string): Re2 {
  let entry = cache.get(pattern);
  if (entry === undefined) {
    try {
      entry = new Re2(pattern);
    } catch (err) {
      if (!(err instanceof Re2SyntaxError || err instanceof Re2UnsupportedError)) throw err;
      entry = err;
    }
    if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
    cache.set(pattern, entry);
  }
  if (entry instanceof Error) throw entry;
  return entry;
}

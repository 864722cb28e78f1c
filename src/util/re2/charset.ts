// Sets of code points for RE2 classes: Go's Perl and POSIX classes, case-folding orbits and Unicode
// properties (Go 1.26's names; sets from Node's Unicode data, computed on first use).

/** Sorted, disjoint, non-adjacent [lo, hi] pairs of code points, flattened. */
export type Ranges = number[];
export const MAX_RUNE = 0x10ffff;
export const isHigh = (u: number): boolean => u >= 0xd800 && u <= 0xdbff;
export const isLow = (u: number): boolean => u >= 0xdc00 && u <= 0xdfff;

export function normalize(pairs: number[]): Ranges {
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

export function complement(r: Ranges): Ranges {
  const out: Ranges = [];
  let next = 0;
  for (let i = 0; i < r.length; i += 2) {
    if (r[i]! > next) out.push(next, r[i]! - 1);
    next = r[i + 1]! + 1;
  }
  if (next <= MAX_RUNE) out.push(next, MAX_RUNE);
  return out;
}

export function contains(r: Ranges, cp: number): boolean {
  for (let i = 0; i < r.length; i += 2) if (cp >= r[i]! && cp <= r[i + 1]!) return true;
  return false;
}

export const ANY: Ranges = [0, MAX_RUNE];
export const ANY_BUT_NL: Ranges = [0, 9, 11, MAX_RUNE];

// Go's Perl and POSIX classes are ASCII (regexp/syntax/perl_groups.go).
export const PERL: Record<string, Ranges> = { d: [0x30, 0x39], s: [0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20], w: [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a] };
export const POSIX: Record<string, Ranges> = {
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
export function fold(r: Ranges): Ranges {
  const orbits = caseOrbits();
  const sorted = (foldable ??= [...orbits.keys()].sort((a, b) => a - b));
  const extra: number[] = [];
  for (let i = 0; i < r.length; i += 2) {
    // The first foldable code point in the range, by binary search, then those after it.
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid]! < r[i]!) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < sorted.length && sorted[k]! <= r[i + 1]!; k++) for (const m of orbits.get(sorted[k]!)!) extra.push(m, m);
  }
  return extra.length === 0 ? r : normalize([...r, ...extra]);
}

// ---- Unicode classes: Go 1.26's names, sets from Node's Unicode data ----

const GO_CATEGORIES = 'C Cc Cf Cn Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs'.split(' ');
const GO_CATEGORY_ALIASES: Record<string, string> = {
  Cased_Letter: 'LC',
  Close_Punctuation: 'Pe',
  Combining_Mark: 'M',
  Connector_Punctuation: 'Pc',
  Control: 'Cc',
  Currency_Symbol: 'Sc',
  Dash_Punctuation: 'Pd',
  Decimal_Number: 'Nd',
  Enclosing_Mark: 'Me',
  Final_Punctuation: 'Pf',
  Format: 'Cf',
  Initial_Punctuation: 'Pi',
  Letter: 'L',
  Letter_Number: 'Nl',
  Line_Separator: 'Zl',
  Lowercase_Letter: 'Ll',
  Mark: 'M',
  Math_Symbol: 'Sm',
  Modifier_Letter: 'Lm',
  Modifier_Symbol: 'Sk',
  Nonspacing_Mark: 'Mn',
  Number: 'N',
  Open_Punctuation: 'Ps',
  Other: 'C',
  Other_Letter: 'Lo',
  Other_Number: 'No',
  Other_Punctuation: 'Po',
  Other_Symbol: 'So',
  Paragraph_Separator: 'Zp',
  Private_Use: 'Co',
  Punctuation: 'P',
  Separator: 'Z',
  Space_Separator: 'Zs',
  Spacing_Mark: 'Mc',
  Surrogate: 'Cs',
  Symbol: 'S',
  Titlecase_Letter: 'Lt',
  Unassigned: 'Cn',
  Uppercase_Letter: 'Lu',
  cntrl: 'Cc',
  digit: 'Nd',
  punct: 'P',
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
export function jsPropertyFor(name: string): string | undefined {
  if (!unicodeNames) {
    unicodeNames = new Map([
      ['Any', 'Any'],
      ['Assigned', 'Assigned'],
      ['Ascii', 'ASCII'],
      ['Lc', 'LC'],
    ]);
    for (const c of GO_CATEGORIES) if (canonicalName(c) === c) unicodeNames.set(c, c);
    for (const s of GO_SCRIPTS) if (canonicalName(s) === s) unicodeNames.set(s, `Script=${s}`);
    for (const [alias, c] of Object.entries(GO_CATEGORY_ALIASES)) unicodeNames.set(canonicalName(alias), c);
  }
  return unicodeNames.get(canonicalName(name));
}

let everyCodePoint: string | undefined;
const propertySets = new Map<string, Ranges>();

/** Code points of a JavaScript Unicode property: runs found by `\p{…}+` over every code point in order. */
export function propertyRanges(prop: string): Ranges {
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

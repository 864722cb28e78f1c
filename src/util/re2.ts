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
import { EnvironmentError, errorMessage, type InputError } from '../errors.ts';
import { isHigh, isLow } from './re2/charset.ts';
import { Emitter, LINE_STAND_INS, V8_REPLICATION } from './re2/emit.ts';
import { Re2SyntaxError, Re2UnsupportedError } from './re2/errors.ts';
import { Parser, unstableGroups } from './re2/syntax.ts';

export { Re2SyntaxError, Re2UnsupportedError };

v8.setFlagsFromString('--enable-experimental-regexp-engine');

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
    throw new EnvironmentError(
      'RE2_ENGINE',
      "V8's linear-time regular expression engine is not available in this Node.js (--enable-experimental-regexp-engine)",
      { value: process.version },
    );
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
      throw new Re2UnsupportedError(pattern, `V8's linear engine refused it (${errorMessage(err).slice(-60)})`);
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
    for (let pos = 0; (n < 0 || out.length < n) && pos <= subject.length;) {
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
        throw new Re2UnsupportedError(
          this.pattern,
          `$${ref} refers to a group inside a repetition that may not set it (Go keeps an earlier iteration's value, JavaScript does not)`,
        );
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
    for (let from = pos; from <= subject.length;) {
      this.re.lastIndex = from;
      const m = this.re.exec(subject);
      if (!m) return undefined;
      if (m.index > 0 && isLow(subject.charCodeAt(m.index)) && isHigh(subject.charCodeAt(m.index - 1))) {
        // V8 scans UTF-16 units: a match found inside a surrogate pair is not one Go could see.
        from = m.index + 1;
        continue;
      }
      // An unmatched group is undefined, whatever RegExpExecArray's type says.
      const groups = (m.slice(1) as (string | undefined)[]).map((g) => (g === undefined || !this.multiline ? g : restoreLineBreaks(g)));
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
    out += standIn && !(i > 0 && isHigh(s.charCodeAt(i - 1))) ? String.fromCharCode(standIn[0]) : s[i]!;
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

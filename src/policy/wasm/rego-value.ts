// Rego values as the module prints them with its `opa_value_dump` export (open-policy-agent/opa
// v1.22.2 wasm/src/json.c: JSON with `, ` and `: ` spacing, sets as `{a, b}` and `set()`, object
// keys of any type, numbers as their text). Unlike the JSON dump, this keeps what Go's sprintf
// prints: a set stays a set and a number keeps its text (`1.0`, `1e3`). Pure.

/** A Rego number as its text: Go's sprintf reads `1.0` as a float64 and `1` as an int. */
export class RegoNumber {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

export type RegoValue = null | boolean | string | RegoNumber | RegoValue[] | Set<RegoValue> | Map<RegoValue, RegoValue>;

/** A dump this parser does not read (the caller falls back to the JSON dump). */
export class RegoValueSyntaxError extends Error {
  readonly code = 'REGO_VALUE_SYNTAX';
}

/** Deeper values are left to the JSON dump (and, past it, to each builtin's own limits). */
const MAX_DEPTH = 512;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

export function parseRegoValue(text: string): RegoValue {
  let at = 0;
  const fail = (what: string): never => {
    throw new RegoValueSyntaxError(`${what} at offset ${at}`);
  };
  const expect = (s: string): void => {
    if (!text.startsWith(s, at)) fail(`expected ${JSON.stringify(s)}`);
    at += s.length;
  };
  const sticky = (re: RegExp): string | undefined => {
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) return undefined;
    at = re.lastIndex;
    return m[0];
  };
  /** Elements up to `close`, separated by `, `. */
  const list = (close: string, element: () => void): void => {
    if (text.startsWith(close, at)) {
      at += close.length;
      return;
    }
    for (;;) {
      element();
      if (text.startsWith(close, at)) {
        at += close.length;
        return;
      }
      expect(', ');
    }
  };
  /** A JSON string literal: scanned to its closing quote, then read by JSON.parse. */
  const string = (): string => {
    const start = at++;
    for (; at < text.length && text[at] !== '"'; at++) if (text[at] === '\\') at++;
    if (at >= text.length) fail('unterminated string');
    at++;
    try {
      return JSON.parse(text.slice(start, at)) as string;
    } catch {
      return fail('bad string');
    }
  };
  const value = (depth: number): RegoValue => {
    if (depth > MAX_DEPTH) fail('nesting too deep');
    const c = text[at];
    if (c === '"') return string();
    if (c === '[') {
      at++;
      const out: RegoValue[] = [];
      list(']', () => out.push(value(depth + 1)));
      return out;
    }
    if (c === '{') {
      at++;
      if (text.startsWith('}', at)) {
        at++;
        return new Map();
      }
      const first = value(depth + 1);
      if (text.startsWith(': ', at)) {
        const map = new Map<RegoValue, RegoValue>();
        at += 2;
        map.set(first, value(depth + 1));
        if (!text.startsWith('}', at)) {
          expect(', ');
          list('}', () => {
            const k = value(depth + 1);
            expect(': ');
            map.set(k, value(depth + 1));
          });
        } else at++;
        return map;
      }
      const set = new Set<RegoValue>([first]);
      if (!text.startsWith('}', at)) {
        expect(', ');
        list('}', () => set.add(value(depth + 1)));
      } else at++;
      return set;
    }
    for (const [word, v] of [
      ['null', null],
      ['true', true],
      ['false', false],
      ['set()', new Set<RegoValue>()],
    ] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return v;
      }
    }
    const n = sticky(NUMBER);
    return n === undefined ? fail('unexpected character') : new RegoNumber(n);
  };
  const v = value(0);
  if (at !== text.length) fail('trailing characters');
  return v;
}

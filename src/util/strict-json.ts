// JSON for signed payloads: a document with two keys that one reader may resolve differently from
// another is refused, not resolved. JavaScript keeps the last of two equal keys, other parsers the
// first, and Go's encoding/json (cosign, ec) matches struct fields case-insensitively, so
// `{"critical":…, "Critical":…}` means one thing to vouch and another to Go. Linear in the input.
import { InputError } from '../errors.ts';

/** Deeper documents are refused: no signed payload nests this far, and cloning one would overflow the stack. */
export const MAX_JSON_DEPTH = 512;

export class StrictJsonError extends InputError {
  constructor(code: 'JSON_INVALID' | 'JSON_DUPLICATE_KEY' | 'JSON_TOO_DEEP', message: string) {
    super(code, message);
    this.name = 'StrictJsonError';
  }
}

/**
 * The key as Go's case-insensitive field matching (Unicode simple folding) sees it. Upper- then
 * lower-casing folds at least the same pairs (`K` U+212A with `k`, `ſ` with `s`) and a few more
 * (`ß` with `ss`): a rare false refusal, never a missed ambiguity.
 */
function fold(key: string): string {
  return key.toUpperCase().toLowerCase();
}

interface ObjectFrame {
  exact: Set<string>;
  folded: Map<string, string>;
  expectKey: boolean;
}

/** Index of the quote closing the string that opens at `start` (the text is known to be valid JSON). */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i;
    i += c === 0x5c ? 2 : 1;
  }
}

/** A key for messages: escaped (no control characters reach a terminal) and short. */
function quoted(key: string): string {
  return JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}…` : key);
}

function checkKey(frame: ObjectFrame, key: string): void {
  if (frame.exact.has(key)) throw new StrictJsonError('JSON_DUPLICATE_KEY', `duplicate key ${quoted(key)}`);
  const folded = fold(key);
  const other = frame.folded.get(folded);
  if (other !== undefined) {
    throw new StrictJsonError('JSON_DUPLICATE_KEY', `keys ${quoted(other)} and ${quoted(key)} differ only in case (Go reads them as one)`);
  }
  frame.exact.add(key);
  frame.folded.set(folded, key);
}

/** Walks valid JSON text once, checking every object's keys and the nesting depth. */
function assertUnambiguous(text: string): void {
  // One entry per open container: an ObjectFrame for objects, null for arrays.
  const stack: (ObjectFrame | null)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const top = stack[stack.length - 1];
    if (c === 0x22) {
      const end = stringEnd(text, i);
      if (top && top.expectKey) {
        const raw = text.slice(i + 1, end);
        checkKey(top, raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw);
      }
      i = end;
    } else if (c === 0x7b || c === 0x5b) {
      if (stack.length >= MAX_JSON_DEPTH) throw new StrictJsonError('JSON_TOO_DEEP', `nested deeper than ${MAX_JSON_DEPTH} levels`);
      stack.push(c === 0x7b ? { exact: new Set(), folded: new Map(), expectKey: true } : null);
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
    } else if (top && c === 0x3a) {
      top.expectKey = false;
    } else if (top && c === 0x2c) {
      top.expectKey = true;
    }
  }
}

/** JSON.parse, refusing invalid JSON, duplicate keys (exact or differing only in case) and deep nesting. */
export function parseStrictJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // V8's message quotes the input: an attacker's bytes stay out of reports.
    throw new StrictJsonError('JSON_INVALID', 'not valid JSON');
  }
  assertUnambiguous(text);
  return value;
}

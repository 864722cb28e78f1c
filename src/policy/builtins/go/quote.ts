// Go's strconv.Quote (what `%q` prints for a string), over a byte string (see bytes.ts). Error
// messages of Go's parsers quote the offending input this way. Pure.
import { decodeRune } from './bytes.ts';

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const SHORT_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v', 0x5c: '\\\\', 0x22: '\\"' };

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/** `strconv.Quote` of the byte string `b`: printable runes kept, the rest escaped as Go does. */
export function goQuoteBytes(b: string): string {
  let out = '"';
  for (let i = 0; i < b.length;) {
    const { rune, size, valid } = decodeRune(b, i);
    if (!valid) out += `\\x${hex(b.charCodeAt(i), 2)}`;
    else if (SHORT_ESCAPES[rune] !== undefined) out += SHORT_ESCAPES[rune];
    else if (rune < 0x20 || rune === 0x7f) out += `\\x${hex(rune, 2)}`;
    else if (PRINTABLE.test(String.fromCodePoint(rune))) out += String.fromCodePoint(rune);
    else if (rune < 0x10000) out += `\\u${hex(rune, 4)}`;
    else out += `\\U${hex(rune, 8)}`;
    i += size;
  }
  return `${out}"`;
}

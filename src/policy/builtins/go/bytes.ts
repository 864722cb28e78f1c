// Go strings are byte sequences that need not be valid UTF-8; JavaScript strings are UTF-16. The
// Go-compatible parsers here (net/url, net/mail, percent-decoding in purls) work on "byte strings":
// JavaScript strings whose every code unit is one byte (0–255), so that indexes and lengths are
// Go's. Pure.

/** UTF-8 bytes of `s` as a byte string. Lone surrogates become U+FFFD, as Go's JSON decoder does. */
export function toByteString(s: string): string {
  const bytes = Buffer.from(s.toWellFormed(), 'utf8');
  return bytes.toString('latin1');
}

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there starts none. */
function validSequenceLength(b: string, i: number): number {
  const c0 = b.charCodeAt(i);
  if (c0 < 0x80) return 1;
  const cont = (j: number, lo = 0x80, hi = 0xbf): boolean => {
    const c = b.charCodeAt(j);
    return j < b.length && c >= lo && c <= hi;
  };
  // The well-formed byte sequences of Unicode 15 table 3-7 (what Go's utf8.DecodeRune accepts).
  if (c0 >= 0xc2 && c0 <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (c0 === 0xe0) return cont(i + 1, 0xa0) && cont(i + 2) ? 3 : 0;
  if ((c0 >= 0xe1 && c0 <= 0xec) || c0 === 0xee || c0 === 0xef) return cont(i + 1) && cont(i + 2) ? 3 : 0;
  if (c0 === 0xed) return cont(i + 1, 0x80, 0x9f) && cont(i + 2) ? 3 : 0;
  if (c0 === 0xf0) return cont(i + 1, 0x90) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  if (c0 >= 0xf1 && c0 <= 0xf3) return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  if (c0 === 0xf4) return cont(i + 1, 0x80, 0x8f) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  return 0;
}

/** A rune of a byte string: its code point (U+FFFD for an invalid byte) and width in bytes. */
export function decodeRune(b: string, i: number): { rune: number; size: number; valid: boolean } {
  const n = validSequenceLength(b, i);
  if (n === 0) return { rune: 0xfffd, size: 1, valid: false };
  const text = Buffer.from(b.slice(i, i + n), 'latin1').toString('utf8');
  return { rune: text.codePointAt(0)!, size: n, valid: true };
}

/**
 * The text of a byte string as Go renders it when it leaves as JSON: each byte that is not part of
 * a valid UTF-8 sequence becomes U+FFFD on its own (Go's encoding/json and utf8.DecodeRune).
 */
export function fromByteString(b: string): string {
  let out = '';
  let start = 0;
  for (let i = 0; i < b.length;) {
    const n = validSequenceLength(b, i);
    if (n === 0) {
      out += Buffer.from(b.slice(start, i), 'latin1').toString('utf8') + '\uFFFD';
      i += 1;
      start = i;
    } else i += n;
  }
  return out + Buffer.from(b.slice(start), 'latin1').toString('utf8');
}

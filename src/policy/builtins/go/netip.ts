// Go's net/netip.ParseAddr (go1.26 src/net/netip/netip.go), for net.ParseIP and the IP literals of
// net/url: whether a string is an IPv4 or IPv6 address, and Go's error text when it is not. Works
// on byte strings (see bytes.ts). Pure.
import { goQuoteBytes } from './quote.ts';

export type ParsedAddr = { ok: true; is4: boolean; zone: string } | { ok: false; message: string };

function fail(input: string, msg: string, at = ''): ParsedAddr {
  const where = at === '' ? '' : ` (at ${goQuoteBytes(at)})`;
  return { ok: false, message: `ParseAddr(${goQuoteBytes(input)}): ${msg}${where}` };
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** Checks the dotted-decimal IPv4 text in[off:end]; undefined when valid, else the failure. */
function checkIPv4Fields(input: string, off: number, end: number): ParsedAddr | undefined {
  const s = input.slice(off, end);
  let val = 0;
  let pos = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) {
      if (digits === 1 && val === 0) return fail(input, 'IPv4 field has octet with leading zero');
      val = val * 10 + (c - 0x30);
      digits++;
      if (val > 255) return fail(input, 'IPv4 field has value >255');
    } else if (c === 0x2e) {
      if (i === 0 || i === s.length - 1 || s[i - 1] === '.') return fail(input, 'IPv4 field must have at least one digit', s.slice(i));
      if (pos === 3) return fail(input, 'IPv4 address too long');
      pos++;
      val = 0;
      digits = 0;
    } else return fail(input, 'unexpected character', s.slice(i));
  }
  if (pos < 3) return fail(input, 'IPv4 address too short');
  return undefined;
}

function hexValue(c: number): number {
  if (isDigit(c)) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

function parseIPv6(input: string): ParsedAddr {
  let s = input;
  let zone = '';
  const pct = s.indexOf('%');
  if (pct !== -1) {
    zone = s.slice(pct + 1);
    s = s.slice(0, pct);
    if (zone === '') return fail(input, 'zone must be a non-empty string');
  }
  let ellipsis = -1;
  if (s.startsWith('::')) {
    ellipsis = 0;
    s = s.slice(2);
    if (s === '') return { ok: true, is4: false, zone };
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    for (; off < s.length; off++) {
      const v = hexValue(s.charCodeAt(off));
      if (v < 0) break;
      acc = acc * 16 + v;
      if (off > 3) return fail(input, 'each group must have 4 or less digits', s);
      if (acc > 0xffff) return fail(input, 'IPv6 field has value >=2^16', s);
    }
    if (off === 0) return fail(input, 'each colon-separated field must have at least one digit', s);
    if (off < s.length && s[off] === '.') {
      if (ellipsis < 0 && i !== 12) return fail(input, 'embedded IPv4 address must replace the final 2 fields of the address', s);
      if (i + 4 > 16) return fail(input, 'too many hex fields to fit an embedded IPv4 at the end of the address', s);
      const end = input.length - (zone.length > 0 ? zone.length + 1 : 0);
      const bad = checkIPv4Fields(input, end - s.length, end);
      if (bad) return bad;
      s = '';
      i += 4;
      break;
    }
    i += 2;
    s = s.slice(off);
    if (s === '') break;
    if (s[0] !== ':') return fail(input, 'unexpected character, want colon', s);
    if (s.length === 1) return fail(input, 'colon must be followed by more characters', s);
    s = s.slice(1);
    if (s[0] === ':') {
      if (ellipsis >= 0) return fail(input, 'multiple :: in address', s);
      ellipsis = i;
      s = s.slice(1);
      if (s === '') break;
    }
  }
  if (s !== '') return fail(input, 'trailing garbage after address', s);
  if (i < 16 && ellipsis < 0) return fail(input, 'address string too short');
  if (i === 16 && ellipsis >= 0) return fail(input, 'the :: must expand to at least one field of zeros');
  return { ok: true, is4: false, zone };
}

/** netip.ParseAddr: IPv4 when a '.' comes before any ':', IPv6 (with an optional zone) otherwise. */
export function parseAddr(s: string): ParsedAddr {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '.') return checkIPv4Fields(s, 0, s.length) ?? { ok: true, is4: true, zone: '' };
    if (s[i] === ':') return parseIPv6(s);
    if (s[i] === '%') return fail(s, 'missing IPv6 address');
  }
  return fail(s, 'unable to parse IP');
}

/** net.ParseIP: a valid address without a zone. */
export function isGoIP(s: string): boolean {
  const addr = parseAddr(s);
  return addr.ok && addr.zone === '';
}

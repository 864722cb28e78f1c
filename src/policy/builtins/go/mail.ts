// Whether Go's net/mail.ParseAddress accepts a string (go1.26 src/net/mail/message.go, with the
// RFC 2047 word decoding of src/mime/encodedword.go), for gojsonschema's "email" and "idn-email"
// formats. Only acceptance matters, so the parsed parts are not built. Works on byte strings (see
// bytes.ts). Pure.
import { decodeRune } from './bytes.ts';
import { isGoIP } from './netip.ts';

const isVchar = (r: number): boolean => (r >= 0x21 && r <= 0x7e) || r >= 0x80;
const isWSP = (r: number): boolean => r === 0x20 || r === 0x09;
const SPECIALS = new Set([...'()<>[]:;@\\,"'].map((c) => c.charCodeAt(0)));
const isAtext = (r: number, dot: boolean): boolean => (r === 0x2e ? dot : !SPECIALS.has(r) && isVchar(r));
const isQtext = (r: number): boolean => r !== 0x5c && r !== 0x22 && isVchar(r);
const isDtext = (r: number): boolean => r !== 0x5b && r !== 0x5d && r !== 0x5c && isVchar(r);

class MailSyntax extends Error {}

/** Outcome of RFC 2047 decoding of one word, as net/mail's decodeRFC2047Word sees it. */
type WordDecoding = { kind: 'plain' } | { kind: 'decoded'; empty: boolean } | { kind: 'charset-error' };

function validBase64(text: string): boolean {
  if (text.length % 4 !== 0) return false;
  return /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(text);
}

function validQ(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (text[i] === '=') {
      if (i + 2 >= text.length || !/^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) return false;
      i += 2;
    } else if (!((c >= 0x20 && c <= 0x7e) || c === 0x0a || c === 0x0d || c === 0x09)) return false;
  }
  return true;
}

/** mime.WordDecoder.Decode with net/mail's charset reader (only utf-8, iso-8859-1, us-ascii). */
function decodeWord(word: string): WordDecoding {
  const plain: WordDecoding = { kind: 'plain' };
  if (word.length < 8 || !word.startsWith('=?') || !word.endsWith('?=') || word.split('?').length - 1 !== 4) return plain;
  const [charset, encoding, text] = word.slice(2, -2).split('?') as [string, string, string];
  if (charset === '' || encoding.length !== 1) return plain;
  const e = encoding.toLowerCase();
  if (e === 'b' ? !validBase64(text) : e === 'q' ? !validQ(text) : true) return plain;
  if (!['utf-8', 'iso-8859-1', 'us-ascii'].includes(charset.toLowerCase())) return { kind: 'charset-error' };
  return { kind: 'decoded', empty: text === '' };
}

class AddrParser {
  s: string;

  constructor(s: string) {
    this.s = s;
  }

  empty(): boolean {
    return this.s.length === 0;
  }

  peek(): string {
    return this.s[0]!;
  }

  consume(c: string): boolean {
    if (this.empty() || this.peek() !== c) return false;
    this.s = this.s.slice(1);
    return true;
  }

  skipSpace(): void {
    this.s = this.s.replace(/^[ \t]+/, '');
  }

  /** Comments and folding white space; false when a comment is unterminated. */
  skipCFWS(): boolean {
    this.skipSpace();
    while (this.consume('(')) {
      if (!this.consumeComment().closed) return false;
      this.skipSpace();
    }
    return true;
  }

  /** The comment's text (escapes resolved) and whether it was closed. */
  consumeComment(): { text: string; closed: boolean } {
    let depth = 1;
    let text = '';
    while (!this.empty() && depth !== 0) {
      if (this.peek() === '\\' && this.s.length > 1) this.s = this.s.slice(1);
      else if (this.peek() === '(') depth++;
      else if (this.peek() === ')') depth--;
      if (depth > 0) text += this.s[0]!;
      this.s = this.s.slice(1);
    }
    return { text, closed: depth === 0 };
  }

  consumeQuotedString(): string {
    let i = 1;
    let text = '';
    let escaped = false;
    for (;;) {
      if (i >= this.s.length) throw new MailSyntax('unclosed quoted-string');
      const { rune, size, valid } = decodeRune(this.s, i);
      if (!valid) throw new MailSyntax('invalid utf-8 in quoted-string');
      if (escaped) {
        if (!isVchar(rune) && !isWSP(rune)) throw new MailSyntax('bad character in quoted-string');
        text += this.s.slice(i, i + size);
        escaped = false;
      } else if (isQtext(rune) || isWSP(rune)) text += this.s.slice(i, i + size);
      else if (rune === 0x22) break;
      else if (rune === 0x5c) escaped = true;
      else throw new MailSyntax('bad character in quoted-string');
      i += size;
    }
    this.s = this.s.slice(i + 1);
    return text;
  }

  consumeAtom(dot: boolean, permissive: boolean): string {
    let i = 0;
    while (i < this.s.length) {
      const { rune, size, valid } = decodeRune(this.s, i);
      if (!valid) throw new MailSyntax('invalid utf-8 in address');
      if (!isAtext(rune, dot)) break;
      i += size;
    }
    if (i === 0) throw new MailSyntax('invalid string');
    const atom = this.s.slice(0, i);
    this.s = this.s.slice(i);
    if (!permissive && (atom.startsWith('.') || atom.includes('..') || atom.endsWith('.'))) throw new MailSyntax('dot in atom');
    return atom;
  }

  consumeDomainLiteral(): void {
    if (!this.consume('[')) throw new MailSyntax('missing [');
    let text = '';
    for (;;) {
      if (this.empty()) throw new MailSyntax('unclosed domain-literal');
      if (this.peek() === ']') break;
      const { rune, size, valid } = decodeRune(this.s, 0);
      if (!valid || !isDtext(rune)) throw new MailSyntax('bad domain-literal');
      text += this.s.slice(0, size);
      this.s = this.s.slice(size);
    }
    this.consume(']');
    if (!isGoIP(text)) throw new MailSyntax('invalid IP address in domain-literal');
  }

  /** addr-spec; on failure the parser is left where it was, as Go's deferred restore does. */
  tryAddrSpec(): boolean {
    const saved = this.s;
    try {
      this.skipSpace();
      if (this.empty()) throw new MailSyntax('no addr-spec');
      if (this.peek() === '"') {
        if (this.consumeQuotedString() === '') throw new MailSyntax('empty quoted string in addr-spec');
      } else this.consumeAtom(true, false);
      if (!this.consume('@')) throw new MailSyntax('missing @');
      this.skipSpace();
      if (this.empty()) throw new MailSyntax('no domain');
      if (this.peek() === '[') this.consumeDomainLiteral();
      else this.consumeAtom(true, false);
      return true;
    } catch (err) {
      if (!(err instanceof MailSyntax)) throw err;
      this.s = saved;
      return false;
    }
  }

  /** A display name. `words` mirrors Go's slice: decoded words wait in a buffer until a plain one. */
  consumePhrase(): void {
    let words = 0;
    let pending = false;
    let failed = false;
    for (;;) {
      if (words > 0 && !this.skipCFWS()) throw new MailSyntax('misformatted parenthetical comment');
      this.skipSpace();
      if (this.empty()) break;
      let decoded: WordDecoding = { kind: 'plain' };
      try {
        if (this.peek() === '"') this.consumeQuotedString();
        else decoded = decodeWord(this.consumeAtom(true, true));
        if (decoded.kind === 'charset-error') throw new MailSyntax('charset not supported');
      } catch (err) {
        if (!(err instanceof MailSyntax)) throw err;
        failed = true;
        break;
      }
      if (decoded.kind === 'decoded') pending ||= !decoded.empty;
      else if (pending) {
        words += 2;
        pending = false;
      } else words += 1;
    }
    if (pending) words += 1;
    if (failed && words === 0) throw new MailSyntax('missing word in phrase');
  }

  consumeDisplayNameComment(): void {
    if (!this.consume('(')) throw new MailSyntax('comment does not start with (');
    const comment = this.consumeComment();
    if (!comment.closed) throw new MailSyntax('misformatted parenthetical comment');
    for (const word of comment.text.split(/[ \t]+/)) {
      if (word !== '' && decodeWord(word).kind === 'charset-error') throw new MailSyntax('charset not supported');
    }
  }

  /** parseAddress: the number of addresses it yields (a group may yield several or none). */
  parseAddress(handleGroup: boolean): number {
    this.skipSpace();
    if (this.empty()) throw new MailSyntax('no address');
    if (this.tryAddrSpec()) {
      this.skipSpace();
      if (!this.empty() && this.peek() === '(') this.consumeDisplayNameComment();
      return 1;
    }
    if (this.peek() !== '<') this.consumePhrase();
    this.skipSpace();
    if (handleGroup && this.consume(':')) return this.consumeGroupList();
    if (!this.consume('<')) throw new MailSyntax('no angle-addr');
    if (!this.tryAddrSpec()) throw new MailSyntax('bad addr-spec');
    if (!this.consume('>')) throw new MailSyntax('unclosed angle-addr');
    return 1;
  }

  consumeGroupList(): number {
    let count = 0;
    this.skipSpace();
    if (this.consume(';')) {
      if (!this.skipCFWS()) throw new MailSyntax('misformatted parenthetical comment');
      return 0;
    }
    for (;;) {
      this.skipSpace();
      count += this.parseAddress(false);
      if (!this.skipCFWS()) throw new MailSyntax('misformatted parenthetical comment');
      if (this.consume(';')) {
        if (!this.skipCFWS()) throw new MailSyntax('misformatted parenthetical comment');
        return count;
      }
      if (!this.consume(',')) throw new MailSyntax('expected comma');
    }
  }
}

/** Whether mail.ParseAddress(address) succeeds: exactly one address, nothing after it. */
export function isGoMailAddress(address: string): boolean {
  const p = new AddrParser(address);
  try {
    const count = p.parseAddress(true);
    if (!p.skipCFWS() || !p.empty()) return false;
    return count === 1;
  } catch (err) {
    if (err instanceof MailSyntax) return false;
    throw err;
  }
}

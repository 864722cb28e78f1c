// Go's net/url as go1.26 parses and prints URLs (src/net/url/url.go, gen_encoding_table.go; the
// urlstrictcolons default of go1.26, which both OPA v1.22 and conforma/cli build with). gojsonschema
// resolves `$ref`/`$id` with it and checks the uri/uri-reference/uri-template formats with it, and
// packageurl-go parses every purl with it, so the corner cases (what fails, what is decoded twice)
// must be Go's. Works on byte strings (see bytes.ts). Pure.
import { parseAddr } from './netip.ts';
import { goQuoteBytes } from './quote.ts';

type Encoding = 'path' | 'pathSegment' | 'host' | 'zone' | 'userPassword' | 'queryComponent' | 'fragment';

export interface GoURL {
  scheme: string;
  opaque: string;
  user: { username: string; password: string | undefined } | undefined;
  host: string;
  path: string;
  rawPath: string;
  forceQuery: boolean;
  rawQuery: string;
  fragment: string;
  rawFragment: string;
  omitHost: boolean;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = <T>(message: string): Parsed<T> => ({ ok: false, message });

const isAlnum = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);

/** Go's shouldEscape: whether byte `c` must be percent-encoded in a URL part of the given kind. */
function shouldEscape(c: string, mode: Encoding): boolean {
  if (isAlnum(c)) return false;
  if ((mode === 'host' || mode === 'zone') && '!$&\'()*+,;=:[]<>"'.includes(c)) return false;
  if ('-_.~'.includes(c)) return false;
  if ('$&+,/:;=?@'.includes(c)) {
    switch (mode) {
      case 'path':
        return c === '?';
      case 'pathSegment':
        return c === '/' || c === ';' || c === ',' || c === '?';
      case 'userPassword':
        return c === '@' || c === '/' || c === '?' || c === ':';
      case 'queryComponent':
        return true;
      case 'fragment':
        return false;
      default:
        break;
    }
  }
  if (mode === 'fragment' && '!()*'.includes(c)) return false;
  return true;
}

/** Go's unescape: percent-decoding with the per-part rules (hosts may only escape non-ASCII). */
function unescape(s: string, mode: Encoding): Parsed<string> {
  let escapes = 0;
  let hasPlus = false;
  for (let i = 0; i < s.length;) {
    const c = s[i]!;
    if (c === '%') {
      escapes++;
      if (i + 2 >= s.length || !isHex(s[i + 1]) || !isHex(s[i + 2])) {
        return bad(`invalid URL escape ${goQuoteBytes(s.slice(i, i + 3))}`);
      }
      const value = parseInt(s.slice(i + 1, i + 3), 16);
      if (mode === 'host' && value < 0x80 && s.slice(i, i + 3) !== '%25') return bad(`invalid URL escape ${goQuoteBytes(s.slice(i, i + 3))}`);
      if (mode === 'zone' && s.slice(i, i + 3) !== '%25' && value !== 0x20 && shouldEscape(String.fromCharCode(value), 'host')) {
        return bad(`invalid URL escape ${goQuoteBytes(s.slice(i, i + 3))}`);
      }
      i += 3;
    } else {
      if (c === '+') hasPlus = mode === 'queryComponent';
      else if ((mode === 'host' || mode === 'zone') && c.charCodeAt(0) < 0x80 && shouldEscape(c, mode)) {
        return bad(`invalid character ${goQuoteBytes(c)} in host name`);
      }
      i++;
    }
  }
  if (escapes === 0 && !hasPlus) return ok(s);
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '%') {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c === '+') out += mode === 'queryComponent' ? ' ' : '+';
    else out += c;
  }
  return ok(out);
}

/** Go's escape: percent-encodes the bytes `shouldEscape` selects (upper-case hex). */
function escape(s: string, mode: Encoding): string {
  let out = '';
  for (const c of s) {
    if (c === ' ' && mode === 'queryComponent') out += '+';
    else if (shouldEscape(c, mode)) out += `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
    else out += c;
  }
  return out;
}

/** url.PathUnescape / url.QueryUnescape. */
export const pathUnescape = (s: string): Parsed<string> => unescape(s, 'pathSegment');
export const queryUnescape = (s: string): Parsed<string> => unescape(s, 'queryComponent');

function getScheme(raw: string): Parsed<{ scheme: string; rest: string }> {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) continue;
    if ((c >= '0' && c <= '9') || c === '+' || c === '-' || c === '.') {
      if (i === 0) return ok({ scheme: '', rest: raw });
      continue;
    }
    if (c === ':') {
      if (i === 0) return bad('missing protocol scheme');
      return ok({ scheme: raw.slice(0, i), rest: raw.slice(i + 1) });
    }
    return ok({ scheme: '', rest: raw });
  }
  return ok({ scheme: '', rest: raw });
}

function validOptionalPort(port: string): boolean {
  if (port === '') return true;
  if (port[0] !== ':') return false;
  return /^[0-9]*$/.test(port.slice(1));
}

function parseHost(scheme: string, host: string): Parsed<string> {
  const open = host.lastIndexOf('[');
  if (open > 0) return bad('invalid IP-literal');
  if (open === 0) {
    const close = host.lastIndexOf(']');
    if (close < 0) return bad("missing ']' in host");
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) return bad(`invalid port ${goQuoteBytes(colonPort)} after host`);
    const port = unescape(colonPort, 'host');
    if (!port.ok) return port;
    const hostname = host.slice(1, close);
    const zoneAt = hostname.indexOf('%25');
    let unescaped: string;
    if (zoneAt >= 0) {
      const hostPart = unescape(hostname.slice(0, zoneAt), 'host');
      if (!hostPart.ok) return hostPart;
      const zonePart = unescape(hostname.slice(zoneAt), 'zone');
      if (!zonePart.ok) return zonePart;
      unescaped = hostPart.value + zonePart.value;
    } else {
      const plain = unescape(hostname, 'host');
      if (!plain.ok) return plain;
      unescaped = plain.value;
    }
    const addr = parseAddr(unescaped);
    if (!addr.ok) return bad(`invalid host: ${addr.message}`);
    if (addr.is4) return bad('invalid IP-literal');
    return ok(`[${unescaped}]${port.value}`);
  }
  let i = host.indexOf(':');
  if (i !== -1) {
    const last = host.lastIndexOf(':');
    // go1.26 (urlstrictcolons): only http and https reject colons in the host itself.
    if (last !== i && scheme !== 'http' && scheme !== 'https') i = last;
    const colonPort = host.slice(i);
    if (!validOptionalPort(colonPort)) return bad(`invalid port ${goQuoteBytes(colonPort)} after host`);
  }
  return unescape(host, 'host');
}

function validUserinfo(s: string): boolean {
  for (const c of s) {
    if (isAlnum(c)) continue;
    if (!"-._:~!$&'()*+,;=%@".includes(c)) return false;
  }
  return true;
}

function parseAuthority(scheme: string, authority: string): Parsed<{ user: GoURL['user']; host: string }> {
  const at = authority.lastIndexOf('@');
  const host = parseHost(scheme, at < 0 ? authority : authority.slice(at + 1));
  if (!host.ok) return host;
  if (at < 0) return ok({ user: undefined, host: host.value });
  const userinfo = authority.slice(0, at);
  if (!validUserinfo(userinfo)) return bad('net/url: invalid userinfo');
  const colon = userinfo.indexOf(':');
  const username = unescape(colon < 0 ? userinfo : userinfo.slice(0, colon), 'userPassword');
  if (!username.ok) return username;
  if (colon < 0) return ok({ user: { username: username.value, password: undefined }, host: host.value });
  const password = unescape(userinfo.slice(colon + 1), 'userPassword');
  if (!password.ok) return password;
  return ok({ user: { username: username.value, password: password.value }, host: host.value });
}

function emptyURL(): GoURL {
  return {
    scheme: '',
    opaque: '',
    user: undefined,
    host: '',
    path: '',
    rawPath: '',
    forceQuery: false,
    rawQuery: '',
    fragment: '',
    rawFragment: '',
    omitHost: false,
  };
}

function setPath(u: GoURL, p: string): Parsed<GoURL> {
  const path = unescape(p, 'path');
  if (!path.ok) return path;
  u.path = path.value;
  u.rawPath = escape(path.value, 'path') === p ? '' : p;
  return ok(u);
}

function setFragment(u: GoURL, f: string): Parsed<GoURL> {
  const frag = unescape(f, 'fragment');
  if (!frag.ok) return frag;
  u.fragment = frag.value;
  u.rawFragment = escape(frag.value, 'fragment') === f ? '' : f;
  return ok(u);
}

const CONTROL_BYTE = /[\x00-\x1f\x7f]/;

function parseWithoutFragment(raw: string): Parsed<GoURL> {
  if (CONTROL_BYTE.test(raw)) return bad('net/url: invalid control character in URL');
  const u = emptyURL();
  if (raw === '*') {
    u.path = '*';
    return ok(u);
  }
  const scheme = getScheme(raw);
  if (!scheme.ok) return scheme;
  u.scheme = scheme.value.scheme.toLowerCase();
  let rest = scheme.value.rest;
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) {
    u.forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      u.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith('/')) {
    if (u.scheme !== '') {
      u.opaque = rest;
      return ok(u);
    }
    const slash = rest.indexOf('/');
    if ((slash < 0 ? rest : rest.slice(0, slash)).includes(':')) return bad('first path segment in URL cannot contain colon');
  }
  if ((u.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    const auth = parseAuthority(u.scheme, authority);
    if (!auth.ok) return auth;
    u.user = auth.value.user;
    u.host = auth.value.host;
  } else if (u.scheme !== '' && rest.startsWith('/')) u.omitHost = true;
  return setPath(u, rest);
}

/** url.Parse of the byte string `raw`; failures carry Go's `parse "…": …` text. */
export function parseURL(raw: string): Parsed<GoURL> {
  const hash = raw.indexOf('#');
  const head = hash < 0 ? raw : raw.slice(0, hash);
  const frag = hash < 0 ? '' : raw.slice(hash + 1);
  const parsed = parseWithoutFragment(head);
  if (!parsed.ok) return bad(`parse ${goQuoteBytes(head)}: ${parsed.message}`);
  if (frag === '') return parsed;
  const withFragment = setFragment(parsed.value, frag);
  if (!withFragment.ok) return bad(`parse ${goQuoteBytes(raw)}: ${withFragment.message}`);
  return withFragment;
}

function validEncoded(s: string, mode: Encoding): boolean {
  for (const c of s) {
    if ("!$&'()*+,;=:@[]%".includes(c)) continue;
    if (shouldEscape(c, mode)) return false;
  }
  return true;
}

function escapedPath(u: GoURL): string {
  if (u.rawPath !== '' && validEncoded(u.rawPath, 'path')) {
    const p = unescape(u.rawPath, 'path');
    if (p.ok && p.value === u.path) return u.rawPath;
  }
  if (u.path === '*') return '*';
  return escape(u.path, 'path');
}

function escapedFragment(u: GoURL): string {
  if (u.rawFragment !== '' && validEncoded(u.rawFragment, 'fragment')) {
    const f = unescape(u.rawFragment, 'fragment');
    if (f.ok && f.value === u.fragment) return u.rawFragment;
  }
  return escape(u.fragment, 'fragment');
}

function userString(user: NonNullable<GoURL['user']>): string {
  const name = escape(user.username, 'userPassword');
  return user.password === undefined ? name : `${name}:${escape(user.password, 'userPassword')}`;
}

/** URL.String(). */
export function urlString(u: GoURL): string {
  let out = u.scheme === '' ? '' : `${u.scheme}:`;
  if (u.opaque !== '') out += u.opaque;
  else {
    if ((u.scheme !== '' || u.host !== '' || u.user) && !(u.omitHost && u.host === '' && !u.user)) {
      if (u.host !== '' || u.path !== '' || u.user) out += '//';
      if (u.user) out += `${userString(u.user)}@`;
      if (u.host !== '') out += escape(u.host, 'host');
    }
    const path = escapedPath(u);
    if (path !== '' && path[0] !== '/' && u.host !== '') out += '/';
    if (out === '') {
      const slash = path.indexOf('/');
      if ((slash < 0 ? path : path.slice(0, slash)).includes(':')) out += './';
    }
    out += path;
  }
  if (u.forceQuery || u.rawQuery !== '') out += `?${u.rawQuery}`;
  if (u.fragment !== '') out += `#${escapedFragment(u)}`;
  return out;
}

/** RFC 3986 §5.2.4 dot-segment removal as Go's resolvePath does it. */
function resolvePath(base: string, ref: string): string {
  let full: string;
  if (ref === '') full = base;
  else if (ref[0] !== '/') full = base.slice(0, base.lastIndexOf('/') + 1) + ref;
  else full = ref;
  if (full === '') return '';
  const segments = full.split('/');
  let dst = '/';
  let first = true;
  for (const elem of segments) {
    if (elem === '.') {
      first = false;
      continue;
    }
    if (elem === '..') {
      const i = dst.slice(1).lastIndexOf('/');
      dst = i >= 0 ? dst.slice(0, i + 1) : '/';
      first = dst.length === 1;
      continue;
    }
    if (!first) dst += '/';
    dst += elem;
    first = false;
  }
  const last = segments[segments.length - 1];
  if (last === '.' || last === '..') dst += '/';
  return dst.length > 1 && dst[1] === '/' ? dst.slice(1) : dst;
}

function withResolvedPath(u: GoURL, p: string): GoURL {
  const set = setPath(u, p);
  return set.ok ? set.value : u;
}

/** URL.ResolveReference (RFC 3986 §5.2), returning a new URL. */
export function resolveReference(base: GoURL, ref: GoURL): GoURL {
  const url: GoURL = { ...ref };
  if (ref.scheme === '') url.scheme = base.scheme;
  if (ref.scheme !== '' || ref.host !== '' || ref.user) return withResolvedPath(url, resolvePath(escapedPath(ref), ''));
  if (ref.opaque !== '') return { ...url, user: undefined, host: '', path: '' };
  if (ref.path === '' && !ref.forceQuery && ref.rawQuery === '') {
    url.rawQuery = base.rawQuery;
    if (ref.fragment === '') {
      url.fragment = base.fragment;
      url.rawFragment = base.rawFragment;
    }
  }
  if (ref.path === '' && base.opaque !== '') return { ...url, opaque: base.opaque, user: undefined, host: '', path: '' };
  url.host = base.host;
  url.user = base.user;
  return withResolvedPath(url, resolvePath(escapedPath(base), escapedPath(ref)));
}

// Go's url.Parse and URL.String (go1.26.8 src/net/url/url.go), over byte strings (one char per
// byte), for the URIs of a certificate: the URL struct's fields as encoding/json prints them.
// Pure.
import { isIPv4, isIPv6 } from 'node:net';

const PATH = 1;
const PATH_SEGMENT = 2;
const HOST = 4;
const ZONE = 8;
const USER_PASSWORD = 16;
const QUERY_COMPONENT = 32;
const FRAGMENT = 64;

const isAlnum = (c: string): boolean => /^[A-Za-z0-9]$/.test(c);
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9A-Fa-f]$/.test(c);

/** Go's shouldEscape for one byte and mode. */
function shouldEscape(c: string, mode: number): boolean {
  if (isAlnum(c)) return false;
  if ((mode === HOST || mode === ZONE) && `!$&'()*+,;=:[]<>"`.includes(c)) return false;
  if ('-_.~'.includes(c)) return false;
  if ('$&+,/:;=?@'.includes(c)) {
    switch (mode) {
      case PATH:
        return c === '?';
      case PATH_SEGMENT:
        return '/;,?'.includes(c);
      case USER_PASSWORD:
        return '@/?:'.includes(c);
      case QUERY_COMPONENT:
        return true;
      case FRAGMENT:
        return false;
    }
  }
  if (mode === FRAGMENT && '!()*'.includes(c)) return false;
  return true;
}

class UrlError extends Error {}
const fail = (why: string): never => {
  throw new UrlError(why);
};

function unescape(s: string, mode: number): string {
  let n = 0;
  let hasPlus = false;
  for (let i = 0; i < s.length; ) {
    const c = s[i]!;
    if (c === '%') {
      n++;
      if (i + 2 >= s.length || !isHex(s[i + 1]) || !isHex(s[i + 2])) fail('invalid URL escape');
      const v = parseInt(s.slice(i + 1, i + 3), 16);
      if (mode === HOST && parseInt(s[i + 1]!, 16) < 8 && s.slice(i, i + 3) !== '%25') fail('invalid URL escape');
      if (mode === ZONE && s.slice(i, i + 3) !== '%25' && v !== 0x20 && shouldEscape(String.fromCharCode(v), HOST)) fail('invalid URL escape');
      i += 3;
    } else {
      if (c === '+') hasPlus = mode === QUERY_COMPONENT;
      else if ((mode === HOST || mode === ZONE) && c.charCodeAt(0) < 0x80 && shouldEscape(c, mode)) fail('invalid character in host name');
      i++;
    }
  }
  if (n === 0 && !hasPlus) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '%') {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else out += c === '+' ? (mode === QUERY_COMPONENT ? ' ' : '+') : c;
  }
  return out;
}

function escape(s: string, mode: number): string {
  let out = '';
  for (const c of s) {
    if (c === ' ' && mode === QUERY_COMPONENT) out += '+';
    else if (shouldEscape(c, mode)) out += `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
    else out += c;
  }
  return out;
}

/** The fields of Go's url.URL, as encoding/json prints them (User is {} or null). */
export interface GoURL {
  Scheme: string;
  Opaque: string;
  User: Record<string, never> | null;
  Host: string;
  Path: string;
  RawPath: string;
  OmitHost: boolean;
  ForceQuery: boolean;
  RawQuery: string;
  Fragment: string;
  RawFragment: string;
}

interface ParsedURL {
  json: GoURL;
  user?: { username: string; password?: string };
}

function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+.-]/.test(c)) {
      if (i === 0) return ['', raw];
      continue;
    }
    if (c === ':') {
      if (i === 0) fail('missing protocol scheme');
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ['', raw];
  }
  return ['', raw];
}

const validOptionalPort = (port: string): boolean => port === '' || /^:\d*$/.test(port);
const validUserinfo = (s: string): boolean => /^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(s);

function parseHost(scheme: string, host: string): string {
  const open = host.lastIndexOf('[');
  if (open > 0) fail('invalid IP-literal');
  if (open === 0) {
    const close = host.lastIndexOf(']');
    if (close < 0) fail("missing ']' in host");
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) fail('invalid port');
    const port = unescape(colonPort, HOST);
    const hostname = host.slice(1, close);
    const zoneIdx = hostname.indexOf('%25');
    const unescaped = zoneIdx >= 0 ? unescape(hostname.slice(0, zoneIdx), HOST) + unescape(hostname.slice(zoneIdx), ZONE) : unescape(hostname, HOST);
    // Only an IPv6 address (an IPv4-mapped one included) may sit in brackets.
    const [addr, zone] = [unescaped.split('%')[0]!, unescaped.includes('%') ? unescaped.slice(unescaped.indexOf('%') + 1) : undefined];
    if (!isIPv6(addr) || isIPv4(addr) || zone === '') fail('invalid host');
    return `[${unescaped}]${port}`;
  }
  let i = host.indexOf(':');
  if (i !== -1) {
    const last = host.lastIndexOf(':');
    // Go 1.26 refuses extra colons for http(s) only (urlstrictcolons) and takes the last otherwise.
    if (last !== i && scheme !== 'http' && scheme !== 'https') i = last;
    if (!validOptionalPort(host.slice(i))) fail('invalid port');
  }
  return unescape(host, HOST);
}

function parseAuthority(scheme: string, authority: string): { host: string; user?: { username: string; password?: string } } {
  const at = authority.lastIndexOf('@');
  const host = parseHost(scheme, at < 0 ? authority : authority.slice(at + 1));
  if (at < 0) return { host };
  const userinfo = authority.slice(0, at);
  if (!validUserinfo(userinfo)) fail('invalid userinfo');
  const colon = userinfo.indexOf(':');
  if (colon < 0) return { host, user: { username: unescape(userinfo, USER_PASSWORD) } };
  return { host, user: { username: unescape(userinfo.slice(0, colon), USER_PASSWORD), password: unescape(userinfo.slice(colon + 1), USER_PASSWORD) } };
}

function validEncoded(s: string, mode: number): boolean {
  for (const c of s) {
    if ("!$&'()*+,;=:@[]%".includes(c)) continue;
    if (shouldEscape(c, mode)) return false;
  }
  return true;
}

function parse(raw: string): ParsedURL {
  // Go refuses ASCII control bytes.
  if (/[\x00-\x1f\x7f]/.test(raw)) fail('invalid control character in URL');
  const u: GoURL = { Scheme: '', Opaque: '', User: null, Host: '', Path: '', RawPath: '', OmitHost: false, ForceQuery: false, RawQuery: '', Fragment: '', RawFragment: '' };
  if (raw === '*') {
    u.Path = '*';
    return { json: u };
  }
  let [scheme, rest] = getScheme(raw);
  u.Scheme = scheme.toLowerCase();
  scheme = u.Scheme;
  if (rest.endsWith('?') && rest.split('?').length === 2) {
    u.ForceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      u.RawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith('/')) {
    if (scheme !== '') {
      u.Opaque = rest;
      return { json: u };
    }
    if (rest.split('/')[0]!.includes(':')) fail('first path segment in URL cannot contain colon');
  }
  let user: ParsedURL['user'];
  if ((scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    const a = parseAuthority(scheme, authority);
    u.Host = a.host;
    user = a.user;
    u.User = user ? {} : null;
  } else if (scheme !== '' && rest.startsWith('/')) u.OmitHost = true;
  u.Path = unescape(rest, PATH);
  u.RawPath = escape(u.Path, PATH) === rest ? '' : rest;
  return { json: u, user };
}

function escapedPath(u: GoURL): string {
  if (u.RawPath !== '' && validEncoded(u.RawPath, PATH)) {
    try {
      if (unescape(u.RawPath, PATH) === u.Path) return u.RawPath;
    } catch {
      // fall through to the default encoding
    }
  }
  return u.Path === '*' ? '*' : escape(u.Path, PATH);
}

function escapedFragment(u: GoURL): string {
  if (u.RawFragment !== '' && validEncoded(u.RawFragment, FRAGMENT)) {
    try {
      if (unescape(u.RawFragment, FRAGMENT) === u.Fragment) return u.RawFragment;
    } catch {
      // fall through to the default encoding
    }
  }
  return escape(u.Fragment, FRAGMENT);
}

/** Go's URL.String. */
function urlString(p: ParsedURL): string {
  const u = p.json;
  let out = u.Scheme !== '' ? `${u.Scheme}:` : '';
  if (u.Opaque !== '') out += u.Opaque;
  else {
    if (u.Scheme !== '' || u.Host !== '' || p.user) {
      if (!(u.OmitHost && u.Host === '' && !p.user)) {
        if (u.Host !== '' || u.Path !== '' || p.user) out += '//';
        if (p.user) out += `${escape(p.user.username, USER_PASSWORD)}${p.user.password !== undefined ? `:${escape(p.user.password, USER_PASSWORD)}` : ''}@`;
        if (u.Host !== '') out += escape(u.Host, HOST);
      }
    }
    const path = escapedPath(u);
    if (path !== '' && path[0] !== '/' && u.Host !== '') out += '/';
    if (out === '' && path.split('/')[0]!.includes(':')) out += './';
    out += path;
  }
  if (u.ForceQuery || u.RawQuery !== '') out += `?${u.RawQuery}`;
  if (u.Fragment !== '') out += `#${escapedFragment(u)}`;
  return out;
}

/** Go's url.Parse (fragment included) over a byte string; undefined on error. */
export function parseGoURL(raw: string): { url: GoURL; text: string } | undefined {
  try {
    const hash = raw.indexOf('#');
    const p = parse(hash < 0 ? raw : raw.slice(0, hash));
    if (hash >= 0 && raw.length > hash + 1) {
      const frag = raw.slice(hash + 1);
      p.json.Fragment = unescape(frag, FRAGMENT);
      p.json.RawFragment = escape(p.json.Fragment, FRAGMENT) === frag ? '' : frag;
    }
    return { url: p.json, text: urlString(p) };
  } catch (err) {
    if (err instanceof UrlError) return undefined;
    throw err;
  }
}

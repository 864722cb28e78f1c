// crypto.x509.parse_certificates as OPA v1.15.2 answers it (v1/topdown/crypto.go: PEM, base64 of
// PEM or base64 of DER; Go's x509.Certificate plus URIStrings through encoding/json), with Go's
// certificate parser (go1.26.8 src/crypto/x509/parser.go, x509.go, oid.go, pkix/pkix.go): the same
// acceptance rules, field names, zero values (null slices, MaxPathLen 0 without basic constraints)
// and encodings (bytes base64, big integers as numbers, OIDs as int arrays, times RFC 3339).
// Pure.
import { Der, TAG, bitAt, contextTag, rightAlign } from './der.ts';
import { decodeStdBase64, latin1Text, pemDecode } from './pem.ts';
import { addDateGo, formatGoTime, marshalTimeJSON, parseGoTime, type Time } from './time.ts';
import { parseURL, urlString, type GoURL } from './go/url.ts';

class CertError extends Error {}
const fail = (why: string): never => {
  throw new CertError(why);
};

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');
const oidEq = (a: number[], b: number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
const bytesEq = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

/** The length of the valid UTF-8 sequence at b[i] by Go's rules (no overlongs or surrogates), or 0. */
function utf8Length(b: Uint8Array, i: number): number {
  const c = b[i]!;
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => i + k < b.length && b[i + k]! >= lo && b[i + k]! <= hi;
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) return cont(1, c === 0xe0 ? 0xa0 : 0x80, c === 0xed ? 0x9f : 0xbf) && cont(2) ? 3 : 0;
  if (c >= 0xf0 && c <= 0xf4) return cont(1, c === 0xf0 ? 0x90 : 0x80, c === 0xf4 ? 0x8f : 0xbf) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/** A Go string of arbitrary bytes as encoding/json writes it: each invalid byte becomes U+FFFD. */
function goString(b: Uint8Array): string {
  let out = '';
  for (let i = 0; i < b.length;) {
    const n = utf8Length(b, i);
    out += n === 0 ? '\ufffd' : Buffer.from(b.subarray(i, i + n)).toString('utf8');
    i += n || 1;
  }
  return out;
}

const validUTF8 = (b: Uint8Array): boolean => {
  for (let i = 0; i < b.length;) {
    const n = utf8Length(b, i);
    if (n === 0) return false;
    i += n;
  }
  return true;
};

// ---- OIDs ----

const OID = {
  publicKeyRSA: [1, 2, 840, 113549, 1, 1, 1],
  publicKeyDSA: [1, 2, 840, 10040, 4, 1],
  publicKeyECDSA: [1, 2, 840, 10045, 2, 1],
  publicKeyEd25519: [1, 3, 101, 112],
  signatureRSAPSS: [1, 2, 840, 113549, 1, 1, 10],
  signatureEd25519: [1, 3, 101, 112],
  sha256: [2, 16, 840, 1, 101, 3, 4, 2, 1],
  sha384: [2, 16, 840, 1, 101, 3, 4, 2, 2],
  sha512: [2, 16, 840, 1, 101, 3, 4, 2, 3],
  mgf1: [1, 2, 840, 113549, 1, 1, 8],
  authorityInfoAccess: [1, 3, 6, 1, 5, 5, 7, 1, 1],
  ocsp: [1, 3, 6, 1, 5, 5, 7, 48, 1],
  caIssuers: [1, 3, 6, 1, 5, 5, 7, 48, 2],
};

/** SignatureAlgorithm numbers (x509.go) by OID; RSA-PSS is decided by its parameters. */
const SIGNATURE_ALGORITHMS: [number[], number][] = [
  [[1, 2, 840, 113549, 1, 1, 4], 2],
  [[1, 2, 840, 113549, 1, 1, 5], 3],
  [[1, 3, 14, 3, 2, 29], 3],
  [[1, 2, 840, 113549, 1, 1, 11], 4],
  [[1, 2, 840, 113549, 1, 1, 12], 5],
  [[1, 2, 840, 113549, 1, 1, 13], 6],
  [[1, 2, 840, 10040, 4, 3], 7],
  [[2, 16, 840, 1, 101, 3, 4, 3, 2], 8],
  [[1, 2, 840, 10045, 4, 1], 9],
  [[1, 2, 840, 10045, 4, 3, 2], 10],
  [[1, 2, 840, 10045, 4, 3, 3], 11],
  [[1, 2, 840, 10045, 4, 3, 4], 12],
  [[1, 3, 101, 112], 16],
];

/** ExtKeyUsage numbers by OID, in Go's order. */
const EXT_KEY_USAGES: number[][] = [
  [2, 5, 29, 37, 0],
  [1, 3, 6, 1, 5, 5, 7, 3, 1],
  [1, 3, 6, 1, 5, 5, 7, 3, 2],
  [1, 3, 6, 1, 5, 5, 7, 3, 3],
  [1, 3, 6, 1, 5, 5, 7, 3, 4],
  [1, 3, 6, 1, 5, 5, 7, 3, 5],
  [1, 3, 6, 1, 5, 5, 7, 3, 6],
  [1, 3, 6, 1, 5, 5, 7, 3, 7],
  [1, 3, 6, 1, 5, 5, 7, 3, 8],
  [1, 3, 6, 1, 5, 5, 7, 3, 9],
  [1, 3, 6, 1, 4, 1, 311, 10, 3, 3],
  [2, 16, 840, 1, 113730, 4, 1],
  [1, 3, 6, 1, 4, 1, 311, 2, 1, 22],
  [1, 3, 6, 1, 4, 1, 311, 61, 1, 1],
];

/** The NIST curves Go parses: OID, field prime, b, and coordinate size in bytes. */
const CURVES: { oid: number[]; p: bigint; b: bigint; size: number }[] = [
  { oid: [1, 3, 132, 0, 33], size: 28, p: 2n ** 224n - 2n ** 96n + 1n, b: 0xb4050a850c04b3abf54132565044b0b7d7bfd8ba270b39432355ffb4n },
  {
    oid: [1, 2, 840, 10045, 3, 1, 7],
    size: 32,
    p: 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
  },
  {
    oid: [1, 3, 132, 0, 34],
    size: 48,
    p: 2n ** 384n - 2n ** 128n - 2n ** 96n + 2n ** 32n - 1n,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
  },
  {
    oid: [1, 3, 132, 0, 35],
    size: 66,
    p: 2n ** 521n - 1n,
    b: 0x0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00n,
  },
];

/** x509.OID.String() of DER arc bytes (an unterminated last arc is dropped, as in Go). */
function oidText(der: Uint8Array): string {
  let out = '';
  let bits = '';
  let first = true;
  for (const v of der) {
    // Seven bits per byte, joined as binary text and read once: linear even for a huge arc.
    bits += (v & 0x7f).toString(2).padStart(7, '0');
    if ((v & 0x80) !== 0) continue;
    const val = BigInt(`0b${bits}`);
    if (first) out += val < 80n ? `${val / 40n}.${val % 40n}` : `2.${val - 80n}`;
    else out += `.${val}`;
    first = false;
    bits = '';
  }
  return out;
}

/** x509.OID.toASN1OID: the arcs, or undefined when one needs more than 31 bits. */
function oidArcs(der: Uint8Array): number[] | undefined {
  const out: number[] = [];
  let val = 0;
  for (const v of der) {
    if (val > (1 << 24) - 1) return undefined;
    val = val * 128 + (v & 0x7f);
    if ((v & 0x80) !== 0) continue;
    if (out.length === 0) out.push(...(val < 80 ? [Math.floor(val / 40), val % 40] : [2, val - 80]));
    else out.push(val);
    val = 0;
  }
  return out;
}

function validOIDDer(der: Uint8Array): boolean {
  if (der.length === 0 || (der[der.length - 1]! & 0x80) !== 0) return false;
  let start = 0;
  for (let i = 0; i < der.length; i++) {
    if (i === start && der[i] === 0x80) return false;
    if ((der[i]! & 0x80) === 0) start = i + 1;
  }
  return true;
}

// ---- strings and names ----

const isPrintableByte = (b: number): boolean =>
  (b >= 0x61 && b <= 0x7a) ||
  (b >= 0x41 && b <= 0x5a) ||
  (b >= 0x30 && b <= 0x39) ||
  (b >= 0x27 && b <= 0x29) ||
  (b >= 0x2b && b <= 0x2f) ||
  ' :=?*&'.includes(String.fromCharCode(b));
const isASCII = (b: Uint8Array): boolean => b.every((x) => x < 0x80);

function asn1String(tag: number, v: Uint8Array): string {
  switch (tag) {
    case TAG.T61String:
      return Buffer.from(v).toString('latin1');
    case TAG.PrintableString:
      return v.every(isPrintableByte) ? Buffer.from(v).toString('latin1') : fail('invalid PrintableString');
    case TAG.UTF8String:
      return validUTF8(v) ? Buffer.from(v).toString('utf8') : fail('invalid UTF-8 string');
    case TAG.BMPString: {
      if (v.length % 2 !== 0) fail('invalid BMPString');
      let w = v;
      if (w.length >= 2 && w[w.length - 1] === 0 && w[w.length - 2] === 0) w = w.subarray(0, w.length - 2);
      let s = '';
      for (let i = 0; i < w.length; i += 2) {
        const point = (w[i]! << 8) | w[i + 1]!;
        if (point === 0xfffe || point === 0xffff || (point >= 0xfdd0 && point <= 0xfdef) || (point >= 0xd800 && point <= 0xdfff)) fail('invalid BMPString');
        s += String.fromCharCode(point);
      }
      return s;
    }
    case TAG.IA5String:
      return isASCII(v) ? Buffer.from(v).toString('latin1') : fail('invalid IA5String');
    case TAG.NumericString:
      return v.every((b) => (b >= 0x30 && b <= 0x39) || b === 0x20) ? Buffer.from(v).toString('latin1') : fail('invalid NumericString');
    default:
      return fail('unsupported string type');
  }
}

interface GoName {
  Country: string[] | null;
  Organization: string[] | null;
  OrganizationalUnit: string[] | null;
  Locality: string[] | null;
  Province: string[] | null;
  StreetAddress: string[] | null;
  PostalCode: string[] | null;
  SerialNumber: string;
  CommonName: string;
  Names: { Type: number[]; Value: string }[] | null;
  ExtraNames: null;
}

const NAME_FIELDS: Partial<Record<number, 'Country' | 'Locality' | 'Province' | 'StreetAddress' | 'Organization' | 'OrganizationalUnit' | 'PostalCode'>> = {
  6: 'Country',
  7: 'Locality',
  8: 'Province',
  9: 'StreetAddress',
  10: 'Organization',
  11: 'OrganizationalUnit',
  17: 'PostalCode',
};

/** parseName + pkix.Name.FillFromRDNSequence. */
function parseName(raw: Uint8Array): GoName {
  const name: GoName = {
    Country: null,
    Organization: null,
    OrganizationalUnit: null,
    Locality: null,
    Province: null,
    StreetAddress: null,
    PostalCode: null,
    SerialNumber: '',
    CommonName: '',
    Names: null,
    ExtraNames: null,
  };
  const seq = new Der(raw).read(TAG.SEQUENCE) ?? fail('invalid RDNSequence');
  while (!seq.empty) {
    const set = seq.read(TAG.SET) ?? fail('invalid RDNSequence');
    while (!set.empty) {
      const atav = set.read(TAG.SEQUENCE) ?? fail('invalid attribute');
      const type = atav.readOID() ?? fail('invalid attribute type');
      const value = atav.readAny() ?? fail('invalid attribute value');
      const text = asn1String(value.tag, value.body);
      (name.Names ??= []).push({ Type: type, Value: text });
      if (type.length === 4 && type[0] === 2 && type[1] === 5 && type[2] === 4) {
        if (type[3] === 3) name.CommonName = text;
        else if (type[3] === 5) name.SerialNumber = text;
        else {
          const field = NAME_FIELDS[type[3]!];
          if (field) (name[field] ??= []).push(text);
        }
      }
    }
  }
  return name;
}

// ---- algorithms and keys ----

interface AlgorithmIdentifier {
  algorithm: number[];
  /** The parameters' whole encoding (empty when absent). */
  params: Uint8Array;
}

function parseAI(der: Der): AlgorithmIdentifier {
  const algorithm = der.readOID() ?? fail('malformed OID');
  if (der.empty) return { algorithm, params: new Uint8Array() };
  const p = der.readAny() ?? fail('malformed parameters');
  return { algorithm, params: p.element };
}

const NULL_BYTES = new Uint8Array([0x05, 0x00]);

/** The RSASSA-PSS parameters Go accepts: SHA-256/384/512 with MGF1 of the same hash and its salt length. */
function pssAlgorithm(params: Uint8Array): number {
  const seq = new Der(params).read(TAG.SEQUENCE);
  if (!seq) return 0;
  const explicit = (n: number): Der | undefined => seq.read(contextTag(n, true));
  const ai = (d: Der | undefined): AlgorithmIdentifier | undefined => {
    const s = d?.read(TAG.SEQUENCE);
    const algorithm = s?.readOID();
    if (!s || !algorithm) return undefined;
    return { algorithm, params: s.empty ? new Uint8Array() : (s.readAny()?.element ?? new Uint8Array()) };
  };
  const hash = ai(explicit(0));
  const mgf = ai(explicit(1));
  const salt = explicit(2)?.readInt64();
  const trailerDer = seq.peek(contextTag(3, true)) ? explicit(3) : undefined;
  const trailer = trailerDer ? trailerDer.readInt64() : 1n;
  if (!hash || !mgf || salt === undefined || trailer === undefined) return 0;
  const mgfHash = ai(new Der(mgf.params));
  const nullOrAbsent = (p: Uint8Array): boolean => p.length === 0 || bytesEq(p, NULL_BYTES);
  if (
    !mgfHash ||
    !nullOrAbsent(hash.params) ||
    !oidEq(mgf.algorithm, OID.mgf1) ||
    !oidEq(mgfHash.algorithm, hash.algorithm) ||
    !nullOrAbsent(mgfHash.params) ||
    trailer !== 1n
  )
    return 0;
  if (oidEq(hash.algorithm, OID.sha256) && salt === 32n) return 13;
  if (oidEq(hash.algorithm, OID.sha384) && salt === 48n) return 14;
  if (oidEq(hash.algorithm, OID.sha512) && salt === 64n) return 15;
  return 0;
}

function signatureAlgorithm(ai: AlgorithmIdentifier): number {
  if (oidEq(ai.algorithm, OID.signatureEd25519) && ai.params.length !== 0) return 0;
  if (oidEq(ai.algorithm, OID.signatureRSAPSS)) return pssAlgorithm(ai.params);
  return SIGNATURE_ALGORITHMS.find(([oid]) => oidEq(oid, ai.algorithm))?.[1] ?? 0;
}

function publicKeyAlgorithm(oid: number[]): number {
  if (oidEq(oid, OID.publicKeyRSA)) return 1;
  if (oidEq(oid, OID.publicKeyDSA)) return 2;
  if (oidEq(oid, OID.publicKeyECDSA)) return 3;
  if (oidEq(oid, OID.publicKeyEd25519)) return 4;
  return 0;
}

const positive = (n: bigint | undefined, why: string): bigint => (n !== undefined && n > 0n ? n : fail(why));
const INT64_MAX = 2n ** 63n - 1n;

function bigFromBytes(b: Uint8Array): bigint {
  let n = 0n;
  for (const x of b) n = (n << 8n) | BigInt(x);
  return n;
}

/** The public key as encoding/json prints Go's key type. */
function parsePublicKey(algorithm: number, ai: AlgorithmIdentifier, data: Uint8Array): unknown {
  switch (algorithm) {
    case 1: {
      if (!bytesEq(ai.params, NULL_BYTES)) fail('RSA key missing NULL parameters');
      const der = new Der(data).read(TAG.SEQUENCE) ?? fail('invalid RSA public key');
      const N = der.readBigInt() ?? fail('invalid RSA modulus');
      const E = der.readInt64() ?? fail('invalid RSA public exponent');
      return { N: positive(N, 'RSA modulus is not positive'), E: positive(E, 'RSA exponent is not positive') };
    }
    case 3: {
      const curveOID = new Der(ai.params).readOID() ?? fail('invalid ECDSA parameters');
      const curve = CURVES.find((c) => oidEq(c.oid, curveOID)) ?? fail('unsupported elliptic curve');
      if (data.length !== 1 + 2 * curve.size || data[0] !== 4) fail('invalid uncompressed public key');
      const X = bigFromBytes(data.subarray(1, 1 + curve.size));
      const Y = bigFromBytes(data.subarray(1 + curve.size));
      const { p, b } = curve;
      if (X >= p || Y >= p || (Y * Y - (X * X * X - 3n * X + b)) % p !== 0n) fail('point not on curve');
      return { Curve: {}, X, Y };
    }
    case 4:
      if (ai.params.length !== 0) fail('Ed25519 key encoded with illegal parameters');
      if (data.length !== 32) fail('wrong Ed25519 public key size');
      return b64(data);
    case 2: {
      const Y = new Der(data).readBigInt() ?? fail('invalid DSA public key');
      const params = new Der(ai.params).read(TAG.SEQUENCE) ?? fail('invalid DSA parameters');
      const [P, Q, G] = [params.readBigInt(), params.readBigInt(), params.readBigInt()];
      if (P === undefined || Q === undefined || G === undefined) fail('invalid DSA parameters');
      // dsa.PublicKey embeds dsa.Parameters, so encoding/json lifts P, Q and G to the top.
      return { P: positive(P, 'DSA'), Q: positive(Q, 'DSA'), G: positive(G, 'DSA'), Y: positive(Y, 'DSA') };
    }
    default:
      return null;
  }
}

// ---- times ----

function readTime(der: Der): Time {
  if (der.peek(TAG.UTCTime)) {
    const text = latin1Text(der.read(TAG.UTCTime)?.rest ?? fail('malformed UTCTime'));
    // Seconds precision, else (as Go also takes) minutes; the text must be the canonical form.
    const layout = parseGoTime('060102150405Z0700', text) ? '060102150405Z0700' : '0601021504Z0700';
    const t = parseGoTime(layout, text) ?? fail('malformed UTCTime');
    if (formatGoTime(t, layout) !== text) fail('malformed UTCTime');
    // Two-digit years 50-99 are 1950-1999 in X.509.
    return yearOf(t) >= 2050 ? addDateGo(t, -100, 0, 0) : t;
  }
  if (der.peek(TAG.GeneralizedTime)) {
    const text = latin1Text(der.read(TAG.GeneralizedTime)?.rest ?? fail('malformed GeneralizedTime'));
    const layout = '20060102150405.999999999Z0700';
    const t = parseGoTime(layout, text);
    if (!t || formatGoTime(t, layout) !== text) return fail('malformed GeneralizedTime');
    return t;
  }
  return fail('unsupported time format');
}

function yearOf(t: Time): number {
  return Number(formatGoTime(t, '2006'));
}

// ---- extensions ----

interface Extension {
  Id: number[];
  Critical: boolean;
  value: Uint8Array;
}

type Cert = Record<string, unknown>;

const IA5 = (b: Uint8Array, why: string): string => (isASCII(b) ? latin1Text(b) : fail(why));

/** Go's domainNameValid. */
function domainNameValid(s: string, constraint: boolean): boolean {
  if (s.length === 0) return true;
  if (s.endsWith('.')) return false;
  if (constraint && s[0] === '.') s = s.slice(1);
  return s.split('.').every((label) => label.length > 0 && [...label].every((c) => c.charCodeAt(0) >= 33 && c.charCodeAt(0) <= 126));
}

/** Go's net.IP.String for 4- and 16-byte addresses. */
function ipString(ip: Uint8Array): string {
  const v4 =
    ip.length === 4 ? ip : ip.length === 16 && ip.subarray(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff ? ip.subarray(12) : undefined;
  if (v4) return [...v4].join('.');
  const groups = Array.from({ length: 8 }, (_, i) => (ip[2 * i]! << 8) | ip[2 * i + 1]!);
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  const hexes = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hexes.join(':');
  return `${hexes.slice(0, bestStart).join(':')}::${hexes.slice(bestStart + bestLen).join(':')}`;
}

/** A *url.URL as encoding/json writes it: the exported fields in order (Userinfo has none: `{}`). */
interface URLJson {
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

function urlJson(u: GoURL): URLJson {
  return {
    Scheme: u.scheme,
    Opaque: u.opaque,
    User: u.user ? {} : null,
    Host: u.host,
    Path: u.path,
    RawPath: u.rawPath,
    OmitHost: u.omitHost,
    ForceQuery: u.forceQuery,
    RawQuery: u.rawQuery,
    Fragment: u.fragment,
    RawFragment: u.rawFragment,
  };
}

function parseSAN(cert: Cert, value: Uint8Array): boolean {
  const seq = new Der(value).read(TAG.SEQUENCE) ?? fail('invalid subject alternative names');
  const dns: string[] = [];
  const emails: string[] = [];
  const ips: string[] = [];
  const uris: URLJson[] = [];
  const uriStrings: string[] = [];
  while (!seq.empty) {
    const san = seq.readAny() ?? fail('invalid subject alternative name');
    switch (san.tag ^ 0x80) {
      case 1:
        emails.push(IA5(san.body, 'SAN rfc822Name is malformed'));
        break;
      case 2:
        dns.push(IA5(san.body, 'SAN dNSName is malformed'));
        break;
      case 6: {
        const parsed = parseURL(IA5(san.body, 'SAN uniformResourceIdentifier is malformed'));
        if (!parsed.ok) return fail('cannot parse URI');
        const u = parsed.value;
        if (u.host.length > 0 && !domainNameValid(u.host, false)) fail('invalid domain');
        uris.push(urlJson(u));
        uriStrings.push(urlString(u));
        break;
      }
      case 7:
        if (san.body.length !== 4 && san.body.length !== 16) fail('cannot parse IP address');
        ips.push(ipString(san.body));
        break;
    }
  }
  cert.DNSNames = dns.length ? dns : null;
  cert.EmailAddresses = emails.length ? emails : null;
  cert.IPAddresses = ips.length ? ips : null;
  cert.URIs = uris.length ? uris : null;
  cert.URIStrings = uriStrings.length ? uriStrings : null;
  return dns.length + emails.length + ips.length + uris.length === 0;
}

/** Go's parseRFC2821Mailbox, reduced to whether the constraint parses. */
function validMailbox(s: string): boolean {
  if (s.length === 0) return false;
  let i = 0;
  let local = '';
  if (s[0] === '"') {
    i = 1;
    for (;;) {
      if (i >= s.length) return false;
      const c = s.charCodeAt(i++);
      if (c === 0x22) break;
      if (c === 0x5c) {
        if (i >= s.length) return false;
        const n = s.charCodeAt(i);
        if (n === 11 || n === 12 || (n >= 1 && n <= 9) || (n >= 14 && n <= 127)) {
          local += s[i++]!;
        } else return false;
      } else if (
        c === 11 ||
        c === 12 ||
        c === 32 ||
        c === 33 ||
        c === 127 ||
        (c >= 1 && c <= 8) ||
        (c >= 14 && c <= 31) ||
        (c >= 35 && c <= 91) ||
        (c >= 93 && c <= 126)
      )
        local += s[i - 1]!;
      else return false;
    }
  } else {
    while (i < s.length) {
      let c = s[i]!;
      if (c === '\\') {
        i++;
        if (i >= s.length) return false;
        c = s[i]!;
        local += c;
        i++;
        continue;
      }
      if (!/[0-9A-Za-z!#$%&'*+\-/=?^_`{|}~.]/.test(c)) break;
      local += c;
      i++;
    }
    if (local.length === 0 || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  }
  if (s[i] !== '@') return false;
  const domain = s.slice(i + 1);
  if (domain.length === 0) return true;
  const labels = domain.split('.');
  return labels.every((l) => l.length > 0 && [...l].every((c) => c.charCodeAt(0) >= 33 && c.charCodeAt(0) <= 126));
}

function parseNameConstraints(cert: Cert, e: Extension): boolean {
  const outer = new Der(e.value);
  const top = outer.read(TAG.SEQUENCE);
  if (!top || !outer.empty) fail('invalid NameConstraints extension');
  const permitted = top!.readOptional(contextTag(0, true)) ?? fail('invalid NameConstraints extension');
  const excluded = top!.readOptional(contextTag(1, true)) ?? fail('invalid NameConstraints extension');
  if (!top!.empty) fail('invalid NameConstraints extension');
  if ((!permitted.present && !excluded.present) || (permitted.value.empty && excluded.value.empty)) fail('empty name constraints extension');
  let unhandled = false;
  const values = (subtrees: Der): [string[] | null, unknown[] | null, string[] | null, string[] | null] => {
    const dns: string[] = [];
    const ips: unknown[] = [];
    const emails: string[] = [];
    const uris: string[] = [];
    while (!subtrees.empty) {
      const seq = subtrees.read(TAG.SEQUENCE) ?? fail('invalid NameConstraints extension');
      const v = seq.readAny() ?? fail('invalid NameConstraints extension');
      if (v.tag === contextTag(2)) {
        const d = IA5(v.body, 'invalid constraint value');
        if (!domainNameValid(d, true)) fail('failed to parse dnsName constraint');
        dns.push(d);
      } else if (v.tag === contextTag(7)) {
        const n = v.body.length === 8 ? 4 : v.body.length === 32 ? 16 : fail('IP constraint length');
        const mask = v.body.subarray(n);
        let seenZero = false;
        for (const b of mask) {
          if (seenZero ? b !== 0 : ![0x00, 0x80, 0xc0, 0xe0, 0xf0, 0xf8, 0xfc, 0xfe, 0xff].includes(b)) fail('invalid mask');
          if (b !== 0xff) seenZero = true;
        }
        ips.push({ IP: ipString(v.body.subarray(0, n)), Mask: b64(mask) });
      } else if (v.tag === contextTag(1)) {
        const c = IA5(v.body, 'invalid constraint value');
        if (c.includes('@') ? !validMailbox(c) : !domainNameValid(c, true)) fail('failed to parse rfc822Name constraint');
        emails.push(c);
      } else if (v.tag === contextTag(6)) {
        const d = IA5(v.body, 'invalid constraint value');
        if (isIPLiteral(d) || !domainNameValid(d, true)) fail('failed to parse URI constraint');
        uris.push(d);
      } else unhandled = true;
    }
    const orNull = <T>(xs: T[]): T[] | null => (xs.length ? xs : null);
    return [orNull(dns), orNull(ips), orNull(emails), orNull(uris)];
  };
  [cert.PermittedDNSDomains, cert.PermittedIPRanges, cert.PermittedEmailAddresses, cert.PermittedURIDomains] = values(permitted.value);
  [cert.ExcludedDNSDomains, cert.ExcludedIPRanges, cert.ExcludedEmailAddresses, cert.ExcludedURIDomains] = values(excluded.value);
  cert.PermittedDNSDomainsCritical = e.Critical;
  return unhandled;
}

/** net.ParseIP: a dotted IPv4 or an IPv6 address (no zone). */
function isIPLiteral(s: string): boolean {
  return /^(\d{1,3})(\.\d{1,3}){3}$/.test(s)
    ? s.split('.').every((x) => Number(x) <= 255 && !(x.length > 1 && x.startsWith('0')))
    : /^[0-9A-Fa-f:.]+$/.test(s) && s.includes(':') && isIPv6Text(s);
}

function isIPv6Text(s: string): boolean {
  const parts = s.split('::');
  if (parts.length > 2) return false;
  const groups = (p: string): string[] => (p === '' ? [] : p.split(':'));
  const all = parts.flatMap(groups);
  const last = all.at(-1) ?? '';
  const v4 = last.includes('.');
  if (v4 && !isIPLiteral(last)) return false;
  const hexGroups = v4 ? all.slice(0, -1) : all;
  if (!hexGroups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  const count = hexGroups.length + (v4 ? 2 : 0);
  return parts.length === 2 ? count < 8 : count === 8;
}

function processExtensions(cert: Cert, exts: Extension[]): void {
  const unhandledCritical: number[][] = [];
  for (const e of exts) {
    let unhandled = false;
    const v = new Der(e.value);
    if (e.Id.length === 4 && e.Id[0] === 2 && e.Id[1] === 5 && e.Id[2] === 29) {
      switch (e.Id[3]) {
        case 15: {
          const bits = v.readBitString() ?? fail('invalid key usage');
          let usage = 0;
          for (let i = 0; i < 9; i++) if (bitAt(bits, i)) usage |= 1 << i;
          cert.KeyUsage = usage;
          break;
        }
        case 19: {
          const seq = v.read(TAG.SEQUENCE) ?? fail('invalid basic constraints');
          let isCA = false;
          if (seq.peek(TAG.BOOLEAN)) isCA = seq.readBoolean() ?? fail('invalid basic constraints');
          let maxPathLen = -1n;
          if (seq.peek(TAG.INTEGER)) {
            const mpl = seq.readUint64();
            if (mpl === undefined || mpl > INT64_MAX) fail('invalid basic constraints');
            maxPathLen = mpl!;
          }
          Object.assign(cert, { IsCA: isCA, MaxPathLen: maxPathLen, BasicConstraintsValid: true, MaxPathLenZero: maxPathLen === 0n });
          break;
        }
        case 17:
          unhandled = parseSAN(cert, e.value);
          break;
        case 30:
          unhandled = parseNameConstraints(cert, e);
          break;
        case 31: {
          const seq = v.read(TAG.SEQUENCE) ?? fail('invalid CRL distribution points');
          const points: string[] = (cert.CRLDistributionPoints as string[] | null) ?? [];
          while (!seq.empty) {
            const dp = seq.read(TAG.SEQUENCE) ?? fail('invalid CRL distribution point');
            const name = dp.readOptional(contextTag(0, true)) ?? fail('invalid CRL distribution point');
            if (!name.present) continue;
            const full = name.value.read(contextTag(0, true)) ?? fail('invalid CRL distribution point');
            while (!full.empty && full.peek(contextTag(6))) points.push(goString(full.read(contextTag(6))?.rest ?? fail('invalid CRL distribution point')));
          }
          cert.CRLDistributionPoints = points.length ? points : cert.CRLDistributionPoints;
          break;
        }
        case 35: {
          if (e.Critical) fail('authority key identifier incorrectly marked critical');
          const akid = v.read(TAG.SEQUENCE) ?? fail('invalid authority key identifier');
          cert.AuthorityKeyId = akid.peek(contextTag(0)) ? b64(akid.read(contextTag(0))?.rest ?? fail('invalid authority key identifier')) : null;
          break;
        }
        case 36: {
          const seq = v.read(TAG.SEQUENCE) ?? fail('invalid policy constraints extension');
          if (seq.peek(contextTag(0))) {
            const n = seq.readInt64(contextTag(0)) ?? fail('invalid policy constraints extension');
            Object.assign(cert, { RequireExplicitPolicy: n, RequireExplicitPolicyZero: n === 0n });
          }
          if (seq.peek(contextTag(1))) {
            const n = seq.readInt64(contextTag(1)) ?? fail('invalid policy constraints extension');
            Object.assign(cert, { InhibitPolicyMapping: n, InhibitPolicyMappingZero: n === 0n });
          }
          break;
        }
        case 37: {
          const seq = v.read(TAG.SEQUENCE) ?? fail('invalid extended key usages');
          const known: number[] = [];
          const unknown: number[][] = [];
          while (!seq.empty) {
            const eku = seq.readOID() ?? fail('invalid extended key usages');
            const i = EXT_KEY_USAGES.findIndex((o) => oidEq(o, eku));
            if (i >= 0) known.push(i);
            else unknown.push(eku);
          }
          cert.ExtKeyUsage = known.length ? known : null;
          cert.UnknownExtKeyUsage = unknown.length ? unknown : null;
          break;
        }
        case 14: {
          if (e.Critical) fail('subject key identifier incorrectly marked critical');
          cert.SubjectKeyId = b64(v.read(TAG.OCTET_STRING)?.rest ?? fail('invalid subject key identifier'));
          break;
        }
        case 32: {
          const seq = v.read(TAG.SEQUENCE) ?? fail('invalid certificate policies');
          const policies: Uint8Array[] = [];
          while (!seq.empty) {
            const oid = seq.read(TAG.SEQUENCE)?.read(TAG.OID)?.rest ?? fail('invalid certificate policies');
            if (policies.some((p) => bytesEq(p, oid)) || !validOIDDer(oid)) fail('invalid certificate policies');
            policies.push(oid);
          }
          cert.Policies = policies.length ? policies.map(oidText) : null;
          cert.PolicyIdentifiers = policies.map(oidArcs).filter((a): a is number[] => a !== undefined);
          break;
        }
        case 33: {
          const seq = v.read(TAG.SEQUENCE) ?? fail('invalid policy mappings extension');
          const mappings: { IssuerDomainPolicy: string; SubjectDomainPolicy: string }[] = [];
          while (!seq.empty) {
            const s = seq.read(TAG.SEQUENCE);
            const issuer = s?.read(TAG.OID)?.rest;
            const subject = s?.read(TAG.OID)?.rest;
            if (!issuer || !subject) fail('invalid policy mappings extension');
            mappings.push({ IssuerDomainPolicy: oidText(issuer!), SubjectDomainPolicy: oidText(subject!) });
          }
          cert.PolicyMappings = mappings.length ? mappings : null;
          break;
        }
        case 54: {
          const n = v.readInt64() ?? fail('invalid inhibit any policy extension');
          Object.assign(cert, { InhibitAnyPolicy: n, InhibitAnyPolicyZero: n === 0n });
          break;
        }
        default:
          unhandled = true;
      }
    } else if (oidEq(e.Id, OID.authorityInfoAccess)) {
      if (e.Critical) fail('authority info access incorrectly marked critical');
      const seq = v.read(TAG.SEQUENCE) ?? fail('invalid authority info access');
      const ocsp: string[] = (cert.OCSPServer as string[] | null) ?? [];
      const issuers: string[] = (cert.IssuingCertificateURL as string[] | null) ?? [];
      while (!seq.empty) {
        const aia = seq.read(TAG.SEQUENCE) ?? fail('invalid authority info access');
        const method = aia.readOID() ?? fail('invalid authority info access');
        if (!aia.peek(contextTag(6))) continue;
        const url = goString(aia.read(contextTag(6))?.rest ?? fail('invalid authority info access'));
        if (oidEq(method, OID.ocsp)) ocsp.push(url);
        else if (oidEq(method, OID.caIssuers)) issuers.push(url);
      }
      cert.OCSPServer = ocsp.length ? ocsp : null;
      cert.IssuingCertificateURL = issuers.length ? issuers : null;
    } else unhandled = true;
    if (e.Critical && unhandled) unhandledCritical.push(e.Id);
  }
  cert.UnhandledCriticalExtensions = unhandledCritical.length ? unhandledCritical : null;
}

// ---- the certificate ----

function zeroCertificate(): Cert {
  const nulls = [
    'Extensions',
    'ExtraExtensions',
    'UnhandledCriticalExtensions',
    'ExtKeyUsage',
    'UnknownExtKeyUsage',
    'SubjectKeyId',
    'AuthorityKeyId',
    'OCSPServer',
    'IssuingCertificateURL',
    'DNSNames',
    'EmailAddresses',
    'IPAddresses',
    'URIs',
    'PermittedDNSDomains',
    'ExcludedDNSDomains',
    'PermittedIPRanges',
    'ExcludedIPRanges',
    'PermittedEmailAddresses',
    'ExcludedEmailAddresses',
    'PermittedURIDomains',
    'ExcludedURIDomains',
    'CRLDistributionPoints',
    'PolicyIdentifiers',
    'Policies',
    'PolicyMappings',
    'URIStrings',
  ];
  const zeros = ['KeyUsage', 'MaxPathLen', 'InhibitAnyPolicy', 'InhibitPolicyMapping', 'RequireExplicitPolicy'];
  const falses = [
    'BasicConstraintsValid',
    'IsCA',
    'MaxPathLenZero',
    'PermittedDNSDomainsCritical',
    'InhibitAnyPolicyZero',
    'InhibitPolicyMappingZero',
    'RequireExplicitPolicyZero',
  ];
  return Object.fromEntries<unknown>([
    ...nulls.map((k) => [k, null] as const),
    ...zeros.map((k) => [k, 0] as const),
    ...falses.map((k) => [k, false] as const),
  ]);
}

/** Go's parseCertificate: one certificate from the front of der, and its length. */
function parseCertificate(der: Uint8Array): { cert: Cert; length: number } {
  const cert = zeroCertificate();
  const outerDer = new Der(der);
  const raw = outerDer.readElement(TAG.SEQUENCE) ?? fail('malformed certificate');
  cert.Raw = b64(raw);
  const input = new Der(raw).read(TAG.SEQUENCE) ?? fail('malformed certificate');
  const rawTBS = input.readElement(TAG.SEQUENCE) ?? fail('malformed tbs certificate');
  cert.RawTBSCertificate = b64(rawTBS);
  const tbs = new Der(rawTBS).read(TAG.SEQUENCE) ?? fail('malformed tbs certificate');

  const versionField = tbs.readOptional(contextTag(0, true)) ?? fail('malformed version');
  let version = 0n;
  if (versionField.present) {
    version = versionField.value.readInt64() ?? fail('malformed version');
    if (!versionField.value.empty) fail('malformed version');
  }
  if (version < 0n) fail('malformed version');
  version++;
  if (version > 3n) fail('invalid version');
  cert.Version = Number(version);

  const serial = tbs.readBigInt() ?? fail('malformed serial number');
  if (serial < 0n) fail('negative serial number');
  cert.SerialNumber = serial;

  const sigAI = tbs.read(TAG.SEQUENCE) ?? fail('malformed signature algorithm identifier');
  const outerSigAI = input.read(TAG.SEQUENCE) ?? fail('malformed algorithm identifier');
  if (!bytesEq(sigAI.rest, outerSigAI.rest)) fail("inner and outer signature algorithm identifiers don't match");
  cert.SignatureAlgorithm = signatureAlgorithm(parseAI(sigAI));

  const issuer = tbs.readElement(TAG.SEQUENCE) ?? fail('malformed issuer');
  cert.RawIssuer = b64(issuer);
  cert.Issuer = parseName(issuer);

  const validity = tbs.read(TAG.SEQUENCE) ?? fail('malformed validity');
  const notBefore = readTime(validity);
  const notAfter = readTime(validity);

  const subject = tbs.readElement(TAG.SEQUENCE) ?? fail('malformed issuer');
  cert.RawSubject = b64(subject);
  cert.Subject = parseName(subject);

  const rawSPKI = tbs.readElement(TAG.SEQUENCE) ?? fail('malformed spki');
  cert.RawSubjectPublicKeyInfo = b64(rawSPKI);
  const spki = new Der(rawSPKI).read(TAG.SEQUENCE) ?? fail('malformed spki');
  const pkAI = parseAI(spki.read(TAG.SEQUENCE) ?? fail('malformed public key algorithm identifier'));
  cert.PublicKeyAlgorithm = publicKeyAlgorithm(pkAI.algorithm);
  const spk = spki.readBitString() ?? fail('malformed subjectPublicKey');
  cert.PublicKey = parsePublicKey(cert.PublicKeyAlgorithm as number, pkAI, rightAlign(spk));

  if (version > 1n) {
    if (!tbs.skipOptional(contextTag(1)) || !tbs.skipOptional(contextTag(2))) fail('malformed unique ID');
    if (version === 3n) {
      const field = tbs.readOptional(contextTag(3, true)) ?? fail('malformed extensions');
      if (field.present) {
        const seq = field.value.read(TAG.SEQUENCE) ?? fail('malformed extensions');
        const exts: Extension[] = [];
        while (!seq.empty) {
          const ext = seq.read(TAG.SEQUENCE) ?? fail('malformed extension');
          const Id = ext.readOID() ?? fail('malformed extension OID field');
          const Critical = ext.peek(TAG.BOOLEAN) ? (ext.readBoolean() ?? fail('malformed extension critical field')) : false;
          const value = ext.read(TAG.OCTET_STRING)?.rest ?? fail('malformed extension value field');
          if (exts.some((x) => oidEq(x.Id, Id))) fail('duplicate extension');
          exts.push({ Id, Critical, value });
        }
        cert.Extensions = exts.length ? exts.map((x) => ({ Id: x.Id, Critical: x.Critical, Value: b64(x.value) })) : null;
        processExtensions(cert, exts);
      }
    }
  }

  const signature = input.readBitString() ?? fail('malformed signature');
  cert.Signature = b64(rightAlign(signature));
  cert.NotBefore = marshalTimeJSON(notBefore) ?? fail('time not representable in JSON');
  cert.NotAfter = marshalTimeJSON(notAfter) ?? fail('time not representable in JSON');
  return { cert, length: raw.length };
}

function parseDER(der: Uint8Array): Cert[] {
  const certs: Cert[] = [];
  while (der.length > 0) {
    const { cert, length } = parseCertificate(der);
    certs.push(cert);
    der = der.subarray(length);
  }
  return certs;
}

function parsePEM(data: string): Cert[] {
  const chunks: Uint8Array[] = [];
  let rest = data;
  for (;;) {
    const { block, rest: next } = pemDecode(rest);
    if (!block) break;
    if (block.type !== 'CERTIFICATE') fail('PEM block type is not CERTIFICATE');
    chunks.push(block.bytes);
    rest = next;
  }
  return parseDER(new Uint8Array(Buffer.concat(chunks)));
}

/** crypto.x509.parse_certificates(input): the certificates, or undefined where OPA errors. */
export function parseCertificates(input: unknown): Cert[] | undefined {
  if (typeof input !== 'string') return undefined;
  const bytes = latin1Text(new Uint8Array(Buffer.from(input, 'utf8')));
  try {
    if (bytes.startsWith('-----BEGIN')) return parsePEM(bytes);
    const der = decodeStdBase64(bytes) ?? fail('illegal base64 data');
    const text = latin1Text(der);
    return text.startsWith('-----BEGIN') ? parsePEM(text) : parseDER(der);
  } catch (err) {
    if (err instanceof CertError) return undefined;
    throw err;
  }
}

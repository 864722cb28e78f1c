// Standard Rego builtins the wasm target leaves to the host, implemented to OPA's semantics. As in
// OPA, a builtin that cannot answer is undefined (returns undefined), never an exception: a throw
// aborts the whole entrypoint. The one exception is a regular expression vouch cannot run with Go's
// results: answering anything (even undefined) could turn into a pass, so evaluation stops.
import { X509Certificate } from 'node:crypto';
import { Re2UnsupportedError, compileRe2 } from '../../util/re2.ts';
import { goSprintf } from './sprintf.ts';

export type Builtin = (...args: unknown[]) => unknown;

const NS_PER_MS = 1_000_000;

function safe(fn: Builtin): Builtin {
  return (...args) => {
    try {
      return fn(...args);
    } catch (err) {
      if (err instanceof Re2UnsupportedError) throw err;
      return undefined;
    }
  };
}

const isStr = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number';

/** Go reference-time layouts → a parser for the common ones (RFC3339 family, dates, times). */
function parseWithLayout(layout: string, value: string): Date | undefined {
  const tokens: [string, string][] = [
    ['2006', '(?<Y>\\d{4})'], ['01', '(?<M>\\d{2})'], ['02', '(?<D>\\d{2})'], ['15', '(?<h>\\d{2})'], ['04', '(?<m>\\d{2})'],
    ['05', '(?<s>\\d{2})'], ['.999999999', '(?<f>\\.\\d{1,9})?'], ['.000000000', '(?<f>\\.\\d{9})'], ['Z07:00', '(?<z>Z|[+-]\\d{2}:\\d{2})'],
    ['-07:00', '(?<z>[+-]\\d{2}:\\d{2})'], ['MST', '(?<tz>[A-Z]{3,4})'], ['Jan', '(?<mon>[A-Z][a-z]{2})'], ['Mon', '[A-Z][a-z]{2}'], ['_2', '\\s?(?<D>\\d{1,2})'],
  ];
  let re = '';
  for (let i = 0; i < layout.length; ) {
    const tok = tokens.find(([t]) => layout.startsWith(t, i));
    if (tok) {
      re += tok[1];
      i += tok[0].length;
    } else {
      re += layout[i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i++;
    }
  }
  const m = new RegExp(`^${re}$`).exec(value);
  if (!m?.groups) return undefined;
  const g = m.groups;
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const month = g.M ? Number(g.M) : g.mon ? months.indexOf(g.mon) + 1 : 1;
  const frac = g.f ? g.f.slice(1).padEnd(3, '0').slice(0, 3) : '000';
  const zone = g.z && g.z !== 'Z' ? g.z : 'Z';
  const iso = `${g.Y ?? '0000'}-${String(month).padStart(2, '0')}-${(g.D ?? '01').padStart(2, '0')}T${g.h ?? '00'}:${g.m ?? '00'}:${g.s ?? '00'}.${frac}${zone}`;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

const RFC3339_LAYOUT = '2006-01-02T15:04:05Z07:00';

function formatLayout(d: Date, layout: string): string {
  const iso = d.toISOString();
  const map: Record<string, string> = {
    '2006': iso.slice(0, 4), '01': iso.slice(5, 7), '02': iso.slice(8, 10), '15': iso.slice(11, 13), '04': iso.slice(14, 16), '05': iso.slice(17, 19),
    'Z07:00': 'Z', '-07:00': '+00:00', 'MST': 'UTC', '.999999999': d.getUTCMilliseconds() ? `.${String(d.getUTCMilliseconds()).padStart(3, '0').replace(/0+$/, '')}` : '',
  };
  let out = '';
  for (let i = 0; i < layout.length; ) {
    const key = Object.keys(map).sort((a, b) => b.length - a.length).find((k) => layout.startsWith(k, i));
    if (key) {
      out += map[key];
      i += key.length;
    } else out += layout[i++];
  }
  return out;
}

const nsToDate = (ns: number): Date => new Date(Math.floor(ns / NS_PER_MS));

const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

function semverCompare(a: string, b: string): number | undefined {
  const x = SEMVER.exec(a);
  const y = SEMVER.exec(b);
  if (!x || !y) return undefined;
  for (let i = 1; i <= 3; i++) {
    const d = Number(x[i]) - Number(y[i]);
    if (d !== 0) return Math.sign(d);
  }
  const pa = x[4];
  const pb = y[4];
  if (pa === pb) return 0;
  if (pa === undefined) return 1;
  if (pb === undefined) return -1;
  const ia = pa.split('.');
  const ib = pb.split('.');
  for (let i = 0; i < Math.max(ia.length, ib.length); i++) {
    const ea = ia[i];
    const eb = ib[i];
    if (ea === undefined) return -1;
    if (eb === undefined) return 1;
    const na = /^\d+$/.test(ea);
    const nb = /^\d+$/.test(eb);
    if (na && nb && Number(ea) !== Number(eb)) return Math.sign(Number(ea) - Number(eb));
    if (na !== nb) return na ? -1 : 1;
    if (ea !== eb) return ea < eb ? -1 : 1;
  }
  return 0;
}

function jsonPointer(doc: unknown, path: string): { parent: unknown; key: string } {
  const parts = path.split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  let parent: unknown = doc;
  for (const p of parts.slice(0, -1)) parent = (parent as Record<string, unknown>)[p];
  return { parent, key: parts[parts.length - 1] ?? '' };
}

function jsonPatch(doc: unknown, ops: unknown): unknown {
  let out = structuredClone(doc);
  for (const op of ops as { op: string; path: string; value?: unknown; from?: string }[]) {
    if (op.path === '') {
      if (op.op === 'add' || op.op === 'replace') out = structuredClone(op.value);
      continue;
    }
    const { parent, key } = jsonPointer(out, op.path);
    if (parent === null || typeof parent !== 'object') return undefined;
    const target = parent as Record<string, unknown>;
    switch (op.op) {
      case 'add':
        if (Array.isArray(parent)) (parent as unknown[]).splice(key === '-' ? parent.length : Number(key), 0, structuredClone(op.value));
        else target[key] = structuredClone(op.value);
        break;
      case 'replace':
        if (!(key in target)) return undefined;
        target[key] = structuredClone(op.value);
        break;
      case 'remove':
        if (Array.isArray(parent)) (parent as unknown[]).splice(Number(key), 1);
        else if (key in target) Reflect.deleteProperty(target, key);
        else return undefined;
        break;
      case 'test':
        if (JSON.stringify(target[key]) !== JSON.stringify(op.value)) return undefined;
        break;
      default:
        return undefined;
    }
  }
  return out;
}

function parseCertificates(input: string): unknown[] | undefined {
  const text = /-----BEGIN/.test(input) ? input : Buffer.from(input, 'base64').toString('utf8');
  const pems = /-----BEGIN/.test(text) ? (text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []) : [];
  const certs = pems.length > 0 ? pems.map((p) => new X509Certificate(p)) : [new X509Certificate(Buffer.from(input, 'base64'))];
  // Go's x509.Certificate JSON field names for the fields policies read.
  return certs.map((c) => ({
    Version: 3,
    SerialNumber: BigInt(`0x${c.serialNumber}`).toString(),
    Subject: { CommonName: /CN=([^\n]+)/.exec(c.subject)?.[1] ?? '' },
    Issuer: { CommonName: /CN=([^\n]+)/.exec(c.issuer)?.[1] ?? '' },
    NotBefore: new Date(c.validFrom).toISOString().replace(/\.000Z$/, 'Z'),
    NotAfter: new Date(c.validTo).toISOString().replace(/\.000Z$/, 'Z'),
    DNSNames: (c.subjectAltName ?? '').split(', ').filter((s) => s.startsWith('DNS:')).map((s) => s.slice(4)),
    EmailAddresses: (c.subjectAltName ?? '').split(', ').filter((s) => s.startsWith('email:')).map((s) => s.slice(6)),
    URIStrings: (c.subjectAltName ?? '').split(', ').filter((s) => s.startsWith('URI:')).map((s) => s.slice(4)),
    IsCA: c.ca,
    Raw: c.raw.toString('base64'),
  }));
}

/** The host builtins, for one evaluation clock (`time.now_ns` is constant within a run, as in OPA). */
export function hostBuiltins(now: Date): Record<string, Builtin> {
  const nowNs = now.getTime() * NS_PER_MS;
  const table: Record<string, Builtin> = {
    sprintf: (format, args) => (isStr(format) && Array.isArray(args) ? goSprintf(format, args) : undefined),
    'time.now_ns': () => nowNs,
    'time.parse_rfc3339_ns': (v) => (isStr(v) ? (parseWithLayout(RFC3339_LAYOUT, v)?.getTime() ?? NaN) * NS_PER_MS : undefined),
    'time.parse_ns': (layout, v) => (isStr(layout) && isStr(v) ? (parseWithLayout(layout, v)?.getTime() ?? NaN) * NS_PER_MS : undefined),
    'time.format': (x) => {
      if (isNum(x)) return formatLayout(nsToDate(x), '2006-01-02T15:04:05.999999999Z07:00');
      if (Array.isArray(x) && isNum(x[0])) return formatLayout(nsToDate(x[0]), isStr(x[2]) ? x[2] : '2006-01-02T15:04:05.999999999Z07:00');
      return undefined;
    },
    'time.date': (x) => {
      const d = nsToDate(Array.isArray(x) ? Number(x[0]) : Number(x));
      return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
    },
    'time.clock': (x) => {
      const d = nsToDate(Array.isArray(x) ? Number(x[0]) : Number(x));
      return [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()];
    },
    'time.weekday': (x) => ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][nsToDate(Array.isArray(x) ? Number(x[0]) : Number(x)).getUTCDay()],
    'time.add_date': (ns, y, m, d) => {
      if (!isNum(ns) || !isNum(y) || !isNum(m) || !isNum(d)) return undefined;
      const t = nsToDate(ns);
      const out = Date.UTC(t.getUTCFullYear() + y, t.getUTCMonth() + m, t.getUTCDate() + d, t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds(), t.getUTCMilliseconds());
      return out * NS_PER_MS + (ns % NS_PER_MS);
    },
    'time.diff': (a, b) => {
      const x = nsToDate(Number(a));
      const y = nsToDate(Number(b));
      const [lo, hi] = x < y ? [x, y] : [y, x];
      let years = hi.getUTCFullYear() - lo.getUTCFullYear();
      let months = hi.getUTCMonth() - lo.getUTCMonth();
      let days = hi.getUTCDate() - lo.getUTCDate();
      const secs = (hi.getUTCHours() - lo.getUTCHours()) * 3600 + (hi.getUTCMinutes() - lo.getUTCMinutes()) * 60 + (hi.getUTCSeconds() - lo.getUTCSeconds());
      let s = secs;
      if (s < 0) {
        s += 86400;
        days--;
      }
      if (days < 0) {
        days += new Date(Date.UTC(hi.getUTCFullYear(), hi.getUTCMonth(), 0)).getUTCDate();
        months--;
      }
      if (months < 0) {
        months += 12;
        years--;
      }
      return [years, months, days, Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
    },
    'object.keys': (o) => (o !== null && typeof o === 'object' && !Array.isArray(o) ? Object.keys(o) : undefined),
    'strings.any_prefix_match': (search, base) => {
      const s = Array.isArray(search) ? search : [search];
      const b = Array.isArray(base) ? base : [base];
      return s.some((x) => b.some((y) => isStr(x) && isStr(y) && x.startsWith(y)));
    },
    'strings.any_suffix_match': (search, base) => {
      const s = Array.isArray(search) ? search : [search];
      const b = Array.isArray(base) ? base : [base];
      return s.some((x) => b.some((y) => isStr(x) && isStr(y) && x.endsWith(y)));
    },
    // Go's regexp (RE2) semantics, in linear time: patterns come from policy data.
    'regex.replace': (s, pattern, value) => (isStr(s) && isStr(pattern) && isStr(value) ? compileRe2(pattern).replaceAll(s, value) : undefined),
    'regex.find_n': (pattern, value, n) => {
      if (!isStr(pattern) || !isStr(value) || !Number.isInteger(n)) return undefined;
      const subject = value.toWellFormed();
      return compileRe2(pattern)
        .findAll(subject, n as number)
        .map((m) => subject.slice(m.start, m.end));
    },
    'regex.split': (pattern, value) => (isStr(pattern) && isStr(value) ? compileRe2(pattern).split(value, -1) : undefined),
    'semver.is_valid': (v) => isStr(v) && SEMVER.test(v) && !v.startsWith('v'),
    'semver.compare': (a, b) => (isStr(a) && isStr(b) ? semverCompare(a, b) : undefined),
    'json.patch': (doc, ops) => (Array.isArray(ops) ? jsonPatch(doc, ops) : undefined),
    'crypto.x509.parse_certificates': (v) => (isStr(v) ? parseCertificates(v) : undefined),
    trace: () => true,
    'internal.print': () => true,
  };
  return Object.fromEntries(Object.entries(table).map(([k, f]) => [k, safe(f)]));
}

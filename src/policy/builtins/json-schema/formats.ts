// gojsonschema's format checkers (OPA internal/gojsonschema/format_checkers.go at v1.22.2; same in
// v1.15.2), each answering exactly as the Go code does — including its quirks: "date-time" also
// accepts a bare time or date, "iri" is checked like "uri", and any format it does not know
// (e.g. "semver") passes. Only strings are checked; other values pass. Pure.
import { toByteString } from '../go/bytes.ts';
import { isGoMailAddress } from '../go/mail.ts';
import { isGoIP } from '../go/netip.ts';
import { parseURL } from '../go/url.ts';
import { compilePattern } from './pattern.ts';

type Field = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' | 'fraction' | 'zone';
type Layout = (Field | { literal: string })[];

const DATE: Layout = ['year', { literal: '-' }, 'month', { literal: '-' }, 'day'];
const TIME: Layout = ['hour', { literal: ':' }, 'minute', { literal: ':' }, 'second'];
const TIME_ZONE: Layout = [...TIME, 'zone'];
const RFC3339: Layout = [...DATE, { literal: 'T' }, ...TIME, 'zone'];
const RFC3339_NANO: Layout = [...DATE, { literal: 'T' }, ...TIME, 'fraction', 'zone'];

const isDigit = (s: string, i: number): boolean => i < s.length && s[i]! >= '0' && s[i]! <= '9';
const isSeparator = (c: string | undefined): boolean => c === '.' || c === ',';

/** Go's getnum: one or two digits (exactly two when fixed). */
function getnum(s: string, fixed: boolean): { n: number; rest: string } | undefined {
  if (!isDigit(s, 0)) return undefined;
  if (!isDigit(s, 1)) return fixed ? undefined : { n: Number(s[0]), rest: s.slice(1) };
  return { n: Number(s.slice(0, 2)), rest: s.slice(2) };
}

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Digits of a fractional second after '.' or ',' (Go reads as many as there are). */
const fractionLength = (s: string): number => {
  let n = 1;
  while (isDigit(s, n)) n++;
  return n;
};

/** Whether time.Parse(layout, value) succeeds, for the layouts gojsonschema uses. */
function goTimeParses(layout: Layout, value: string): boolean {
  let v = value;
  let month = 1;
  let day = 1;
  let year = 0;
  for (let k = 0; k < layout.length; k++) {
    const field = layout[k]!;
    if (typeof field === 'object') {
      if (!v.startsWith(field.literal)) return false;
      v = v.slice(field.literal.length);
      continue;
    }
    switch (field) {
      case 'year':
        if (v.length < 4 || !/^\d{4}/.test(v)) return false;
        year = Number(v.slice(0, 4));
        v = v.slice(4);
        break;
      case 'month':
      case 'day':
      case 'hour':
      case 'minute': {
        const got = getnum(v, field !== 'hour');
        if (!got) return false;
        if (field === 'month' && (got.n < 1 || got.n > 12)) return false;
        if (field === 'hour' && got.n >= 24) return false;
        if (field === 'minute' && got.n >= 60) return false;
        if (field === 'month') month = got.n;
        if (field === 'day') day = got.n;
        v = got.rest;
        break;
      }
      case 'second': {
        const got = getnum(v, true);
        if (!got || got.n >= 60) return false;
        v = got.rest;
        // A fractional second is accepted even where the layout has none.
        if (layout[k + 1] !== 'fraction' && v.length >= 2 && isSeparator(v[0]) && isDigit(v, 1)) v = v.slice(fractionLength(v));
        break;
      }
      case 'fraction':
        if (v.length >= 2 && isSeparator(v[0]) && isDigit(v, 1)) v = v.slice(fractionLength(v));
        break;
      case 'zone': {
        if (v.startsWith('Z')) {
          v = v.slice(1);
          break;
        }
        if (v.length < 6 || v[3] !== ':') return false;
        const hours = getnum(v.slice(1, 3), true);
        const minutes = getnum(v.slice(4, 6), true);
        if (!hours || !minutes || hours.n > 24 || minutes.n > 60 || (v[0] !== '+' && v[0] !== '-')) return false;
        v = v.slice(6);
        break;
      }
    }
  }
  return v === '' && day >= 1 && day <= daysIn(month, year);
}

const HOST_LABEL = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/;

function isHostname(s: string): boolean {
  return Buffer.byteLength(s, 'utf8') < 256 && s.split('.').every((label) => HOST_LABEL.test(label));
}

function isUriTemplatePath(path: string): boolean {
  // ^([^{]*({[^}]*})?)*$ : every '{' is closed by a later '}'.
  for (let i = path.indexOf('{'); i >= 0; i = path.indexOf('{', i)) {
    const close = path.indexOf('}', i + 1);
    if (close < 0) return false;
    i = close + 1;
  }
  return true;
}

const isJsonPointer = (s: string): boolean => /^(?:\/(?:[^~/]|~[01])*)*$/u.test(s);

type Checker = (s: string) => boolean;

function uri(s: string): boolean {
  const u = parseURL(toByteString(s));
  return u.ok && u.value.scheme !== '' && !s.includes('\\');
}

function uriReference(s: string): boolean {
  return parseURL(toByteString(s)).ok && !s.includes('\\');
}

const CHECKERS: Record<string, Checker> = {
  date: (s) => goTimeParses(DATE, s),
  time: (s) => goTimeParses(TIME_ZONE, s) || goTimeParses(TIME, s),
  'date-time': (s) => [TIME, TIME_ZONE, DATE, RFC3339, RFC3339_NANO].some((layout) => goTimeParses(layout, s)),
  hostname: isHostname,
  email: (s) => isGoMailAddress(toByteString(s)),
  'idn-email': (s) => isGoMailAddress(toByteString(s)),
  ipv4: (s) => isGoIP(s) && s.includes('.'),
  ipv6: (s) => isGoIP(s) && s.includes(':'),
  uri,
  iri: uri,
  'uri-reference': uriReference,
  'iri-reference': uriReference,
  'uri-template': (s) => {
    const u = parseURL(toByteString(s));
    return u.ok && !s.includes('\\') && isUriTemplatePath(u.value.path);
  },
  uuid: (s) => /^[a-fA-F0-9]{8}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{4}-[a-fA-F0-9]{12}$/.test(s),
  regex: (s) => s === '' || compilePattern(s) !== undefined,
  'json-pointer': isJsonPointer,
  'relative-json-pointer': (s) => /^(?:0|[1-9][0-9]*)(?:#|(?:\/(?:[^~/]|~[01])*)*)$/u.test(s),
};

/** FormatCheckers.IsFormat: unknown formats and non-string values pass. */
export function isFormat(format: string, value: unknown): boolean {
  const check = Object.hasOwn(CHECKERS, format) ? CHECKERS[format] : undefined;
  return check === undefined || typeof value !== 'string' || check(value);
}

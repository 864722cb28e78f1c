// OPA's time.* builtins (open-policy-agent/opa v1.15.2, the version ec pins, v1/topdown/time.go;
// unchanged in v1.22.2 for these builtins) over Go's time package (go1.26.8 src/time/format.go,
// time.go): Go's layout grammar for parsing and formatting, Go's calendar normalisation in Date and
// AddDate, nanoseconds as exact bigints. Every Go error is undefined here. Pure but for zone files.
import { int64Argument, fitsInt64 } from './value.ts';
import { UTC, civilFromDays, daysBefore, daysFromCivil, daysIn, fixedZone, isLeap, loadLocation, type Location } from './tz.ts';

/** An instant as Go's Time holds it: Unix seconds, nanoseconds within the second, a location. */
export interface Time {
  sec: number;
  nsec: number;
  loc: Location;
}

const NS = 1_000_000_000n;
const SECONDS_PER_DAY = 86400;

function fromUnixNano(ns: bigint, loc: Location): Time {
  let sec = ns / NS;
  let nsec = ns % NS;
  if (nsec < 0n) {
    nsec += NS;
    sec -= 1n;
  }
  return { sec: Number(sec), nsec: Number(nsec), loc };
}

/** OPA's toSafeUnixNano: the instant in ns, undefined outside Go's int64 nanosecond range. */
function unixNano(t: Time): bigint | undefined {
  if (!Number.isSafeInteger(t.sec)) return undefined;
  const ns = BigInt(t.sec) * NS + BigInt(t.nsec);
  return fitsInt64(ns) ? ns : undefined;
}

interface Fields {
  year: number;
  month: number;
  day: number;
  yday: number;
  weekday: number;
  hour: number;
  min: number;
  sec: number;
  zoneName: string;
  offset: number;
}

/** The civil fields of an instant in its location (Go's locabs + date + clock). */
function fields(t: Time): Fields {
  const z = t.loc.lookup(t.sec);
  const local = t.sec + z.offset;
  const days = Math.floor(local / SECONDS_PER_DAY);
  const sod = local - days * SECONDS_PER_DAY;
  const { year, month, day } = civilFromDays(days);
  return {
    year,
    month,
    day,
    yday: days - daysFromCivil(year, 1, 1) + 1,
    weekday: (((days + 4) % 7) + 7) % 7,
    hour: Math.floor(sod / 3600),
    min: Math.floor((sod % 3600) / 60),
    sec: sod % 60,
    zoneName: z.name,
    offset: z.offset,
  };
}

/** Go's norm: moves whole multiples of base from lo into hi so that 0 <= lo < base. */
function norm(hi: number, lo: number, base: number): [number, number] {
  if (lo < 0) {
    const n = Math.floor((-lo - 1) / base) + 1;
    hi -= n;
    lo += n * base;
  }
  if (lo >= base) {
    const n = Math.floor(lo / base);
    hi += n;
    lo -= n * base;
  }
  return [hi, lo];
}

/** Go's time.Date: out-of-range fields carry over; a local time in a gap or overlap as Go picks it. */
function goDate(year: number, month: number, day: number, hour: number, min: number, sec: number, nsec: number, loc: Location): Time {
  let m = month - 1;
  [year, m] = norm(year, m, 12);
  [sec, nsec] = norm(sec, nsec, 1e9);
  [min, sec] = norm(min, sec, 60);
  [hour, min] = norm(hour, min, 60);
  [day, hour] = norm(day, hour, 24);
  let unix = (daysFromCivil(year, m + 1, 1) + day - 1) * SECONDS_PER_DAY + hour * 3600 + min * 60 + sec;
  const z = loc.lookup(unix);
  if (z.offset !== 0) {
    let offset = z.offset;
    const utc = unix - offset;
    if (utc < z.start || utc >= z.end) offset = loc.lookup(utc).offset;
    unix -= offset;
  }
  return { sec: unix, nsec, loc };
}

// ---- layouts ----

type Std =
  | 'January'
  | 'Jan'
  | '1'
  | '01'
  | 'Monday'
  | 'Mon'
  | '2'
  | '_2'
  | '02'
  | '__2'
  | '002'
  | '15'
  | '3'
  | '03'
  | '4'
  | '04'
  | '5'
  | '05'
  | '2006'
  | '06'
  | 'PM'
  | 'pm'
  | 'MST'
  | 'Z0700'
  | 'Z070000'
  | 'Z07'
  | 'Z07:00'
  | 'Z07:00:00'
  | '-0700'
  | '-070000'
  | '-07'
  | '-07:00'
  | '-07:00:00'
  | 'frac0'
  | 'frac9';

interface Chunk {
  prefix: string;
  std?: Std;
  /** Fractional seconds: the digit count as Go packs it (12 bits), and the separator. */
  digits: number;
  sep?: string;
  suffix: string;
}

const STD_0X: Std[] = ['01', '02', '03', '04', '05', '06'];
const isDigit = (s: string, i: number): boolean => i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39;
const startsWithLower = (s: string): boolean => s.length > 0 && s.charCodeAt(0) >= 0x61 && s.charCodeAt(0) <= 0x7a;

/** Go's nextStdChunk over a byte string (one char per UTF-8 byte). */
function nextStdChunk(layout: string): Chunk {
  const at = (i: number, std: Std, len: number, digits = 0): Chunk => ({ prefix: layout.slice(0, i), std, digits, suffix: layout.slice(i + len) });
  for (let i = 0; i < layout.length; i++) {
    const rest = layout.slice(i);
    switch (layout[i]) {
      case 'J':
        if (rest.startsWith('Jan')) {
          if (rest.startsWith('January')) return at(i, 'January', 7);
          if (!startsWithLower(rest.slice(3))) return at(i, 'Jan', 3);
        }
        break;
      case 'M':
        if (rest.startsWith('Mon')) {
          if (rest.startsWith('Monday')) return at(i, 'Monday', 6);
          if (!startsWithLower(rest.slice(3))) return at(i, 'Mon', 3);
        }
        if (rest.startsWith('MST')) return at(i, 'MST', 3);
        break;
      case '0':
        if (rest.length >= 2 && rest[1]! >= '1' && rest[1]! <= '6') return at(i, STD_0X[rest.charCodeAt(1) - 0x31]!, 2);
        if (rest.startsWith('002')) return at(i, '002', 3);
        break;
      case '1':
        return rest.startsWith('15') ? at(i, '15', 2) : at(i, '1', 1);
      case '2':
        return rest.startsWith('2006') ? at(i, '2006', 4) : at(i, '2', 1);
      case '_':
        if (rest[1] === '2') {
          // "_2006" is a literal underscore and a long year.
          if (rest.startsWith('_2006')) return { prefix: layout.slice(0, i + 1), std: '2006', digits: 0, suffix: layout.slice(i + 5) };
          return at(i, '_2', 2);
        }
        if (rest.startsWith('__2')) return at(i, '__2', 3);
        break;
      case '3':
        return at(i, '3', 1);
      case '4':
        return at(i, '4', 1);
      case '5':
        return at(i, '5', 1);
      case 'P':
        if (rest[1] === 'M') return at(i, 'PM', 2);
        break;
      case 'p':
        if (rest[1] === 'm') return at(i, 'pm', 2);
        break;
      case '-':
      case 'Z': {
        const sign = layout[i]!;
        for (const tail of ['070000', '07:00:00', '0700', '07:00', '07']) {
          if (rest.startsWith(sign + tail)) return at(i, (sign + tail) as Std, tail.length + 1);
        }
        break;
      }
      case '.':
      case ',': {
        const ch = rest[1];
        if (ch === '0' || ch === '9') {
          let j = i + 1;
          while (j < layout.length && layout[j] === ch) j++;
          if (!isDigit(layout, j)) {
            const digits = (j - (i + 1)) & 0xfff;
            return { prefix: layout.slice(0, i), std: ch === '0' ? 'frac0' : 'frac9', digits, sep: layout[i]!, suffix: layout.slice(j) };
          }
        }
        break;
      }
    }
  }
  return { prefix: layout, digits: 0, suffix: '' };
}

const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const SHORT_DAYS = LONG_DAYS.map((d) => d.slice(0, 3));
const SHORT_MONTHS = LONG_MONTHS.map((m) => m.slice(0, 3));

/** Go's appendInt: a minus sign, then the magnitude zero-padded to width. */
function goInt(x: number, width: number): string {
  const digits = String(Math.abs(x)).padStart(width, '0');
  return x < 0 ? `-${digits}` : digits;
}

/** Go's appendNano: the fraction to `digits` places (at most 9), trailing zeros cut for ".999". */
function goNano(nsec: number, digits: number, sep: string, trim: boolean): string {
  if (trim && (digits === 0 || nsec === 0)) return '';
  let frac = String(nsec).padStart(9, '0');
  if (digits < 9) frac = frac.slice(0, digits);
  let out = sep + frac;
  if (trim) out = out.replace(/0+$/, '').replace(/[.,]$/, '');
  return out;
}

function formatZone(std: Std, offset: number): string {
  if (offset === 0 && std.startsWith('Z')) return 'Z';
  let zone = Math.trunc(offset / 60);
  let absoffset = offset;
  let out = '+';
  if (zone < 0) {
    out = '-';
    zone = -zone;
    absoffset = -absoffset;
  }
  out += goInt(Math.trunc(zone / 60), 2);
  if (std.includes(':')) out += ':';
  if (std !== '-07' && std !== 'Z07') out += goInt(zone % 60, 2);
  if (std.endsWith('0000') || std.endsWith(':00:00')) out += (std.endsWith(':00:00') ? ':' : '') + goInt(absoffset % 60, 2);
  return out;
}

/** Go's Time.Format over a byte-string layout. */
function goFormat(t: Time, layout: string): string {
  const f = fields(t);
  const hr12 = f.hour % 12 === 0 ? 12 : f.hour % 12;
  let out = '';
  while (layout !== '') {
    const c = nextStdChunk(layout);
    out += c.prefix;
    if (c.std === undefined) break;
    layout = c.suffix;
    switch (c.std) {
      case '06':
        out += goInt(Math.abs(f.year) % 100, 2);
        break;
      case '2006':
        out += goInt(f.year, 4);
        break;
      case 'Jan':
        out += SHORT_MONTHS[f.month - 1]!;
        break;
      case 'January':
        out += LONG_MONTHS[f.month - 1]!;
        break;
      case '1':
        out += goInt(f.month, 0);
        break;
      case '01':
        out += goInt(f.month, 2);
        break;
      case 'Mon':
        out += SHORT_DAYS[f.weekday]!;
        break;
      case 'Monday':
        out += LONG_DAYS[f.weekday]!;
        break;
      case '2':
        out += goInt(f.day, 0);
        break;
      case '_2':
        out += (f.day < 10 ? ' ' : '') + goInt(f.day, 0);
        break;
      case '02':
        out += goInt(f.day, 2);
        break;
      case '__2':
        out += goInt(f.yday, 0).padStart(3, ' ');
        break;
      case '002':
        out += goInt(f.yday, 3);
        break;
      case '15':
        out += goInt(f.hour, 2);
        break;
      case '3':
        out += goInt(hr12, 0);
        break;
      case '03':
        out += goInt(hr12, 2);
        break;
      case '4':
        out += goInt(f.min, 0);
        break;
      case '04':
        out += goInt(f.min, 2);
        break;
      case '5':
        out += goInt(f.sec, 0);
        break;
      case '05':
        out += goInt(f.sec, 2);
        break;
      case 'PM':
        out += f.hour >= 12 ? 'PM' : 'AM';
        break;
      case 'pm':
        out += f.hour >= 12 ? 'pm' : 'am';
        break;
      case 'MST':
        if (f.zoneName !== '') out += f.zoneName;
        else {
          const zone = Math.trunc(f.offset / 60);
          out += (zone < 0 ? '-' : '+') + goInt(Math.trunc(Math.abs(zone) / 60), 2) + goInt(Math.abs(zone) % 60, 2);
        }
        break;
      case 'frac0':
      case 'frac9':
        out += goNano(t.nsec, c.digits, c.sep ?? '.', c.std === 'frac9');
        break;
      default:
        out += formatZone(c.std, f.offset);
    }
  }
  return out;
}

// ---- parsing ----

class ParseFailure extends Error {}
const fail = (): never => {
  throw new ParseFailure('bad value for field');
};

/** Go's leadingInt: digits as an integer, undefined on int64 overflow. */
function leadingInt(s: string): [number, string] | undefined {
  const m = /^\d*/.exec(s)![0];
  let x = 0n;
  for (const c of m) {
    x = x * 10n + BigInt(c.charCodeAt(0) - 0x30);
    if (x > 2n ** 63n) return undefined;
  }
  return [Number(x), s.slice(m.length)];
}

/** Go's atoi: an optional sign and digits, nothing else. */
function atoi(s: string): number {
  let neg = false;
  if (s[0] === '-' || s[0] === '+') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  const r = leadingInt(s);
  if (!r || r[1] !== '') fail();
  return neg ? -r![0] : r![0];
}

function getnum(s: string, fixed: boolean): [number, string] {
  if (!isDigit(s, 0)) fail();
  if (!isDigit(s, 1)) {
    if (fixed) fail();
    return [s.charCodeAt(0) - 0x30, s.slice(1)];
  }
  return [(s.charCodeAt(0) - 0x30) * 10 + s.charCodeAt(1) - 0x30, s.slice(2)];
}

function getnum3(s: string, fixed: boolean): [number, string] {
  let n = 0;
  let i = 0;
  for (; i < 3 && isDigit(s, i); i++) n = n * 10 + s.charCodeAt(i) - 0x30;
  if (i === 0 || (fixed && i !== 3)) fail();
  return [n, s.slice(i)];
}

/** Go's lookup: the first name that prefixes the value, ASCII letters compared without case. */
function lookupName(tab: string[], val: string): [number, string] {
  const fold = (c: number): number => c | 0x20;
  for (let i = 0; i < tab.length; i++) {
    const v = tab[i]!;
    if (val.length < v.length) continue;
    let ok = true;
    for (let j = 0; j < v.length && ok; j++) {
      const a = val.charCodeAt(j);
      const b = v.charCodeAt(j);
      ok = a === b || (fold(a) === fold(b) && fold(a) >= 0x61 && fold(a) <= 0x7a);
    }
    if (ok) return [i, val.slice(v.length)];
  }
  return fail();
}

/** Go's skip: the literal prefix, runs of spaces matching runs of spaces. */
function skip(value: string, prefix: string): string {
  while (prefix.length > 0) {
    if (prefix[0] === ' ') {
      if (value.length > 0 && value[0] !== ' ') fail();
      prefix = prefix.replace(/^ +/, '');
      value = value.replace(/^ +/, '');
      continue;
    }
    if (value.length === 0 || value[0] !== prefix[0]) fail();
    prefix = prefix.slice(1);
    value = value.slice(1);
  }
  return value;
}

function parseSignedOffset(value: string): number {
  if (value[0] !== '-' && value[0] !== '+') return 0;
  const r = leadingInt(value.slice(1));
  if (!r || r[1] === value.slice(1) || r[0] > 23) return 0;
  return value.length - r[1].length;
}

/** Go's parseTimeZone: the length of a zone abbreviation at the start of value, or 0. */
function parseTimeZone(value: string): number {
  if (value.length < 3) return 0;
  if (value.startsWith('ChST') || value.startsWith('MeST')) return 4;
  if (value.startsWith('GMT')) return value.length === 3 ? 3 : 3 + parseSignedOffset(value.slice(3));
  if (value[0] === '+' || value[0] === '-') return parseSignedOffset(value);
  let n = 0;
  while (n < 6 && n < value.length && value[n]! >= 'A' && value[n]! <= 'Z') n++;
  if (n === 3) return 3;
  if (n === 4 && (value[3] === 'T' || value.startsWith('WITA'))) return 4;
  if (n === 5 && value[4] === 'T') return 5;
  return 0;
}

const commaOrPeriod = (c: string | undefined): boolean => c === '.' || c === ',';

function parseNanoseconds(value: string, nbytes: number): number {
  if (!commaOrPeriod(value[0])) fail();
  if (nbytes > 10) nbytes = 10;
  const ns = atoi(value.slice(1, nbytes));
  if (ns < 0) fail();
  return ns * 10 ** (10 - nbytes);
}

/** Go's time.Parse (default location UTC, zone names and offsets matched against Local). */
function goParse(layout: string, value: string, local: Location): Time {
  let year = 0;
  let month = -1;
  let day = -1;
  let yday = -1;
  let hour = 0;
  let min = 0;
  let sec = 0;
  let nsec = 0;
  let utc = false;
  let zoneOffset = -1;
  let zoneName = '';
  let amSet = false;
  let pmSet = false;
  for (;;) {
    const c = nextStdChunk(layout);
    value = skip(value, c.prefix);
    if (c.std === undefined) {
      if (value.length !== 0) fail();
      break;
    }
    layout = c.suffix;
    switch (c.std) {
      case '06':
        if (value.length < 2) fail();
        year = atoi(value.slice(0, 2));
        year += year >= 69 ? 1900 : 2000;
        value = value.slice(2);
        break;
      case '2006':
        if (value.length < 4 || !isDigit(value, 0)) fail();
        year = atoi(value.slice(0, 4));
        value = value.slice(4);
        break;
      case 'Jan':
      case 'January':
        [month, value] = lookupName(c.std === 'Jan' ? SHORT_MONTHS : LONG_MONTHS, value);
        month++;
        break;
      case '1':
      case '01':
        [month, value] = getnum(value, c.std === '01');
        if (month <= 0 || month > 12) fail();
        break;
      case 'Mon':
      case 'Monday':
        [, value] = lookupName(c.std === 'Mon' ? SHORT_DAYS : LONG_DAYS, value);
        break;
      case '2':
      case '_2':
      case '02':
        if (c.std === '_2' && value[0] === ' ') value = value.slice(1);
        [day, value] = getnum(value, c.std === '02');
        break;
      case '__2':
      case '002':
        for (let i = 0; i < 2; i++) if (c.std === '__2' && value[0] === ' ') value = value.slice(1);
        [yday, value] = getnum3(value, c.std === '002');
        break;
      case '15':
        [hour, value] = getnum(value, false);
        if (hour >= 24) fail();
        break;
      case '3':
      case '03':
        [hour, value] = getnum(value, c.std === '03');
        if (hour > 12) fail();
        break;
      case '4':
      case '04':
        [min, value] = getnum(value, c.std === '04');
        if (min >= 60) fail();
        break;
      case '5':
      case '05': {
        [sec, value] = getnum(value, c.std === '05');
        if (sec >= 60) fail();
        // A fraction in the value that the layout does not announce next is still read.
        if (value.length >= 2 && commaOrPeriod(value[0]) && isDigit(value, 1)) {
          const next = nextStdChunk(layout).std;
          if (next === 'frac0' || next === 'frac9') break;
          let n = 2;
          while (n < value.length && isDigit(value, n)) n++;
          nsec = parseNanoseconds(value, n);
          value = value.slice(n);
        }
        break;
      }
      case 'PM':
      case 'pm': {
        if (value.length < 2) fail();
        const p = value.slice(0, 2);
        value = value.slice(2);
        if (p === (c.std === 'PM' ? 'PM' : 'pm')) pmSet = true;
        else if (p === (c.std === 'PM' ? 'AM' : 'am')) amSet = true;
        else fail();
        break;
      }
      case 'MST': {
        if (value.startsWith('UTC')) {
          utc = true;
          value = value.slice(3);
          break;
        }
        const n = parseTimeZone(value);
        if (n === 0) fail();
        zoneName = value.slice(0, n);
        value = value.slice(n);
        break;
      }
      case 'frac0': {
        const ndigit = 1 + c.digits;
        if (value.length < ndigit) fail();
        nsec = parseNanoseconds(value, ndigit);
        value = value.slice(ndigit);
        break;
      }
      case 'frac9': {
        if (value.length < 2 || !commaOrPeriod(value[0]) || !isDigit(value, 1)) break;
        let i = 0;
        while (i + 1 < value.length && isDigit(value, i + 1)) i++;
        nsec = parseNanoseconds(value, 1 + i);
        value = value.slice(1 + i);
        break;
      }
      default: {
        // Numeric zones; the "Z" forms also take a literal Z for UTC.
        if (c.std.startsWith('Z') && value[0] === 'Z') {
          value = value.slice(1);
          utc = true;
          break;
        }
        const std = c.std.slice(1);
        let parts: [string, string, string, string];
        if (std === '07:00') {
          if (value.length < 6 || value[3] !== ':') fail();
          parts = [value[0]!, value.slice(1, 3), value.slice(4, 6), '00'];
          value = value.slice(6);
        } else if (std === '07') {
          if (value.length < 3) fail();
          parts = [value[0]!, value.slice(1, 3), '00', '00'];
          value = value.slice(3);
        } else if (std === '07:00:00') {
          if (value.length < 9 || value[3] !== ':' || value[6] !== ':') fail();
          parts = [value[0]!, value.slice(1, 3), value.slice(4, 6), value.slice(7, 9)];
          value = value.slice(9);
        } else if (std === '070000') {
          if (value.length < 7) fail();
          parts = [value[0]!, value.slice(1, 3), value.slice(3, 5), value.slice(5, 7)];
          value = value.slice(7);
        } else {
          if (value.length < 5) fail();
          parts = [value[0]!, value.slice(1, 3), value.slice(3, 5), '00'];
          value = value.slice(5);
        }
        const [hh, mm, ss] = [getnum(parts[1], true)[0], getnum(parts[2], true)[0], getnum(parts[3], true)[0]];
        if (hh > 24 || mm > 60 || ss > 60) fail();
        zoneOffset = (hh * 60 + mm) * 60 + ss;
        if (parts[0] === '-') zoneOffset = -zoneOffset;
        else if (parts[0] !== '+') fail();
      }
    }
  }
  if (pmSet && hour < 12) hour += 12;
  else if (amSet && hour === 12) hour = 0;

  if (yday >= 0) {
    let d = 0;
    let m = 0;
    if (isLeap(year)) {
      if (yday === 31 + 29) {
        m = 2;
        d = 29;
      } else if (yday > 31 + 29) yday--;
    }
    if (yday < 1 || yday > 365) fail();
    if (m === 0) {
      m = Math.floor((yday - 1) / 31) + 1;
      if (daysBefore(m + 1) < yday) m++;
      d = yday - daysBefore(m);
    }
    if ((month >= 0 && month !== m) || (day >= 0 && day !== d)) fail();
    month = m;
    day = d;
  } else {
    if (month < 0) month = 1;
    if (day < 0) day = 1;
  }
  if (day < 1 || day > daysIn(month, year)) fail();

  const t = goDate(year, month, day, hour, min, sec, nsec, UTC);
  if (utc) return t;
  // A zone offset (or a Local zone's abbreviation) moves the instant; other names only label it.
  if (zoneOffset !== -1) {
    const sec = t.sec - zoneOffset;
    const z = local.lookup(sec);
    const inLocal = z.offset === zoneOffset && (zoneName === '' || z.name === zoneName);
    return { ...t, sec, loc: inLocal ? local : fixedZone(zoneName, zoneOffset) };
  }
  if (zoneName !== '') {
    const offset = local.lookupName(zoneName, t.sec);
    if (offset !== undefined) return { ...t, sec: t.sec - offset, loc: local };
    const gmt = zoneName.length > 3 && zoneName.startsWith('GMT') ? atoi(zoneName.slice(3)) * 3600 : 0;
    return { ...t, loc: fixedZone(zoneName, gmt) };
  }
  return t;
}

/** Go's time.Parse over byte strings, Local as Go initialises it; undefined where Go errors. */
export function parseGoTime(layout: string, value: string): Time | undefined {
  try {
    return goParse(layout, value, loadLocation('Local') ?? UTC);
  } catch (err) {
    if (err instanceof ParseFailure) return undefined;
    throw err;
  }
}

export { goFormat as formatGoTime };

/** Go's t.AddDate in t's location. */
export function addDateGo(t: Time, years: number, months: number, days: number): Time {
  const f = fields(t);
  return goDate(f.year + years, f.month + months, f.day + days, f.hour, f.min, f.sec, t.nsec, t.loc);
}

/** Go's Time.MarshalJSON (RFC 3339 with nanoseconds); undefined where Go refuses the year or zone. */
export function marshalTimeJSON(t: Time): string | undefined {
  const f = fields(t);
  if (f.year < 0 || f.year > 9999 || Math.trunc(Math.abs(f.offset) / 3600) >= 24) return undefined;
  return goFormat(t, NAMED_LAYOUTS.RFC3339Nano!);
}

// ---- the builtins ----

/** Layout names OPA accepts in place of a layout (acceptedTimeFormats). */
const NAMED_LAYOUTS: Record<string, string> = {
  ANSIC: 'Mon Jan _2 15:04:05 2006',
  UnixDate: 'Mon Jan _2 15:04:05 MST 2006',
  RubyDate: 'Mon Jan 02 15:04:05 -0700 2006',
  RFC822: '02 Jan 06 15:04 MST',
  RFC822Z: '02 Jan 06 15:04 -0700',
  RFC850: 'Monday, 02-Jan-06 15:04:05 MST',
  RFC1123: 'Mon, 02 Jan 2006 15:04:05 MST',
  RFC1123Z: 'Mon, 02 Jan 2006 15:04:05 -0700',
  RFC3339: '2006-01-02T15:04:05Z07:00',
  RFC3339Nano: '2006-01-02T15:04:05.999999999Z07:00',
};

const toBytes = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');
const fromBytes = (s: string): string => Buffer.from(s, 'latin1').toString('utf8');

function parseToNs(layout: string, value: string): bigint | undefined {
  const t = parseGoTime(toBytes(layout), toBytes(value));
  return t && unixNano(t);
}

/** OPA's tzTime: ns, or [ns], [ns, zone] or [ns, zone, layout]. */
function tzTime(x: unknown): { t: Time; layout: string } | undefined {
  let ns: unknown = x;
  let loc: Location | undefined = UTC;
  let layout = '';
  if (Array.isArray(x)) {
    if (x.length === 0) return undefined;
    ns = x[0];
    if (typeof ns !== 'number' && typeof ns !== 'bigint') return undefined;
    if (x.length > 1) {
      if (typeof x[1] !== 'string') return undefined;
      loc = loadLocation(x[1]);
    }
    if (x.length > 2) {
      if (typeof x[2] !== 'string') return undefined;
      layout = x[2];
    }
  } else if (typeof x !== 'number' && typeof x !== 'bigint') return undefined;
  const n = int64Argument(ns);
  if (n === undefined || loc === undefined) return undefined;
  return { t: fromUnixNano(n, loc), layout };
}

export const timeBuiltins = {
  parseRfc3339Ns: (value: unknown): bigint | undefined => (typeof value === 'string' ? parseToNs(NAMED_LAYOUTS.RFC3339!, value) : undefined),

  parseNs: (layout: unknown, value: unknown): bigint | undefined =>
    typeof layout === 'string' && typeof value === 'string' ? parseToNs(NAMED_LAYOUTS[layout] ?? layout, value) : undefined,

  format: (x: unknown): string | undefined => {
    const tt = tzTime(x);
    if (!tt) return undefined;
    const layout = tt.layout === '' ? NAMED_LAYOUTS.RFC3339Nano! : (NAMED_LAYOUTS[tt.layout] ?? tt.layout);
    return fromBytes(goFormat(tt.t, toBytes(layout)));
  },

  date: (x: unknown): number[] | undefined => {
    const tt = tzTime(x);
    if (!tt) return undefined;
    const f = fields(tt.t);
    return [f.year, f.month, f.day];
  },

  clock: (x: unknown): number[] | undefined => {
    const tt = tzTime(x);
    if (!tt) return undefined;
    const f = fields(tt.t);
    return [f.hour, f.min, f.sec];
  },

  weekday: (x: unknown): string | undefined => {
    const tt = tzTime(x);
    return tt && LONG_DAYS[fields(tt.t).weekday];
  },

  addDate: (x: unknown, years: unknown, months: unknown, days: unknown): bigint | undefined => {
    const tt = tzTime(x);
    const [y, m, d] = [int64Argument(years), int64Argument(months), int64Argument(days)];
    if (!tt || y === undefined || m === undefined || d === undefined) return undefined;
    const f = fields(tt.t);
    return unixNano(goDate(f.year + Number(y), f.month + Number(m), f.day + Number(d), f.hour, f.min, f.sec, tt.t.nsec, tt.t.loc));
  },

  diff: (a: unknown, b: unknown): number[] | undefined => {
    const ta = tzTime(a);
    const tb = tzTime(b);
    if (!ta || !tb) return undefined;
    let t1 = ta.t;
    let t2 = { ...tb.t, loc: t1.loc };
    if (t1.sec > t2.sec || (t1.sec === t2.sec && t1.nsec > t2.nsec)) [t1, t2] = [t2, t1];
    const f1 = fields(t1);
    const f2 = fields(t2);
    let year = f2.year - f1.year;
    let month = f2.month - f1.month;
    let day = f2.day - f1.day;
    let hour = f2.hour - f1.hour;
    let min = f2.min - f1.min;
    let sec = f2.sec - f1.sec;
    if (sec < 0) {
      sec += 60;
      min--;
    }
    if (min < 0) {
      min += 60;
      hour--;
    }
    if (hour < 0) {
      hour += 24;
      day--;
    }
    if (day < 0) {
      day += daysIn(f1.month, f1.year);
      month--;
    }
    if (month < 0) {
      month += 12;
      year--;
    }
    return [year, month, day, hour, min, sec];
  },
};

/** time.now_ns: the run's effective time, fixed for the whole evaluation as OPA fixes it per query. */
export const nowNs = (now: Date): bigint => BigInt(now.getTime()) * 1_000_000n;

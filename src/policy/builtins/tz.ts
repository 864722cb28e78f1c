// Time zones as Go's time package sees them (go1.26.8 src/time/zoneinfo.go, zoneinfo_read.go,
// zoneinfo_unix.go): a Location answers "which zone (abbreviation, offset) is in effect at this
// instant", from the system's TZif files like Go's LoadLocation, with the POSIX TZ footer extending
// the transitions. OPA (v1/topdown/time.go) also embeds Go's tzdata; without system zone files
// vouch falls back to Node's ICU for offsets (docs/compatibility.md). Only names ICU knows are
// looked up, so a policy cannot make vouch open an arbitrary file.
import { readFileSync } from 'node:fs';

interface ZonePeriod {
  name: string;
  /** Seconds east of UTC. */
  offset: number;
  /** The period [start, end) in Unix seconds, as Go's lookup reports it (±Infinity when open). */
  start: number;
  end: number;
  isDST: boolean;
}

export interface Location {
  lookup(sec: number): ZonePeriod;
  /** Go's Location.lookupName: the offset of the zone abbreviated `name` around `unix`. */
  lookupName(name: string, unix: number): number | undefined;
}

interface Zone {
  name: string;
  offset: number;
  isDST: boolean;
}

const SECONDS_PER_DAY = 86400;

/** A location with one zone for all time (Go's FixedZone; UTC is FixedZone("UTC", 0)). */
export function fixedZone(name: string, offset: number): Location {
  return {
    lookup: () => ({ name, offset, start: -Infinity, end: Infinity, isDST: false }),
    lookupName: (n) => (n === name ? offset : undefined),
  };
}

export const UTC = fixedZone('UTC', 0);

// ---- the proleptic Gregorian calendar (shared with time.ts) ----

export const isLeap = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

const DAYS_BEFORE = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

/** Days in a non-leap year before month m (1..13). */
export const daysBefore = (m: number): number => DAYS_BEFORE[m - 1]!;

export const daysIn = (month: number, year: number): number => (month === 2 && isLeap(year) ? 29 : daysBefore(month + 1) - daysBefore(month));

/** Days since 1970-01-01 of a civil date (month 1..12, any day). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date of a day count since 1970-01-01. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

// ---- TZif (tzfile(5)) ----

class Reader {
  pos = 0;
  readonly data: Uint8Array;
  constructor(data: Uint8Array) {
    this.data = data;
  }
  bytes(n: number): Uint8Array | undefined {
    if (n < 0 || this.pos + n > this.data.length) return undefined;
    const out = this.data.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  u32(): number | undefined {
    const b = this.bytes(4);
    return b && ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  }
}

const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** A Location from TZif bytes, or undefined where Go's LoadLocationFromTZData fails. */
function parseTzif(data: Uint8Array): Location | undefined {
  const r = new Reader(data);
  if (latin1(r.bytes(4) ?? new Uint8Array()) !== 'TZif') return undefined;
  const head = r.bytes(16);
  if (!head) return undefined;
  const version = head[0] === 0 ? 1 : head[0] === 0x32 ? 2 : head[0] === 0x33 ? 3 : 0;
  if (version === 0) return undefined;
  const readCounts = (): number[] | undefined => {
    const n: number[] = [];
    for (let i = 0; i < 6; i++) {
      const v = r.u32();
      if (v === undefined) return undefined;
      n.push(v);
    }
    return n;
  };
  // UTC/local indicators, standard/wall indicators, leap seconds, transitions, zones, abbreviation bytes.
  let n = readCounts();
  if (!n) return undefined;
  let size = 4;
  if (version > 1) {
    const [utcLocal, stdWall, leap, time, zone, chars] = n as [number, number, number, number, number, number];
    if (!r.bytes(time * 4 + time + zone * 6 + chars + leap * 8 + stdWall + utcLocal + 20)) return undefined;
    n = readCounts();
    if (!n) return undefined;
    size = 8;
  }
  const [, , nLeap, nTime, nZone, nChar] = n as [number, number, number, number, number, number];
  const txTimes = r.bytes(nTime * size);
  const txZones = r.bytes(nTime);
  const zoneData = r.bytes(nZone * 6);
  const abbrev = r.bytes(nChar);
  const rest1 = r.bytes(nLeap * (size + 4));
  const isStd = r.bytes(n[1]!);
  const isUtc = r.bytes(n[0]!);
  if (!txTimes || !txZones || !zoneData || !abbrev || !rest1 || !isStd || !isUtc) return undefined;
  const tail = data.subarray(r.pos);
  const extend = tail.length > 2 && tail[0] === 0x0a && tail[tail.length - 1] === 0x0a ? latin1(tail.subarray(1, tail.length - 1)) : '';
  if (nZone === 0) return undefined;
  const zones: Zone[] = [];
  const zd = new DataView(zoneData.buffer, zoneData.byteOffset, zoneData.byteLength);
  for (let i = 0; i < nZone; i++) {
    const idx = zoneData[i * 6 + 5]!;
    if (idx >= abbrev.length) return undefined;
    const nul = abbrev.indexOf(0, idx);
    zones.push({ offset: zd.getInt32(i * 6), isDST: zoneData[i * 6 + 4] !== 0, name: latin1(abbrev.subarray(idx, nul === -1 ? abbrev.length : nul)) });
  }
  const td = new DataView(txTimes.buffer, txTimes.byteOffset, txTimes.byteLength);
  const tx: { when: number; index: number }[] = [];
  for (let i = 0; i < nTime; i++) {
    const when = size === 4 ? td.getInt32(i * 4) : Number(td.getBigInt64(i * 8));
    if (txZones[i]! >= zones.length) return undefined;
    tx.push({ when, index: txZones[i]! });
  }
  // A zone with no transitions (Etc/GMT+1) gets one at the beginning of time, as Go does.
  if (tx.length === 0) tx.push({ when: -Infinity, index: 0 });
  return tzifLocation(zones, tx, extend);
}

function firstZone(zones: Zone[], tx: { index: number }[]): number {
  if (!tx.some((t) => t.index === 0)) return 0;
  if (tx.length > 0 && zones[tx[0]!.index]!.isDST) {
    for (let zi = tx[0]!.index - 1; zi >= 0; zi--) if (!zones[zi]!.isDST) return zi;
  }
  const std = zones.findIndex((z) => !z.isDST);
  return std === -1 ? 0 : std;
}

function tzifLocation(zones: Zone[], tx: { when: number; index: number }[], extend: string): Location {
  const lookup = (sec: number): ZonePeriod => {
    if (sec < tx[0]!.when) {
      const z = zones[firstZone(zones, tx)]!;
      return { name: z.name, offset: z.offset, start: -Infinity, end: tx[0]!.when, isDST: z.isDST };
    }
    let lo = 0;
    let hi = tx.length;
    let end = Infinity;
    while (hi - lo > 1) {
      const m = (lo + hi) >>> 1;
      if (sec < tx[m]!.when) {
        end = tx[m]!.when;
        hi = m;
      } else lo = m;
    }
    const z = zones[tx[lo]!.index]!;
    const start = tx[lo]!.when;
    if (lo === tx.length - 1 && extend !== '') {
      const e = tzset(extend, start, sec);
      if (e) return e;
    }
    return { name: z.name, offset: z.offset, start, end, isDST: z.isDST };
  };
  const lookupName = (name: string, unix: number): number | undefined => {
    for (const z of zones) {
      if (z.name === name && lookup(unix - z.offset).name === z.name) return lookup(unix - z.offset).offset;
    }
    return zones.find((z) => z.name === name)?.offset;
  };
  return { lookup, lookupName };
}

// ---- the POSIX TZ string in a TZif footer (Go's tzset) ----

type Rule = { kind: 'julian' | 'doy' | 'mwd'; day: number; week: number; mon: number; time: number };

function tzsetName(s: string): [string, string] | undefined {
  if (s === '') return undefined;
  if (s[0] === '<') {
    const i = s.indexOf('>');
    return i === -1 ? undefined : [s.slice(1, i), s.slice(i + 1)];
  }
  const i = s.search(/[0-9,+-]/);
  if (i === -1) return s.length < 3 ? undefined : [s, ''];
  return i < 3 ? undefined : [s.slice(0, i), s.slice(i)];
}

function tzsetNum(s: string, min: number, max: number): [number, string] | undefined {
  const m = /^\d+/.exec(s);
  if (!m) return undefined;
  let num = 0;
  for (const c of m[0]) {
    num = num * 10 + Number(c);
    if (num > max) return undefined;
  }
  return num < min ? undefined : [num, s.slice(m[0].length)];
}

function tzsetOffset(s: string): [number, string] | undefined {
  if (s === '') return undefined;
  const neg = s[0] === '-';
  if (s[0] === '+' || s[0] === '-') s = s.slice(1);
  const h = tzsetNum(s, 0, 24 * 7);
  if (!h) return undefined;
  let off = h[0] * 3600;
  s = h[1];
  for (const scale of [60, 1]) {
    if (s[0] !== ':') break;
    const p = tzsetNum(s.slice(1), 0, 59);
    if (!p) return undefined;
    off += p[0] * scale;
    s = p[1];
  }
  return [neg ? -off : off, s];
}

function tzsetRule(s: string): [Rule, string] | undefined {
  const r: Rule = { kind: 'doy', day: 0, week: 0, mon: 0, time: 2 * 3600 };
  if (s === '') return undefined;
  if (s[0] === 'J') {
    const d = tzsetNum(s.slice(1), 1, 365);
    if (!d) return undefined;
    [r.day, s] = d;
    r.kind = 'julian';
  } else if (s[0] === 'M') {
    const mon = tzsetNum(s.slice(1), 1, 12);
    if (!mon || mon[1][0] !== '.') return undefined;
    const week = tzsetNum(mon[1].slice(1), 1, 5);
    if (!week || week[1][0] !== '.') return undefined;
    const day = tzsetNum(week[1].slice(1), 0, 6);
    if (!day) return undefined;
    Object.assign(r, { kind: 'mwd', mon: mon[0], week: week[0], day: day[0] });
    s = day[1];
  } else {
    const d = tzsetNum(s, 0, 365);
    if (!d) return undefined;
    [r.day, s] = d;
  }
  if (s[0] !== '/') return [r, s];
  const off = tzsetOffset(s.slice(1));
  if (!off) return undefined;
  [r.time, s] = off;
  return [r, s];
}

/** Seconds since the start of `year` at which the rule takes effect (Go's tzruleTime). */
function tzruleTime(year: number, r: Rule, off: number): number {
  let s: number;
  if (r.kind === 'julian') {
    s = (r.day - 1) * SECONDS_PER_DAY + (isLeap(year) && r.day >= 60 ? SECONDS_PER_DAY : 0);
  } else if (r.kind === 'doy') {
    s = r.day * SECONDS_PER_DAY;
  } else {
    // The weekday of the first of the month, then the week-th such weekday (the last if fewer).
    const dow = (((daysFromCivil(year, r.mon, 1) + 4) % 7) + 7) % 7;
    let d = r.day - dow;
    if (d < 0) d += 7;
    for (let i = 1; i < r.week; i++) {
      if (d + 7 >= daysIn(r.mon, year)) break;
      d += 7;
    }
    d += daysBefore(r.mon) + (isLeap(year) && r.mon > 2 ? 1 : 0);
    s = d * SECONDS_PER_DAY;
  }
  return s + r.time - off;
}

function tzset(spec: string, lastTxSec: number, sec: number): ZonePeriod | undefined {
  const std = tzsetName(spec);
  const stdOff = std && tzsetOffset(std[1]);
  if (!std || !stdOff) return undefined;
  let stdName = std[0];
  let stdOffset = -stdOff[0];
  let s = stdOff[1];
  if (s === '' || s[0] === ',') return { name: stdName, offset: stdOffset, start: lastTxSec, end: Infinity, isDST: false };
  const dst = tzsetName(s);
  if (!dst) return undefined;
  let dstName = dst[0];
  let dstOffset: number;
  s = dst[1];
  if (s === '' || s[0] === ',') dstOffset = stdOffset + 3600;
  else {
    const o = tzsetOffset(s);
    if (!o) return undefined;
    dstOffset = -o[0];
    s = o[1];
  }
  if (s === '') s = ',M3.2.0,M11.1.0';
  if (s[0] !== ',' && s[0] !== ';') return undefined;
  const startRule = tzsetRule(s.slice(1));
  if (!startRule || startRule[1][0] !== ',') return undefined;
  const endRule = tzsetRule(startRule[1].slice(1));
  if (!endRule || endRule[1] !== '') return undefined;

  const days = Math.floor(sec / SECONDS_PER_DAY);
  const { year } = civilFromDays(days);
  const yday = days - daysFromCivil(year, 1, 1) + 1;
  // Go adds the truncated (not floored) remainder: before 1970 that is a day off, as in Go.
  const ysec = (yday - 1) * SECONDS_PER_DAY + (sec % SECONDS_PER_DAY);
  const ystart = sec - ysec;
  let startSec = tzruleTime(year, startRule[0], stdOffset);
  let endSec = tzruleTime(year, endRule[0], dstOffset);
  let dstIsDST = true;
  let stdIsDST = false;
  // Southern hemisphere: the rules come in the other order; Go swaps the labels with them.
  if (endSec < startSec) {
    [startSec, endSec] = [endSec, startSec];
    [stdName, dstName] = [dstName, stdName];
    [stdOffset, dstOffset] = [dstOffset, stdOffset];
    [stdIsDST, dstIsDST] = [dstIsDST, stdIsDST];
  }
  if (ysec < startSec) return { name: stdName, offset: stdOffset, start: ystart, end: startSec + ystart, isDST: stdIsDST };
  if (ysec >= endSec) return { name: stdName, offset: stdOffset, start: endSec + ystart, end: ystart + 365 * SECONDS_PER_DAY, isDST: stdIsDST };
  return { name: dstName, offset: dstOffset, start: startSec + ystart, end: endSec + ystart, isDST: dstIsDST };
}

// ---- ICU fallback (no system zone files) ----

/** A Location from ICU (Intl), used only when the system has no zone files. */
export function intlLocation(timeZone: string): Location {
  const fmt = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
    era: 'short',
    timeZoneName: 'short',
  });
  const lookup = (sec: number): ZonePeriod => {
    const parts = Object.fromEntries(fmt.formatToParts(new Date(sec * 1000)).map((p) => [p.type, p.value]));
    const year = parts.era === 'BC' ? 1 - Number(parts.year) : Number(parts.year);
    const local =
      daysFromCivil(year, Number(parts.month), Number(parts.day)) * SECONDS_PER_DAY +
      Number(parts.hour) * 3600 +
      Number(parts.minute) * 60 +
      Number(parts.second);
    const offset = local - sec;
    const abs = Math.abs(offset);
    const numeric = `${offset < 0 ? '-' : '+'}${String(Math.floor(abs / 3600)).padStart(2, '0')}${abs % 3600 ? String(Math.floor((abs % 3600) / 60)).padStart(2, '0') : ''}`;
    const name = /^[A-Z]{3,5}$/.test(parts.timeZoneName ?? '') ? parts.timeZoneName! : numeric;
    // Unknown period bounds: [sec, sec+1) makes Go's Date look the offset up again, as it must.
    return { name, offset, start: sec, end: sec + 1, isDST: false };
  };
  return { lookup, lookupName: (name, unix) => (lookup(unix).name === name ? lookup(unix).offset : undefined) };
}

// ---- loading ----

const ZONE_SOURCES = ['/usr/share/zoneinfo/', '/usr/share/lib/zoneinfo/', '/usr/lib/locale/TZ/', '/etc/zoneinfo/'];
const MAX_TZIF_BYTES = 1 << 16;
const cache = new Map<string, Location | undefined>();

function readTzif(path: string): Uint8Array | undefined {
  try {
    const data = readFileSync(path);
    return data.length <= MAX_TZIF_BYTES ? data : undefined;
  } catch {
    return undefined;
  }
}

/** The zone's canonical ICU id, or undefined when ICU does not know the name. */
function icuZone(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

const hasSystemZones = (): boolean => ZONE_SOURCES.some((dir) => readTzif(`${dir}UTC`) !== undefined);

function loadNamed(name: string): Location | undefined {
  // IANA names: no dots-dot, no leading slash (Go's own check), and a name ICU knows.
  if (/\.\./.test(name) || name.startsWith('/') || name.startsWith('\\') || !/^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/.test(name)) return undefined;
  if (icuZone(name) === undefined) return undefined;
  for (const dir of ZONE_SOURCES) {
    const data = readTzif(dir + name);
    const loc = data && parseTzif(data);
    if (loc) return loc;
  }
  // Go would use its embedded tzdata here; ICU's is the closest at hand, for exact spellings only.
  if (!hasSystemZones() && (Intl.supportedValuesOf('timeZone').includes(name) || icuZone(name) === name)) return intlLocation(name);
  return undefined;
}

/** Go's time.Local, initialised from $TZ or /etc/localtime as Go's initLocal does: like Go's, process-wide state (OPA's "Local" zone is the process's). */
function loadLocal(): Location {
  const tz = process.env.TZ;
  if (tz === undefined) {
    const data = readTzif('/etc/localtime');
    return (data && parseTzif(data)) ?? UTC;
  }
  const name = tz.startsWith(':') ? tz.slice(1) : tz;
  if (name === '' || name === 'UTC') return UTC;
  if (name.startsWith('/')) {
    const data = readTzif(name);
    return (data && parseTzif(data)) ?? UTC;
  }
  return loadNamed(name) ?? UTC;
}

/** OPA's zone argument: "" and "UTC" are UTC, "Local" is the process zone, else an IANA name. */
export function loadLocation(name: string): Location | undefined {
  if (name === '' || name === 'UTC') return UTC;
  if (!cache.has(name)) cache.set(name, name === 'Local' ? loadLocal() : loadNamed(name));
  return cache.get(name);
}

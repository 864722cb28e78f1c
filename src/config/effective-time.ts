// --effective-time: `now`, `attestation`, RFC 3339, or YYYY-MM-DD, as ec's parseEffectiveTime
// (conforma/cli a18338416237 internal/policy/policy.go). Times are
// read as Go's time.Parse(time.RFC3339, …) reads them (golang/go src/time/format_rfc3339.go,
// parseRFC3339, commit 1e0d73188ffd96a06da0aa54707681ded46acaff): uppercase `T` and `Z`, every
// calendar field range-checked (2026-02-30 is an error, never 2026-03-02), seconds 00–59.
import { InputError } from '../errors.ts';
import type { EffectiveTimeSetting } from './types.ts';

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function daysIn(month: number, year: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

interface Fields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Milliseconds of the fraction, truncated (Go keeps nanoseconds; a Date holds milliseconds). */
  millis: number;
  /** East of UTC. */
  offsetMinutes: number;
}

/** The moment, or undefined when a field is out of its range. */
function toDate(f: Fields): Date | undefined {
  const inRange = f.month >= 1 && f.month <= 12 && f.day >= 1 && f.day <= daysIn(f.month, f.year) && f.hour <= 23 && f.minute <= 59 && f.second <= 59;
  if (!inRange) return undefined;
  // setUTCFullYear, not Date.UTC: Date.UTC maps years 0–99 to 1900–1999.
  const d = new Date(0);
  d.setUTCFullYear(f.year, f.month - 1, f.day);
  d.setUTCHours(f.hour, f.minute - f.offsetMinutes, f.second, f.millis);
  return d;
}

/** An RFC 3339 time or a YYYY-MM-DD date (UTC), as Go's time.Parse reads them; undefined otherwise. */
export function parseFixed(v: string): Date | undefined {
  const date = DATE.exec(v);
  if (date) return toDate({ year: +date[1]!, month: +date[2]!, day: +date[3]!, hour: 0, minute: 0, second: 0, millis: 0, offsetMinutes: 0 });
  const m = RFC3339.exec(v);
  if (!m) return undefined;
  let offsetMinutes = 0;
  if (!m[8]) {
    const [hours, minutes] = [+m[10]!, +m[11]!];
    if (hours > 23 || minutes > 59) return undefined;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (hours * 60 + minutes);
  }
  const millis = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0;
  return toDate({ year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +m[6]!, millis, offsetMinutes });
}

export function parseEffectiveTime(value: string, flag = '--effective-time'): EffectiveTimeSetting {
  const v = value.trim();
  if (v === '' || v === 'now') return { kind: 'now' };
  if (v === 'attestation') return { kind: 'attestation' };
  const time = parseFixed(v);
  if (time) return { kind: 'fixed', time };
  throw new InputError(
    'INVALID_EFFECTIVE_TIME',
    `${flag} ${JSON.stringify(value)} is not a time: use "now", "attestation", an RFC 3339 time such as 2026-01-31T12:00:00Z, or a date such as 2026-01-31 (every field within its calendar range)`,
    { value },
  );
}

/** Go's RFC3339Nano in UTC, as ec prints `effective-time` (trailing zeros of the fraction dropped). */
export function formatRfc3339Nano(time: Date): string {
  const iso = time.toISOString(); // 2026-01-31T12:00:00.123Z
  return iso.replace(/\.(\d+)Z$/, (_m, frac: string) => {
    const trimmed = frac.replace(/0+$/, '');
    return trimmed === '' ? 'Z' : `.${trimmed}Z`;
  });
}

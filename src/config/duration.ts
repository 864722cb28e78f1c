// Go-style durations for --timeout (`5m`, `1h30m`, `90s`, `.5s`, `0`), parsed as Go's
// time.ParseDuration does (golang/go src/time/format.go, ParseDuration), then made safe for
// Node's timers: a positive duration never rounds down to 0 ("no limit"), and one longer than a
// timer can hold waits as long as a timer can instead of firing at once.
import { InputError } from '../errors.ts';

/** Nanoseconds per unit, Go's unitMap (both micro signs: U+00B5 and U+03BC). */
const UNIT_NS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['\u00b5s', 1_000n],
  ['\u03bcs', 1_000n],
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

/** Go's Duration is an int64 of nanoseconds: longer is "invalid duration" there too. */
const GO_MAX_NS = (1n << 63n) - 1n;

/** setTimeout holds a signed 32-bit number of milliseconds; Node fires a longer one after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

function invalid(value: string, flag: string, why: string): InputError {
  return new InputError('INVALID_DURATION', `${flag} ${JSON.stringify(value)} is not a duration (${why}): use e.g. 30s, 5m, 1h30m, or 0 for no limit`, {
    value,
  });
}

/** Go's grammar `[-+]?([0-9]*(\.[0-9]*)?[a-z]+)+`, to nanoseconds (signless), or a reason it is not one. */
function parseGoDuration(text: string): { ns: bigint; negative: boolean } | string {
  let s = text;
  const negative = s.startsWith('-');
  if (s.startsWith('-') || s.startsWith('+')) s = s.slice(1);
  if (s === '0') return { ns: 0n, negative };
  if (s === '') return 'empty';
  let total = 0n;
  let i = 0;
  while (i < s.length) {
    const intStart = i;
    while (isDigit(s[i])) i++;
    const intPart = s.slice(intStart, i);
    let fracPart = '';
    if (s[i] === '.') {
      const fracStart = ++i;
      while (isDigit(s[i])) i++;
      fracPart = s.slice(fracStart, i);
    }
    if (intPart === '' && fracPart === '') return 'a number is missing';
    const unitStart = i;
    while (i < s.length && s[i] !== '.' && !isDigit(s[i])) i++;
    const unitText = s.slice(unitStart, i);
    if (unitText === '') return 'a unit is missing';
    const unit = UNIT_NS.get(unitText);
    if (unit === undefined) return `unknown unit ${JSON.stringify(unitText)}`;
    // Exact integer arithmetic. The fraction rounds up (Go truncates): `0.1ns` is a limit, not 0.
    total += BigInt(intPart || '0') * unit;
    if (fracPart !== '') {
      const scale = 10n ** BigInt(fracPart.length);
      total += (BigInt(fracPart) * unit + scale - 1n) / scale;
    }
    if (total > GO_MAX_NS) return 'longer than Go allows';
  }
  return { ns: total, negative };
}

/**
 * Milliseconds; 0 means no limit (only a zero duration means that). A positive duration is at
 * least 1 ms, and at most MAX_TIMER_MS (24.8 days: any longer limit is as good as none).
 */
export function parseDuration(value: string, flag: string): number {
  const parsed = parseGoDuration(value.trim());
  if (typeof parsed === 'string') throw invalid(value, flag, parsed);
  if (parsed.ns === 0n) return 0;
  if (parsed.negative) throw invalid(value, flag, 'negative');
  const ms = (parsed.ns + 999_999n) / 1_000_000n;
  return ms > BigInt(MAX_TIMER_MS) ? MAX_TIMER_MS : Number(ms);
}

/**
 * A Go duration as a length of time, not a timer (`--vsa-expiration`): whole milliseconds, rounded
 * up, never capped to what a timer can hold. 0 stays 0.
 */
export function parseDurationSpan(value: string, flag: string): number {
  const parsed = parseGoDuration(value.trim());
  if (typeof parsed === 'string') throw invalid(value, flag, parsed);
  if (parsed.negative && parsed.ns !== 0n) throw invalid(value, flag, 'negative');
  return Number((parsed.ns + 999_999n) / 1_000_000n);
}

/** Go's Duration.String() of whole milliseconds (`0s`, `250ms`, `1.5s`, `5m0s`, `1h0m0s`), as ec prints a timeout. */
export function formatDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`formatDuration: ${ms} is not a whole, non-negative number of milliseconds`);
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const millis = ms % 60_000;
  const fraction = String(millis % 1000)
    .padStart(3, '0')
    .replace(/0+$/, '');
  const seconds = `${Math.floor(millis / 1000)}${fraction ? `.${fraction}` : ''}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}

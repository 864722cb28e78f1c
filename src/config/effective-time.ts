// --effective-time: `now`, `attestation`, RFC3339, or YYYY-MM-DD (ec-cli.md §1.1, §4.7).
import { InputError } from '../errors.ts';
import type { EffectiveTimeSetting } from './types.ts';

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function parseEffectiveTime(value: string, flag = '--effective-time'): EffectiveTimeSetting {
  const v = value.trim();
  if (v === '' || v === 'now') return { kind: 'now' };
  if (v === 'attestation') return { kind: 'attestation' };
  if (RFC3339.test(v) || DATE.test(v)) {
    const time = new Date(DATE.test(v) ? `${v}T00:00:00Z` : v);
    if (!Number.isNaN(time.getTime())) return { kind: 'fixed', time };
  }
  throw new InputError(
    'INVALID_EFFECTIVE_TIME',
    `${flag} ${JSON.stringify(value)} is not a time: use "now", "attestation", an RFC3339 time such as 2026-01-31T12:00:00Z, or a date such as 2026-01-31`,
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

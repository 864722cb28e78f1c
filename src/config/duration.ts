// Go-style durations for --timeout (`5m`, `1h30m`, `90s`, `0`), as ec's flags take them.
import { InputError } from '../errors.ts';

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds; 0 means no limit. */
export function parseDuration(value: string, flag: string): number {
  const v = value.trim();
  if (v === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(v); m !== null; m = re.exec(v)) {
    total += Number(m[1]) * (UNIT_MS[m[2]!] ?? 0);
    consumed = re.lastIndex;
  }
  if (v === '' || consumed !== v.length) {
    throw new InputError('INVALID_DURATION', `${flag} ${JSON.stringify(value)} is not a duration: use e.g. 30s, 5m, 1h30m, or 0 for no limit`, {
      value,
    });
  }
  return Math.round(total);
}

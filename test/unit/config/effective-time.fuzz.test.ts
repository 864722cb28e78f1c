// --effective-time decides which rules are in force: any string is now/attestation, a real instant,
// or a typed input error; calendar fields are accepted exactly when they name a real day and time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatRfc3339Nano, parseEffectiveTime } from '../../../src/config/effective-time.ts';
import { InputError } from '../../../src/errors.ts';
import { fc, fuzz } from '../../support/fuzz.ts';

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/** Independent oracle: does the proleptic Gregorian calendar have this day and time? */
function realMoment(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (mo < 1 || mo > 12 || h > 23 || mi > 59 || s > 59) return false;
  const probe = new Date(0);
  probe.setUTCFullYear(y, mo - 1, d);
  return probe.getUTCFullYear() === y && probe.getUTCMonth() === mo - 1 && probe.getUTCDate() === d;
}

const fields = fc.record({
  y: fc.integer({ min: 0, max: 9999 }),
  mo: fc.integer({ min: 0, max: 14 }),
  d: fc.integer({ min: 0, max: 32 }),
  h: fc.integer({ min: 0, max: 25 }),
  mi: fc.integer({ min: 0, max: 61 }),
  s: fc.integer({ min: 0, max: 61 }),
});

function tryParse(text: string): ReturnType<typeof parseEffectiveTime> | undefined {
  try {
    return parseEffectiveTime(text);
  } catch (err) {
    assert.ok(err instanceof InputError, `untyped error for ${JSON.stringify(text)}: ${String(err)}`);
    assert.equal(err.code, 'INVALID_EFFECTIVE_TIME');
    return undefined;
  }
}

test('any string is now, attestation, a valid instant, or a typed error', () => {
  const timeLike = fc.oneof(fc.string(), fc.stringMatching(/^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}:\d{2}(\.\d{0,12})?([Zz]|[+-]\d{2}:?\d{2})?)?$/));
  fuzz(
    fc.property(timeLike, (text) => {
      const setting = tryParse(text);
      if (setting?.kind === 'fixed') assert.ok(!Number.isNaN(setting.time.getTime()), text);
    }),
  );
});

test('generated calendar fields are accepted exactly when they name a real moment, and keep their values', () => {
  fuzz(
    fc.property(fields, fc.boolean(), ({ y, mo, d, h, mi, s }, dateOnly) => {
      const text = dateOnly ? `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}` : `${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}T${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}Z`;
      const setting = tryParse(text);
      const valid = dateOnly ? realMoment(y, mo, d, 0, 0, 0) : realMoment(y, mo, d, h, mi, s);
      assert.equal(setting !== undefined, valid, text);
      if (setting?.kind !== 'fixed') return;
      const t = setting.time;
      assert.deepEqual(
        [t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate(), t.getUTCHours(), t.getUTCMinutes(), t.getUTCSeconds()],
        dateOnly ? [y, mo, d, 0, 0, 0] : [y, mo, d, h, mi, s],
      );
    }),
  );
});

test('every instant of years 0000-9999 printed as RFC 3339 reads back to itself', () => {
  fuzz(
    fc.property(fc.date({ min: new Date('0000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }), (date) => {
      const setting = parseEffectiveTime(formatRfc3339Nano(date));
      assert.equal(setting.kind === 'fixed' && setting.time.getTime(), date.getTime(), formatRfc3339Nano(date));
    }),
  );
});

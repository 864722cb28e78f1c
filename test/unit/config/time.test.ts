import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_TIMER_MS, formatDuration, parseDuration } from '../../../src/config/duration.ts';
import { formatRfc3339Nano, parseEffectiveTime } from '../../../src/config/effective-time.ts';
import { InputError } from '../../../src/errors.ts';

test('effective time accepts now, attestation, RFC3339 and dates', () => {
  assert.deepEqual(parseEffectiveTime('now'), { kind: 'now' });
  assert.deepEqual(parseEffectiveTime('attestation'), { kind: 'attestation' });
  const fixed = parseEffectiveTime('2026-01-31T12:00:00+01:00');
  assert.equal(fixed.kind === 'fixed' && fixed.time.toISOString(), '2026-01-31T11:00:00.000Z');
  const date = parseEffectiveTime('2026-02-01');
  assert.equal(date.kind === 'fixed' && date.time.toISOString(), '2026-02-01T00:00:00.000Z');
  assert.throws(() => parseEffectiveTime('yesterday'), /--effective-time "yesterday" is not a time/);
});

test('effective time prints as Go RFC3339Nano in UTC', () => {
  assert.equal(formatRfc3339Nano(new Date('2026-01-31T12:00:00.000Z')), '2026-01-31T12:00:00Z');
  assert.equal(formatRfc3339Nano(new Date('2026-01-31T12:00:00.120Z')), '2026-01-31T12:00:00.12Z');
});

test('durations follow Go syntax', () => {
  assert.equal(parseDuration('5m', '--timeout'), 300_000);
  assert.equal(parseDuration('1h30m', '--timeout'), 5_400_000);
  assert.equal(parseDuration('0', '--timeout'), 0);
  assert.equal(parseDuration('250ms', '--timeout'), 250);
  assert.throws(() => parseDuration('5 minutes', '--timeout'), /--timeout "5 minutes" is not a duration/);
});

test('impossible calendar dates are errors, never rolled over into the next month', () => {
  for (const bad of [
    '2026-02-30',
    '2026-02-29',
    '2025-04-31',
    '2026-13-01',
    '2026-00-10',
    '2026-01-00',
    '2026-02-30T00:00:00Z',
    '2026-01-31T24:00:00Z',
    '2026-01-31T23:60:00Z',
    '2026-01-31T23:59:60Z',
    '2026-01-31T12:00:00+24:00',
    '2026-01-31T12:00:00+01:60',
  ]) {
    assert.throws(
      () => parseEffectiveTime(bad),
      (err: unknown) => err instanceof InputError && err.code === 'INVALID_EFFECTIVE_TIME',
      bad,
    );
  }
  const leap = parseEffectiveTime('2024-02-29');
  assert.equal(leap.kind === 'fixed' && leap.time.toISOString(), '2024-02-29T00:00:00.000Z');
  assert.throws(() => parseEffectiveTime('1900-02-29'), /is not a time/);
  const y2k = parseEffectiveTime('2000-02-29T23:59:59Z');
  assert.equal(y2k.kind === 'fixed' && y2k.time.toISOString(), '2000-02-29T23:59:59.000Z');
});

test('RFC 3339 as Go reads it: uppercase T and Z, two-digit fields, a dot before the fraction', () => {
  for (const bad of [
    '2026-01-31t12:00:00Z',
    '2026-01-31T12:00:00z',
    '2026-01-31 12:00:00Z',
    '2026-01-31T1:00:00Z',
    '2026-01-31T12:00:00,5Z',
    '2026-01-31T12:00:00',
    '2026-01-31T12:00Z',
    '26-01-31',
    '2026-1-31',
    '+2026-01-31',
    '2026-01-31T12:00:00+0100',
    '２０２６-01-31',
  ]) {
    assert.throws(() => parseEffectiveTime(bad), /is not a time/, bad);
  }
  const frac = parseEffectiveTime('2026-01-31T12:00:00.123456789-02:30');
  assert.equal(frac.kind === 'fixed' && frac.time.toISOString(), '2026-01-31T14:30:00.123Z');
  const early = parseEffectiveTime('0001-01-01T00:00:00Z');
  assert.equal(early.kind === 'fixed' && early.time.getUTCFullYear(), 1, 'years below 100 are not mapped to 19xx');
});

test('a sub-millisecond timeout is a limit, not "no limit"; a huge one does not overflow the timer', () => {
  assert.equal(parseDuration('0.4ms', '--timeout'), 1);
  assert.equal(parseDuration('1ns', '--timeout'), 1);
  assert.equal(parseDuration('0.1ns', '--timeout'), 1, 'a fraction of a nanosecond is still a limit');
  assert.equal(parseDuration('999us', '--timeout'), 1);
  assert.equal(parseDuration('1.0001ms', '--timeout'), 2, 'rounded up, never down');
  assert.equal(parseDuration('1000h', '--timeout'), MAX_TIMER_MS, '1000h is beyond setTimeout: capped, not fired after 1 ms');
  assert.equal(parseDuration('2562047h', '--timeout'), MAX_TIMER_MS);
  assert.equal(parseDuration('100h', '--timeout'), 360_000_000, "ec's old task value is exact");
  assert.ok(MAX_TIMER_MS <= 2 ** 31 - 1);
});

test('durations: zero in every spelling means no limit; Go syntax; negatives and overflow are errors', () => {
  for (const zero of ['0', '+0', '-0', '0s', '0h0m', '0.0s', '.0s']) assert.equal(parseDuration(zero, '--timeout'), 0, zero);
  assert.equal(parseDuration('.5s', '--timeout'), 500);
  assert.equal(parseDuration('5.s', '--timeout'), 5000);
  assert.equal(parseDuration('1µs', '--timeout'), 1);
  assert.equal(parseDuration('1μs', '--timeout'), 1, 'Greek mu, as Go accepts');
  assert.equal(parseDuration('+5m', '--timeout'), 300_000);
  for (const bad of ['', '-5m', '5', '.s', 's', '5mm', '5m5', '1e3s', '5M', '1h-5m', '2562048h', '9999999999999999999999h', '0x10s', '5 m']) {
    assert.throws(
      () => parseDuration(bad, '--timeout'),
      (err: unknown) => err instanceof InputError && err.code === 'INVALID_DURATION',
      bad,
    );
  }
});

test("durations print as Go's Duration.String", () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [250, '250ms'],
    [1000, '1s'],
    [1500, '1.5s'],
    [61_000, '1m1s'],
    [300_000, '5m0s'],
    [3_600_000, '1h0m0s'],
    [5_400_250, '1h30m0.25s'],
  ];
  for (const [ms, text] of cases) {
    assert.equal(formatDuration(ms), text);
    assert.equal(parseDuration(text, '--timeout'), ms);
  }
});

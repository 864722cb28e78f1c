import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration } from '../../../src/config/duration.ts';
import { formatRfc3339Nano, parseEffectiveTime } from '../../../src/config/effective-time.ts';

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

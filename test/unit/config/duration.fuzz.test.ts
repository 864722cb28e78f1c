// --timeout values are typed by users and pipelines: any string is a bounded whole number of
// milliseconds (0 only for a zero duration) or a typed input error; Go's printed form reads back.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_TIMER_MS, formatDuration, parseDuration } from '../../../src/config/duration.ts';
import { InputError } from '../../../src/errors.ts';
import { fc, fuzz } from '../../support/fuzz.ts';

const unit = fc.constantFrom('ns', 'us', 'µs', 'μs', 'ms', 's', 'm', 'h');
const number = fc.oneof(
  fc.nat({ max: 100_000 }).map(String),
  fc.tuple(fc.nat({ max: 999 }), fc.stringMatching(/^\d{0,12}$/)).map(([i, f]) => `${i}.${f}`),
);
/** Well-formed Go durations, one to four terms. */
const goDuration = fc
  .array(
    fc.tuple(number, unit).map(([n, u]) => `${n}${u}`),
    { minLength: 1, maxLength: 4 },
  )
  .map((parts) => parts.join(''));
const durationLike = fc.oneof(fc.string(), goDuration, fc.stringMatching(/^[-+]?[\d.]{0,6}[a-zµμ]{0,3}([\d.]{0,4}[a-z]{0,2})?$/));

function tryParse(text: string): number | InputError {
  try {
    return parseDuration(text, '--timeout');
  } catch (err) {
    assert.ok(err instanceof InputError, `untyped error for ${JSON.stringify(text)}: ${String(err)}`);
    assert.equal(err.code, 'INVALID_DURATION');
    return err;
  }
}

test('any string is a whole number of milliseconds within the timer range, or a typed error', () => {
  fuzz(
    fc.property(durationLike, (text) => {
      const ms = tryParse(text);
      if (ms instanceof InputError) return;
      assert.ok(Number.isInteger(ms) && ms >= 0 && ms <= MAX_TIMER_MS, `${JSON.stringify(text)} → ${ms}`);
    }),
  );
});

test('a well-formed duration parses; it means "no limit" only when every term is zero', () => {
  fuzz(
    fc.property(goDuration, (text) => {
      const ms = parseDuration(text, '--timeout');
      const allZero = !/[1-9]/.test(text.replace(/[a-zµμ]+/g, ' '));
      assert.equal(ms === 0, allZero, `${text} → ${ms}`);
    }),
  );
});

test("Go's printed form of any timer-range duration reads back to the same milliseconds", () => {
  fuzz(
    fc.property(fc.integer({ min: 0, max: MAX_TIMER_MS }), (ms) => {
      assert.equal(parseDuration(formatDuration(ms), '--timeout'), ms);
    }),
  );
});

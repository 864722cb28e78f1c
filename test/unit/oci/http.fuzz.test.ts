// Retry-After is the registry's to write: any value gives a wait within [0, cap], or none.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { retryAfterMs } from '../../../src/oci/http.ts';
import { fc, fuzz } from '../../support/fuzz.ts';

const NOW = Date.UTC(2026, 10, 1);
const CAP = 5000;

test('any Retry-After value is a wait within [0, cap], or none', () => {
  const header = fc.oneof(
    fc.string(),
    fc.stringMatching(/^[-+ 0-9.eExX]{0,12}$/),
    fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
    fc.constant(null),
  );
  fuzz(
    fc.property(header, (h) => {
      const ms = retryAfterMs(h, NOW, CAP);
      assert.ok(ms === undefined || (Number.isFinite(ms) && ms >= 0 && ms <= CAP), `${JSON.stringify(h)} → ${String(ms)}`);
    }),
  );
});

test('delay-seconds and HTTP-dates mean what RFC 9110 says; other numbers are not waits', () => {
  fuzz(
    fc.property(fc.nat({ max: 10 ** 6 }), fc.integer({ min: -100, max: 100 }), (seconds, offset) => {
      assert.equal(retryAfterMs(String(seconds), NOW, CAP), Math.min(seconds * 1000, CAP));
      assert.equal(retryAfterMs(new Date(NOW + offset * 1000).toUTCString(), NOW, CAP), Math.min(Math.max(0, offset * 1000), CAP));
    }),
  );
  for (const h of ['-5', '1.5', '0x10', '1e3', ' ', 'soon']) assert.equal(retryAfterMs(h, NOW, CAP), undefined, h);
});

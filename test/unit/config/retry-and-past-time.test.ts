// The flags ec has and vouch lacked: --retry-* (the registry backoff) and --allow-past-effective-time
// (ec's guard against rolling the clock back), parsed and wired into the run's configuration.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError } from '../../../src/errors.ts';
import { parseEffectiveTime } from '../../../src/config/effective-time.ts';
import { assertEffectiveTimeAllowed, PAST_GRACE_MS } from '../../../src/config/past-effective-time.ts';
import { parseRetryFlags } from '../../../src/config/retry.ts';
import { buildRunConfig } from '../../../src/config/run-config.ts';
import { DEFAULT_RETRY, backoffMs } from '../../../src/oci/http.ts';

const EC_DEFAULTS = { duration: '1s', factor: '2', jitter: '0.1', maxRetry: '3', maxWait: '3s' };

test('--retry-* parse as ec reads them, and out-of-range values are refused naming the flag', () => {
  assert.deepEqual(parseRetryFlags(EC_DEFAULTS), { baseMs: 1000, factor: 2, jitter: 0.1, retries: 3, maxWaitMs: 3000 });
  assert.deepEqual(parseRetryFlags({ duration: '500ms', factor: '1.5', jitter: '0', maxRetry: '0', maxWait: '10s' }), {
    baseMs: 500,
    factor: 1.5,
    jitter: 0,
    retries: 0,
    maxWaitMs: 10_000,
  });
  const refused: [Partial<typeof EC_DEFAULTS>, RegExp][] = [
    [{ factor: 'fast' }, /--retry-factor "fast": expected a number from 1 to 100/],
    [{ factor: '0.5' }, /--retry-factor/],
    [{ factor: 'inf' }, /--retry-factor/],
    [{ factor: '1e3' }, /--retry-factor/],
    [{ jitter: '1.5' }, /--retry-jitter "1.5": expected a number from 0 to 1/],
    [{ jitter: '-0.1' }, /--retry-jitter/],
    [{ maxRetry: '-1' }, /--retry-max-retry "-1": expected a whole number from 0 to 100/],
    [{ maxRetry: '101' }, /--retry-max-retry/],
    [{ maxRetry: '2.5' }, /--retry-max-retry/],
    [{ duration: '1' }, /--retry-duration "1" is not a duration/],
    [{ maxWait: '-3s' }, /--retry-max-wait "-3s" is not a duration \(negative\)/],
  ];
  for (const [bad, message] of refused) {
    assert.throws(
      () => parseRetryFlags({ ...EC_DEFAULTS, ...bad }),
      (err: unknown) => err instanceof InputError && message.test(err.message),
      JSON.stringify(bad),
    );
  }
});

test("backoff: duration × factor^n, within ±jitter, never over max-wait; ec's defaults are the client's", () => {
  assert.deepEqual(
    { ...DEFAULT_RETRY, throttleRetries: 0, timeoutMs: 0 },
    { retries: 3, throttleRetries: 0, baseMs: 1000, factor: 2, jitter: 0.1, maxWaitMs: 3000, timeoutMs: 0 },
  );
  const policy = { ...DEFAULT_RETRY, baseMs: 100, factor: 3, jitter: 0.2, maxWaitMs: 1000 };
  for (let i = 0; i < 200; i++) {
    const first = backoffMs(0, policy);
    assert.ok(first >= 80 && first <= 120, `attempt 0: ${first}`);
    const third = backoffMs(2, policy);
    assert.ok(third >= 720 && third <= 1000, `attempt 2: ${third}`);
    assert.equal(backoffMs(5, policy), 1000, 'capped at max-wait');
  }
  assert.equal(backoffMs(3, { ...policy, jitter: 0, baseMs: 0 }), 0);
});

test('an effective time more than 2 s in the past is refused unless allowed; now, attestation and the future never are', () => {
  const now = new Date('2026-12-02T12:00:00Z');
  const fixed = (iso: string) => ({ kind: 'fixed', time: new Date(iso) }) as const;
  assert.throws(
    () => assertEffectiveTimeAllowed(parseEffectiveTime('2026-12-02'), false, now),
    /^InputError: effective time 2026-12-02T00:00:00Z is in the past; use --allow-past-effective-time to override$/,
  );
  assert.throws(() => assertEffectiveTimeAllowed(fixed('2026-12-02T11:59:57.5Z'), false, now), /effective time 2026-12-02T11:59:57Z is in the past/);
  assertEffectiveTimeAllowed(fixed(new Date(now.getTime() - PAST_GRACE_MS).toISOString()), false, now);
  assertEffectiveTimeAllowed(fixed('2027-01-01T00:00:00Z'), false, now);
  assertEffectiveTimeAllowed(fixed('2020-01-01T00:00:00Z'), true, now);
  assertEffectiveTimeAllowed({ kind: 'now' }, false, now);
  assertEffectiveTimeAllowed({ kind: 'attestation' }, false, now);
});

test('validate image flags: --allow-past-effective-time and --retry-* reach the run configuration', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-flags-'));
  const resolver = async () => ({ spec: {} });
  const publicKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const base = ['--image', `registry.example/app@sha256:${'a'.repeat(64)}`, '--public-key', publicKey];
  const env = { VOUCH_CACHE_DIR: join(dir, 'cache') };
  await assert.rejects(buildRunConfig([...base, '--effective-time', '2020-01-01'], env, dir, resolver), /effective time 2020-01-01T00:00:00Z is in the past/);
  const allowed = await buildRunConfig([...base, '--effective-time', '2020-01-01', '--allow-past-effective-time'], env, dir, resolver);
  assert.deepEqual(allowed.config.effectiveTime, { kind: 'fixed', time: new Date('2020-01-01T00:00:00Z') });
  assert.deepEqual(allowed.config.retry, { baseMs: 1000, factor: 2, jitter: 0.1, retries: 3, maxWaitMs: 3000 });
  const tuned = await buildRunConfig(
    [...base, '--retry-duration=250ms', '--retry-factor', '1.5', '--retry-jitter=0', '--retry-max-retry', '7', '--retry-max-wait', '1m'],
    env,
    dir,
    resolver,
  );
  assert.deepEqual(tuned.config.retry, { baseMs: 250, factor: 1.5, jitter: 0, retries: 7, maxWaitMs: 60_000 });
});

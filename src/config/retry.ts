// `--retry-duration`, `--retry-factor`, `--retry-jitter`, `--retry-max-retry`, `--retry-max-wait`:
// ec's registry backoff flags (conforma/cli root_cmd.go under cmd/root, and internal/http/retry.go,
// commit a18338416237ca7c5154a0af499f81d4b821ea46), with ec's defaults. Wait n (from 0) is
// duration × factor^n, moved by up to ±jitter of itself, capped at max-wait. Pure.
import { InputError } from '../errors.ts';
import { parseDuration } from './duration.ts';

/** The registry client's retry settings (its RetryPolicy takes these fields). */
export interface RetrySettings {
  baseMs: number;
  factor: number;
  jitter: number;
  /** Retries after a 5xx or a failed connection. */
  retries: number;
  maxWaitMs: number;
}

export interface RetryFlagValues {
  duration: string;
  factor: string;
  jitter: string;
  maxRetry: string;
  maxWait: string;
}

/** A plain decimal (`2`, `2.0`, `.5`): Go's ParseFloat would also take `inf`, `0x1p-2` and `1e3`. */
const DECIMAL = /^(?:\d{1,6}(?:\.\d{0,9})?|\.\d{1,9})$/;

function decimal(value: string, flag: string, min: number, max: number): number {
  const text = value.trim();
  const n = DECIMAL.test(text) ? Number(text) : Number.NaN;
  if (!(n >= min && n <= max)) {
    throw new InputError('INVALID_RETRY', `${flag} ${JSON.stringify(value)}: expected a number from ${min} to ${max}`, { value: flag });
  }
  return n;
}

/** A retry budget beyond this keeps a run waiting on a dead registry for hours. */
const MAX_RETRIES = 100;

export function parseRetryFlags(v: RetryFlagValues): RetrySettings {
  const retriesText = v.maxRetry.trim();
  const retries = /^\d{1,3}$/.test(retriesText) ? Number(retriesText) : Number.NaN;
  if (!(retries <= MAX_RETRIES)) {
    throw new InputError('INVALID_RETRY', `--retry-max-retry ${JSON.stringify(v.maxRetry)}: expected a whole number from 0 to ${MAX_RETRIES}`, {
      value: '--retry-max-retry',
    });
  }
  return {
    baseMs: parseDuration(v.duration, '--retry-duration'),
    // A factor under 1 would shrink the waits: a retry storm, never what a backoff means.
    factor: decimal(v.factor, '--retry-factor', 1, 100),
    jitter: decimal(v.jitter, '--retry-jitter', 0, 1),
    retries,
    maxWaitMs: parseDuration(v.maxWait, '--retry-max-wait'),
  };
}

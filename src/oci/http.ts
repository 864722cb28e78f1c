// HTTP for the registry client: bounded concurrency, per-request timeouts, and retries with
// exponential backoff and jitter that honour Retry-After.
import { RegistryError } from './errors.ts';
import { BodyError, MAX_HEADER_BYTES, discard, isProtocolError, readBody, send, type HttpRequest, type HttpResponse } from './transport.ts';

export { discard };

export interface RetryPolicy {
  /** Retries after a server error (5xx) or a failed connection. */
  retries: number;
  /**
   * Retries after 429 Too Many Requests, counted apart: the registry is up and says when to come
   * back, so waiting as told is what a polite client does, while errors still fail fast.
   */
  throttleRetries: number;
  /** The first wait; wait n is baseMs × factor^n, moved by up to ±jitter of itself, at most maxWaitMs. */
  baseMs: number;
  factor: number;
  jitter: number;
  /** Caps every wait, Retry-After's included. */
  maxWaitMs: number;
  timeoutMs: number;
}

/** ec's defaults (`--retry-duration 1s --retry-factor 2 --retry-jitter 0.1 --retry-max-retry 3 --retry-max-wait 3s`). */
export const DEFAULT_RETRY: RetryPolicy = { retries: 3, throttleRetries: 8, baseMs: 1_000, factor: 2, jitter: 0.1, maxWaitMs: 3_000, timeoutMs: 30_000 };

/** A counting semaphore: at most `limit` requests in flight per client. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly limit: number;
  constructor(limit: number) {
    this.limit = limit;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/**
 * Milliseconds to wait from a Retry-After header (RFC 9110 §10.2.3: delay-seconds or an HTTP-date),
 * capped; undefined for anything else.
 */
export function retryAfterMs(header: string | null, now: number, capMs: number): number | undefined {
  if (!header) return undefined;
  const text = header.trim();
  // An HTTP-date starts with the day's name; Date.parse alone would take `-5` for a year.
  const ms = /^\d{1,10}$/.test(text) ? Number(text) * 1000 : /^[A-Za-z]{3}/.test(text) ? Date.parse(text) - now : Number.NaN;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(0, ms), capMs);
}

/** ec's backoff (conforma/cli internal/http/retry.go calculateBackoff, commit a18338416237ca7c5154a0af499f81d4b821ea46). */
export function backoffMs(attempt: number, policy: RetryPolicy): number {
  const wait = policy.baseMs * policy.factor ** attempt * (1 + policy.jitter * (2 * Math.random() - 1));
  return Math.max(0, Math.min(policy.maxWaitMs, wait));
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status);
}

const timedOut = (err: unknown): boolean => err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');

/** Text of a network failure, in words: Node's parser codes (HPE_…) told as what the server did. */
function networkCause(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = 'code' in err && typeof err.code === 'string' ? err.code : '';
  if (code === 'HPE_HEADER_OVERFLOW') return `the answer's headers exceed ${MAX_HEADER_BYTES} bytes`;
  if (isProtocolError(err)) return `the answer is not valid HTTP (${code}: ${err.message})`;
  return err.message;
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', stop);
      resolve();
    }, ms);
    const stop = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', stop, { once: true });
  });

/** Wraps one attempt, or one wait between attempts. */
export type Around = <T>(run: () => Promise<T>) => Promise<T>;

export interface RetryHooks {
  /** Around each attempt: the registry client's concurrency semaphore. */
  attempt?: Around;
  /** Around each wait between attempts: the run's worker pool lets the component's slot go. */
  wait?: Around;
  /** Aborts the request in flight and any wait (the run's --timeout); never retried. */
  signal?: AbortSignal;
}

/**
 * One request with retries. `describe` names the request in errors (method and URL, never headers).
 * Returns the last response for non-retryable or exhausted statuses; throws only for network errors.
 * Waits happen outside `hooks.attempt`: a request sleeping on Retry-After must not keep other
 * requests from going out. Each attempt has `policy.timeoutMs` for its answer and its whole body.
 * An answer that is not HTTP (oversized headers, a malformed status line) is not retried: it would
 * come back the same.
 */
export async function fetchWithRetry(url: URL, init: () => HttpRequest, policy: RetryPolicy, describe: string, hooks: RetryHooks = {}): Promise<HttpResponse> {
  const gate: Around = hooks.attempt ?? ((run) => run());
  const pause = (ms: number): Promise<void> => (hooks.wait ?? ((run) => run()))(() => sleep(ms, hooks.signal));
  let errors = 0;
  let throttled = 0;
  for (;;) {
    let res: HttpResponse;
    try {
      res = await gate(() => send(url, init(), { timeoutMs: policy.timeoutMs, signal: hooks.signal }));
    } catch (err) {
      if (hooks.signal?.aborted) throw hooks.signal.reason;
      if (errors < policy.retries && !isProtocolError(err)) {
        await pause(backoffMs(errors++, policy));
        continue;
      }
      const late = timedOut(err);
      throw new RegistryError(late ? 'TIMEOUT' : 'UNREACHABLE', `${describe}: ${late ? `no answer within ${policy.timeoutMs / 1000}s` : networkCause(err)}`, {
        value: url.href,
        cause: err,
      });
    }
    const isThrottle = res.status === 429;
    if (isRetryableStatus(res.status) && (isThrottle ? throttled < policy.throttleRetries : errors < policy.retries)) {
      const attempt = isThrottle ? throttled++ : errors++;
      const wait = retryAfterMs(res.headers.get('retry-after'), Date.now(), policy.maxWaitMs) ?? backoffMs(attempt, policy);
      await discard(res);
      await pause(wait);
      continue;
    }
    return res;
  }
}

export interface ReadLimits {
  /** Bytes accepted, at most. */
  limit: number;
  /** The request, for messages (method and URL). */
  describe: string;
  /** The request's deadline (it covers the body too), for messages. */
  timeoutMs: number;
}

/**
 * Reads a response body while it streams, refusing more than `limit` bytes (whatever Content-Length
 * says, or without one). The request's deadline covers the body too: a body that trickles or never
 * ends is a TIMEOUT error. Every failure is a RegistryError naming the request and the limit.
 */
export async function readLimited(res: HttpResponse, { limit, describe, timeoutMs }: ReadLimits): Promise<Buffer> {
  try {
    return await readBody(res, { limit });
  } catch (err) {
    if (!(err instanceof BodyError)) throw err;
    if (err.reason === 'declared-too-large')
      throw new RegistryError('TOO_LARGE', `${describe}: ${err.bytes} bytes is over the ${limit}-byte limit`, { value: err.bytes });
    if (err.reason === 'too-large') throw new RegistryError('TOO_LARGE', `${describe}: more than the ${limit}-byte limit`, { value: err.bytes });
    if (timedOut(err.cause)) {
      throw new RegistryError('TIMEOUT', `${describe}: the answer did not arrive within ${timeoutMs / 1000}s (${err.bytes} bytes read)`, {
        value: describe,
        cause: err.cause,
      });
    }
    throw new RegistryError('UNREACHABLE', `${describe}: the connection broke while reading the answer (${err.bytes} bytes read): ${networkCause(err.cause)}`, {
      value: describe,
      cause: err.cause,
    });
  }
}

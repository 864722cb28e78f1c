// HTTP for the registry client: bounded concurrency, per-request timeouts, and retries with
// exponential backoff and jitter that honour Retry-After.
import { RegistryError } from './errors.ts';

export interface RetryPolicy {
  /** Retries after a server error (5xx) or a failed connection. */
  retries: number;
  /**
   * Retries after 429 Too Many Requests, counted apart: the registry is up and says when to come
   * back, so waiting as told is what a polite client does, while errors still fail fast.
   */
  throttleRetries: number;
  baseMs: number;
  maxWaitMs: number;
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, throttleRetries: 8, baseMs: 250, maxWaitMs: 5_000, timeoutMs: 30_000 };

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

/** Milliseconds to wait from a Retry-After header (seconds or HTTP date), capped. */
export function retryAfterMs(header: string | null, now: number, capMs: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(0, ms), capMs);
}

export function backoffMs(attempt: number, policy: RetryPolicy): number {
  const exp = Math.min(policy.maxWaitMs, policy.baseMs * 2 ** attempt);
  return exp / 2 + Math.random() * (exp / 2);
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status);
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
 * fetch with retries. `describe` names the request in errors (method and URL, never headers).
 * Returns the last response for non-retryable or exhausted statuses; throws only for network errors.
 * Waits happen outside `hooks.attempt`: a request sleeping on Retry-After must not keep other
 * requests from going out.
 */
export async function fetchWithRetry(
  url: string,
  init: () => RequestInit,
  policy: RetryPolicy,
  describe: string,
  hooks: RetryHooks = {},
): Promise<Response> {
  const gate: Around = hooks.attempt ?? ((run) => run());
  const pause = (ms: number): Promise<void> => (hooks.wait ?? ((run) => run()))(() => sleep(ms, hooks.signal));
  let errors = 0;
  let throttled = 0;
  for (;;) {
    let res: Response;
    try {
      const timeout = AbortSignal.timeout(policy.timeoutMs);
      res = await gate(() => fetch(url, { ...init(), signal: hooks.signal ? AbortSignal.any([hooks.signal, timeout]) : timeout }));
    } catch (err) {
      if (hooks.signal?.aborted) throw hooks.signal.reason;
      const timedOut = err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError');
      if (errors < policy.retries) {
        await pause(backoffMs(errors++, policy));
        continue;
      }
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
      throw new RegistryError(timedOut ? 'TIMEOUT' : 'UNREACHABLE', `${describe}: ${timedOut ? `no answer within ${policy.timeoutMs / 1000}s` : cause}`, {
        value: url,
        cause: err,
      });
    }
    const isThrottle = res.status === 429;
    if (isRetryableStatus(res.status) && (isThrottle ? throttled < policy.throttleRetries : errors < policy.retries)) {
      const attempt = isThrottle ? throttled++ : errors++;
      const wait = retryAfterMs(res.headers.get('retry-after'), Date.now(), policy.maxWaitMs) ?? backoffMs(attempt, policy);
      await res.body?.cancel();
      await pause(wait);
      continue;
    }
    return res;
  }
}

/** Reads a response body, refusing more than `limit` bytes. */
export async function readLimited(res: Response, limit: number, describe: string): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await res.body?.cancel();
    throw new RegistryError('TOO_LARGE', `${describe}: ${declared} bytes is over the ${limit}-byte limit`, { value: declared });
  }
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body) {
    total += chunk.byteLength;
    if (total > limit) {
      throw new RegistryError('TOO_LARGE', `${describe}: more than the ${limit}-byte limit`, { value: total });
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

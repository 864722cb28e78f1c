// Runs tasks with at most `limit` working at once, keeping results in input order.
//
// A task that only waits (a registry answered 429 with Retry-After) gives its slot up through
// `whileIdle`, so another task can work meanwhile: a rate-limited registry then slows the run by
// its waits overlapped, not added up. Tasks started but not finished stay bounded by `maxInFlight`,
// which bounds memory.
import { AsyncLocalStorage } from 'node:async_hooks';

class Gate {
  private free: number;
  private readonly queue: (() => void)[] = [];
  constructor(size: number) {
    this.free = size;
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }

  release(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.free++;
  }
}

const slotOf = new AsyncLocalStorage<Gate>();

/** Runs `wait` without holding the calling task's working slot; outside a pool, just runs it. */
export async function whileIdle<T>(wait: () => Promise<T>): Promise<T> {
  const working = slotOf.getStore();
  if (!working) return wait();
  working.release();
  try {
    return await wait();
  } finally {
    await working.acquire();
  }
}

/**
 * `items` may be an async iterable: tasks start as items arrive (components as their index
 * lookups finish), and results are in arrival order.
 */
export async function mapWithConcurrency<T, R>(
  items: Iterable<T> | AsyncIterable<T>,
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  options: { maxInFlight?: number } = {},
): Promise<R[]> {
  const workers = Math.max(1, limit);
  const working = new Gate(workers);
  // Waiting components hold little (manifests, a few small blobs), so many per worker may wait.
  const inFlight = new Gate(Math.max(workers, options.maxInFlight ?? workers * 32));
  const results: R[] = [];
  const running: Promise<void>[] = [];
  let failure: { error: unknown } | undefined;
  // A job may set `failure` while this loop awaits, which narrowing does not follow.
  const failed = (): boolean => failure !== undefined;
  let i = 0;
  for await (const item of items) {
    if (failure) break;
    await inFlight.acquire();
    await working.acquire();
    if (failed()) {
      working.release();
      inFlight.release();
      break;
    }
    const index = i++;
    running.push(
      slotOf
        .run(working, () => fn(item, index))
        .then(
          (r) => {
            results[index] = r;
          },
          (error: unknown) => {
            failure ??= { error };
          },
        )
        .finally(() => {
          working.release();
          inFlight.release();
        }),
    );
  }
  await Promise.all(running);
  if (failure) throw failure.error;
  return results;
}

/** The values of `promises` as each settles (none may reject); linear, unlike repeated races. */
export async function* inCompletionOrder<T>(promises: Promise<T>[]): AsyncGenerator<T> {
  const settled: T[] = [];
  let wake: (() => void) | undefined;
  for (const p of promises) {
    void p.then((value) => {
      settled.push(value);
      wake?.();
    });
  }
  for (let yielded = 0; yielded < promises.length; yielded++) {
    while (settled.length === 0) await new Promise<void>((resolve) => (wake = resolve));
    yield settled.shift()!;
  }
}

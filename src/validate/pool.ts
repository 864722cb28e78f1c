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

export async function mapWithConcurrency<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  options: { maxInFlight?: number } = {},
): Promise<R[]> {
  const workers = Math.max(1, limit);
  const working = new Gate(workers);
  // Waiting components hold little (manifests, a few small blobs), so several per worker may wait.
  const inFlight = new Gate(Math.max(workers, options.maxInFlight ?? workers * 8));
  const results = new Array<R>(items.length);
  const running: Promise<void>[] = [];
  let failure: { error: unknown } | undefined;
  for (let i = 0; i < items.length && !failure; i++) {
    await inFlight.acquire();
    await working.acquire();
    if (failure) {
      working.release();
      inFlight.release();
      break;
    }
    running.push(
      slotOf
        .run(working, () => fn(items[i]!, i))
        .then(
          (r) => {
            results[i] = r;
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

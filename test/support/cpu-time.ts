// Time checks that hold on a busy machine. Wall-clock time counts the time a test waits for a core
// (on a loaded CI runner, or two suites at once, that is most of it); the process's CPU time
// (user + system, `process.cpuUsage()`) counts only the work done, so a budget on it, or a comparison
// of the work on n and on 4n, still catches exponential or quadratic work without flaking under load.
// Tests never bound elapsed wall time from above (test/unit/no-wall-clock-bounds.test.ts checks it).
import assert from 'node:assert/strict';

function since(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/** CPU milliseconds this process spends in `fn` (synchronous work), and what `fn` returned. */
export function cpuMs<T>(fn: () => T): { ms: number; value: T } {
  const start = process.cpuUsage();
  const value = fn();
  return { ms: since(start), value };
}

/** Runs `fn`, failing when it costs more than `budgetMs` of this process's CPU time; returns its value. */
export function withinCpu<T>(budgetMs: number, what: string, fn: () => T): T {
  const { ms, value } = cpuMs(fn);
  assert.ok(ms < budgetMs, `${what}: ${ms.toFixed(0)} ms of CPU, over the budget of ${budgetMs} ms (super-linear work?)`);
  return value;
}

/**
 * The asynchronous form of {@link withinCpu}: CPU time of the whole process while `fn` settles (the
 * test's own work; waiting for I/O or timers costs none). Rejections pass through after the check.
 */
export async function withinCpuAsync<T>(budgetMs: number, what: string, fn: () => Promise<T>): Promise<T> {
  const start = process.cpuUsage();
  try {
    return await fn();
  } finally {
    const ms = since(start);
    assert.ok(ms < budgetMs, `${what}: ${ms.toFixed(0)} ms of CPU, over the budget of ${budgetMs} ms (super-linear work?)`);
  }
}

/** The least CPU time of `runs` runs of `fn` (the least is the one least disturbed by GC and the rest of the machine). */
function leastCpuMs(fn: () => unknown, runs: number): number {
  let least = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) least = Math.min(least, cpuMs(fn).ms);
  return least;
}

/** Below this, CPU time is mostly noise: the size grows until the work on it costs at least this much. */
const MIN_MEASURABLE_MS = 30;
const GROWTH = 8;
// Linear work measures 8–21× on an idle 2-core machine (a bigger heap costs the collector more);
// quadratic is 64×: 32 sits between them with room on both sides.
const MAX_RATIO = 32;

/**
 * Fails when `work(size)` grows faster than linearly: starting at `size` (doubled until the work is
 * measurable), the CPU time on 8×size must stay within 32× the time on size (linear work gives ~8×,
 * a little more with the garbage collector's share on a bigger heap; quadratic gives 64×). `prepare`
 * builds the input outside the timed part.
 */
export function assertLinear<I>(what: string, size: number, prepare: (n: number) => I, work: (input: I) => unknown, opts: { maxSize?: number } = {}): void {
  const maxSize = opts.maxSize ?? size * 64;
  let n = size;
  let small = prepare(n);
  let t1 = leastCpuMs(() => work(small), 3);
  while (t1 < MIN_MEASURABLE_MS && n * 2 <= maxSize) {
    n *= 2;
    small = prepare(n);
    t1 = leastCpuMs(() => work(small), 3);
  }
  const big = prepare(GROWTH * n);
  const t8 = leastCpuMs(() => work(big), 3);
  const floor = Math.max(t1, MIN_MEASURABLE_MS / 4);
  assert.ok(
    t8 <= MAX_RATIO * floor,
    `${what}: ${t1.toFixed(1)} ms of CPU at size ${n}, ${t8.toFixed(1)} ms at ${GROWTH * n} (×${(t8 / Math.max(t1, 0.001)).toFixed(1)}; linear work stays within ×${MAX_RATIO}, quadratic is ×${GROWTH * GROWTH})`,
  );
}

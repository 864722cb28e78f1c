// The table behind a patched module's remembered hashes (patch-hash-cache.ts says what the module
// does with it): one per instance, allocated in the module's memory before its data, so no heap reset
// reaches it. Turned on only around an evaluation vouch itself starts, over the values it parsed
// for that evaluation; entries for data and the shared snapshot (below `keep`) outlive evaluations,
// the rest are tagged with the evaluation and die with it. Setting data or re-parsing the snapshot clears it.
import type { LoadedPolicy as SdkPolicy } from '@open-policy-agent/opa-wasm';
import { HASH_CACHE_GLOBAL, TABLE } from './patch-hash-cache.ts';

interface Exports {
  opa_malloc(len: number): number;
  opa_heap_ptr_get(): number;
  [HASH_CACHE_GLOBAL]?: { value: number };
}

/** The SDK instance's fields read and moved here (public properties of its LoadedPolicy). */
interface SdkInternals {
  wasmInstance: { exports: Exports };
  mem: { buffer: ArrayBuffer };
  baseHeapPtr: number;
  dataHeapPtr: number;
}

export interface StableValues {
  keep: number;
  epoch: number;
  hi: number;
  tag: number;
}

interface HashCache {
  /** Forgets every entry (data or the shared snapshot parsed again). */
  clear(): void;
  /**
   * Values at addresses below `keep` stay as they are until `epoch` changes (data or the shared
   * snapshot parsed again), those below `hi` until the evaluation `tag` ends (0: none running):
   * whatever is remembered by their addresses holds that long.
   */
  stable(): StableValues;
  /** How many hashes the table holds (for diagnostics and tests). */
  held(): number;
  /** Runs `evaluate` with the cache on for values in [lo, hi): `hi` is the heap pointer once the input is parsed. */
  during<T>(hi: number, evaluate: () => T): T;
}

/** 2^16 entries of 16 bytes: 1 MiB per instance. */
const BITS = 16;
const caches = new WeakMap<SdkPolicy, HashCache>();

/**
 * Gives a freshly made instance of a patched module its table, before its data is set (the SDK
 * resets the heap to `baseHeapPtr` for data: the table goes below it). Unpatched modules get none.
 */
export function attachHashCache(policy: SdkPolicy): void {
  const sdk = policy as unknown as SdkInternals;
  const ex = sdk.wasmInstance.exports;
  const global = ex[HASH_CACHE_GLOBAL];
  if (!global) return;
  const size = TABLE.entries + TABLE.entrySize * 2 ** BITS;
  // Aligned for the Int32Array view (the allocator's blocks are not).
  const table = (ex.opa_malloc(size + 16) + 15) & ~15;
  const lo = ex.opa_heap_ptr_get();
  sdk.baseHeapPtr = lo;
  sdk.dataHeapPtr = lo;
  const words = (): Int32Array => new Int32Array(sdk.mem.buffer, table, size / 4);
  let tag = 0;
  let epoch = 0;
  /** The evaluation's `hi` while one runs, else 0. */
  let running = 0;
  const clear = (): void => {
    epoch++;
    const w = words();
    w.fill(0);
    w[TABLE.lo / 4] = lo;
    w[TABLE.shift / 4] = 32 - BITS;
    tag = 0;
  };
  clear();
  // New data lands where the old data was: the SDK's setData, called by anyone, forgets every hash first.
  const setData = policy.setData.bind(policy);
  policy.setData = (data) => {
    clear();
    setData(data);
  };
  caches.set(policy, {
    clear,
    stable: () => ({ keep: sdk.dataHeapPtr, epoch, hi: running, tag: running === 0 ? 0 : tag }),
    held() {
      const w = words();
      let n = 0;
      for (let i = TABLE.entries / 4; i < w.length; i += TABLE.entrySize / 4) if (w[i] !== 0) n++;
      return n;
    },
    during(hi, evaluate) {
      const w = words();
      // Tags 1..2^31-1, then the table starts again empty.
      if (tag === 0x7fffffff) clear();
      tag++;
      w[TABLE.keep / 4] = sdk.dataHeapPtr;
      w[TABLE.hi / 4] = hi;
      w[TABLE.tag / 4] = tag;
      global.value = table;
      running = hi;
      try {
        return evaluate();
      } finally {
        global.value = 0;
        running = 0;
      }
    },
  });
}

export function hashCacheOf(policy: SdkPolicy): HashCache | undefined {
  return caches.get(policy);
}

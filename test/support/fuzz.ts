// Property-based fuzzing settings shared by every `*.fuzz.test.ts`: a fixed seed and a modest
// number of runs inside `npm test` (reproducible, a few seconds), many more under `npm run fuzz`
// (VOUCH_FUZZ_RUNS, and VOUCH_FUZZ_SEED to explore or replay another seed).
import fc from 'fast-check';

export function fuzzParameters<T>(overrides: fc.Parameters<T> = {}): fc.Parameters<T> {
  const runs = Number(process.env.VOUCH_FUZZ_RUNS ?? '') || 200;
  const seed = Number(process.env.VOUCH_FUZZ_SEED ?? '') || 20261202;
  return { numRuns: runs, seed, endOnFailure: true, ...overrides };
}

/** Asserts a property with the shared settings; failures print fast-check's seed and path to replay. An async property must be awaited. */
export function fuzz<Ts extends [unknown, ...unknown[]]>(property: fc.IAsyncPropertyWithHooks<Ts>, overrides?: fc.Parameters<Ts>): Promise<void>;
export function fuzz<Ts extends [unknown, ...unknown[]]>(property: fc.IPropertyWithHooks<Ts>, overrides?: fc.Parameters<Ts>): void;
export function fuzz<Ts extends [unknown, ...unknown[]]>(
  property: fc.IPropertyWithHooks<Ts> | fc.IAsyncPropertyWithHooks<Ts>,
  overrides: fc.Parameters<Ts> = {},
): Promise<void> | void {
  return fc.assert(property as fc.IAsyncPropertyWithHooks<Ts>, fuzzParameters(overrides));
}

export { fc };

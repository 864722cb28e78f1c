// The part of the input every component shares (ec's `input.snapshot`), parsed into a policy
// instance's memory once and joined to each component's own input by reference. ec's input embeds
// the whole snapshot in every component's document, so writing and parsing it per component made a
// run quadratic in its size (10,000 components: minutes of JSON). Here the snapshot is parsed once
// per instance, kept beside the data (below the heap mark every evaluation resets to), and each
// component's input arrives with `null` in its place: `opa_value_add_path` puts the parsed snapshot
// there, in the same key position, before evaluation. The policy sees the same document.
//
// Rego values are immutable during evaluation: `with input.snapshot… as` works on copies (the wasm
// compiler copies each level it replaces, as it must for the base data the SDK shares the same way),
// and test/unit/policy/wasm/shared-input.test.ts checks that a mock in one evaluation leaves the next
// one's snapshot untouched. The ABI calls are @open-policy-agent/opa-wasm 1.10.0 src/opa.js's
// non-fast-path `evaluate` (context, input, data, entrypoint, eval, result), with the input built by
// hand instead of parsed whole.
import type { LoadedPolicy as SdkPolicy } from '@open-policy-agent/opa-wasm';
import { hashCacheOf } from './hash-cache.ts';
import { cString, parseJsonInto, utf8Encoder } from './wasm-memory.ts';

interface Exports {
  opa_malloc(len: number): number;
  opa_json_parse(addr: number, len: number): number;
  opa_json_dump(addr: number): number;
  opa_heap_ptr_get(): number;
  opa_heap_ptr_set(addr: number): void;
  opa_value_add_path(base: number, path: number, value: number): number;
  opa_eval_ctx_new(): number;
  opa_eval_ctx_set_input(ctx: number, input: number): void;
  opa_eval_ctx_set_data(ctx: number, data: number): void;
  opa_eval_ctx_set_entrypoint(ctx: number, entrypoint: number): void;
  opa_eval_ctx_get_result(ctx: number): number;
  eval(ctx: number): number;
}

/** The SDK instance's fields this module reads and moves (public properties of its LoadedPolicy). */
interface SdkInternals {
  wasmInstance: { exports: Exports };
  mem: { buffer: ArrayBuffer };
  dataAddr: number;
  dataHeapPtr: number;
  entrypoints: Record<string, number>;
}

export interface SharedInput {
  /** Parses `json` into the instance as the value every following `evaluate` input holds at `key`. */
  share(json: string): void;
  /** The result set of `entrypoint` over `input` (JSON whose `key` is a null placeholder), the shared value in place. */
  evaluate(input: Uint8Array, entrypoint: string): unknown;
}

/**
 * The result set of `entrypoint` over `input` (JSON text; none: input undefined), evaluated through
 * the module's ABI, with the value `place` names put into the parsed input first. The heap is reset
 * to the instance's data mark before, and the allocator's free lists emptied once the input is
 * parsed: no block of the data or the input is handed out during the evaluation, which is what lets
 * the module remember their hashes (hash-cache.ts) while it runs.
 */
export function evaluateInstance(
  policy: SdkPolicy,
  input: Uint8Array | undefined,
  entrypoint: string,
  place?: { path: number; value: number; key: string },
): unknown {
  const sdk = policy as unknown as SdkInternals;
  const ex = sdk.wasmInstance.exports;
  const id = sdk.entrypoints[entrypoint];
  if (id === undefined) throw new Error(`entrypoint ${entrypoint} is not valid in this instance`);
  ex.opa_heap_ptr_set(sdk.dataHeapPtr);
  const inputAddr = input ? parseJsonInto(ex, sdk.mem, input, 'the input') : 0;
  if (place && ex.opa_value_add_path(inputAddr, place.path, place.value) !== 0) throw new Error(`the input has no place for ${place.key}`);
  const parsed = ex.opa_heap_ptr_get();
  ex.opa_heap_ptr_set(parsed);
  const ctx = ex.opa_eval_ctx_new();
  if (inputAddr !== 0) ex.opa_eval_ctx_set_input(ctx, inputAddr);
  ex.opa_eval_ctx_set_data(ctx, sdk.dataAddr);
  ex.opa_eval_ctx_set_entrypoint(ctx, id);
  const cache = hashCacheOf(policy);
  if (cache) cache.during(parsed, () => ex.eval(ctx));
  else ex.eval(ctx);
  return JSON.parse(cString(sdk.mem, ex.opa_json_dump(ex.opa_eval_ctx_get_result(ctx)))) as unknown;
}

/**
 * `key` of every input shared by reference. The instance's data must already be set: the shared
 * value is placed after it, and the SDK's own evaluations then keep clear of it too.
 */
export function sharedInput(policy: SdkPolicy, key: string): SharedInput {
  const sdk = policy as unknown as SdkInternals;
  const ex = sdk.wasmInstance.exports;
  const afterData = sdk.dataHeapPtr;
  let shared: { value: number; path: number; key: string } | undefined;
  return {
    share(json) {
      // Until the new value is parsed, nothing shared stands: a failed parse leaves none behind.
      shared = undefined;
      sdk.dataHeapPtr = afterData;
      ex.opa_heap_ptr_set(afterData);
      // Values at these addresses change: no hash remembered for them may stay.
      hashCacheOf(policy)?.clear();
      const value = parseJsonInto(ex, sdk.mem, utf8Encoder.encode(json), `the shared input ${key}`);
      const path = parseJsonInto(ex, sdk.mem, utf8Encoder.encode(JSON.stringify([key])), 'the shared input path');
      shared = { value, path, key };
      // Every evaluation (ours and the SDK's) resets the heap to this mark: the value stays.
      sdk.dataHeapPtr = ex.opa_heap_ptr_get();
    },
    evaluate(input, entrypoint) {
      if (!shared) throw new Error(`no shared ${key} was set before evaluation`);
      return evaluateInstance(policy, input, entrypoint, shared);
    },
  };
}

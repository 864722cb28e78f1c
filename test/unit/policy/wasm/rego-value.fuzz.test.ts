// The Rego value text of `opa_value_dump` is read back exactly, checked against the real module's
// own writer (open-policy-agent/opa wasm/src/json.c): any JSON document, and values with sets and
// non-string keys that the module parsed from Rego syntax; anything else is refused with a typed
// error, never another exception.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { instantiateModule } from '../../../../src/policy/wasm/instance.ts';
import type { Memory } from '../../../../src/policy/wasm/wasm-memory.ts';
import { RegoNumber, RegoValueSyntaxError, parseRegoValue, type RegoValue } from '../../../../src/policy/wasm/rego-value.ts';
import { regoString } from '../../../../src/policy/wasm/sprintf.ts';
import { fc, fuzz } from '../../../support/fuzz.ts';
import { buildWasm } from './build.ts';

interface Exports {
  opa_malloc(n: number): number;
  opa_json_parse(addr: number, len: number): number;
  opa_value_parse(addr: number, len: number): number;
  opa_value_dump(addr: number): number;
  opa_heap_ptr_get(): number;
  opa_heap_ptr_set(p: number): void;
}

const wasmApi = (globalThis as unknown as { WebAssembly: { compile(b: Uint8Array): Promise<object> } }).WebAssembly;

/** The module's dump of `text`, parsed by the module as JSON or as Rego value syntax. */
async function moduleDumper(): Promise<(text: string, as: 'json' | 'rego') => string | undefined> {
  const policy = instantiateModule(await wasmApi.compile(await buildWasm('package t\n\nx := 1\n', ['t/x'])), {}, {}, { initialPages: 2 });
  const ex = (policy.wasmInstance as unknown as { exports: Exports }).exports;
  const base = ex.opa_heap_ptr_get();
  return (text, as) => {
    ex.opa_heap_ptr_set(base);
    const bytes = new TextEncoder().encode(text);
    const addr = ex.opa_malloc(bytes.length);
    new Uint8Array((policy.mem as Memory).buffer).set(bytes, addr);
    const value = as === 'json' ? ex.opa_json_parse(addr, bytes.length) : ex.opa_value_parse(addr, bytes.length);
    if (value === 0) return undefined;
    const out = ex.opa_value_dump(value);
    const mem = new Uint8Array((policy.mem as Memory).buffer);
    return new TextDecoder().decode(mem.subarray(out, mem.indexOf(0, out)));
  };
}

const dumper = moduleDumper();

test('any text: a Rego value or a typed syntax error', () => {
  const dumpLike = fc.stringMatching(/^[[\]{}(),: "\\a-z0-9.eE+-]{0,40}$/);
  fuzz(
    fc.property(fc.oneof(fc.string(), dumpLike), (text) => {
      try {
        parseRegoValue(text);
      } catch (err) {
        assert.ok(err instanceof RegoValueSyntaxError, `untyped error for ${JSON.stringify(text)}: ${String(err)}`);
      }
    }),
  );
});

test('any JSON document, dumped by the module, reads back as the same value', async () => {
  const dump = await dumper;
  fuzz(
    fc.property(fc.jsonValue(), (value) => {
      const text = JSON.stringify(value);
      const dumped = dump(text, 'json');
      assert.ok(dumped !== undefined, text);
      assert.equal(regoString(parseRegoValue(dumped)), regoString(JSON.parse(text)));
    }),
  );
});

// Sets, integers and keys of any type, written in the Rego syntax the module reads back.
const regoValue: fc.Arbitrary<RegoValue> = fc.letrec<{ v: RegoValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom<RegoValue>(null, true, false),
    fc.integer({ min: -1e6, max: 1e6 }).map((n) => new RegoNumber(String(n))),
    fc.stringMatching(/^[a-zA-Z0-9 _.-]{0,6}$/),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.array(tie('v'), { maxLength: 4 }).map((xs) => new Set(xs)),
    fc.array(fc.tuple(tie('v'), tie('v')), { maxLength: 3 }).map((kv) => new Map(kv)),
  ),
})).v;

test('values with sets and non-string keys, dumped by the module, print as Go prints them', async () => {
  const dump = await dumper;
  fuzz(
    fc.property(regoValue, (value) => {
      const text = regoString(value);
      const dumped = dump(text, 'rego');
      // The module dedupes equal set elements and keys; printing the dump again must be stable.
      assert.ok(dumped !== undefined, text);
      const once = regoString(parseRegoValue(dumped));
      assert.equal(regoString(parseRegoValue(dump(once, 'rego')!)), once);
      if (!hasDuplicates(value)) assert.equal(once, text);
    }),
  );
});

/** Whether a set or object in the value holds two elements or keys OPA takes as equal. */
function hasDuplicates(v: RegoValue): boolean {
  if (Array.isArray(v)) return v.some(hasDuplicates);
  if (v instanceof Set) {
    const printed = [...v].map(regoString);
    return new Set(printed).size !== printed.length || [...v].some(hasDuplicates);
  }
  if (v instanceof Map) {
    const printed = [...v.keys()].map(regoString);
    return new Set(printed).size !== printed.length || [...v].some(([k, x]) => hasDuplicates(k) || hasDuplicates(x));
  }
  return false;
}

// opa_value_hash with remembered hashes (src/policy/wasm/patch-hash-cache.ts, hash-cache.ts): on
// modules built by the real opa, a policy that puts whole input and data objects into sets, looks
// them up, iterates and compares them, and mocks them with `with`, answers exactly as the unpatched
// module under the SDK does, for a sequence of different inputs on one instance (their values sit at
// the same addresses evaluation after evaluation: a hash kept from an earlier input would misplace a
// set element and change the answer, or send the module's set iteration round for ever). Modules the patch cannot vouch for are refused (hand-made).
import { section, str, vec } from './wasm-bytes.ts';
import { uleb } from '../../../../src/policy/wasm/wasm-binary.ts';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { EnvironmentError } from '../../../../src/errors.ts';
import { instantiateModuleWithData, policyProgram } from '../../../../src/policy/wasm/evaluate.ts';
import { hashCacheOf } from '../../../../src/policy/wasm/hash-cache.ts';
import { HASH_CACHE_GLOBAL, patchHashCache } from '../../../../src/policy/wasm/patch-hash-cache.ts';
import { evaluateInstance, sharedInput } from '../../../../src/policy/wasm/shared-input.ts';
import { buildWasm } from './build.ts';

const REGO = `package q

import rego.v1

tasks(obj) := {t | some t in obj.tasks}

known := {t | some t in data.known}

missing contains t.name if {
	some t in input.probe
	not t in tasks(input)
}

present contains t.name if {
	some t in input.probe
	t in tasks(input)
}

trusted contains t.name if {
	some t in tasks(input)
	t in known
}

distinct := count(tasks(input))

same_as_data := tasks(input) == known

nested := {{"s": tasks(input)}, {"s": known}}

mocked := [n, m] if {
	n := count(tasks(input)) with input.tasks as [{"name": "mock"}]
	m := count(trusted) with data.known as [{"name": "mock"}]
}

order := [t.name | some t in tasks(input)]
`;
const ENTRIES = ['q/missing', 'q/present', 'q/trusted', 'q/distinct', 'q/same_as_data', 'q/nested', 'q/mocked', 'q/order'];

const task = (name: string, n: number): Record<string, unknown> => ({
  name,
  results: Array.from({ length: n }, (_, i) => ({ name: `r${i}`, value: `${name}-${i}` })),
  params: { deep: { list: [n, name, null, true] } },
});
const DATA = { known: [task('a', 3), task('b', 2), task('c', 40)] };

/** Inputs whose values land where the previous one's did, with different contents. */
function inputs(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < 12; i++) {
    const tasks = [task('a', 3 + (i % 2)), task('b', 2), task(`x${i}`, i), task('c', 40), task('b', 2)];
    const probe = [task('a', 3), task('b', 2), task(`x${(i + 11) % 12}`, (i + 11) % 12), task('c', i % 3 === 0 ? 40 : 41)];
    out.push({ tasks: i % 4 === 3 ? [...DATA.known].reverse() : tasks, probe });
  }
  return out;
}

test('patched and remembering hashes, every answer equals the unpatched module over many inputs on one instance', async () => {
  const wasm = await buildWasm(REGO, ENTRIES);
  const reference = await loadPolicy(wasm, { initial: 160 });
  reference.setData(DATA);
  const program = await policyProgram({ wasm, entrypoints: ENTRIES, opaVersion: '', key: '' });
  const policy = instantiateModuleWithData(program, DATA);
  const cache = hashCacheOf(policy);
  assert.ok(cache, 'the instance has a hash table');
  for (const input of inputs()) {
    const bytes = new TextEncoder().encode(JSON.stringify(input));
    for (const entry of ENTRIES) {
      assert.deepEqual(evaluateInstance(policy, bytes, entry), reference.evaluate(input, entry), `${entry} over ${JSON.stringify(input).slice(0, 80)}`);
    }
  }
  // The table was used: the data's and the last input's objects are in it.
  assert.ok(cache.held() > 10, `only ${cache.held()} hashes held`);
});

test('data set again clears remembered hashes: answers follow the new data, whose values sit where the old ones did', async () => {
  const wasm = await buildWasm(REGO, ENTRIES);
  const program = await policyProgram({ wasm, entrypoints: ENTRIES, opaVersion: '', key: '' });
  const policy = instantiateModuleWithData(program, DATA);
  const cache = hashCacheOf(policy);
  assert.ok(cache, 'the instance has a hash table');
  const [first, second] = inputs();
  const bytes = (input: Record<string, unknown> | undefined): Uint8Array => new TextEncoder().encode(JSON.stringify(input));
  for (const entry of ENTRIES) evaluateInstance(policy, bytes(first), entry);
  assert.ok(cache.held() > 10, `only ${cache.held()} hashes held`);
  // Same shape and lengths, other contents: each value of the new data lands on an old one's address.
  const other = { known: [task('x', 3), task('y', 2), task('z', 40)] };
  policy.setData(other);
  assert.equal(cache.held(), 0);
  const reference = await loadPolicy(wasm, { initial: 160 });
  reference.setData(other);
  for (const entry of ENTRIES) assert.deepEqual(evaluateInstance(policy, bytes(second), entry), reference.evaluate(second, entry), entry);
});

test('the shared snapshot parsed again clears remembered hashes: answers follow the new snapshot', async () => {
  const rego = `package s

import rego.v1

# Equal objects, one from the snapshot and one from the input, are one element.
hit := count({x | some x in input.snapshot.components} | {x | some x in input.mine})
`;
  const wasm = await buildWasm(rego, ['s/hit']);
  const program = await policyProgram({ wasm, entrypoints: ['s/hit'], opaVersion: '', key: '' });
  const policy = instantiateModuleWithData(program, {});
  const shared = sharedInput(policy, 'snapshot');
  // The second snapshot is as long as the first: its objects land where the first's did. The input holds exactly them.
  const snapshot = (shift: number): { components: { name: string; v: number }[] } => ({
    components: Array.from({ length: 16 }, (_, i) => ({ name: `c${i}`, v: 100 + i + 20 * shift })),
  });
  const mine = new TextEncoder().encode(JSON.stringify({ snapshot: null, mine: snapshot(1).components }));
  shared.share(JSON.stringify(snapshot(0)));
  assert.deepEqual(shared.evaluate(mine, 's/hit'), [{ result: 32 }]);
  shared.share(JSON.stringify(snapshot(1)));
  assert.deepEqual(shared.evaluate(mine, 's/hit'), [{ result: 16 }]);
});

test('answers of pure host builtins remembered by argument address follow a re-shared snapshot and each new input', async () => {
  const rego = `package t

import rego.v1

shared := time.parse_rfc3339_ns(input.snapshot.when)

own := time.parse_rfc3339_ns(input.when)
`;
  const wasm = await buildWasm(rego, ['t/shared', 't/own']);
  const program = await policyProgram({ wasm, entrypoints: ['t/shared', 't/own'], opaVersion: '', key: '' });
  const policy = instantiateModuleWithData(program, {});
  const shared = sharedInput(policy, 'snapshot');
  const ns = (when: string): number => Date.parse(when) * 1e6;
  // Same lengths: the second snapshot's and each input's strings land where the previous ones did.
  for (const year of ['2020', '2021', '2022']) {
    shared.share(JSON.stringify({ when: `${year}-01-01T00:00:00Z` }));
    for (const month of ['01', '02', '03']) {
      const input = new TextEncoder().encode(JSON.stringify({ snapshot: null, when: `${year}-${month}-01T00:00:00Z` }));
      assert.deepEqual(shared.evaluate(input, 't/shared'), [{ result: ns(`${year}-01-01T00:00:00Z`) }]);
      assert.deepEqual(shared.evaluate(input, 't/own'), [{ result: ns(`${year}-${month}-01T00:00:00Z`) }]);
    }
  }
});

test('the patched module is the built one until vouch turns the cache on: the SDK evaluates it unchanged', async () => {
  const wasm = await buildWasm(REGO, ENTRIES);
  const patched = patchHashCache(wasm);
  const [a, b] = [await loadPolicy(wasm, { initial: 160 }), await loadPolicy(patched, { initial: 160 })];
  a.setData(DATA);
  b.setData(DATA);
  for (const input of inputs().slice(0, 3)) for (const e of ENTRIES) assert.deepEqual(b.evaluate(input, e), a.evaluate(input, e));
  const exports = (b as unknown as { wasmInstance: { exports: Record<string, { value?: number }> } }).wasmInstance.exports;
  assert.equal(exports[HASH_CACHE_GLOBAL]?.value, 0);
});

// ---- hand-made modules: what the patch must refuse ----

/** One function named `name` of type `type` (0: (i32) -> i32, 1: () -> ()); names optional. */
function handMade(name: string, type: 0 | 1, names = true): Uint8Array {
  const types = section(
    1,
    vec([
      [0x60, 1, 0x7f, 1, 0x7f],
      [0x60, 0, 0],
    ]),
  );
  const funcs = section(3, vec([[type]]));
  const memory = section(5, vec([[0x00, 1]]));
  const exports = section(7, vec([]));
  const code = section(10, vec([type === 0 ? [...uleb(4), 0, 0x20, 0, 0x0b] : [...uleb(2), 0, 0x0b]]));
  const nameSec = section(0, [...str('name'), 1, ...uleb(vec([[0, ...str(name)]]).length), ...vec([[0, ...str(name)]])]);
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...funcs, ...memory, ...exports, ...code, ...(names ? nameSec : [])]);
}

test('a hand-made opa_value_hash is wrapped into a module the engine accepts, with the global exported', async () => {
  const patched = patchHashCache(handMade('opa_value_hash', 0));
  const wasmApi = (
    globalThis as unknown as {
      WebAssembly: { compile(bytes: Uint8Array): Promise<unknown>; Module: { exports(m: unknown): { name: string; kind: string }[] } };
    }
  ).WebAssembly;
  const module = await wasmApi.compile(patched);
  assert.deepEqual(wasmApi.Module.exports(module), [{ name: HASH_CACHE_GLOBAL, kind: 'global' }]);
});

test('modules the patch cannot vouch for are refused with a typed error, never run unpatched', () => {
  for (const [why, wasm] of [
    ['no name section', handMade('opa_value_hash', 0, false)],
    ['no opa_value_hash', handMade('opa_something_else', 0)],
    ['opa_value_hash of another type', handMade('opa_value_hash', 1)],
    ['already patched', patchHashCache(handMade('opa_value_hash', 0))],
    ['not a module', new Uint8Array([1, 2, 3])],
    ['truncated', handMade('opa_value_hash', 0).subarray(0, 30)],
  ] as const) {
    assert.throws(
      () => patchHashCache(wasm),
      (err: unknown) => err instanceof EnvironmentError && err.code === 'WASM_HASH_CACHE_PATCH',
      why,
    );
  }
});

// json.is_valid("true") frees an interned constant in OPA's wasm runtime and corrupts the heap of the
// instance. On a module built by the real opa: unpatched, the corruption shows; patched, every
// order of evaluations answers as `opa eval` does; and vouch's loader applies the patch. Modules the
// patch cannot vouch for are refused (hand-made below: no tool builds such modules).
import { section, str, vec } from './wasm-bytes.ts';
import { uleb } from '../../../../src/policy/wasm/wasm-binary.ts';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { EnvironmentError } from '../../../../src/errors.ts';
import { compilePolicy } from '../../../../src/policy/opa/compile.ts';
import { loadCompiledPolicy } from '../../../../src/policy/wasm/evaluate.ts';
import { patchJsonIsValid } from '../../../../src/policy/wasm/patch-json-is-valid.ts';
import { toolPath } from '../../../support/tools.ts';
import { buildWasm } from './build.ts';

const REPRO = `package q

import rego.v1

a := json.is_valid("true")

b := json.is_valid("false")

c := json.is_valid("null")

d := json.is_valid("[true]")
`;
const ORDER = ['q/c', 'q/a', 'q/c', 'q/b', 'q/d', 'q/a', 'q/c'];

async function answers(wasm: Uint8Array): Promise<string[]> {
  const policy = await loadPolicy(wasm, { initial: 160 });
  return ORDER.map((e) => {
    try {
      return JSON.stringify((policy.evaluate({}, e) as { result: unknown }[])[0]?.result);
    } catch {
      return 'throws';
    }
  });
}

test('patched, json.is_valid answers true for "true", "false", "null" and "[true]" in any order on one instance', async () => {
  const wasm = await buildWasm(REPRO, ['q/a', 'q/b', 'q/c', 'q/d']);
  // The bug itself, so that this test fails on a module the patch has not touched.
  assert.notDeepEqual(
    await answers(wasm),
    ORDER.map(() => 'true'),
  );
  const patched = patchJsonIsValid(wasm);
  assert.deepEqual(
    await answers(patched),
    ORDER.map(() => 'true'),
  );
  assert.equal(patched.length, wasm.length);
  assert.ok(patched.filter((b, i) => b !== wasm[i]).length <= 6, 'only the call instruction changes');
});

test('vouch loads policies patched: a deny rule on json.is_valid("true") does not corrupt later evaluations', async () => {
  const rego = `package main

import rego.v1

deny contains "true is valid JSON" if json.is_valid("true")

deny contains "false is valid JSON" if json.is_valid("false")

deny contains sprintf("%v", [[1, {"k": "v"}]]) if input.go
`;
  const compiled = await compilePolicy([{ path: 'main.rego', text: rego }], {
    opaPath: toolPath('opa'),
    cacheDir: await mkdtemp(join(tmpdir(), 'vouch-isvalid-')),
    env: process.env,
  });
  const policy = await loadCompiledPolicy(compiled, {});
  for (let i = 0; i < 3; i++) {
    const msgs = policy
      .evaluate({ go: true })
      .flatMap((o) => o.results.map((r) => r.msg))
      .sort();
    assert.deepEqual(msgs, ['[1, {"k": "v"}]', 'false is valid JSON', 'true is valid JSON']);
  }
});

// ---- hand-made modules: what opa never emits, and what the patch must refuse ----

/** Two functions, opa_free(i32) and opa_json_is_valid() calling it `calls` times; names optional. */
function handMade(calls: number, names = true, caller = 'opa_json_is_valid'): Uint8Array {
  const types = section(
    1,
    vec([
      [0x60, 1, 0x7f, 0],
      [0x60, 0, 0],
    ]),
  );
  const funcs = section(3, vec([[0], [1]]));
  const callFree = [0x41, 0x00, 0x10, 0x00];
  const code = section(
    10,
    vec([
      [...uleb(2), 0, 0x0b],
      [...uleb(2 + 4 * calls), 0, ...Array.from({ length: calls }, () => callFree).flat(), 0x0b],
    ]),
  );
  const fnNames = vec([
    [0, ...str('opa_free')],
    [1, ...str(caller)],
  ]);
  const nameSec = section(0, [...str('name'), 1, ...uleb(fnNames.length), ...fnNames]);
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...types, ...funcs, ...code, ...(names ? nameSec : [])]);
}

test('the patch turns exactly one call opa_free into drop and compiles', async () => {
  const patched = patchJsonIsValid(handMade(1));
  // The engine validates the body: stack types still line up after drop replaces the call.
  const wasmApi = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<unknown> } }).WebAssembly;
  assert.ok(await wasmApi.compile(patched));
  assert.deepEqual([...patched.subarray(patched.indexOf(0x1a) - 2, patched.indexOf(0x1a) + 2)], [0x41, 0x00, 0x1a, 0x01]);
});

test('a module without opa_json_is_valid comes back as it was', () => {
  const wasm = handMade(2, true, 'opa_something_else');
  assert.equal(patchJsonIsValid(wasm), wasm);
});

test('modules the patch cannot vouch for are refused with a typed error, never run unpatched', () => {
  for (const [why, wasm] of [
    ['no name section', handMade(1, false)],
    ['opa_free called twice', handMade(2)],
    ['opa_free never called', handMade(0)],
    ['not a module', new Uint8Array([1, 2, 3])],
    ['truncated', handMade(1).subarray(0, 40)],
  ] as const) {
    assert.throws(
      () => patchJsonIsValid(wasm),
      (err: unknown) => err instanceof EnvironmentError && err.code === 'WASM_JSON_IS_VALID_PATCH',
      why,
    );
  }
});

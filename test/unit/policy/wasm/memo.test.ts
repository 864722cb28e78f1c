// Pure host builtins are answered once per distinct arguments in an instance (instance.ts
// BuiltinMemo): the same answer, the module's own value, without calling the builtin again; the
// builtins left out of the memo are called every time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { instantiateModule } from '../../../../src/policy/wasm/instance.ts';
import { buildWasm } from './build.ts';

const wasmApi = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<object> } }).WebAssembly;

const REGO = `package t

import rego.v1

r := [time.parse_rfc3339_ns(input.a), time.parse_rfc3339_ns(input.a), time.parse_rfc3339_ns(input.b), sprintf("%v", [{"x", input.a}]), sprintf("%v", [{"x", input.a}])]
`;

test('a memoized builtin is called once per distinct arguments, across evaluations; another one every time', async () => {
  const module = await wasmApi.compile(await buildWasm(REGO, ['t/r']));
  const calls: string[] = [];
  const builtins = {
    'time.parse_rfc3339_ns': (s: unknown) => {
      calls.push(`time ${String(s)}`);
      return s === 'bad' ? undefined : String(s).length;
    },
    sprintf: (f: unknown, a: unknown) => {
      calls.push('sprintf');
      return `${String(f)}:${JSON.stringify(a)}`;
    },
  };
  const policy = instantiateModule(module, builtins, {}, { initialPages: 4, memoize: new Set(['time.parse_rfc3339_ns']) });
  const first = policy.evaluate({ a: 'abc', b: 'bad' }, 't/r') as { result: unknown[] }[];
  const second = policy.evaluate({ a: 'abc', b: 'bad' }, 't/r') as { result: unknown[] }[];
  // An undefined answer makes the array undefined: the rule has no value either time.
  assert.deepEqual(first, second);
  const third = policy.evaluate({ a: 'abc', b: 'de' }, 't/r') as { result: unknown[] }[];
  assert.deepEqual(third[0]!.result.slice(0, 3), [3, 3, 2]);
  // The undefined element stops the array before sprintf: only the third evaluation reached it.
  const sprintfCalls = calls.filter((c) => c === 'sprintf').length;
  assert.ok(sprintfCalls > 0);
  assert.deepEqual(policy.evaluate({ a: 'abc', b: 'de' }, 't/r'), third);
  assert.deepEqual(
    calls.filter((c) => c.startsWith('time')),
    ['time abc', 'time bad', 'time de'],
  );
  assert.equal(calls.filter((c) => c === 'sprintf').length, 2 * sprintfCalls);
});

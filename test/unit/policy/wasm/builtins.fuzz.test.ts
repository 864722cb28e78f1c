// Any arguments a policy can pass (arbitrary JSON, as the SDK hands them over) to any host builtin:
// no exception escapes (it would abort the whole entrypoint), and the answer is undefined or JSON text
// the module can read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeExactJson } from '../../../../src/policy/builtins/value.ts';
import { hostBuiltins } from '../../../../src/policy/wasm/builtins.ts';
import { fc, fuzz } from '../../../support/fuzz.ts';

const builtins = hostBuiltins(new Date('2026-01-01T00:00:00.123Z'));

/** Arguments shaped like the ones each builtin reads, and anything else JSON can hold. */
const arg = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: -(2 ** 53), max: 2 ** 53 }),
  fc.constantFrom(9223372036854775807, -9223372036854775808, 1767225600123456789, 1e21, -0, 0.5),
  fc.stringMatching(/^(2006|01|02|15|04|05|Jan|Mon|MST|Z07:00|-0700|\.000|\.999|_2|__2|PM|[ :T,.-])*$/),
  fc.stringMatching(/^[0-9]{1,4}-[0-9]{1,2}-[0-9]{1,2}T[0-9:]{1,8}(\.[0-9]{0,12})?(Z|[+-][0-9:]{1,6})?$/),
  fc.stringMatching(/^%[-+# 0]{0,3}(\[[0-9]\])?([0-9*]{0,2})(\.[0-9*]{0,2})?[a-zA-Z%]?$/),
  fc.stringMatching(/^v?[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(-[0-9A-Za-z.-]{0,8})?(\+[0-9A-Za-z.-]{0,8})?$/),
  fc.base64String({ maxLength: 200 }),
  fc.constantFrom('UTC', 'Local', 'Europe/Berlin', 'Bogus/Zone', '../../etc/passwd', '/etc/localtime', ''),
  fc.tuple(fc.integer(), fc.constantFrom('UTC', 'America/New_York', 'x'), fc.string()).map((t) => [...t]),
  fc.array(
    fc.record({
      op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test'),
      path: fc.stringMatching(/^(\/[a-z0-9~-]{0,3}){0,3}$/),
      from: fc.string(),
      value: fc.jsonValue({ maxDepth: 1 }),
    }),
    { maxLength: 3 },
  ),
);

test('no host builtin throws or answers anything but JSON text, whatever the arguments', () => {
  const names = Object.keys(builtins);
  fuzz(
    fc.property(fc.constantFrom(...names), fc.array(arg, { maxLength: 4 }), (name, args) => {
      const args2 = JSON.parse(JSON.stringify(args)) as unknown[];
      let result: unknown;
      assert.doesNotThrow(() => {
        result = builtins[name]!(...args2);
      }, name);
      if (result === undefined) return;
      assert.ok(result instanceof ArrayBuffer, `${name} answered a ${typeof result}`);
      assert.doesNotThrow(() => decodeExactJson(new TextDecoder().decode(result as ArrayBuffer)), `${name} answered text that is not JSON`);
    }),
    { numRuns: Math.max(Number(process.env.VOUCH_FUZZ_RUNS ?? '') || 0, 2000) },
  );
});

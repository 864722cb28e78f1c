// Strict JSON for signed payloads: the value JSON.parse gives, or a typed refusal when two keys could
// be read as one (exactly, after escapes, or differing only in case as Go's decoder matches them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_JSON_DEPTH, StrictJsonError, parseStrictJson } from '../../../src/util/strict-json.ts';
import { assertLinear, withinCpu } from '../../support/cpu-time.ts';

const refused = (text: string, pattern: RegExp): void => {
  assert.throws(
    () => parseStrictJson(text),
    (err: unknown) => err instanceof StrictJsonError && pattern.test(err.message),
    text,
  );
};

test('valid JSON without ambiguity parses to what JSON.parse gives', () => {
  for (const text of [
    '{}',
    '[]',
    '"x"',
    '1',
    'null',
    ' {"a":[{"a":1},{"a":2}],"b":{"a":{"A2":"\\"A\\""}}} ',
    '{"a":"}","b":"{\\"a\\":1,\\"a\\":2}"}',
    '[{"x":1},{"x":2}]',
  ]) {
    assert.deepEqual(parseStrictJson(text), JSON.parse(text));
  }
});

test('an exact duplicate key is refused at any depth', () => {
  refused('{"a":1,"a":2}', /duplicate key "a"/);
  refused('{"x":[{"y":{"critical":1,"critical":2}}]}', /duplicate key "critical"/);
});

test('keys equal after JSON escapes are duplicates', () => {
  refused('{"critical":1,"\\u0063ritical":2}', /duplicate key "critical"/);
});

test("keys differing only in case are refused (Go's encoding/json matches them case-insensitively)", () => {
  refused('{"critical":{},"Critical":{}}', /keys "critical" and "Critical" differ only in case/);
  refused('{"docker-manifest-digest":"a","Docker-Manifest-Digest":"b"}', /differ only in case/);
  // Go folds the Kelvin sign with k and the long s with s (Unicode simple folding).
  refused('{"kind":1,"\u212aind":2}', /differ only in case/);
  refused('{"subject":1,"\u017fubject":2}', /differ only in case/);
});

test('invalid JSON and deep nesting are refused with typed errors that do not echo the input', () => {
  refused('{"a":1,}', /^not valid JSON$/);
  refused('\u001b[31m', /^not valid JSON$/);
  refused(`${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}`, /nested deeper than 512 levels/);
  assert.doesNotThrow(() => parseStrictJson(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`));
});

test('linear time: a megabyte and a half of keys or of escapes parses in seconds, not minutes', () => {
  const keys = `{${Array.from({ length: 100_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`;
  const strings = `[${'"\\\\\\"",'.repeat(200_000)}1]`;
  for (const text of [keys, strings]) withinCpu(15_000, `${text.length} bytes`, () => parseStrictJson(text));
  assertLinear('n keys', 10_000, (n) => `{${Array.from({ length: n }, (_, i) => `"k${i}":${i}`).join(',')}}`, parseStrictJson);
  assertLinear('n escapes', 20_000, (n) => `[${'"\\\\\\"",'.repeat(n)}1]`, parseStrictJson);
});

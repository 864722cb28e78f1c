// The regex host builtins this file has always checked against the real `opa eval` (the other host
// builtins have their own tables under test/unit/policy/builtins).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { disagreements } from '../builtins/differential.ts';

test('host builtins match opa eval', async () => {
  assert.deepEqual(
    await disagreements([
      { builtin: 'regex.replace', args: ['a1b22', '[0-9]+', '#'] },
      { builtin: 'regex.find_n', args: ['[a-z]', 'a1b2c3', 2] },
    ]),
    [],
  );
});

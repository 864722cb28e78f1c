// A re-shared snapshot restarts the hash cache's evaluation tags at 1: the builtin memo by argument
// address must not reuse the answers remembered, at the same addresses, for an evaluation before it.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { instantiatePolicy, policyProgram } from '../../../../src/policy/wasm/evaluate.ts';
import { buildWasm } from './build.ts';

const REGO = `package q

import rego.v1

deny contains "too old" if time.parse_rfc3339_ns(input.when) < time.parse_rfc3339_ns("2025-01-01T00:00:00Z")
`;

test('after a re-shared snapshot, a builtin answers for the value now at an address, not the one before', async () => {
  const wasm = await buildWasm(REGO, ['q/deny']);
  const program = await policyProgram({ wasm, entrypoints: ['q/deny'], opaVersion: '', key: '' });
  const snapshot = JSON.stringify({ components: [{ name: 'x' }] });
  // Same layout, same string length: `when` lands at the same address in both.
  const fresh = JSON.stringify({ when: '2030-01-01T00:00:00Z', snapshot: null });
  const stale = JSON.stringify({ when: '2020-01-01T00:00:00Z', snapshot: null });

  const reference = await instantiatePolicy(program, {});
  reference.shareSnapshot(snapshot);
  const expected = reference.evaluateWithSnapshot(stale);
  assert.equal(expected[0]!.results.length, 1, 'the old date is denied on a fresh instance');

  const policy = await instantiatePolicy(program, {});
  policy.shareSnapshot(snapshot);
  assert.equal(policy.evaluateWithSnapshot(fresh)[0]!.results.length, 0);
  // What the pool does after a failed evaluation on this worker (workers.ts: snapshotId = undefined).
  policy.shareSnapshot(snapshot);
  assert.deepEqual(policy.evaluateWithSnapshot(stale), expected, 'the violation must not disappear');
});

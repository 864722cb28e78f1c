// Messages that render sets, numbers by their text and objects with non-string keys, through a
// module built by the real opa and vouch's builtin dispatch (instance.ts), against `opa eval` (Go
// topdown). Through the SDK's JSON dump a set printed as an array (`["a", "b"]`) and `1.0` as `1`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { loadCompiledPolicy } from '../../../../src/policy/wasm/evaluate.ts';
import { toolPath } from '../../../support/tools.ts';
import { buildWasm } from './build.ts';

const run = promisify(execFile);

const REGO = String.raw`package msgs

import rego.v1

from_input := {y | some y in input.list}

deny contains sprintf("input set: %v", [from_input])

deny contains sprintf("literals: %v|%s|%v", [{"b", "a", "é", "Z"}, set(), {1, 2.5, "x", [1], {"k": "v"}, {3}}])

deny contains sprintf("nested: %v", [{"k": {"z", "y"}, "a": [set()]}])

deny contains sprintf("sets of sets: %v", [{{2, 1}, {1}, set()}])

deny contains sprintf("keys: %v", [{1: "a", "b": 2, 1.5: {"c"}, [1]: null}])

deny contains sprintf("numbers: %d|%v|%d|%v|%d|%v|%d|%v", [input.one, input.one, input.thousand, input.thousand, input.big, input.big, input.huge, input.huge])

deny contains sprintf("in a set: %v", [{input.one, input.big, input.thousand, input.tiny}])

deny contains sprintf("ten of them: %v %d", [x, count(x)]) if {
	x := {sprintf("%d", [i]) | some i in numbers.range(1, 10)}
}

deny contains sprintf("escapes: %v", [{"q\"", "\n", "\\", "\u0001", "日本", "\u2028"}])

deny contains sprintf("q and s: %q %s %x", [{"b", "a"}, {"k": {1}}, {"a"}])
`;

const INPUT = '{"list": ["q", "b", "a", "m", "c", "b"], "one": 1.0, "thousand": 1e3, "big": 12345678901234567890123, "huge": 1e400, "tiny": 0.5}';

async function goMessages(): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-sprintf-sets-'));
  try {
    await writeFile(join(dir, 'msgs.rego'), REGO);
    await writeFile(join(dir, 'input.json'), INPUT);
    const { stdout } = await run(toolPath('opa'), ['eval', '-f', 'json', '-d', join(dir, 'msgs.rego'), '-i', join(dir, 'input.json'), 'data.msgs.deny']);
    const out = JSON.parse(stdout) as { result: { expressions: { value: string[] }[] }[] };
    // ec pins OPA v1.15.2, whose sprintf passes an integer as a Go int (the v1.22 opa here: int64).
    return out.result[0]!.expressions[0]!.value.map((m) => m.replace(/\bint64\b/g, 'int')).sort();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('sprintf prints sets, number text and any object keys as OPA (Go) does', async () => {
  const wasm = await buildWasm(REGO, ['msgs/deny']);
  const policy = await loadCompiledPolicy({ wasm, entrypoints: ['msgs/deny'], opaVersion: '', key: '' }, {});
  const ours = policy
    .evaluateJson(INPUT)
    .flatMap((o) => o.results.map((r) => r.msg))
    .sort();
  const go = await goMessages();
  assert.equal(go.length, 10);
  assert.deepEqual(ours, go);
  // Spot checks, so that a change on both sides still shows.
  assert.ok(go.includes('input set: {"a", "b", "c", "m", "q"}'));
  assert.ok(go.includes('numbers: %!d(float64=1)|1|%!d(float64=1000)|1000|12345678901234567890123|12345678901234567890123|%!d(string=1e400)|1e400'));
  assert.ok(go.includes('in a set: {0.5, 1.0, 1e3, 12345678901234567890123}'));
});

// json.match_schema and json.verify_schema are host builtins of the wasm module (it has no native
// implementation): a module built by the real opa, evaluated through the SDK with vouch's host
// table, answers as `opa eval` does on the same module and input.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { loadPolicy } from '@open-policy-agent/opa-wasm';
import { hostBuiltins } from '../../../../src/policy/wasm/builtins.ts';
import { toolPath } from '../../../support/tools.ts';
import { buildWasm } from './build.ts';

const run = promisify(execFile);

const REGO = `package schema

import rego.v1

result := {
  "tasks": json.match_schema(input.tasks, input.schema),
  "valid_schema": json.verify_schema(input.schema),
  "bad_schema": json.verify_schema({"type": 5}),
}
`;

const INPUT = {
  schema: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'array',
    items: {
      type: 'object',
      properties: { name: { type: 'string', minLength: 1 }, effective_on: { type: 'string' } },
      required: ['name'],
      additionalProperties: false,
    },
  },
  tasks: [{ name: 'buildah' }, { name: '', effective_on: 7 }, { nam: 'typo' }],
};

test('json.match_schema / json.verify_schema through the SDK answer as opa eval does', async () => {
  const wasm = await buildWasm(REGO, ['schema/result']);
  const policy = await loadPolicy(wasm, { initial: 160 }, hostBuiltins(new Date('2026-01-01T00:00:00Z')));
  const ours = (policy.evaluate(INPUT, 'schema/result') as { result: unknown }[])[0]?.result;
  const dir = await mkdtemp(join(tmpdir(), 'vouch-schema-'));
  try {
    await writeFile(join(dir, 'p.rego'), REGO);
    await writeFile(join(dir, 'input.json'), JSON.stringify(INPUT));
    const { stdout } = await run(toolPath('opa'), ['eval', '-f', 'json', '-d', join(dir, 'p.rego'), '-i', join(dir, 'input.json'), 'data.schema.result']);
    const theirs = (JSON.parse(stdout) as { result: { expressions: { value: unknown }[] }[] }).result[0]!.expressions[0]!.value;
    // gojsonschema reports errors of different object keys in Go's random map order: compare them as sets.
    const normal = (v: unknown): unknown => {
      const r = structuredClone(v) as { tasks: [boolean, { field: string; type: string }[]] };
      r.tasks[1].sort((a, b) => `${a.field} ${a.type}`.localeCompare(`${b.field} ${b.type}`));
      return r;
    };
    assert.deepEqual(normal(ours), normal(theirs));
    // The document really failed, with gojsonschema's words (not an undefined builtin).
    const tasks = (ours as { tasks: [boolean, { desc: string }[]] }).tasks;
    assert.equal(tasks[0], false);
    assert.ok(
      tasks[1].some((e) => e.desc === 'Additional property nam is not allowed'),
      JSON.stringify(tasks[1]),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

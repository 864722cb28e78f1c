// The example policies are real Rego: opa checks them strictly and runs their own *_test.rego files,
// and every rule is documented in examples/policies/README.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ruleInfosFromModules } from '../../src/policy/rules/annotations.ts';
import { toolPath } from '../support/tools.ts';

const run = promisify(execFile);
const policies = fileURLToPath(new URL('../../examples/policies', import.meta.url));

test('opa check --strict accepts the example policies', async () => {
  await run(toolPath('opa'), ['check', '--strict', policies]);
});

test("the example policies' own Rego tests pass under opa test", async () => {
  const { stdout } = await run(toolPath('opa'), ['test', policies, '--format', 'json']);
  const results = JSON.parse(stdout) as { name: string; package: string; fail?: boolean; error?: unknown }[];
  assert.ok(results.length >= 20, `${results.length} Rego tests`);
  assert.deepEqual(
    results.filter((r) => r.fail || r.error).map((r) => `${r.package}.${r.name}`),
    [],
  );
});

test('examples/policies/README.md lists every rule code', async () => {
  const entries = (await readdir(policies, { recursive: true })).filter((e) => e.endsWith('.rego'));
  const files = await Promise.all(entries.map(async (p) => ({ path: p, text: await readFile(join(policies, p), 'utf8') })));
  const readme = await readFile(join(policies, 'README.md'), 'utf8');
  const missing = ruleInfosFromModules(files)
    .filter((i) => i.annotated && !readme.includes(`\`${i.code}\``))
    .map((i) => i.code);
  assert.deepEqual(missing, []);
});

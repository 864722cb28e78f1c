// Large constants moved to data for the test build (src/policy/test/constants.ts): the data holds
// exactly what `opa eval` makes of the literal, rows stay put, and only plain JSON moves.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { opaToolchain } from '../../../../src/policy/opa/compile.ts';
import { parseModules } from '../../../../src/policy/opa/parse.ts';
import { CONSTANTS_KEY, hoistConstants } from '../../../../src/policy/test/constants.ts';
import { runPolicyTests } from '../../../../src/policy/test/run.ts';
import { toolPath } from '../../../support/tools.ts';

const run = promisify(execFile);
const opa = toolPath('opa');
const env = { ...process.env, OPA_PATH: opa };

const items = Array.from(
  { length: 40 },
  (_, i) => `\t\t{"name": "item-${i}", "weight": ${i}.25, "ok": ${i % 2 === 0}, "none": null, "big": 9007199254740991},`,
).join('\n');
const MODULE = `package c

import rego.v1

schema := {
	"title": "a large literal",
	"items": [
${items}
	],
	"unicode": "é€😀\\n",
}

with_set := {"s": {1, 2}, "pad": "${'x'.repeat(600)}"}

with_ref := {"r": input.x, "pad": "${'x'.repeat(600)}"}

inexact := {"n": 12345678901234567890, "pad": "${'x'.repeat(600)}"}

after := 1
`;

test('a large plain-JSON constant becomes a data reference holding exactly opa eval’s value; sets, refs and inexact numbers stay', async () => {
  const toolchain = await opaToolchain({ env });
  const [outline] = await parseModules([{ path: 'c.rego', text: MODULE }], { opa: toolchain.opa, opaVersion: toolchain.version });
  const { modules, constants } = hoistConstants([outline!]);
  const text = modules[0]!.text;
  const [id] = Object.keys(constants);
  assert.match(
    text,
    new RegExp(
      `^schema := data\\.${CONSTANTS_KEY}\\.${id!}\\n{${MODULE.split('schema := ')[1]!.split('\n\nwith_set')[0]!.split('\n').length - 1}}\\n\\nwith_set := \\{"s": \\{1, 2\\}`,
      'm',
    ),
  );
  assert.equal(Object.keys(constants).length, 1);
  assert.equal(text.split('\n').length, MODULE.split('\n').length);
  assert.equal(text.split('\n').indexOf('after := 1'), MODULE.split('\n').indexOf('after := 1'));
  const dir = await mkdtemp(join(tmpdir(), 'vouch-constants-'));
  await writeFile(join(dir, 'c.rego'), MODULE);
  const { stdout } = await run(opa, ['eval', '-f', 'json', '-d', join(dir, 'c.rego'), 'data.c.schema']);
  assert.deepEqual(constants[id!], (JSON.parse(stdout) as { result: { expressions: { value: unknown }[] }[] }).result[0]!.expressions[0]!.value);
});

test('tests see the moved constant as before, under a function mock too', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-constants-'));
  await writeFile(join(dir, 'c.rego'), MODULE);
  await writeFile(
    join(dir, 'c_test.rego'),
    'package c_test\n\nimport rego.v1\n\nimport data.c\n\ntest_schema if {\n\tc.schema.items[3].weight == 3.25 with time.now_ns as 1\n\tc.schema.unicode == "é€😀\\n"\n\tcount(c.schema.items) == 40\n}\n\ntest_after if c.after == 1\n',
  );
  const results = await runPolicyTests({ paths: ['.'], dataPaths: [], cwd: dir, cacheDir: join(dir, 'cache'), env, parallel: 1 });
  assert.deepEqual(
    results.map((r) => [r.test.name, r.test.row, r.outcome]),
    [
      ['test_schema', 7, 'PASS'],
      ['test_after', 13, 'PASS'],
    ],
  );
});

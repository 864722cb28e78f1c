// The `with` chain rewrite (src/policy/opa/with-rewrite.ts) on hand-written Rego parsed by the real
// `opa parse`, and the OPA wasm planner bug it works around: the six rules of the upstream repro
// (docs/upstream/opa-wasm-with-chain.md), compiled by the real `opa build`, answer on vouch's wasm path
// what `opa eval` answers.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { VouchError } from '../../../../src/errors.ts';
import { buildWasm, compilePolicy, opaToolchain } from '../../../../src/policy/opa/compile.ts';
import { loadCompiledPolicy } from '../../../../src/policy/wasm/evaluate.ts';
import { parseModules, type ModuleOutline } from '../../../../src/policy/opa/parse.ts';
import { mayUseWith, rewriteScope, rewriteWithChains, rewriteWithOrder } from '../../../../src/policy/opa/with-rewrite.ts';
import { instantiateTests } from '../../../../src/policy/test/evaluate.ts';
import { toolPath } from '../../../support/tools.ts';

const run = promisify(execFile);
const opa = toolPath('opa');
const env = { ...process.env, OPA_PATH: opa };

async function outlines(files: Record<string, string>): Promise<ModuleOutline[]> {
  const toolchain = await opaToolchain({ env });
  return parseModules(
    Object.entries(files).map(([path, text]) => ({ path, text })),
    { opa: toolchain.opa, opaVersion: toolchain.version },
  );
}

/** Each file's text after the rewrite, parsed together (user functions may live in any of them). */
async function rewritten(files: Record<string, string>): Promise<Record<string, string>> {
  const parsed = await outlines(files);
  const scope = rewriteScope(parsed);
  return Object.fromEntries(parsed.map((m) => [m.path, rewriteWithOrder(m, scope)]));
}

const header = 'package p\n\nimport rego.v1\n\n';

test('data and input targets move before the first function or builtin target, each group in its order', async () => {
  const text = `${header}f(_) := 1\n\nr if {\n\tx := 1 with upper as f with data.a as 1 with time.now_ns as 2 with input.b as 3 with data.c as 4\n}\n`;
  const out = (await rewritten({ 'p.rego': text }))['p.rego']!;
  assert.equal(
    out,
    text.replace(
      'with upper as f with data.a as 1 with time.now_ns as 2 with input.b as 3 with data.c as 4',
      'with data.a as 1 with input.b as 3 with data.c as 4 with upper as f with time.now_ns as 2',
    ),
  );
});

test('spaces, newlines and comments between modifiers stay where they were; every rule keeps its row', async () => {
  const text = `${header}r if {\n\tx := data.v with ec.oci.blob as "b" # the blob\n\t\twith data.v as {\n\t\t\t"k": 1,\n\t\t}\n\t\twith input.i as 2\n\tx.k == 1\n}\n\ns := 1\n`;
  const out = (await rewritten({ 'p.rego': text }))['p.rego']!;
  assert.equal(
    out,
    `${header}r if {\n\tx := data.v with data.v as {\n\t\t\t"k": 1,\n\t\t} # the blob\n\t\twith input.i as 2\n\t\twith ec.oci.blob as "b"\n\tx.k == 1\n}\n\ns := 1\n`,
  );
  const [before, after] = [await outlines({ 'p.rego': text }), await outlines({ 'p.rego': out })];
  assert.deepEqual(
    after[0]!.rules.map((r) => [r.ref, r.at.row]),
    before[0]!.rules.map((r) => [r.ref, r.at.row]),
  );
});

test('targets resolve as the compiler resolves them: imports, the package’s own rules, user functions in other modules', async () => {
  const lib = 'package lib\n\nimport rego.v1\n\nfn(x) := x\n\nvalue := 1\n';
  const text = `${header}import data.lib\nimport data.lib.value as v\n\nown(x) := x\n\nhelper := 2\n\nr if {\n\tx := 1 with lib.fn as own with lib.value as 3 with own as lib.fn with helper as 4 with v as 5 with data.lib.fn as own with data.q as 6\n}\n`;
  const out = (await rewritten({ 'p.rego': text, 'lib.rego': lib }))['p.rego']!;
  assert.match(
    out,
    /x := 1 with lib\.value as 3 with helper as 4 with v as 5 with data\.q as 6 with lib\.fn as own with own as lib\.fn with data\.lib\.fn as own\n/,
  );
});

test('a chain nested in a modifier’s value is rewritten too', async () => {
  const text = `${header}r if {\n\tx := data.v with upper as lower with data.v as [y | y := data.w with upper as lower with data.w as 1]\n}\n`;
  const out = (await rewritten({ 'p.rego': text }))['p.rego']!;
  assert.match(out, /x := data\.v with data\.v as \[y \| y := data\.w with data\.w as 1 with upper as lower\] with upper as lower\n/);
});

test('columns count code points: text before a chain on its line may hold any characters', async () => {
  const text = `${header}r if {\n\t"é€😀" == upper("x") with upper as lower with data.a as 1 # c\n}\n`;
  const out = (await rewritten({ 'p.rego': text }))['p.rego']!;
  assert.equal(out, text.replace('with upper as lower with data.a as 1', 'with data.a as 1 with upper as lower'));
  const crlf = text.replaceAll('\n', '\r\n');
  assert.equal((await rewritten({ 'p.rego': crlf }))['p.rego'], crlf.replace('with upper as lower with data.a as 1', 'with data.a as 1 with upper as lower'));
});

test('a module with nothing to move comes back as the very same text; other modules are parsed only when a chain needs them', async () => {
  const text = `${header}r if {\n\tx := 1 with data.a as 1 with input.b as 2 with upper as lower\n}\n`;
  assert.equal((await rewritten({ 'p.rego': text }))['p.rego'], text);
  const parsedPaths: string[] = [];
  const files = [
    { path: 'p.rego', text: `${header}r if {\n\tx := 1 with upper as lower\n}\n\n# with a word in a comment\ns if {\n\tdata.a with data.a as 1\n}\n` },
    { path: 'q.rego', text: 'package q\n\nx := 1\n' },
  ];
  const out = await rewriteWithChains(files, async (some) => {
    parsedPaths.push(...some.map((f) => f.path));
    return outlines(Object.fromEntries(some.map((f) => [f.path, f.text])));
  });
  assert.deepEqual(out, files);
  assert.deepEqual(parsedPaths, ['p.rego']);
});

test('a location that does not hold the text opa reported is refused, typed, never rewritten blindly', async () => {
  const text = `${header}r if {\n\tx := 1 with upper as lower with data.a as 1\n}\n`;
  const [m] = await outlines({ 'p.rego': text });
  // Hand-made: an outline whose column is off by one, which opa never produces.
  const shifted: ModuleOutline = { ...m!, chains: m!.chains.map((c) => c.map((w) => ({ ...w, at: { ...w.at, col: w.at.col + 1 } }))) };
  assert.throws(
    () => rewriteWithOrder(shifted, rewriteScope([shifted])),
    (err: unknown) => err instanceof VouchError && err.code === 'REGO_LOCATION_MISMATCH' && err.message.includes('p.rego:6'),
  );
});

const REPRO = `package repro

import rego.v1

mock(_) := "mocked"

data_first := x if {
	x := data.cfg.list with data.cfg as {"list": [1, 2]} with upper as mock
}

function_first := x if {
	x := data.cfg.list with upper as mock with data.cfg as {"list": [1, 2]}
}

input_function_first := x if {
	x := input.list with upper as mock with input as {"list": [1, 2]}
}

between_a := x if {
	x := data.a with data.a as 1 with upper as mock with data.b as 2
}

between_b := x if {
	x := data.b with data.a as 1 with upper as mock with data.b as 2
}

fn_only := x if {
	x := upper("q") with upper as mock with data.cfg as {"list": [1, 2]}
}
`;
const RULES = ['data_first', 'function_first', 'input_function_first', 'between_a', 'between_b', 'fn_only'];

test('the upstream repro: after the rewrite every rule answers on vouch’s wasm path what opa eval answers', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-with-'));
  try {
    await writeFile(join(dir, 'repro.rego'), REPRO);
    const expected: Record<string, unknown> = {};
    for (const r of RULES) {
      const { stdout } = await run(opa, ['eval', '-f', 'json', '-d', join(dir, 'repro.rego'), `data.repro.${r}`]);
      expected[r] = (JSON.parse(stdout) as { result: { expressions: { value: unknown }[] }[] }).result[0]!.expressions[0]!.value;
    }
    assert.deepEqual(expected, { data_first: [1, 2], function_first: [1, 2], input_function_first: [1, 2], between_a: 1, between_b: 2, fn_only: 'mocked' });
    const toolchain = await opaToolchain({ env });
    const files = await rewriteWithChains([{ path: 'repro.rego', text: REPRO }], (some) =>
      parseModules(some, { opa: toolchain.opa, opaVersion: toolchain.version }),
    );
    const entrypoints = RULES.map((r) => `repro/${r}`);
    const instance = await instantiateTests(await buildWasm(toolchain, files, entrypoints), entrypoints, {}, new Date());
    assert.deepEqual(Object.fromEntries(RULES.map((r) => [r, instance.evaluate(`repro/${r}`)])), expected);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

const LOCAL_VALUES = `package locals

import rego.v1

mk(x) := {"v": x}

inner := upper("x")

call_in_array := r if {
	r := inner with upper as [mk(1)]
}

local_in_array := r if {
	m := mk(1)
	r := inner with upper as [m]
}

local_in_object := r if {
	m := mk(2)
	r := inner with input.a as 1 with upper as {"k": m} with lower as "q"
}

local_in_set := r if {
	m := mk(3)
	r := inner with upper as {m}
}

comprehension := r if {
	m := [4, 5]
	r := inner with upper as [y | some y in m]
}

plain_var := r if {
	m := [mk(6)]
	r := inner with upper as m
}

data_mock_untouched := r if {
	m := 7
	r := data.d with data.d as [m]
}
`;

test('a function mock’s value built from locals or calls answers on vouch’s wasm path what opa eval answers', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-with-'));
  try {
    await writeFile(join(dir, 'locals.rego'), LOCAL_VALUES);
    const { stdout } = await run(opa, ['eval', '-f', 'json', '-d', join(dir, 'locals.rego'), 'data.locals']);
    const all = (JSON.parse(stdout) as { result: { expressions: { value: Record<string, unknown> }[] }[] }).result[0]!.expressions[0]!.value;
    const rules = ['call_in_array', 'local_in_array', 'local_in_object', 'local_in_set', 'comprehension', 'plain_var', 'data_mock_untouched'];
    const expected = Object.fromEntries(rules.map((r) => [r, all[r]]));
    assert.deepEqual(expected.local_in_set, [{ v: 3 }]);
    const toolchain = await opaToolchain({ env });
    const files = await rewriteWithChains([{ path: 'locals.rego', text: LOCAL_VALUES }], (some) =>
      parseModules(some, { opa: toolchain.opa, opaVersion: toolchain.version }),
    );
    const entrypoints = rules.map((r) => `locals/${r}`);
    const instance = await instantiateTests(await buildWasm(toolchain, files, entrypoints), entrypoints, {}, new Date());
    const actual = Object.fromEntries(
      rules.map((r) => {
        try {
          return [r, instance.evaluate(`locals/${r}`)];
        } catch (err) {
          return [r, `throws: ${String(err)}`];
        }
      }),
    );
    assert.deepEqual(actual, expected);
    assert.match(files[0]!.text, /r := inner with upper as array\.concat\(\[mk\(1\)\], \[\]\)\n/);
    assert.match(files[0]!.text, /r := inner with input\.a as 1 with upper as object\.union\(\{"k": m\}, \{\}\) with lower as "q"\n/);
    assert.match(files[0]!.text, /r := inner with upper as union\(\{\{m\}\}\)\n/);
    assert.match(files[0]!.text, /r := inner with upper as m\n/);
    assert.match(files[0]!.text, /r := data\.d with data\.d as \[m\]\n/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('validate image’s compile applies the rewrite: a deny rule with a data mock after a builtin mock sees the mocked data', async () => {
  const policy = `package main

import rego.v1

deny contains msg if {
	some x in input.items
	allowed := data.cfg.allowed with upper as lower with data.cfg as {"allowed": ["a"]}
	not x in allowed
	msg := sprintf("%s is not allowed", [x])
}
`;
  const compiled = await compilePolicy([{ path: 'main.rego', text: policy }], { cacheDir: await mkdtemp(join(tmpdir(), 'vouch-with-')), env });
  const loaded = await loadCompiledPolicy(compiled, { cfg: { allowed: ['a', 'b'] } });
  const deny = loaded.evaluate({ items: ['a', 'b'] }).find((o) => o.rule === 'deny');
  assert.deepEqual(
    deny?.results.map((r) => r.msg),
    ['b is not allowed'],
  );
});

test('only modules whose code says `with` are parsed: the word in comments and strings does not count', () => {
  assert.equal(mayUseWith('package a\n\n# Fails with a message.\ndeny contains "with x" if true\n'), false);
  assert.equal(mayUseWith('package a\n\nx := `raw with` if true\ny := "esc \\" with"\n'), false);
  assert.equal(mayUseWith('package a\n\ntest_x if { f with input as 1 }\n'), true);
  assert.equal(mayUseWith('package a\n\ns := "#" # comment\ntest_x if { f with input as "x" }\n'), true);
  assert.equal(mayUseWith('package a\nx := "a\\\\" with input as 1\n'), true);
  // Unsure (an unterminated string): the whole text is looked at.
  assert.equal(mayUseWith('package a\nx := "with\n'), true);
  assert.equal(mayUseWith('package a\nx := `with\n'), true);
  assert.equal(mayUseWith('package a\n\nallow_with_x := true\n'), false);
});

// `vouch policy test` against the real `opa test` on the same hand-written policy: every test's
// outcome (PASS/FAIL/ERROR/SKIPPED, sub-results of partial-object tests) and the summary agree; data
// files are placed as opa places them; the `with` chains that trip OPA's wasm planner pass as they do
// in opa; exit codes are ec's (0 all pass, 1 any other outcome, 2 bad input).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { runPolicyTests } from '../../../../src/policy/test/run.ts';
import { tally } from '../../../../src/policy/test/report.ts';
import { vouch } from '../../../support/run-cli.ts';
import { toolPath } from '../../../support/tools.ts';

const run = promisify(execFile);
const opa = toolPath('opa');
const env = { ...process.env, OPA_PATH: opa };

const POLICY: Record<string, string> = {
  'policy/lib/lib.rego': `package lib

import rego.v1

allowed(x) if x in data.rule_data.allowed

shout(s) := upper(s)

limits := data.sub.limits
`,
  'policy/main/main.rego': `package main

import rego.v1

import data.lib

deny contains msg if {
	some x in input.items
	not lib.allowed(x)
	msg := sprintf("%s is not allowed (%s)", [x, lib.shout(x)])
}

f(x) := 1 if x == 1

f(x) := 2 if x == 1

large := {"max": 3, "names": ["a", "b"], "nested": {"k": [1, 2.5, null, true]}}
`,
  'policy/main/main_test.rego': `package main_test

import rego.v1

import data.lib
import data.main

test_allowed if {
	count(main.deny) == 0 with input.items as ["a"] with data.rule_data.allowed as ["a"]
}

test_denied if {
	main.deny == {"b is not allowed (B)"} with input.items as ["b"] with data.rule_data.allowed as ["a"]
}

# the wasm planner bug: a data mock after a builtin mock (must pass, as in opa)
test_data_after_builtin if {
	main.deny == {"x is not allowed (LOUD)"} with input.items as ["b", "x"] with upper as "LOUD" with data.rule_data.allowed as ["b"]
}

test_data_after_user_function if {
	main.deny == {"b is not allowed (x)"} with lib.shout as "x" with data.rule_data.allowed as ["a"] with input.items as ["b"]
}

test_rule_data_file if {
	data.rule_data.allowed == ["a", "c"]
	lib.limits.max == 3
}

test_fails if {
	count(main.deny) == 1 with input.items as ["a"]
}

test_conflict if {
	main.f(1) == 1
}

test_repeated if {
	true
}

test_repeated if {
	false
}

test_cases[name] if {
	some name in ["one", "two"]
}

test_undefined if {
	input.nothing
}

test_number := 1

test_fn(x) if x

todo_test_later if {
	false
}

test_constant if {
	main.large.nested.k[1] == 2.5
}
`,
  'policy/sub/limits.json': '{"limits": {"max": 3}}',
  'rule_data.yml': 'rule_data:\n  allowed: [a, c]\n',
  'policy/.hidden/hidden_test.rego': 'package hidden_test\n\nimport rego.v1\n\ntest_hidden if false\n',
};

async function policyDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-policy-test-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

interface OpaResult {
  package: string;
  name: string;
  fail?: boolean;
  skip?: boolean;
  error?: unknown;
  sub_results?: Record<string, { fail?: boolean }>;
}

/** `opa test --format json`, as name ⇒ outcome (a partial-object test as its cases). */
async function opaOutcomes(dir: string, args: string[]): Promise<Record<string, string>> {
  const { stdout } = await run(opa, ['test', '--format', 'json', ...args], { cwd: dir }).catch((e: { stdout: string }) => ({ stdout: e.stdout }));
  const out: Record<string, string> = {};
  for (const r of JSON.parse(stdout) as OpaResult[]) {
    const name = `${r.package}.${r.name}`;
    out[name] = r.skip ? 'SKIPPED' : r.error ? 'ERROR' : r.fail ? 'FAIL' : 'PASS';
    for (const [k, s] of Object.entries(r.sub_results ?? {})) out[`${name}[${k}]`] = s.fail ? 'FAIL' : 'PASS';
  }
  return out;
}

test('every test has the outcome opa test gives it, and the summary is opa test’s', async () => {
  const dir = await policyDir(POLICY);
  const args = ['rule_data.yml', 'policy'];
  const expected = await opaOutcomes(dir, args);
  assert.equal(Object.keys(expected).length, 18, JSON.stringify(expected));
  const results = await runPolicyTests({ paths: args, dataPaths: [], cwd: dir, cacheDir: join(dir, 'cache'), env, parallel: 2 });
  const actual: Record<string, string> = {};
  for (const r of results) {
    const name = `${r.test.package}.${r.test.name}`;
    actual[name] = r.outcome;
    for (const s of r.subResults ?? []) actual[`${name}[${s.path.join('.')}]`] = s.pass ? 'PASS' : 'FAIL';
  }
  assert.deepEqual(actual, expected);
  // The summary lines of the pretty report (durations aside, the rest of the text is checked below).
  const pretty = await run(opa, ['test', ...args], { cwd: dir }).catch((e: { stdout: string }) => e);
  const summary = pretty.stdout.split('\n').filter((l) => /^(PASS|FAIL|SKIPPED|ERROR): /.test(l));
  const t = tally(results);
  const total = t.pass + t.fail + t.skip + t.error;
  assert.deepEqual(summary, [`PASS: ${t.pass}/${total}`, `FAIL: ${t.fail}/${total}`, `SKIPPED: ${t.skip}/${total}`, `ERROR: ${t.error}/${total}`]);
});

test('the CLI prints opa test’s report and exits as ec opa test does (1 on any failure, 0 when all pass, 2 for bad input)', async () => {
  const dir = await policyDir(POLICY);
  const cacheArgs = ['--cache-dir', join(dir, 'cache')];
  const failing = await vouch(['policy', 'test', ...cacheArgs, 'rule_data.yml', 'policy'], env, dir);
  assert.equal(failing.code, 1, failing.stderr);
  const shape = failing.stdout.replace(/\((\d+(\.\d+)?(ns|µs|ms|s)|0s)\)/g, '(D)');
  assert.match(shape, /^policy\/main\/main_test\.rego:30:\ndata\.main_test\.test_fails: FAIL \(D\)\n/m);
  assert.match(shape, /^data\.main_test\.test_repeated#01: FAIL \(D\)$/m);
  assert.match(shape, /^data\.main_test\.test_fn: ERROR \(D\)\n {2}rego_type_error: function data\.main_test\.test_fn used as reference, not called$/m);
  assert.match(shape, /^data\.main_test\.test_conflict: ERROR \(D\)\n {2}policy\/main\/main\.rego:\d+:\d+: .*conflict/m);
  assert.match(shape, /^data\.main_test\.todo_test_later: SKIPPED$/m);
  assert.doesNotMatch(shape, /test_allowed|test_rule_data_file/);
  assert.match(shape, /^policy\/\.hidden\/hidden_test\.rego:5:\ndata\.hidden_test\.test_hidden: FAIL \(D\)\n\npolicy\/main/m);
  assert.match(shape, /\n-{80}\nPASS: 9\/17\nFAIL: 5\/17\nSKIPPED: 1\/17\nERROR: 2\/17\n$/);

  const passing = await vouch(['policy', 'test', ...cacheArgs, '--run', 'test_(allowed|denied|data_after)', '-v', 'rule_data.yml', 'policy'], env, dir);
  assert.equal(passing.code, 0, passing.stdout);
  assert.match(passing.stdout, /^policy\/main\/main_test\.rego:8:\ndata\.main_test\.test_allowed: PASS \(/);
  assert.match(passing.stdout, /\n-{80}\nPASS: 4\/4\n$/);

  const nothing = await vouch(['policy', 'test', ...cacheArgs, '--run', 'no_such_test', 'policy'], env, dir);
  assert.deepEqual([nothing.code, nothing.stdout], [0, '']);

  const missing = await vouch(['policy', 'test', 'nowhere'], env, dir);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^Error: nowhere: no such file or directory\n$/);
  const badRun = await vouch(['policy', 'test', '--run', '(', 'policy'], env, dir);
  assert.equal(badRun.code, 2);
  assert.match(badRun.stderr, /--run: "\(" is not a regular expression/);
  const usage = await vouch(['policy', 'test'], env, dir);
  assert.equal(usage.code, 2);
});

test('a syntax error is bad input naming file and row, as opa prints it; --verbose adds no stack trace', async () => {
  const dir = await policyDir({ 'p/p_test.rego': 'package p_test\n\nimport rego.v1\n\ntest_x if {\n\t1 ==\n}\n' });
  const r = await vouch(['policy', 'test', '--verbose', '--cache-dir', join(dir, 'cache'), 'p'], env, dir);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, 'Error: policy compilation error:\n1 error occurred:\np/p_test.rego:7: rego_parse_error: unexpected } token\n');
});

test('data: files under a directory argument sit at their directory’s path; --data merges top-level keys as validate does; clashes name both files', async () => {
  const dir = await policyDir({
    'p/p_test.rego': 'package p_test\n\nimport rego.v1\n\ntest_data if {\n\tdata.a.b.x == 1\n\tdata.top == 2\n\tdata.extra.y == 3\n}\n',
    'p/a/b/values.yaml': 'x: 1\n',
    'p/t.json': '{"top": 2}',
    'more/deep/extra.json': '{"extra": {"y": 3}}',
    'clash/one.json': '{"top": 5}',
    'list.json': '[1]',
  });
  const opts = { cwd: dir, cacheDir: join(dir, 'cache'), env, parallel: 1 };
  const [r] = await runPolicyTests({ ...opts, paths: ['p'], dataPaths: ['more'] });
  assert.equal(r?.outcome, 'PASS');
  await assert.rejects(
    runPolicyTests({ ...opts, paths: ['p', 'clash'], dataPaths: [] }),
    /merge error: data key "top" is set by both p\/t\.json and clash\/one\.json/,
  );
  await assert.rejects(runPolicyTests({ ...opts, paths: ['p', 'list.json'], dataPaths: [] }), /list\.json: a data file at the data root must hold an object/);
});

test('ec.* builtins: unmocked registry lookups answer as ec does offline, mocks replace them, ec.purl runs for real', async () => {
  const dir = await policyDir({
    'e/e_test.rego': `package e_test

import rego.v1

ref := "registry.local/x@sha256:${'0'.repeat(64)}"

test_offline_blob_undefined if {
	not ec.oci.blob(ref)
}

test_offline_manifest_undefined if {
	not ec.oci.image_manifest(ref)
}

test_offline_verify_fails if {
	result := ec.sigstore.verify_image(ref, {"ignore_rekor": true})
	result.success == false
	count(result.errors) == 1
}

test_mocked_blob if {
	ec.oci.blob(ref) == "mocked" with ec.oci.blob as "mocked"
}

test_mocked_then_data if {
	[ec.oci.blob(ref), data.d] == ["mocked", 1] with ec.oci.blob as "mocked" with data.d as 1
}

test_purl if {
	ec.purl.parse("pkg:npm/left-pad@1.3.0").name == "left-pad"
}
`,
  });
  const results = await runPolicyTests({ paths: ['e'], dataPaths: [], cwd: dir, cacheDir: join(dir, 'cache'), env, parallel: 1 });
  assert.deepEqual(
    results.map((r) => [r.test.name, r.outcome]),
    [
      'test_offline_blob_undefined',
      'test_offline_manifest_undefined',
      'test_offline_verify_fails',
      'test_mocked_blob',
      'test_mocked_then_data',
      'test_purl',
    ].map((n) => [n, 'PASS']),
  );
});

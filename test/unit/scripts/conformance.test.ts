// `npm run conformance`: outcomes read from the real `opa test --format json`, the differences between
// two runs, and the script end to end on a small repository, with the real opa standing in for
// `ec opa …` (ec embeds the OPA CLI; a two-line wrapper drops the `opa` subcommand name).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { defaultPaths, differences, parseOpaJson, report, type NamedOutcome } from '../../../scripts/conformance-lib.ts';
import { toolPath } from '../../support/tools.ts';

const run = promisify(execFile);
const root = new URL('../../../', import.meta.url).pathname;
const opa = toolPath('opa');

async function repo(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-conformance-'));
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  return dir;
}

const TESTS = `package p_test

import rego.v1

test_pass if true

test_fail if false

test_error if {
	f(1)
}

f(x) := 1 if x == 1

f(x) := 2 if x == 1

test_cases[c] if {
	some c in ["a", "b"]
}

todo_test_skip if false

test_extra_data if data.extra.on
`;

test('opa test --format json is read per test, a partial-object test per case', async () => {
  const dir = await repo({ 'policy/p_test.rego': TESTS });
  const { stdout } = await run(opa, ['test', '--format', 'json', 'policy'], { cwd: dir }).catch((e: { stdout: string }) => e);
  const outcomes = parseOpaJson(stdout);
  assert.deepEqual(Object.fromEntries(outcomes.map((o) => [o.name, o.outcome])), {
    'data.p_test.test_pass': 'PASS',
    'data.p_test.test_fail': 'FAIL',
    'data.p_test.test_error': 'ERROR',
    'data.p_test.test_cases[a]': 'PASS',
    'data.p_test.test_cases[b]': 'PASS',
    'data.p_test.todo_test_skip': 'SKIPPED',
    'data.p_test.test_extra_data': 'FAIL',
  });
  assert.equal(outcomes.find((o) => o.name === 'data.p_test.test_fail')?.where, 'policy/p_test.rego:7');
  assert.match(outcomes.find((o) => o.name === 'data.p_test.test_error')?.detail ?? '', /conflict/);
  assert.throws(() => parseOpaJson('{"not": "a list"}'));
});

test('differences: a test passing in one run only, or run in one only; the same non-pass in both is no difference', () => {
  const v: NamedOutcome[] = [
    { name: 'a', outcome: 'PASS' },
    { name: 'b', outcome: 'FAIL', detail: 'why' },
    { name: 'c', outcome: 'FAIL' },
    { name: 'd', outcome: 'ERROR' },
    { name: 'e', outcome: 'PASS' },
  ];
  const e: NamedOutcome[] = [
    { name: 'a', outcome: 'PASS' },
    { name: 'b', outcome: 'PASS' },
    { name: 'c', outcome: 'FAIL' },
    { name: 'd', outcome: 'FAIL' },
    { name: 'f', outcome: 'PASS' },
  ];
  assert.deepEqual(differences(v, e), [
    { name: 'b', vouch: 'FAIL', ec: 'PASS', detail: 'why' },
    { name: 'e', vouch: 'PASS', ec: 'MISSING' },
    { name: 'f', vouch: 'MISSING', ec: 'PASS' },
  ]);
  assert.match(
    report(v, e),
    /^vouch policy test: PASS 2\/5 \(FAIL 2, ERROR 1\)\nec opa test: {7}PASS 3\/5 \(FAIL 2\)\n\nPassing in ec, not in vouch \(2\):\n {2}b {2}vouch: FAIL, ec: PASS\n {6}why\n {2}f {2}vouch: MISSING, ec: PASS\n\nPassing in vouch, not in ec \(1\):\n {2}e {2}vouch: PASS, ec: MISSING\n$/,
  );
});

test('default paths follow the layout: conforma/policy as its CI runs it, else policy/, else the checkout', () => {
  const layout = (present: string[]) => defaultPaths((p) => present.includes(p));
  assert.deepEqual(layout(['policy', 'policy/lib', 'policy/release', 'example/data/rule_data.yml']), [
    'example/data/rule_data.yml',
    'policy/lib',
    'policy/release',
  ]);
  assert.deepEqual(layout(['policy', 'policy/lib', 'policy/release']), ['policy/lib', 'policy/release']);
  assert.deepEqual(layout(['policy']), ['policy']);
  assert.deepEqual(layout([]), ['.']);
});

test('npm run conformance prints both summaries and the tests that differ; exit 1 when they differ, 0 when they agree, 2 without a repository', async () => {
  const dir = await repo({ 'policy/p_test.rego': TESTS, 'extra/extra.json': '{"extra": {"on": true}}' });
  const bin = await mkdtemp(join(tmpdir(), 'vouch-fake-ec-'));
  const ec = join(bin, 'ec');
  // `ec opa test …` ⇒ `opa test …`: the real opa, reached as ec reaches its embedded copy.
  await writeFile(ec, `#!/bin/sh\nshift\nexec '${opa}' "$@"\n`);
  await chmod(ec, 0o755);
  const script = join(root, 'scripts', 'conformance.ts');
  const env = { ...process.env, OPA_PATH: opa, VOUCH_CACHE_DIR: join(dir, 'cache') };
  // --data reaches vouch only: test_extra_data passes in vouch and not in "ec".
  const differing = await run(process.execPath, [script, '--policy-repo', dir, '--ec', ec, '--data', join(dir, 'extra')], { env }).then(
    () => assert.fail('exit 0'),
    (e: { code: number; stdout: string }) => e,
  );
  assert.equal(differing.code, 1);
  assert.match(
    differing.stdout,
    /^vouch policy test: PASS 4\/7 \(FAIL 1, ERROR 1, SKIPPED 1\)\nec opa test: {7}PASS 3\/7 \(FAIL 2, ERROR 1, SKIPPED 1\)\n\nPassing in ec, not in vouch \(0\):\n\nPassing in vouch, not in ec \(1\):\n {2}data\.p_test\.test_extra_data {2}vouch: PASS, ec: FAIL {2}\(policy\/p_test\.rego:23\)\n$/,
  );
  const agreeing = await run(process.execPath, [script, '--policy-repo', dir, '--ec', ec], { env });
  assert.match(agreeing.stdout, /Passing in ec, not in vouch \(0\):\n\nPassing in vouch, not in ec \(0\):\n$/);
  const usage = await run(process.execPath, [script], { env }).then(
    () => assert.fail('exit 0'),
    (e: { code: number; stderr: string }) => e,
  );
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /^usage: npm run conformance -- --policy-repo DIR/);
});

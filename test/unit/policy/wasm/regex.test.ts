// Regular expressions from policy data, through a policy compiled by the real opa and evaluated as
// vouch evaluates it: Go's answers, in linear time, for a pattern that makes a backtracking engine
// run for hours. The evaluation runs in a child process so that a hang fails the test instead of
// blocking it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { InputError } from '../../../../src/errors.ts';
import { compilePolicy } from '../../../../src/policy/opa/compile.ts';
import { loadCompiledPolicy } from '../../../../src/policy/wasm/evaluate.ts';
import { toolPath } from '../../../support/tools.ts';

const run = promisify(execFile);
const evaluateModule = new URL('../../../../src/policy/wasm/evaluate.ts', import.meta.url).href;

// Every regex builtin with the pattern from data: the host's (replace, find_n, split) and the
// module's own RE2 (match, find_all_string_submatch_n).
const POLICY = `package regexes

import rego.v1

deny contains msg if {
\tsome p in data.patterns
\tmsg := sprintf("%s: replace=%q find=%v split=%v match=%v submatch=%v", [p, regex.replace(input.s, p, "#"), regex.find_n(p, input.s, -1), regex.split(p, input.s), regex.match(p, input.s), regex.find_all_string_submatch_n(p, input.s, -1)])
}
`;
const PATTERNS = ['(a+)+$', '(a|aa)+$', '(.*a){20}$', '^(\\w+\\s?)*$', '(?i)A+!', '(?P<x>a)(?P<y>!)', '\\Qa+\\E|[[:punct:]]\\z'];
const INPUT = { s: `${'a'.repeat(40)}!` };

async function opaMessages(dir: string): Promise<string[]> {
  const { stdout } = await run(toolPath('opa'), [
    'eval',
    '--format',
    'json',
    '-d',
    join(dir, 'regexes.rego'),
    '-d',
    join(dir, 'data.json'),
    '-i',
    join(dir, 'input.json'),
    'data.regexes.deny',
  ]);
  return (JSON.parse(stdout) as { result: { expressions: { value: string[] }[] }[] }).result[0]!.expressions[0]!.value.sort();
}

test('catastrophic patterns from policy data: the compiled policy answers as opa eval does, in well under a second', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-regex-'));
  await writeFile(join(dir, 'regexes.rego'), POLICY);
  await writeFile(join(dir, 'data.json'), JSON.stringify({ patterns: PATTERNS }));
  await writeFile(join(dir, 'input.json'), JSON.stringify(INPUT));
  const compiled = await compilePolicy([{ path: 'regexes.rego', text: POLICY }], { cacheDir: join(dir, 'cache'), env: process.env });
  await writeFile(join(dir, 'policy.wasm'), compiled.wasm);
  const script = `
    import { readFileSync } from 'node:fs';
    const { loadCompiledPolicy } = await import(${JSON.stringify(evaluateModule)});
    const wasm = readFileSync(${JSON.stringify(join(dir, 'policy.wasm'))});
    const policy = await loadCompiledPolicy({ wasm, entrypoints: ${JSON.stringify(compiled.entrypoints)}, opaVersion: '', key: '' }, { patterns: ${JSON.stringify(PATTERNS)} });
    const started = process.cpuUsage();
    const outcomes = policy.evaluate(${JSON.stringify(INPUT)});
    const cpu = process.cpuUsage(started);
    console.log(JSON.stringify({ ms: (cpu.user + cpu.system) / 1000, msgs: outcomes.flatMap((o) => o.results.map((r) => r.msg)) }));
  `;
  const child = await run(process.execPath, ['--input-type=module', '-e', script], { timeout: 300_000 }).catch((err: unknown) => {
    throw new Error(`evaluation did not finish within 300 s (a backtracking regular expression?): ${String(err)}`);
  });
  const { ms, msgs } = JSON.parse(child.stdout) as { ms: number; msgs: string[] };
  assert.deepEqual(msgs.sort(), await opaMessages(dir));
  assert.ok(ms < 1000, `evaluation took ${ms} ms of CPU`);
});

test("a pattern vouch cannot run with Go's results stops the evaluation with a typed error naming it", async () => {
  const text = 'package r\n\nimport rego.v1\n\ndeny contains "no" if {\n\tregex.replace("aa", data.p, "x") == "aa"\n}\n';
  const compiled = await compilePolicy([{ path: 'r.rego', text }], { cacheDir: await mkdtemp(join(tmpdir(), 'vouch-regex-')), env: process.env });
  const loaded = await loadCompiledPolicy(compiled, { p: '(a*)*' });
  assert.throws(
    () => loaded.evaluate({}),
    (e: unknown) => e instanceof InputError && e.code === 'POLICY_EVALUATION' && e.message.includes('not supported by vouch') && e.message.includes('(a*)*'),
  );
  // An invalid pattern is undefined, as in OPA: the rule simply does not fire.
  const invalid = await loadCompiledPolicy(compiled, { p: '(a)\\1' });
  assert.deepEqual(invalid.evaluate({})[0]!.results, []);
});

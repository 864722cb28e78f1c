// Differential: our Go sprintf and host builtins against the real `opa eval` on the same calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { hostBuiltins } from '../../../../src/policy/wasm/builtins.ts';
import { goSprintf } from '../../../../src/policy/wasm/sprintf.ts';
import { toolPath } from '../../../support/tools.ts';

const run = promisify(execFile);

async function opaEval(expr: string): Promise<unknown> {
  const { stdout } = await run(toolPath('opa'), ['eval', '--format', 'json', expr]);
  return (JSON.parse(stdout) as { result: { expressions: { value: unknown }[] }[] }).result[0]!.expressions[0]!.value;
}

const SPRINTF_CASES: [string, string][] = [
  ['%s and %v', '["a", 1]'],
  ['%q', '["quote \\"me\\""]'],
  ['%d items', '[42]'],
  ['%v', '[["x", "y"]]'],
  ['%v', '[{"k": "v", "a": [1, 2]}]'],
  ['%s', '[["x"]]'],
  ['%v %v', '[true, null]'],
  ['100%%', '[]'],
  ['%v', '[1.5]'],
  ['%5d|%-4s|', '[7, "ab"]'],
  ['%x', '[255]'],
];

test('Go sprintf matches opa eval', async () => {
  for (const [format, args] of SPRINTF_CASES) {
    const expected = await opaEval(`sprintf(${JSON.stringify(format)}, ${args})`);
    assert.equal(goSprintf(format, JSON.parse(args) as unknown[]), expected, `${format} ${args}`);
  }
});

test('host builtins match opa eval', async () => {
  const b = hostBuiltins(new Date('2026-01-01T00:00:00Z'));
  const cases: [string, unknown][] = [
    ['time.parse_rfc3339_ns("2026-05-06T07:08:09Z")', b['time.parse_rfc3339_ns']!('2026-05-06T07:08:09Z')],
    ['time.parse_ns("2006-01-02", "2025-12-31")', b['time.parse_ns']!('2006-01-02', '2025-12-31')],
    ['time.add_date(1767225600000000000, 0, 1, 1)', b['time.add_date']!(1767225600000000000, 0, 1, 1)],
    ['time.date(1767225600000000000)', b['time.date']!(1767225600000000000)],
    ['time.weekday(1767225600000000000)', b['time.weekday']!(1767225600000000000)],
    ['object.keys({"a": 1, "b": 2})', b['object.keys']!({ a: 1, b: 2 })],
    ['strings.any_prefix_match("abc", ["x", "ab"])', b['strings.any_prefix_match']!('abc', ['x', 'ab'])],
    ['strings.any_suffix_match(["abc"], "bc")', b['strings.any_suffix_match']!(['abc'], 'bc')],
    ['regex.replace("a1b22", "[0-9]+", "#")', b['regex.replace']!('a1b22', '[0-9]+', '#')],
    ['regex.find_n("[a-z]", "a1b2c3", 2)', b['regex.find_n']!('[a-z]', 'a1b2c3', 2)],
    ['semver.compare("1.2.3", "1.10.0")', b['semver.compare']!('1.2.3', '1.10.0')],
    ['semver.compare("1.0.0-alpha", "1.0.0")', b['semver.compare']!('1.0.0-alpha', '1.0.0')],
    ['semver.is_valid("1.2")', b['semver.is_valid']!('1.2')],
    ['json.patch({"a": {"b": 1}}, [{"op": "add", "path": "/a/c", "value": 2}, {"op": "remove", "path": "/a/b"}])', b['json.patch']!({ a: { b: 1 } }, [{ op: 'add', path: '/a/c', value: 2 }, { op: 'remove', path: '/a/b' }])],
  ];
  for (const [expr, ours] of cases) {
    let theirs = await opaEval(expr);
    // Sets come back from opa as arrays in JSON; order is not significant.
    if (expr.startsWith('object.keys')) theirs = [...(theirs as string[])].sort();
    assert.deepEqual(ours, theirs, expr);
  }
});

test('time.now_ns is the run clock, constant', () => {
  const b = hostBuiltins(new Date('2026-01-01T00:00:00Z'));
  assert.equal(b['time.now_ns']!(), 1767225600000000000);
  assert.equal(b['time.now_ns']!(), b['time.now_ns']!());
});

// The regular expressions behind `pattern`, `patternProperties` and format "regex" (vouch's RE2
// module): every pattern matches exactly as Go's regexp does (compared with the real `opa eval`
// regex.match, RE2), in linear time; what is not valid RE2 is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compilePattern } from '../../../../src/policy/builtins/json-schema/pattern.ts';
import { toolPath } from '../../../support/tools.ts';
import { withinCpu } from '../../../support/cpu-time.ts';

const run = promisify(execFile);

const PATTERNS = [
  '^a.c$',
  '^[a-z]+$',
  '\\d+',
  '^\\w+$',
  '^\\s$',
  '\\S',
  '\\W',
  '\\D',
  '^x{2}$',
  '^x{2,}$',
  '^x{1,3}$',
  'a{,2}',
  '^a?b??$',
  '^(ab)+?$'.replace('+?', '?'),
  '^[^a-z]$',
  '^[\\d.]+$',
  '^[a\\-z]$',
  '^[]a]$',
  '^[^]a]$',
  '^[[:alpha:]]+$',
  '^[[:digit:][:upper:]]+$',
  '\\Ahello\\z',
  '^\\x41\\x{1F600}$',
  '^\\pL+$',
  '^\\p{Lu}$',
  '^\\PL$',
  '(?i)^abc$',
  '(?s)^a.b$',
  '^a.b$',
  '\\bword\\b',
  'a\\Bb',
  '^(?P<n>x)y$',
  '^(?<n>x)y$',
  '^\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\\\$',
  '^[-+a-z0-9.]+/[-+a-z0-9.]+$',
  '^([a-z]{2})(-[A-Z]{2})?$',
  '^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}$',
  '^(oci://|git\\+)',
  '',
  '^$',
  '^\\t\\n\\r\\f\\v\\a$',
  '}',
  ']',
  '{',
  '^é+$',
  '^.$',
  '^[😀-😂]$',
  '^\\x{10FFFF}$',
  '(?:-[a-z]+)*',
  '^[a-z]+(?:-[a-z]+)*$',
  '(a|ab)*',
  '^(a|ab)*$',
  '(a+)+',
  '(?U)a*',
  '(?m)^a$',
  'a(?i)b',
  '\\Q.\\E',
  '\\pN\\p{Greek}',
  '[\\D]',
];
const SUBJECTS = [
  '',
  'a',
  'abc',
  'ABC',
  'aBc',
  'a\nc',
  'a\rc',
  'x',
  'xx',
  'xxx',
  'xxxx',
  'b',
  'ab',
  'abab',
  '1.2',
  'a-z',
  '-',
  ']',
  ']a',
  'hello',
  'hello\n',
  'A😀',
  'word',
  'a word here',
  'ab',
  'xy',
  '.*+?()[]{}|^$\\',
  'text/plain',
  'en',
  'en-US',
  'en-us',
  'urn:uuid:12345678-abcd',
  'oci://x',
  'git+x',
  'é',
  'éé',
  '😀',
  '😁',
  '\u{10FFFF}',
  '\t\n\r\f\v\u0007',
  ' ',
  '\u00a0',
  '\u2028',
  'K',
  '\u212a',
  'ſ',
  'S',
  's',
  'Σ',
  '}',
  '{',
  'a{,2}',
  'aB1',
  'Ünï',
  'x_1',
];

// Not valid RE2 (Go's regexp.Compile refuses each).
const REFUSED = ['(?=a)', '(?!a)', '(?<=a)b', '(a)\\1', 'a++', 'a**', '\\C', 'x{1001}', '[z-a]', '(', ')', '[a', 'a\\'];

test("every pattern matches exactly as Go's regexp does", async () => {
  const pairs = PATTERNS.flatMap((p) => SUBJECTS.map((s) => [p, s]));
  const dir = await mkdtemp(join(tmpdir(), 'vouch-pattern-'));
  try {
    await writeFile(join(dir, 'input.json'), JSON.stringify(pairs));
    await writeFile(join(dir, 't.rego'), 'package t\nimport rego.v1\nm[i] := regex.match(input[i][0], input[i][1]) if some i, _ in input\n');
    const { stdout } = await run(toolPath('opa'), ['eval', '--format', 'json', '-d', join(dir, 't.rego'), '-i', join(dir, 'input.json'), 'data.t.m'], {
      maxBuffer: 64 << 20,
    });
    const go = (JSON.parse(stdout) as { result: { expressions: { value: Record<string, boolean> }[] }[] }).result[0]!.expressions[0]!.value;
    const failures: string[] = [];
    pairs.forEach(([p, s], i) => {
      const compiled = compilePattern(p!);
      if (!compiled) failures.push(`refused ${JSON.stringify(p)}`);
      else if (compiled.test(s!) !== go[String(i)])
        failures.push(`${JSON.stringify(p)} on ${JSON.stringify(s)}: go ${String(go[String(i)])}, vouch ${compiled.test(s!)}`);
    });
    assert.deepEqual([...new Set(failures)], []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('what is not valid RE2 is refused', () => {
  for (const p of REFUSED) assert.equal(compilePattern(p), undefined, p);
});

test('no pattern backtracks on a hostile subject', () => {
  const subject = `${'a'.repeat(5000)}!`;
  for (const p of ['^(a|b)?a*$', '^(?:a?){30}a{30}$'.replace('{30}a', '?a'), '^([a-z]{2})(-[A-Z]{2})?$', '^[-+a-z0-9.]+/[-+a-z0-9.]+$']) {
    const compiled = compilePattern(p);
    assert.ok(compiled, p);
    withinCpu(1000, p, () => compiled.test(subject));
  }
});

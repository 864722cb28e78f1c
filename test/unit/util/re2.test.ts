// RE2 for patterns from policy data and identity flags: differential against the real `opa eval`
// (Go's regexp, what ec's OPA and cosign run) on a table of RE2 syntax, linear time on patterns
// that make a backtracking engine explode, and typed refusals.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Re2, Re2SyntaxError, Re2UnsupportedError, compileRe2 } from '../../../src/util/re2.ts';
import { opaAnswers, ourAnswer } from '../../support/regex-diff.ts';
import { assertLinear, withinCpu } from '../../support/cpu-time.ts';

const SUBJECTS = ['', 'abc', 'aXb\naxb\r\nAxB', 'Kk\u212a ſSs', 'straße STRASSE', 'αβγ ΑΒΓ σςΣ', '😀a😀bb', 'x_1 y-2 ü', 'sha256:abc123 sha512:FF'];

// prettier-ignore
const PATTERNS: [string, string][] = [
  // Inline flags: whole expression, scoped, turned off, and their effect across `|`.
  ['(?i)ax?b', '<$0>'], ['a(?i)x|b', '<$0>'], ['(?i:a)x', '<$0>'], ['(?i)a(?-i:x)b', '<$0>'], ['(?s)x.b', '<$0>'], ['x.b', '<$0>'],
  ['(?U)a.+b', '<$0>'], ['(?U)a.+?b', '<$0>'], ['(?m)^a', '<$0>'], ['(?m)b$', '<$0>'], ['(?m)^$', '<$0>'], ['^a|b$', '<$0>'], ['(?)a', '<$0>'],
  // Whole-text anchors, quoting, escapes.
  ['\\Aa', '<$0>'], ['b\\z', '<$0>'], ['\\Qa.b\\E', '<$0>'], ['\\Q(?i)a', '<$0>'], ['\\x41\\x{62}', '<$0>'], ['\\101', '<$0>'], ['\\0', '<$0>'], ['\\.\\-\\_', '<$0>'],
  // Classes: POSIX, Perl (ASCII), Unicode, edge cases.
  ['[[:alpha:]]+', '<$0>'], ['[[:^alpha:][:digit:]]+', '<$0>'], ['(?i)[[:upper:]]+', '<$0>'], ['\\w+', '<$0>'], ['\\W+', '<$0>'], ['\\s', '_'], ['\\d\\D', '<$0>'],
  ['\\pL+', '<$0>'], ['\\p{Greek}+', '<$0>'], ['\\PL+', '<$0>'], ['\\p{^L}', '_'], ['\\p{Lu}', '<$0>'], ['(?i)\\p{Lu}+', '<$0>'], ['\\pN', '<$0>'],
  ['[]a]', '<$0>'], ['[^]a]+', '<$0>'], ['[a-]+', '<$0>'], ['[\\d-z]+', '<$0>'], ['[^\\n]+', '<$0>'], ['[\\x{1F600}-\\x{1F64F}]', '<$0>'], ['.', '_'],
  // Case folding: Kelvin sign, long s, final sigma, sharp s.
  ['(?i)k', '_'], ['(?i)s', '_'], ['(?i)σ', '_'], ['(?i)straße', '<$0>'], ['(?i)[k-l]', '_'],
  // Named groups and replacement templates ($name, ${name}, $1x, $$).
  ['(?P<first>[a-z])(?<second>\\d)', '${second}${first}'], ['(?P<w>\\w+)', '[$w]'], ['(\\w)(\\w)', '$2$1'], ['(\\w)', '$1x|${1}x|$$1'],
  // Leftmost-first, not leftmost-longest; non-greedy.
  ['a|ab', '<$0>'], ['(a|ab)(c|bcd)', '<$1,$2>'], ['a+?', '<$0>'], ['a*?b', '<$0>'], ['x*', '-'], ['b*', '-'], ['', '-'],
  // Counted repetition, beyond V8's 16 copies; exact counts of a group.
  ['[a-f0-9]{3,40}', '<$0>'], ['(?:ab|a){1,20}', '<$0>'], ['(\\w){3}', '<$1>'], ['a{2}', '<$0>'], ['a{,2}', '<$0>'], ['a{01}', '<$0>'],
  // Word boundaries are ASCII.
  ['\\b\\w+\\b', '<$0>'], ['\\B', '|'],
  // Not RE2: backreferences, lookaround, comments, possessive and nested repetition, bad ranges and counts.
  ['(a)\\1', '_'], ['(?=a)', '_'], ['(?!a)', '_'], ['(?<=a)b', '_'], ['(?<!a)b', '_'], ['(?#c)', '_'], ['a++', '_'], ['a**', '_'], ['\\C', '_'], ['\\Z', '_'],
  ['[z-a]', '_'], ['x{1001}', '_'], ['(x{2}){501}', '_'], ['(', '_'], [')', '_'], ['[a', '_'], ['\\8', '_'], ['\\p{Old_Italic}', '_'], ['[[:foo:]]', '_'], ['(?P<n!>a)', '_'],
];

test('RE2 syntax and semantics match opa eval (Go regexp) on a table of patterns and subjects', async () => {
  const cases = PATTERNS.flatMap(([p, t]) => SUBJECTS.map((s) => ({ p, s, t })));
  const theirs = await opaAnswers(cases);
  assert.equal(theirs.length, cases.length);
  cases.forEach((c, i) => {
    const ours = ourAnswer(c);
    assert.ok(ours, `refused as unsupported: ${JSON.stringify(c.p)}`);
    assert.deepEqual(ours, theirs[i], `pattern ${JSON.stringify(c.p)} on ${JSON.stringify(c.s)} with ${JSON.stringify(c.t)}`);
  });
});

test("catastrophic backtracking patterns finish in linear time with Go's answers", async () => {
  const subject = `${'a'.repeat(40)}!`;
  const patterns = ['(a+)+$', '(a|aa)+$', '(a|a)*b', '(.*a){20}$', '^(\\w+\\s?)*$', '(x+x+)+y'];
  const cases = patterns.map((p) => ({ p, s: subject, t: '#' }));
  const theirs = await opaAnswers(cases);
  cases.forEach((c, i) => {
    withinCpu(5000, c.p, () => assert.deepEqual(ourAnswer(c), theirs[i], c.p));
  });
  // A long subject: time grows with it, never with 2^n.
  const big = `${'a'.repeat(200_000)}!`;
  assert.equal(compileRe2('(a+)+$').test(big), false);
  const re = compileRe2('(a+)+$');
  assertLinear(
    '(a+)+$ on a long subject',
    10_000,
    (n) => `${'a'.repeat(n)}!`,
    (s) => assert.equal(re.test(s), false),
  );
});

test("valid RE2 that JavaScript cannot run with Go's results is refused with a typed error, never approximated", () => {
  for (const p of ['(a*)*', '(|a)+', '^*', '(?:\\b)+', '(?m)^a\\z', '(a){20,30}']) {
    assert.throws(
      () => new Re2(p),
      (e: unknown) => e instanceof Re2UnsupportedError && e.code === 'RE2_UNSUPPORTED',
      p,
    );
  }
  // A group that an iteration may skip: Go keeps an earlier iteration's value, JavaScript clears it.
  const re = new Re2('(?:(a)|b)+');
  assert.equal(re.replaceAll('ab', '#'), '#');
  assert.throws(
    () => re.replaceAll('ab', '<$1>'),
    (e: unknown) => e instanceof Re2UnsupportedError,
  );
});

test("invalid patterns are Re2SyntaxError with Go's wording; compileRe2 caches refusals too", () => {
  assert.throws(
    () => compileRe2('(a)\\1'),
    (e: unknown) => e instanceof Re2SyntaxError && e.code === 'RE2_SYNTAX' && e.message === 'error parsing regexp: invalid escape sequence: `\\1`',
  );
  assert.throws(() => compileRe2('(a)\\1'), Re2SyntaxError);
  assert.equal(compileRe2('a+'), compileRe2('a+'));
});

test('huge patterns from data compile in bounded time or are refused with a typed error', () => {
  const patterns = [
    '(?i)' + 'a'.repeat(100_000),
    '[' + '[:alpha:]'.repeat(20_000) + ']',
    '[' + '[:'.repeat(30_000) + ']',
    '('.repeat(5000) + 'a' + ')'.repeat(5000),
    'a|'.repeat(100_000) + 'b',
    '\\pL|'.repeat(2000) + 'b',
    '(?P<n'.repeat(10_000),
  ];
  for (const p of patterns) {
    withinCpu(20_000, `${p.slice(0, 20)}…`, () => {
      try {
        new Re2(p).test('abc');
      } catch (err) {
        assert.ok(err instanceof Re2SyntaxError || err instanceof Re2UnsupportedError, String(err));
        assert.ok(err.message.length < 1000);
      }
    });
  }
});

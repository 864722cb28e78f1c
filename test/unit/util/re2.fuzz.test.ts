// Patterns come from policy data an attacker may write: any pattern is either refused with a typed
// error or gives Go's answers (checked against the real `opa eval`), and never takes more than
// linear time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../../src/errors.ts';
import { Re2 } from '../../../src/util/re2.ts';
import { fc, fuzz, fuzzParameters } from '../../support/fuzz.ts';
import { opaAnswers, ourAnswer, type RegexCase } from '../../support/regex-diff.ts';
import { cpuMs, withinCpu } from '../../support/cpu-time.ts';

const atom = fc.constantFrom(
  'a',
  'b',
  'K',
  'ſ',
  'é',
  '😀',
  '.',
  '\\d',
  '\\w',
  '\\s',
  '\\W',
  '\\b',
  '\\B',
  '^',
  '$',
  '\\A',
  '\\z',
  '[ab]',
  '[^a]',
  '[a-c]',
  '[]a]',
  '[\\d-]',
  '\\pL',
  '\\p{Lu}',
  '\\PL',
  '\\p{Greek}',
  '[[:alpha:]]',
  '[[:^space:]]',
  '\\x{1F600}',
  '\\n',
  '\\r',
  '\\Qa.\\E',
  '\\101',
  '(?:)',
  '\\.',
);
const quantifier = fc.constantFrom('*', '+', '?', '*?', '+?', '??', '{2}', '{0,2}', '{1,3}', '{2,}', '{0}', '{3,20}', '{17}', '{5}?');
const opener = fc.constantFrom('(', '(?:', '(?i)', '(?i:', '(?s:', '(?m:', '(?U)', '(?P<n>', '(?-i:');
const pattern: fc.Arbitrary<string> = fc.letrec<{ p: string }>((tie) => ({
  p: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc.tuple(tie('p'), tie('p')).map(([a, b]) => a + b),
    fc.tuple(tie('p'), tie('p')).map(([a, b]) => `${a}|${b}`),
    fc.tuple(opener, tie('p')).map(([o, a]) => `${o}${a})`),
    fc.tuple(tie('p'), quantifier).map(([a, q]) => `(?:${a})${q}`),
  ),
})).p;
/** Raw metacharacter soup: exercises the parser's acceptance rules. */
const soup = fc
  .array(
    fc.constantFrom('a', '(', ')', '[', ']', '*', '+', '?', '{', '}', '1', ',', '\\', '^', '$', '|', '-', ':', 'P', '<', '>', 'i', 'Q', 'E', 'x', 'p', '.'),
    { maxLength: 10 },
  )
  .map((a) => a.join(''));
const subject = fc
  .array(fc.constantFrom('a', 'b', 'A', 'K', '\u212a', 'ſ', 's', '\n', '\r', '😀', ' ', '-', '_', '1', '.', '\u2028', 'é'), { maxLength: 12 })
  .map((a) => a.join(''));
const template = fc.constantFrom('<$0>', '[$1]', '${n}x', '$$', '$1a', '#');

test('generated patterns: refused as unsupported, or the same answers as opa eval', async () => {
  const { numRuns, seed } = fuzzParameters();
  const cases: RegexCase[] = fc.sample(fc.record({ p: fc.oneof(pattern, soup), s: subject, t: template }), { numRuns: (numRuns ?? 200) * 3, seed });
  const theirs = await opaAnswers(cases);
  let compared = 0;
  cases.forEach((c, i) => {
    const ours = ourAnswer(c);
    if (ours === undefined) return;
    compared++;
    // A replacement refused because it names a group an iteration may skip is not an answer.
    const expected = ours.replace === null && ours.valid ? { ...theirs[i]!, replace: null } : theirs[i];
    assert.deepEqual(ours, expected, `pattern ${JSON.stringify(c.p)} on ${JSON.stringify(c.s)} with ${JSON.stringify(c.t)}`);
  });
  assert.ok(compared > cases.length * 0.8, `only ${compared} of ${cases.length} patterns were supported`);
});

test('any pattern: a typed error or a matcher whose time grows linearly with the subject', () => {
  const subjectOf = (n: number): string => `${'a'.repeat(n)}\n${'ab'.repeat(n / 2)}!`;
  const compiled: Re2[] = [];
  fuzz(
    fc.property(fc.oneof(pattern, soup, fc.string({ maxLength: 30 })), (p) => {
      let re: Re2;
      try {
        re = new Re2(p);
      } catch (err) {
        assert.ok(err instanceof InputError, `untyped error for ${JSON.stringify(p)}: ${String(err)}`);
        return;
      }
      withinCpu(10_000, `${JSON.stringify(p)} on 2k characters`, () => re.findAll(subjectOf(1000), -1));
      compiled.push(re);
    }),
  );
  // Over all patterns together (single timings are noisy): four times the text, about four times the time.
  const total = (n: number): number =>
    cpuMs(() => {
      for (const re of compiled) re.split(subjectOf(n), -1);
    }).ms;
  total(250);
  const ratio = total(2000) / total(500);
  assert.ok(ratio < 10, `time grew ${ratio.toFixed(1)}× for 4× the text`);
});

// semver.*, strings.any_prefix_match/any_suffix_match and json.patch against the real `opa eval`,
// bad arguments included (undefined there, undefined here).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { disagreements, hostAnswer, type Case } from './differential.ts';

const versions = [
  '1.2.3',
  'v1.2.3',
  '1.2',
  '1.2.3.4',
  '1.2.3-alpha',
  '1.2.3-alpha.1',
  '1.2.3-alpha.beta',
  '1.2.3-rc.1+build.5',
  '1.2.3+build',
  '1.2.3-a..b',
  '1.2.3-ü',
  '1.0.0-alpha',
  '1.0.0-alpha.1',
  '1.0.0-alpha.beta',
  '1.0.0-beta',
  '1.0.0-beta.2',
  '1.0.0-beta.11',
  '1.0.0-rc.1',
  '1.0.0',
  '2.0.0',
  '1.10.0',
  '1.9.9',
  '9223372036854775807.0.0',
  '9223372036854775808.0.0',
  '',
  'x.y.z',
  '-1.2.3',
  ' 1.2.3',
  '1.0.0-99999999999999999999',
];

const cases = (): Case[] => {
  const out: Case[] = [];
  for (const v of versions) out.push({ builtin: 'semver.is_valid', args: [v] });
  out.push({ builtin: 'semver.is_valid', args: [123] }, { builtin: 'semver.is_valid', args: [null] });
  for (const a of versions.slice(0, 28)) for (const b of versions.slice(11, 28)) out.push({ builtin: 'semver.compare', args: [a, b] });
  out.push({ builtin: 'semver.compare', args: ['1.2.3', 4] });
  const affixes: [unknown, unknown][] = [
    ['abc', 'ab'],
    ['abc', 'bc'],
    ['abc', ''],
    ['', ''],
    ['abc', ['x', 'ab']],
    [['abc', 'xyz'], 'xy'],
    [[], 'a'],
    ['a', []],
    [['日本語'], '日本'],
    [['日本語'], '語'],
    ['abc', ['x', 1]],
    [['abc', 2], 'a'],
    [1, 'a'],
    ['a', null],
    [{ a: 1 }, 'a'],
  ];
  for (const [s, a] of affixes) out.push({ builtin: 'strings.any_prefix_match', args: [s, a] }, { builtin: 'strings.any_suffix_match', args: [s, a] });
  const doc = { a: { b: [1, 2, { c: 3 }], 'x/y': 1, 'm~n': 2 }, l: ['p', 'q', 'r'] };
  const patches: unknown[][] = [
    [],
    [{ op: 'add', path: '/a/d', value: 4 }],
    [{ op: 'add', path: '/a/b/1', value: 9 }],
    [{ op: 'add', path: '/a/b/-', value: 9 }],
    [{ op: 'add', path: '/a/b/3', value: 9 }],
    [{ op: 'add', path: '/a/b/4', value: 9 }],
    [{ op: 'add', path: '/a/b/01', value: 9 }],
    [{ op: 'add', path: '/a/b/+1', value: 9 }],
    [{ op: 'add', path: '/a/b/-1', value: 9 }],
    [{ op: 'remove', path: '/a/b/0' }],
    [{ op: 'remove', path: '/a/z' }],
    [{ op: 'replace', path: '/l/2', value: 'R' }],
    [{ op: 'replace', path: '/a/z', value: 1 }],
    [{ op: 'move', from: '/a/b', path: '/moved' }],
    [{ op: 'copy', from: '/l', path: '/a/copy' }],
    [{ op: 'test', path: '/a/b/0', value: 1 }],
    [{ op: 'test', path: '/a/b/0', value: 2 }],
    [{ op: 'add', path: '/a/x~1y', value: 'slash' }],
    [{ op: 'remove', path: '/a/m~0n' }],
    [{ op: 'add', path: '', value: { whole: true } }],
    [{ op: 'add', path: '///a/q', value: 1 }],
    [{ op: 'add', path: ['a', 'seg'], value: 1 }],
    [{ op: 'add', path: ['l', 1], value: 'i' }],
    [{ op: 'add', path: '/a/b/2/c/d', value: 1 }],
    [{ op: 'bogus', path: '/a' }],
    [{ path: '/a' }],
    [{ op: 'add', value: 1 }],
    [{ op: 'add', path: '/a/new' }],
    [{ op: 'move', path: '/a/q' }],
    ['not an object'],
    [{ op: 1, path: '/a' }],
    [
      { op: 'add', path: '/l/0', value: 'new' },
      { op: 'add', path: '/l/1/x', value: 1 },
    ],
    [
      { op: 'remove', path: '/l/0' },
      { op: 'replace', path: '/l/0', value: 'Q' },
    ],
    [
      { op: 'remove', path: '/a' },
      { op: 'add', path: '/a', value: 1 },
    ],
    [
      { op: 'remove', path: '' },
      { op: 'add', path: '', value: 'back' },
    ],
  ];
  for (const p of patches) out.push({ builtin: 'json.patch', args: [doc, p] });
  out.push({ builtin: 'json.patch', args: [doc, 'not an array'] }, { builtin: 'json.patch', args: [5, [{ op: 'add', path: '/x', value: 1 }]] });
  return out;
};

// ec pins OPA v1.15.2, whose semver parser takes what v1.22 (the tests' opa) refuses: a leading
// zero ("01.2.3", pre-release "-01") and an empty pre-release or build part ("1.2.3-", "1.2.3+").
// For those the differential cannot speak; the expectations below follow v1.15.2's source.
const ecOnly: [Case, unknown][] = [
  [{ builtin: 'semver.is_valid', args: ['01.2.3'] }, true],
  [{ builtin: 'semver.is_valid', args: ['1.2.3-01'] }, true],
  [{ builtin: 'semver.is_valid', args: ['1.2.3-'] }, true],
  [{ builtin: 'semver.is_valid', args: ['1.2.3+'] }, true],
  [{ builtin: 'semver.compare', args: ['1.2.3-', '1.2.3'] }, 0],
  // Go never returns when all identifiers compare equal but the texts differ (01 against 1, or two
  // numbers past int64, which both read as MaxInt64): v1.15.2 and v1.22 alike spin. vouch: undefined.
  [{ builtin: 'semver.compare', args: ['1.0.0-01', '1.0.0-1'] }, undefined],
  [{ builtin: 'semver.compare', args: ['1.0.0-99999999999999999999', '1.0.0-99999999999999999998'] }, undefined],
  // Removing the whole document leaves OPA's edit tree with nothing to render: Go dereferences nil
  // and `opa eval` panics. vouch: undefined.
  [{ builtin: 'json.patch', args: [{ a: 1 }, [{ op: 'remove', path: '' }]] }, undefined],
];

test('semver, strings.any_*_match and json.patch answer as opa eval (Go topdown) does', async () => {
  assert.deepEqual(await disagreements(cases()), []);
});

test("semver follows ec's OPA v1.15.2 where v1.22 differs, and what Go cannot answer is undefined", () => {
  for (const [c, expected] of ecOnly) assert.deepEqual(hostAnswer(c), expected, JSON.stringify(c));
});

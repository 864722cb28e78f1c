import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFlags, splitSlice, type FlagTable } from '../../../src/config/flags.ts';
import { InputError } from '../../../src/errors.ts';

const specs = {
  image: { short: 'i', kind: 'string', help: '' },
  strict: { short: 's', kind: 'bool', help: '', default: true },
  output: { kind: 'slice', help: '' },
} as const satisfies FlagTable;

test('parses cobra-style flags: =value, separate value, short flags, booleans and slices', () => {
  const p = parseFlags(['--image=a:1', '-i', 'b:2', '--strict=false', '--output', 'json,yaml=out.yaml', '--output=text'], specs);
  assert.equal(p.values.image, 'b:2');
  assert.equal(p.values.strict, false);
  assert.deepEqual(p.values.output, ['json', 'yaml=out.yaml', 'text']);
  assert.ok(p.given.has('image') && p.given.has('strict'));
});

test('booleans default as registered and flip with a bare flag', () => {
  assert.equal(parseFlags([], specs).values.strict, true);
  assert.equal(parseFlags(['-s'], specs).values.strict, true);
});

test('an unknown flag is a bad-input error that suggests the close one', () => {
  assert.throws(
    () => parseFlags(['--imag', 'x'], specs),
    (err: unknown) => err instanceof InputError && err.code === 'UNKNOWN_FLAG' && /--image/.test(err.message) && err.exitCode === 2,
  );
});

test('a string flag without its value names the flag', () => {
  assert.throws(() => parseFlags(['--image'], specs), /--image needs a value/);
});

test('a bad boolean value is rejected', () => {
  assert.throws(() => parseFlags(['--strict=maybe'], specs), /expected true or false/);
});

test('slices split on commas but keep quoted commas', () => {
  assert.deepEqual(splitSlice('a=1,"b=2,3",c'), ['a=1', 'b=2,3', 'c']);
});

// Each row was checked with ec v0.9.115 (`validate image --extra-rule-data=<value>`, report.policy
// ruleData or ec's error; the last two and the line-break rows against Go 1.26's encoding/csv itself):
// pflag reads a StringSlice value as one record of Go's encoding/csv.
test("slices are read as pflag reads a StringSlice: one CSV record of Go's encoding/csv", () => {
  const read: [string, string[]][] = [
    ['', []],
    ['a=1,b=2', ['a=1', 'b=2']],
    ['"a=x,y"', ['a=x,y']],
    ['"a=x""y"', ['a=x"y']],
    ['a=1,', ['a=1', '']],
    [',a=1', ['', 'a=1']],
    ['a=1, b=2', ['a=1', ' b=2']],
    ['a=1\nb=2', ['a=1']],
    ['\na=1', ['a=1']],
    ['"a=1\nb"', ['a=1\nb']],
    ['a=1\r\n', ['a=1']],
    ['"a={""k"": 1}"', ['a={"k": 1}']],
  ];
  for (const [value, fields] of read) assert.deepEqual(splitSlice(value, 'extra-rule-data'), fields, JSON.stringify(value));
  const refused: [string, string][] = [
    ['a="x"', 'invalid argument "a=\\"x\\"" for "--extra-rule-data" flag: parse error on line 1, column 3: bare " in non-quoted-field'],
    ['"a=1', 'invalid argument "\\"a=1" for "--extra-rule-data" flag: parse error on line 1, column 5: extraneous or missing " in quoted-field'],
    ['"a=1"b', 'invalid argument "\\"a=1\\"b" for "--extra-rule-data" flag: parse error on line 1, column 5: extraneous or missing " in quoted-field'],
    ['a={"k": 1}', 'invalid argument "a={\\"k\\": 1}" for "--extra-rule-data" flag: parse error on line 1, column 4: bare " in non-quoted-field'],
    [' "a=1"', 'invalid argument " \\"a=1\\"" for "--extra-rule-data" flag: parse error on line 1, column 2: bare " in non-quoted-field'],
    [
      '\n"a\nb"c',
      'invalid argument "\\n\\"a\\nb\\"c" for "--extra-rule-data" flag: record on line 2; parse error on line 3, column 2: extraneous or missing " in quoted-field',
    ],
    ['é"', 'invalid argument "é\\"" for "--extra-rule-data" flag: parse error on line 1, column 3: bare " in non-quoted-field'],
  ];
  for (const [value, message] of refused) {
    assert.throws(
      () => parseFlags([`--extra-rule-data=${value}`], { 'extra-rule-data': { kind: 'slice', help: '' } }),
      (e: unknown) => e instanceof InputError && e.code === 'INVALID_FLAG_VALUE' && e.message === message,
      JSON.stringify(value),
    );
  }
});

test('a boolean value that names an Object.prototype member is an error, not a non-strict run', () => {
  for (const v of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    assert.throws(
      () => parseFlags([`--strict=${v}`], specs),
      (err: unknown) => err instanceof InputError && err.code === 'INVALID_FLAG_VALUE',
      v,
    );
  }
  assert.equal(parseFlags(['--strict=F'], specs).values.strict, false, "strconv.ParseBool's F");
});

test('boolean shorthands combine as in pflag: -sX is -s -X, never -s=X', () => {
  const both = { ...specs, debug: { short: 'd', kind: 'bool', help: '', default: false } } as const satisfies FlagTable;
  const p = parseFlags(['-sd'], both);
  assert.equal(p.values.strict, true);
  assert.equal(p.values.debug, true);
  assert.throws(() => parseFlags(['-s0'], both), /unknown flag: -0/);
  assert.equal(parseFlags(['-s=false'], both).values.strict, false);
});

test("each value has its flag kind's type; an undeclared name does not compile", () => {
  const { values } = parseFlags(['--image', 'x'], specs);
  const image: string = values.image;
  const strict: boolean = values.strict;
  const output: string[] = values.output;
  assert.deepEqual([image, strict, output], ['x', true, []]);
  // @ts-expect-error -- a typo in a flag name is a compile error, not a silent ''
  assert.equal(values.imag, undefined);
  // @ts-expect-error -- a boolean flag is not read as a string
  const wrong: string = values.strict;
  assert.equal(wrong, true);
});

test('the values record has no prototype: a flag named like an Object member reads nothing inherited', () => {
  const { values } = parseFlags([], specs);
  assert.equal(Object.getPrototypeOf(values), null);
  assert.deepEqual(Object.keys(values), ['image', 'strict', 'output']);
});

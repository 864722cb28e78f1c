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

test('a boolean value that names an Object.prototype member is an error, not a non-strict run', () => {
  for (const v of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
    assert.throws(() => parseFlags([`--strict=${v}`], specs), (err: unknown) => err instanceof InputError && err.code === 'INVALID_FLAG_VALUE', v);
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

test('each value has its flag kind\'s type; an undeclared name does not compile', () => {
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

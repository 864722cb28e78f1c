import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getBool, getSlice, getString, parseFlags, splitSlice, type FlagSpec } from '../../../src/config/flags.ts';
import { InputError } from '../../../src/errors.ts';

const specs: FlagSpec[] = [
  { name: 'image', short: 'i', kind: 'string', help: '' },
  { name: 'strict', short: 's', kind: 'bool', help: '', default: true },
  { name: 'output', kind: 'slice', help: '' },
];

test('parses cobra-style flags: =value, separate value, short flags, booleans and slices', () => {
  const p = parseFlags(['--image=a:1', '-i', 'b:2', '--strict=false', '--output', 'json,yaml=out.yaml', '--output=text'], specs);
  assert.equal(getString(p, 'image'), 'b:2');
  assert.equal(getBool(p, 'strict'), false);
  assert.deepEqual(getSlice(p, 'output'), ['json', 'yaml=out.yaml', 'text']);
  assert.ok(p.given.has('image') && p.given.has('strict'));
});

test('booleans default as registered and flip with a bare flag', () => {
  assert.equal(getBool(parseFlags([], specs), 'strict'), true);
  assert.equal(getBool(parseFlags(['-s'], specs), 'strict'), true);
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
  assert.equal(getBool(parseFlags(['--strict=F'], specs), 'strict'), false, "strconv.ParseBool's F");
});

test('boolean shorthands combine as in pflag: -sX is -s -X, never -s=X', () => {
  const both: FlagSpec[] = [...specs, { name: 'debug', short: 'd', kind: 'bool', help: '', default: false }];
  const p = parseFlags(['-sd'], both);
  assert.equal(getBool(p, 'strict'), true);
  assert.equal(getBool(p, 'debug'), true);
  assert.throws(() => parseFlags(['-s0'], both), /unknown flag: -0/);
  assert.equal(getBool(parseFlags(['-s=false'], both), 'strict'), false);
});

// Flags reach vouch from pipelines, Tekton params and Action inputs: any argument list parses or is
// refused with a typed input error; values round-trip in every form (`--f=v`, `--f v`, `-f v`),
// also when they look like options; the last string flag wins; booleans are booleans.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { getBool, getSlice, getString, parseFlags, splitSlice, type FlagSpec } from '../../../src/config/flags.ts';
import { VALIDATE_IMAGE_FLAGS } from '../../../src/config/run-config.ts';
import { InputError } from '../../../src/errors.ts';
import { fc, fuzz } from '../../support/fuzz.ts';

const specs: FlagSpec[] = [
  { name: 'image', short: 'i', kind: 'string', help: '' },
  { name: 'strict', short: 's', kind: 'bool', help: '', default: true },
  { name: 'debug', short: 'd', kind: 'bool', help: '', default: false },
  { name: 'output', kind: 'slice', help: '' },
];

const tokens = fc.oneof(
  fc.string(),
  fc.constantFrom('--', '-', '--=', '---', '-i', '-s', '-sd', '-sfalse', '-s=false', '--strict', '--strict=', '--image', '--image=', '--output', '--output=', '-i=', '--__proto__', '--constructor', '--strict=constructor', '--strict=__proto__', '--strict=toString', '--strict=hasOwnProperty'),
  fc.tuple(fc.constantFrom('--image=', '--strict=', '--output=', '-i', '-s', '--', '-'), fc.string()).map(([a, b]) => a + b),
);

function tryParse(argv: string[], table: FlagSpec[] = specs): ReturnType<typeof parseFlags> | undefined {
  try {
    return parseFlags(argv, table);
  } catch (err) {
    assert.ok(err instanceof InputError, `untyped error for ${JSON.stringify(argv)}: ${String(err)}`);
    assert.equal(err.exitCode, 2);
    return undefined;
  }
}

test('any argument list parses or is refused with a typed error; booleans stay booleans', () => {
  fuzz(
    fc.property(fc.array(tokens, { maxLength: 8 }), (argv) => {
      const p = tryParse(argv);
      if (!p) return;
      for (const s of specs) {
        const v = p.values.get(s.name);
        if (s.kind === 'bool') assert.equal(typeof v, 'boolean', `${s.name} of ${JSON.stringify(argv)} is ${String(v)}`);
        if (s.kind === 'string') assert.ok(v === undefined || typeof v === 'string');
        if (s.kind === 'slice') assert.ok(v === undefined || (Array.isArray(v) && v.every((x) => typeof x === 'string')));
      }
    }),
  );
});

test('the real flag table: any argument list parses or is refused with a typed error', () => {
  const real = fc.oneof(tokens, fc.constantFrom(...VALIDATE_IMAGE_FLAGS.flatMap((f) => [`--${f.name}`, `--${f.name}=`, ...(f.short ? [`-${f.short}`] : [])])));
  fuzz(fc.property(fc.array(real, { maxLength: 8 }), (argv) => void tryParse(argv, VALIDATE_IMAGE_FLAGS)));
});

test('a string value round-trips in every form, also when it looks like an option', () => {
  const value = fc.oneof(fc.string(), fc.constantFrom('--strict', '-s', '--', '-', '--image=x', '=', '--output=json'));
  fuzz(
    fc.property(value, (v) => {
      for (const argv of [[`--image=${v}`], ['--image', v], ['-i', v], [`-i=${v}`]]) {
        assert.equal(getString(parseFlags(argv, specs), 'image'), v, JSON.stringify(argv));
      }
      if (v !== '' && !v.startsWith('=')) assert.equal(getString(parseFlags([`-i${v}`], specs), 'image'), v);
    }),
  );
});

test('the last of repeated string flags wins; repeated slices accumulate', () => {
  fuzz(
    fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), (values) => {
      const p = parseFlags(values.flatMap((v) => ['--image', v]), specs);
      assert.equal(getString(p, 'image'), values.at(-1));
      const q = parseFlags(values.map((v) => `--output=${v}`), specs);
      assert.deepEqual(getSlice(q, 'output'), values.flatMap((v) => splitSlice(v)));
    }),
  );
});

test('a boolean is true or false from strconv.ParseBool spellings only; anything else is an error', () => {
  const accepted = new Map([...['1', 't', 'T', 'TRUE', 'true', 'True'].map((k) => [k, true] as const), ...['0', 'f', 'F', 'FALSE', 'false', 'False'].map((k) => [k, false] as const)]);
  fuzz(
    fc.property(fc.oneof(fc.string(), fc.constantFrom(...accepted.keys(), 'constructor', '__proto__', 'toString', 'valueOf', 'yes', 'no')), (v) => {
      const p = tryParse([`--strict=${v}`]);
      assert.equal(p === undefined ? undefined : getBool(p, 'strict'), accepted.get(v), v);
    }),
  );
});

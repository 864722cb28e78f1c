// Flags reach vouch from pipelines, Tekton params and Action inputs: any argument list parses or is
// refused with a typed input error; values round-trip in every form (`--f=v`, `--f v`, `-f v`),
// also when they look like options; the last string flag wins; booleans are booleans.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFlags, splitSlice, type FlagTable } from '../../../src/config/flags.ts';
import { VALIDATE_IMAGE_FLAGS } from '../../../src/config/validate-image-flags.ts';
import { InputError } from '../../../src/errors.ts';
import { fc, fuzz } from '../../support/fuzz.ts';

const specs = {
  image: { short: 'i', kind: 'string', help: '' },
  strict: { short: 's', kind: 'bool', help: '', default: true },
  debug: { short: 'd', kind: 'bool', help: '', default: false },
  output: { kind: 'slice', help: '' },
} as const satisfies FlagTable;

const tokens = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '--',
    '-',
    '--=',
    '---',
    '-i',
    '-s',
    '-sd',
    '-sfalse',
    '-s=false',
    '--strict',
    '--strict=',
    '--image',
    '--image=',
    '--output',
    '--output=',
    '-i=',
    '--__proto__',
    '--constructor',
    '--strict=constructor',
    '--strict=__proto__',
    '--strict=toString',
    '--strict=hasOwnProperty',
  ),
  fc.tuple(fc.constantFrom('--image=', '--strict=', '--output=', '-i', '-s', '--', '-'), fc.string()).map(([a, b]) => a + b),
);

function tryParse<T extends FlagTable>(argv: string[], table: T): ReturnType<typeof parseFlags<T>> | undefined {
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
      const p = tryParse(argv, specs);
      if (!p) return;
      for (const [name, s] of Object.entries(specs)) {
        const v: unknown = p.values[name as keyof typeof specs];
        if (s.kind === 'bool') assert.equal(typeof v, 'boolean', `${name} of ${JSON.stringify(argv)} is ${String(v)}`);
        if (s.kind === 'string') assert.equal(typeof v, 'string');
        if (s.kind === 'slice') assert.ok(Array.isArray(v) && v.every((x) => typeof x === 'string'));
      }
    }),
  );
});

test('the real flag table: any argument list parses or is refused with a typed error', () => {
  const real = fc.oneof(
    tokens,
    fc.constantFrom(...Object.entries(VALIDATE_IMAGE_FLAGS).flatMap(([name, f]) => [`--${name}`, `--${name}=`, ...('short' in f ? [`-${f.short}`] : [])])),
  );
  fuzz(fc.property(fc.array(real, { maxLength: 8 }), (argv) => void tryParse(argv, VALIDATE_IMAGE_FLAGS)));
});

test('a string value round-trips in every form, also when it looks like an option', () => {
  const value = fc.oneof(fc.string(), fc.constantFrom('--strict', '-s', '--', '-', '--image=x', '=', '--output=json'));
  fuzz(
    fc.property(value, (v) => {
      for (const argv of [[`--image=${v}`], ['--image', v], ['-i', v], [`-i=${v}`]]) {
        assert.equal(parseFlags(argv, specs).values.image, v, JSON.stringify(argv));
      }
      if (v !== '' && !v.startsWith('=')) assert.equal(parseFlags([`-i${v}`], specs).values.image, v);
    }),
  );
});

test('the last of repeated string flags wins; repeated slices accumulate', () => {
  fuzz(
    fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 5 }), (values) => {
      const p = parseFlags(
        values.flatMap((v) => ['--image', v]),
        specs,
      );
      assert.equal(p.values.image, values.at(-1));
      // Each value is one CSV record (pflag): a malformed one is an error, as in ec.
      let expected: string[] | undefined;
      try {
        expected = values.flatMap((v) => splitSlice(v, 'output'));
      } catch {
        expected = undefined;
      }
      const args = values.map((v) => `--output=${v}`);
      if (expected === undefined)
        assert.throws(
          () => parseFlags(args, specs),
          (e: unknown) => e instanceof InputError && e.code === 'INVALID_FLAG_VALUE',
        );
      else assert.deepEqual(parseFlags(args, specs).values.output, expected);
    }),
  );
});

test('a boolean is true or false from strconv.ParseBool spellings only; anything else is an error', () => {
  const accepted = new Map([
    ...['1', 't', 'T', 'TRUE', 'true', 'True'].map((k) => [k, true] as const),
    ...['0', 'f', 'F', 'FALSE', 'false', 'False'].map((k) => [k, false] as const),
  ]);
  fuzz(
    fc.property(fc.oneof(fc.string(), fc.constantFrom(...accepted.keys(), 'constructor', '__proto__', 'toString', 'valueOf', 'yes', 'no')), (v) => {
      const p = tryParse([`--strict=${v}`], specs);
      assert.equal(p?.values.strict, accepted.get(v), v);
    }),
  );
});

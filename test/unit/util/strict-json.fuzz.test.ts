// The strict JSON parser against JSON.parse as the oracle: the same value when no two keys of an
// object fold together, a typed refusal otherwise, whatever the escapes; any text either parses or
// is refused with StrictJsonError, never another exception.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StrictJsonError, parseStrictJson } from '../../../src/util/strict-json.ts';
import { fc, fuzz } from '../../support/fuzz.ts';

// Keys from a small alphabet so that case variants (including Go's Kelvin sign and long s) collide often.
const key = fc.string({ unit: fc.constantFrom('a', 'A', 's', 'S', 'ſ', 'k', 'K', 'K', '"', '\\', 'é', 'É', '\u0000'), maxLength: 3 });
const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.array(fc.tuple(key, tie('value')), { maxLength: 4 }).map((entries) => Object.fromEntries(entries)),
  ),
}));

const fold = (k: string): string => k.toUpperCase().toLowerCase();

function hasFoldedDuplicate(v: unknown): boolean {
  if (Array.isArray(v)) return v.some(hasFoldedDuplicate);
  if (v === null || typeof v !== 'object') return false;
  const keys = Object.keys(v);
  return new Set(keys.map(fold)).size !== keys.length || Object.values(v).some(hasFoldedDuplicate);
}

/** JSON text of `v` whose keys have some characters written as \uXXXX escapes (chosen by `escape`). */
function serialise(v: unknown, escape: (i: number) => boolean, counter = { i: 0 }): string {
  if (Array.isArray(v)) return `[${v.map((x) => serialise(x, escape, counter)).join(',')}]`;
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  const entries = Object.entries(v).map(([k, x]) => {
    const quoted = [...k].map((c) => (escape(counter.i++) ? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}` : JSON.stringify(c).slice(1, -1))).join('');
    return `"${quoted}":${serialise(x, escape, counter)}`;
  });
  return `{${entries.join(',')}}`;
}

test('generated documents: the value JSON.parse gives, or a refusal exactly when two keys of an object fold together', () => {
  fuzz(
    fc.property(value, fc.func(fc.boolean()), (v, escapeFn) => {
      const text = serialise(v, (i) => escapeFn(i));
      if (hasFoldedDuplicate(v)) {
        assert.throws(
          () => parseStrictJson(text),
          (err: unknown) => err instanceof StrictJsonError && err.code === 'JSON_DUPLICATE_KEY',
        );
      } else {
        assert.deepEqual(parseStrictJson(text), JSON.parse(text));
      }
    }),
  );
});

test('a key written twice into any object of a document is refused', () => {
  fuzz(
    fc.property(value, fc.nat(), fc.boolean(), (v, pick, upper) => {
      const text = JSON.stringify(v);
      const objects = [...text.matchAll(/\{"((?:[^"\\]|\\.)*)":/g)];
      fc.pre(objects.length > 0);
      const m = objects[pick % objects.length]!;
      const again = upper ? JSON.stringify((JSON.parse(`"${m[1]!}"`) as string).toUpperCase()) : `"${m[1]!}"`;
      const forged = `${text.slice(0, m.index + 1)}${again}:0,${text.slice(m.index + 1)}`;
      assert.throws(
        () => parseStrictJson(forged),
        (err: unknown) => err instanceof StrictJsonError && err.code === 'JSON_DUPLICATE_KEY',
        forged,
      );
    }),
  );
});

test('any text parses to what JSON.parse gives or is refused with StrictJsonError only', () => {
  const jsonish = fc.string({
    unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '\\', 'u', '0', 'a', 'A', ' ', 'n', 'ull', 'true', '1', 'e', '-', '.'),
    maxLength: 40,
  });
  fuzz(
    fc.property(fc.oneof(jsonish, fc.string(), fc.string({ unit: 'binary' })), (text) => {
      let expected: unknown;
      let valid = true;
      try {
        expected = JSON.parse(text);
      } catch {
        valid = false;
      }
      try {
        assert.deepEqual(parseStrictJson(text), expected);
        assert.ok(valid, 'accepted what JSON.parse refuses');
      } catch (err) {
        if (err instanceof assert.AssertionError) throw err;
        assert.ok(err instanceof StrictJsonError, `untyped ${String(err)} for ${JSON.stringify(text)}`);
        if (!valid) assert.equal(err.code, 'JSON_INVALID');
      }
    }),
  );
});

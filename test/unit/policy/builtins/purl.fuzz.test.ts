// Purls come from SBOMs an attacker may write: ec.purl.* answer every string without throwing, in
// bounded time, and whatever parses has the shape packageurl-go guarantees (the differential against
// packageurl-go itself is purl.test.ts, over recorded answers).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { purlIsValid, purlParse } from '../../../../src/policy/builtins/purl.ts';
import { fc, fuzz } from '../../../support/fuzz.ts';
import { withinCpu } from '../../../support/cpu-time.ts';

const atom = fc
  .array(
    fc.constantFrom(
      'a',
      'B',
      '1',
      '.',
      '-',
      '_',
      '+',
      '%2F',
      '%40',
      '%25',
      '%2520',
      '%zz',
      '%C3%A4',
      '%FF',
      '%E2%82',
      ' ',
      '\u0130',
      '\u03a3',
      '\u212a',
      ':',
      '@',
      '/',
      '%',
      '\u{1F600}',
      '\u0000',
    ),
    { maxLength: 6 },
  )
  .map((a) => a.join(''));
const qualifier = fc.tuple(fc.constantFrom('a', 'A', 'channel', 'repository_url', '1k', '', 'k%3D', '_x'), atom).map(([k, v]) => `${k}=${v}`);
const purlLike = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc
    .record({
      prefix: fc.constantFrom('pkg:', 'pkg:/', 'pkg://', 'PKG:', 'pkg:///', ''),
      type: fc.constantFrom('npm', 'NPM', 'deb', 'rpm', 'conan', 'swift', 'cran', 'pypi', 'mlflow', 'huggingface', 'generic', '9x', 'k\u212aube', ''),
      namespace: fc.option(fc.array(atom, { maxLength: 2 }).map((a) => a.join('/'))),
      name: atom,
      version: fc.option(atom),
      qualifiers: fc.option(fc.array(fc.oneof(qualifier, fc.constantFrom('', 'x', 'a=1;b=2')), { maxLength: 4 }).map((a) => a.join('&'))),
      subpath: fc.option(fc.array(fc.oneof(atom, fc.constantFrom('.', '..', '')), { maxLength: 3 }).map((a) => a.join('/'))),
    })
    .map(
      (r) =>
        `${r.prefix}${r.type}/${r.namespace === null ? '' : `${r.namespace}/`}${r.name}${r.version === null ? '' : `@${r.version}`}${r.qualifiers === null ? '' : `?${r.qualifiers}`}${r.subpath === null ? '' : `#${r.subpath}`}`,
    ),
);

test("any string: is_valid agrees with parse, and a parse has packageurl-go's shape", () => {
  fuzz(
    fc.property(purlLike, (purl) => {
      const parsed = withinCpu(1000, JSON.stringify(purl).slice(0, 200), () => {
        const p = purlParse(purl);
        assert.equal(purlIsValid(purl), p !== undefined);
        return p;
      });
      if (!parsed) return;
      assert.match(parsed.type, /^[a-z.\-+][0-9a-z.\-+]*$/);
      assert.notEqual(parsed.name, '');
      const keys = parsed.qualifiers.map((q) => q.key);
      assert.deepEqual(keys, [...new Set(keys)].sort(), 'sorted, unique keys');
      for (const q of parsed.qualifiers) {
        assert.match(q.key, /^[a-z.\-_][0-9a-z.\-_]*$/);
        assert.notEqual(q.value, '');
      }
      assert.ok(!parsed.namespace.startsWith('/') && !parsed.namespace.endsWith('/'));
      assert.ok(!parsed.subpath.startsWith('/') && !parsed.subpath.endsWith('/'));
      for (const text of [parsed.namespace, parsed.name, parsed.version, parsed.subpath, ...parsed.qualifiers.map((q) => q.value)])
        assert.ok(text.isWellFormed());
    }),
  );
});

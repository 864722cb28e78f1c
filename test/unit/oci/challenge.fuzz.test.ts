// WWW-Authenticate headers are the registry's to write: any header gives a well-formed challenge or
// none, in linear time, and a challenge written by the grammar reads back exactly.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseChallenge } from '../../../src/oci/challenge.ts';
import { fc, fuzz } from '../../support/fuzz.ts';
import { withinCpu } from '../../support/cpu-time.ts';

/** Headers made of the grammar's own pieces, in any order: the edge cases of a hand-written scanner. */
const pieces = fc
  .array(
    fc.constantFrom('Bearer', 'Basic', 'Negotiate', 'realm', 'service', 'scope', '=', '"', '\\', ',', ' ', '\t', 'x', 'https://a/b', 'abc==', 'ЖЖ', '\u0000'),
    { maxLength: 40 },
  )
  .map((p) => p.join(''));
const header = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), pieces);

function checked(h: string) {
  const c = withinCpu(100, JSON.stringify(h).slice(0, 200), () => parseChallenge(h));
  if (c) {
    assert.ok(['bearer', 'basic'].includes(c.scheme));
    for (const v of [c.realm, c.service, c.scope]) assert.ok(v === undefined || typeof v === 'string');
  }
  return c;
}

test('any header gives a usable challenge or none, never an exception', () => {
  fuzz(fc.property(header, (h) => void checked(h)));
});

test('quoted parameters read back exactly, after any other challenges', () => {
  const quote = (s: string): string => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`;
  fuzz(
    fc.property(
      fc.string(),
      fc.string(),
      fc.constantFrom('', 'Negotiate, ', 'Negotiate abc==, ', 'Foo a=b, '),
      fc.constantFrom('Bearer', 'bearer', 'BEARER'),
      (realm, service, before, scheme) => {
        const c = checked(`${before}${scheme} realm=${quote(realm)}, service=${quote(service)}`);
        assert.deepEqual(c, { scheme: 'bearer', realm, service });
      },
    ),
  );
});

test('a parameter named twice makes the challenge ambiguous: none is answered', () => {
  fuzz(
    fc.property(fc.constantFrom('realm', 'REALM', 'service'), fc.string(), fc.string(), (name, a, b) => {
      assert.equal(checked(`Bearer ${name}=${JSON.stringify(a)}, ${name.toLowerCase()}=${JSON.stringify(b)}`), undefined);
    }),
  );
});

test('a header at the size limit (16 KiB) is parsed in linear time', () => {
  for (const h of [`Bearer realm="${'\\"'.repeat(8000)}`, `Bearer ${'a=b, '.repeat(4000)}`, `${'Basic, '.repeat(2300)}Bearer realm="x"`, ','.repeat(16_000)])
    checked(h);
});

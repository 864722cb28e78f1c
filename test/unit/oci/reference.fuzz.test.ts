// Image references come from snapshots and registries an attacker may write: any string either
// parses to a reference that formats back to itself, or is refused with a typed input error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../../src/errors.ts';
import { formatReference, parseReference } from '../../../src/oci/reference.ts';
import { fc, fuzz } from '../../support/fuzz.ts';

const referenceLike = fc.oneof(fc.string(), fc.stringMatching(/^[a-z0-9.:-]{0,12}\/[a-z0-9/._-]{0,20}(:[\w.-]{0,10})?(@sha256:[0-9a-f]{0,64})?$/));

test('any string parses to a reference or is refused with a typed error', () => {
  fuzz(
    fc.property(referenceLike, (text) => {
      let ref;
      try {
        ref = parseReference(text);
      } catch (err) {
        assert.ok(err instanceof InputError, `untyped error for ${JSON.stringify(text)}: ${String(err)}`);
        return;
      }
      assert.equal(parseReference(formatReference(ref)).repository, ref.repository);
    }),
  );
});

// Signed payloads: simple-signing claims and in-toto statements, generated and mutated from a real
// cosign statement (the production bundle in test/fixtures). The claim checks never throw untyped
// exceptions and never accept a payload that does not name the digest exactly once.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { assertSimpleSigningClaim, assertSubjectNamesDigest, decodeStatement, predicateBuildType } from '../../../src/sigstore/claims.ts';
import { SignatureRejected } from '../../../src/sigstore/errors.ts';
import { fc, fuzz } from '../../support/fuzz.ts';
import { applyEdit, byteEdit, jsonPaths, setAt } from '../../support/mutate.ts';

const bundle = JSON.parse(readFileSync(fileURLToPath(new URL('../../fixtures/cosign-bundle/oci-attestation.sigstore.json', import.meta.url)), 'utf8')) as {
  dsseEnvelope: { payload: string };
};
const statement = Buffer.from(bundle.dsseEnvelope.payload, 'base64');
const subjectHex = (JSON.parse(statement.toString()) as { subject: { digest: { sha256: string } }[] }).subject[0]!.digest.sha256;
const DIGEST = `sha256:${subjectHex}`;
const claim = Buffer.from(
  JSON.stringify({
    critical: { identity: { 'docker-reference': 'r' }, image: { 'docker-manifest-digest': DIGEST }, type: 'cosign container image signature' },
    optional: null,
  }),
);

const mutated = (original: Buffer): fc.Arbitrary<Buffer> =>
  fc.oneof(
    fc.array(byteEdit, { minLength: 1, maxLength: 3 }).map((edits) => edits.reduce((b, e) => applyEdit(b, e), original)),
    fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 2 })).map(([pick, v]) => {
      const json: unknown = JSON.parse(original.toString());
      const paths = jsonPaths(json);
      return Buffer.from(JSON.stringify(setAt(json, paths[pick % paths.length]!, v)));
    }),
    fc.uint8Array({ maxLength: 64 }).map((a) => Buffer.from(a)),
  );

test('the real statement and a claim naming the digest are accepted (the baseline)', () => {
  assertSubjectNamesDigest(decodeStatement(statement), DIGEST);
  assertSimpleSigningClaim(claim, DIGEST);
});

test('mutated statements: decoded with a subject list, or refused with SignatureRejected; the subject check and build type never throw untyped', () => {
  fuzz(
    fc.property(mutated(statement), (bytes) => {
      let s;
      try {
        s = decodeStatement(bytes);
      } catch (err) {
        assert.ok(err instanceof SignatureRejected, `untyped ${String(err)}`);
        return;
      }
      assert.ok(Array.isArray(s.subject));
      assert.equal(typeof s.predicateType, 'string');
      predicateBuildType(s);
      try {
        assertSubjectNamesDigest(s, DIGEST);
        assert.ok(bytes.toString().includes(subjectHex), 'accepted a statement that does not name the digest');
      } catch (err) {
        assert.ok(err instanceof SignatureRejected, `untyped ${String(err)}`);
      }
    }),
  );
});

test('mutated simple-signing claims: accepted only when they still name the digest, else SignatureRejected', () => {
  fuzz(
    fc.property(mutated(claim), (bytes) => {
      try {
        assertSimpleSigningClaim(bytes, DIGEST);
      } catch (err) {
        assert.ok(err instanceof SignatureRejected, `untyped ${String(err)}`);
        return;
      }
      const text = bytes.toString();
      assert.ok(text.includes(DIGEST), 'accepted a claim without the digest');
      assert.equal(text.split(DIGEST).length, 2, 'accepted a claim naming the digest more than once');
    }),
  );
});

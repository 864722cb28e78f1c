// Signed payloads with keys another reader could resolve differently are refused. The payloads are
// hand-made: cosign writes neither duplicate keys nor case variants (see test/e2e/keyless.test.ts
// for one signed by the real cosign).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertSimpleSigningClaim, decodeStatement } from '../../../src/sigstore/claims.ts';
import { SignatureRejected } from '../../../src/sigstore/errors.ts';

const DIGEST = `sha256:${'a'.repeat(64)}`;
const OTHER = `sha256:${'b'.repeat(64)}`;
const claim = (critical: string): Buffer => Buffer.from(`{"critical":${critical},"optional":null}`);
const image = (digest: string): string =>
  `{"identity":{"docker-reference":"r"},"image":{"docker-manifest-digest":"${digest}"},"type":"cosign container image signature"}`;

test('a simple-signing claim names the digest once: accepted; Go-style case variants of one key still match', () => {
  assertSimpleSigningClaim(claim(image(DIGEST)), DIGEST);
  assertSimpleSigningClaim(Buffer.from(`{"Critical":{"Image":{"Docker-manifest-digest":"${DIGEST}"}}}`), DIGEST);
});

test('two critical sections, or two digests differing only in case, are refused (vouch and Go would read different ones)', () => {
  const cases = [
    // vouch once read the first case variant, Go's decoder keeps the last: two verdicts on one payload.
    `{"critical":${image(DIGEST)},"Critical":${image(OTHER)}}`,
    `{"critical":${image(OTHER)},"Critical":${image(DIGEST)}}`,
    `{"critical":${image(DIGEST)},"critical":${image(OTHER)}}`,
    `{"critical":{"image":{"docker-manifest-digest":"${OTHER}","Docker-Manifest-Digest":"${DIGEST}"}}}`,
  ];
  for (const text of cases) {
    assert.throws(
      () => assertSimpleSigningClaim(Buffer.from(text), DIGEST),
      (err: unknown) => err instanceof SignatureRejected && /not simple-signing JSON: .*(duplicate key|differ only in case)/.test(err.message),
      text,
    );
  }
});

test('an in-toto statement with duplicate or case-variant keys at any depth is refused', () => {
  const subject = `[{"name":"x","digest":{"sha256":"${'a'.repeat(64)}"}}]`;
  assert.equal(
    decodeStatement(Buffer.from(`{"_type":"https://in-toto.io/Statement/v1","subject":${subject},"predicateType":"p","predicate":{}}`)).predicateType,
    'p',
  );
  for (const text of [
    `{"subject":${subject},"predicateType":"p","predicateType":"q","predicate":{}}`,
    `{"subject":${subject},"Subject":[],"predicateType":"p","predicate":{}}`,
    `{"subject":${subject},"predicateType":"p","predicate":{"buildType":"a","BuildType":"b"}}`,
  ]) {
    assert.throws(() => decodeStatement(Buffer.from(text)), /the attestation payload is not JSON: .*(duplicate key|differ only in case)/, text);
  }
  assert.throws(() => decodeStatement(Buffer.from('[1]')), /not an in-toto statement/);
});

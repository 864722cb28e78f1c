// Each rejected candidate keeps the code of the error behind it, with the words the report shows;
// what is not one candidate's — a registry that failed, the run's configuration or environment —
// is rethrown (exit 2/3 or an infrastructure error), never turned into a failed signature. The
// errors are the ones the verification raises; the candidates that raise them are the seam.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EnvironmentError, InputError } from '../../../src/errors.ts';
import { RegistryError } from '../../../src/oci/errors.ts';
import { verifyCandidates, type Candidate } from '../../../src/sigstore/candidates.ts';
import { MalformedSignatureError, SignatureRejected, belongsToRun } from '../../../src/sigstore/errors.ts';
import { PemError } from '../../../src/util/pem.ts';
import { StrictJsonError } from '../../../src/util/strict-json.ts';

const failing = (label: string, err: unknown): Candidate<string> => ({ label, verify: () => Promise.reject(err) });
const passing = (label: string): Candidate<string> => ({ label, verify: () => Promise.resolve(label) });

test("rejections carry codes and the words of the report; a candidate's label when there are several", async () => {
  const one = await verifyCandidates([failing('signature sha256:a', new SignatureRejected('IDENTITY_MISMATCH', 'none of the expected identities matched'))]);
  assert.deepEqual(one.errors, [{ code: 'IDENTITY_MISMATCH', message: 'none of the expected identities matched' }]);
  const several = await verifyCandidates([
    failing('bundle sha256:b', new MalformedSignatureError('the bundle is not a JSON object')),
    passing('signature sha256:c'),
    failing('signature sha256:d', new RegistryError('DIGEST_MISMATCH', 'the blob does not match its digest')),
    failing('signature sha256:e', new StrictJsonError('JSON_DUPLICATE_KEY', 'duplicate key "critical"')),
    failing('signature sha256:f', new TypeError('a bug')),
  ]);
  assert.deepEqual(several.verified, ['signature sha256:c']);
  assert.deepEqual(several.errors, [
    { code: 'MALFORMED_SIGNATURE', message: 'bundle sha256:b: the bundle is not a JSON object' },
    { code: 'DIGEST_MISMATCH', message: 'signature sha256:d: the blob does not match its digest' },
    { code: 'JSON_DUPLICATE_KEY', message: 'signature sha256:e: duplicate key "critical"' },
    { code: 'INTERNAL', message: 'signature sha256:f: a bug' },
  ]);
});

test("the run's configuration and environment errors, and a registry that failed, are rethrown, not rejections", async () => {
  const config = new InputError('INVALID_IDENTITY_REGEXP', '--certificate-identity-regexp "(": not valid');
  const environment = new EnvironmentError('TUF_FAILED', '--tuf-mirror: unreachable');
  const down = new RegistryError('UNREACHABLE', 'connection refused');
  for (const err of [config, environment, down]) {
    await assert.rejects(verifyCandidates([passing('signature sha256:a'), failing('signature sha256:b', err)]), (e) => e === err);
  }
});

test("what a signature brings is never the run's: malformed bytes, strict JSON and PEM refusals, registry answers", () => {
  for (const err of [
    new MalformedSignatureError('x'),
    new StrictJsonError('JSON_TOO_DEEP', 'x'),
    new PemError('x'),
    new RegistryError('NOT_FOUND', 'x'),
    new SignatureRejected('SCT_INVALID', 'x'),
  ]) {
    assert.equal(belongsToRun(err), false, err.code);
  }
  assert.equal(belongsToRun(new InputError('PUBLIC_KEY_INVALID', 'x')), true);
  assert.equal(belongsToRun(new EnvironmentError('TRUST_ROOT_MISSING', 'x')), true);
});

// VSA signing keys: PEM PKCS#8 keys made by openssl and node:crypto, encrypted ones opened with
// COSIGN_PASSWORD, cosign's own encrypted format refused with the way out; the DSSE envelope
// sigstore-js builds around vouch's signer verifies over the DSSE pre-authentication encoding with
// the key's public half (the real cosign checks the same envelopes in test/e2e/vsa.test.ts).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { generateKeyPairSync, verify } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { dsse } from '@sigstore/core';
import { InputError } from '../../../src/errors.ts';
import { signStatement } from '../../../src/sigstore/sign-dsse.ts';
import { loadSigningKey, parseSigningKey } from '../../../src/sigstore/sign-key.ts';
import { generateKeyPair } from '../../support/cosign.ts';

const run = promisify(execFile);
const dir = await mkdtemp(join(tmpdir(), 'vouch-sign-key-'));
after(() => rm(dir, { recursive: true, force: true }));

const refused =
  (code: string, ...fragments: string[]) =>
  (err: unknown): boolean =>
    err instanceof InputError && err.code === code && fragments.every((f) => err.message.includes(f)) && !err.message.includes('s3cret');

test('openssl PKCS#8 keys, plain and encrypted, sign envelopes that verify with their public key', async () => {
  await run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', join(dir, 'plain.key')]);
  await run('openssl', [
    'genpkey',
    '-algorithm',
    'EC',
    '-pkeyopt',
    'ec_paramgen_curve:P-384',
    '-aes-256-cbc',
    '-pass',
    'pass:s3cret',
    '-out',
    join(dir, 'enc.key'),
  ]);
  assert.match(await readFile(join(dir, 'enc.key'), 'utf8'), /BEGIN ENCRYPTED PRIVATE KEY/);
  for (const [file, password] of [
    ['plain.key', undefined],
    ['enc.key', 's3cret'],
  ] as const) {
    const key = await loadSigningKey(join(dir, file), password, '--vsa-signing-key');
    const payload = Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [], predicateType: 'x', predicate: {} }));
    const signed = await signStatement(payload, { kind: 'key', key });
    assert.equal(signed.envelope.payloadType, 'application/vnd.in-toto+json');
    assert.equal(Buffer.from(signed.envelope.payload, 'base64').toString(), payload.toString());
    const sig = Buffer.from(signed.envelope.signatures[0]!.sig, 'base64');
    const pae = dsse.preAuthEncoding(signed.envelope.payloadType, payload);
    assert.ok(verify(file === 'plain.key' ? 'sha256' : 'sha384', pae, key.publicKeyPem, sig), file);
    assert.ok(!verify('sha256', Buffer.concat([pae, Buffer.from('x')]), key.publicKeyPem, sig));
    // No Rekor named: no entry, no certificate; the bundle is v0.3 with the same envelope.
    assert.equal(signed.rekor, undefined);
    assert.equal(signed.certificatePem, undefined);
    assert.equal(signed.bundle.mediaType, 'application/vnd.dev.sigstore.bundle.v0.3+json');
    assert.deepEqual(signed.bundle.dsseEnvelope, signed.envelope);
  }
});

test('RSA and Ed25519 keys from node:crypto sign too', async () => {
  for (const pair of [generateKeyPairSync('rsa', { modulusLength: 2048 }), generateKeyPairSync('ed25519')]) {
    const key = parseSigningKey(pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), undefined, 'k');
    const signed = await signStatement(Buffer.from('{}'), { kind: 'key', key });
    const pae = dsse.preAuthEncoding('application/vnd.in-toto+json', Buffer.from('{}'));
    const hash = pair.privateKey.asymmetricKeyType === 'rsa' ? 'sha256' : null;
    assert.ok(verify(hash, pae, pair.publicKey, Buffer.from(signed.envelope.signatures[0]!.sig, 'base64')));
  }
});

test('a wrong or missing password, a cosign-encrypted key, a directory, a public key: clear errors, no secret shown', async () => {
  await assert.rejects(loadSigningKey(join(dir, 'enc.key'), 'wrong', '--vsa-signing-key'), refused('VSA_KEY_PASSWORD', 'COSIGN_PASSWORD', 'wrong password'));
  await assert.rejects(loadSigningKey(join(dir, 'enc.key'), undefined, '--vsa-signing-key'), refused('VSA_KEY_PASSWORD', 'set COSIGN_PASSWORD'));
  const cosignKey = await generateKeyPair(dir, 'cosign');
  await assert.rejects(
    loadSigningKey(cosignKey.key, '', '--vsa-signing-key'),
    refused('VSA_KEY_COSIGN_FORMAT', 'ENCRYPTED SIGSTORE PRIVATE KEY', 'openssl genpkey', 'cosign import-key-pair'),
  );
  await mkdir(join(dir, 'keydir'));
  await assert.rejects(loadSigningKey(join(dir, 'keydir'), undefined, '--vsa-signing-key'), refused('VSA_KEY_INVALID', '--vsa-signing-key', 'is a directory'));
  await assert.rejects(loadSigningKey(cosignKey.pub, undefined, '--vsa-signing-key'), refused('VSA_KEY_INVALID', 'holds no PEM private key', 'PUBLIC KEY'));
  assert.throws(
    () => parseSigningKey('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', undefined, 'k'),
    refused('VSA_KEY_INVALID', 'not a valid key'),
  );
  const small = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  assert.throws(() => parseSigningKey(small, undefined, 'k'), refused('VSA_KEY_UNSUPPORTED', 'secp256k1'));
});

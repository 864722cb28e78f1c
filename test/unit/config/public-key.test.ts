import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolvePublicKey } from '../../../src/config/public-key.ts';

function pem(kind: 'p256' | 'p384' | 'k256' | 'rsa' | 'ed25519'): string {
  const pair =
    kind === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : kind === 'ed25519'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('ec', { namedCurve: { p256: 'prime256v1', p384: 'secp384r1', k256: 'secp256k1' }[kind] });
  return pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
}

test('accepts inline PEM and files for P-256, P-384, RSA and Ed25519', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-key-'));
  for (const key of [pem('p256'), pem('p384'), pem('rsa'), pem('ed25519')]) {
    assert.equal(await resolvePublicKey(key, dir), key);
    await writeFile(join(dir, 'k.pub'), key);
    assert.equal(await resolvePublicKey('k.pub', dir), key);
  }
});

test('rejects private keys, garbage, unsupported curves and KMS references with the fix', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-key-'));
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  await assert.rejects(resolvePublicKey(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), dir), /private key; pass the public key/);
  await assert.rejects(resolvePublicKey('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n', dir), /not a PEM public key/);
  await assert.rejects(resolvePublicKey(pem('k256'), dir), /unsupported key type ec \(secp256k1\)/);
  await assert.rejects(resolvePublicKey('k8s://ns/secret', dir), /export the public key as PEM/);
  await assert.rejects(resolvePublicKey('missing.pub', dir), /cannot read the key file/);
});

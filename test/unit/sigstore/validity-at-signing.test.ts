// The explanation vouch adds when a certificate chain fails because of the validity window, on a
// real Fulcio certificate (cosign's production bundle in test/fixtures): ten minutes long.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { validityAtSigning } from '../../../src/sigstore/verify-entity.ts';

async function fulcioLeaf(): Promise<X509Certificate> {
  const path = fileURLToPath(new URL('../../fixtures/cosign-bundle/oci-attestation.sigstore.json', import.meta.url));
  const bundle = JSON.parse(await readFile(path, 'utf8')) as { verificationMaterial: { certificate: { rawBytes: string } } };
  return new X509Certificate(Buffer.from(bundle.verificationMaterial.certificate.rawBytes, 'base64'));
}

test('inside the window: no explanation (the chain failed for another reason)', async () => {
  const leaf = await fulcioLeaf();
  const middle = new Date((Date.parse(leaf.validFrom) + Date.parse(leaf.validTo)) / 2);
  assert.equal(validityAtSigning(leaf, [middle]), undefined);
  assert.equal(validityAtSigning(leaf, []), undefined);
});

test('after the window: expired when it signed, with both times', async () => {
  const leaf = await fulcioLeaf();
  const late = new Date(Date.parse(leaf.validTo) + 60_000);
  const msg = validityAtSigning(leaf, [late])!;
  assert.match(msg, /^the certificate was not valid at signing time: signed at /);
  assert.ok(msg.includes(late.toISOString()) && msg.includes(new Date(leaf.validTo).toISOString()), msg);
  assert.match(msg, /\(it had expired when it signed\)$/);
});

test('before the window: not yet valid when it signed', async () => {
  const leaf = await fulcioLeaf();
  assert.match(validityAtSigning(leaf, [new Date(Date.parse(leaf.validFrom) - 1000)])!, /\(it was not yet valid when it signed\)$/);
});

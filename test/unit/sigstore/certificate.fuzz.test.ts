// Certificates and PEM keys from signatures and flags, mutated: real Fulcio certificates (test/fixtures)
// with bytes flipped, cut or inserted, and real PEM keys edited. Reading them, and every check made
// on a certificate that still reads (identity, issuer, code signing, ec's metadata), throws typed
// errors only.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VouchError } from '../../../src/errors.ts';
import { assertCodeSigning, certificateIssuer, certificateSigner, subjectAlternativeNames } from '../../../src/sigstore/certificate.ts';
import { assertCertificateIdentity } from '../../../src/sigstore/identity.ts';
import { parsePublicKey } from '../../../src/sigstore/keys.ts';
import { parseSigningCertificate } from '../../../src/sigstore/signing-material.ts';
import { belongsToRun, SignatureRejected } from '../../../src/sigstore/errors.ts';
import { pemBlocks } from '../../../src/util/pem.ts';
import { fc, fuzz } from '../../support/fuzz.ts';
import { applyEdit, byteEdit } from '../../support/mutate.ts';

const fixtures = fileURLToPath(new URL('../../fixtures', import.meta.url));
const rawBytes = (path: string, pick: (m: Record<string, { rawBytes?: string; certificates?: { rawBytes: string }[] }>) => string): Buffer =>
  Buffer.from(
    pick(
      (JSON.parse(readFileSync(path, 'utf8')) as { verificationMaterial: Record<string, { rawBytes?: string; certificates?: { rawBytes: string }[] }> })
        .verificationMaterial,
    ),
    'base64',
  );
const certificates = [
  rawBytes(`${fixtures}/cosign-bundle/oci-attestation.sigstore.json`, (m) => m.certificate!.rawBytes!),
  rawBytes(`${fixtures}/sigstore-conformance/bundle-verify/happy-path-v0.1/bundle.sigstore.json`, (m) => m.x509CertificateChain!.certificates![0]!.rawBytes),
  rawBytes(
    `${fixtures}/sigstore-conformance/bundle-verify/bundle-with-root-cert_fail/bundle.sigstore.json`,
    (m) => m.x509CertificateChain!.certificates![1]!.rawBytes,
  ),
];

// Typed, and the signature's own failure: hostile bytes never stop the run (belongsToRun).
const typed = (err: unknown): boolean => (err instanceof VouchError || err instanceof SignatureRejected) && !belongsToRun(err);
const assertTyped = (fn: () => unknown): void => {
  try {
    fn();
  } catch (err) {
    assert.ok(typed(err), `untyped ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`);
  }
};

test('mutated certificate DER: parsed with one public key, or refused; checks on what parses throw typed errors only', () => {
  fuzz(
    fc.property(fc.nat({ max: certificates.length - 1 }), fc.array(byteEdit, { minLength: 1, maxLength: 3 }), (i, edits) => {
      const der = edits.reduce((b, e) => applyEdit(b, e), certificates[i]!);
      assertTyped(() => {
        const cert = parseSigningCertificate(der, 'the certificate');
        assert.ok(cert.der.equals(der));
        assertTyped(() => assertCodeSigning(cert));
        assertTyped(() => assertCertificateIdentity(cert.x509, { subject: 'cody@soyland.com', issuer: 'https://github.com/login/oauth' }));
        assertTyped(() => assertCertificateIdentity(cert.x509, { subjectRegExp: '.*', issuerRegExp: '.*' }));
        assertTyped(() => [subjectAlternativeNames(cert.x509), certificateIssuer(cert.x509), certificateSigner(cert, 'AA==', [])]);
      });
    }),
  );
});

const keys = [generateKeyPairSync('ec', { namedCurve: 'prime256v1' }), generateKeyPairSync('rsa', { modulusLength: 1024 }), generateKeyPairSync('ed25519')].map(
  (k) => k.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
);

test('mutated PEM public keys and arbitrary text: a key from exactly one PUBLIC KEY block, or a typed refusal', () => {
  fuzz(
    fc.property(
      fc.oneof(
        fc.tuple(fc.nat({ max: keys.length - 1 }), byteEdit).map(([i, e]) => applyEdit(Buffer.from(keys[i]!), e).toString('latin1')),
        fc.tuple(fc.nat({ max: keys.length - 1 }), fc.nat({ max: keys.length - 1 })).map(([a, b]) => `${keys[a]!}${keys[b]!}`),
        fc.string(),
      ),
      (text) => {
        try {
          parsePublicKey(text);
        } catch (err) {
          assert.ok(err instanceof VouchError, `untyped ${String(err)}`);
          return;
        }
        const blocks = pemBlocks(text);
        assert.equal(blocks.length, 1);
        assert.equal(blocks[0]!.type, 'PUBLIC KEY');
      },
    ),
  );
});

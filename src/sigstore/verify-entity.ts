// One signed entity (a legacy layer turned into a bundle) through @sigstore/verify, with the
// thresholds each mode needs (sigstore/sigstore-js 769a53d87132 packages/verify/src/verifier.ts).
import { RFC3161Timestamp, crypto as sigCrypto, type X509Certificate as CoreX509Certificate } from '@sigstore/core';
import type { Bundle } from '@sigstore/bundle';
import { PolicyError, VerificationError, Verifier, toSignedEntity, type Signer, type TrustMaterial, type VerifierOptions } from '@sigstore/verify';
import { X509Certificate, type KeyObject } from 'node:crypto';
import { errorMessage } from '../errors.ts';
import { certificateFault, type CertificateFault } from './certificate-fault.ts';
import { SignatureRejected, type RejectionCode } from './errors.ts';

/**
 * Why @sigstore/verify refused a signature, by its error code, in words a release engineer can act
 * on, with a code of our own. Its message is shown, never matched: a CERTIFICATE_ERROR's cause is
 * told by certificateFault from the certificate and the trust material.
 */
function explain(err: unknown, certificate: () => CertificateFault): SignatureRejected {
  const rejected = (code: RejectionCode, message: string): SignatureRejected => new SignatureRejected(code, message, { cause: err });
  if (!(err instanceof VerificationError || err instanceof PolicyError)) return rejected('VERIFICATION_FAILED', errorMessage(err));
  switch (err.code) {
    case 'SIGNATURE_ERROR':
      return rejected('SIGNATURE_INVALID', 'invalid signature when validating ASN.1 encoded signature (it does not verify with the given key or certificate)');
    case 'TLOG_INCLUSION_PROMISE_ERROR':
      return rejected('TLOG_SET_INVALID', `the transparency log's signed entry timestamp (SET) does not verify with a trusted Rekor key: ${err.message}`);
    case 'TLOG_BODY_ERROR':
      return rejected('TLOG_BODY_MISMATCH', `the transparency log entry is for another signature or artifact: ${err.message}`);
    case 'TLOG_ERROR':
      return rejected('TLOG_UNTRUSTED', `no trusted transparency log entry: ${err.message}`);
    case 'TIMESTAMP_ERROR':
      return rejected('TIMESTAMP_UNTRUSTED', `no trusted timestamp: ${err.message}`);
    case 'CERTIFICATE_ERROR':
      switch (certificate()) {
        case 'sct-invalid':
          // @sigstore/verify checks every SCT a certificate carries, whatever the threshold.
          return rejected(
            'SCT_INVALID',
            "the certificate's SCT does not verify with a CT log of the trust root (an unknown log, or a forged timestamp); vouch checks every SCT a certificate carries, even with --insecure-ignore-sct",
          );
        case 'sct-missing':
          return rejected(
            'SCT_MISSING',
            `the certificate has no SCT from a trusted CT log (${err.message}); a certificate from a private CA without CT needs --insecure-ignore-sct`,
          );
        case 'chain':
          return rejected('CERTIFICATE_UNTRUSTED', `the certificate does not chain to a trusted root: ${err.message}`);
      }
      break;
    case 'PUBLIC_KEY_ERROR':
      return rejected('KEY_UNTRUSTED', `the signing key is not trusted: ${err.message}`);
    case 'UNTRUSTED_SIGNER_ERROR':
      return rejected('IDENTITY_MISMATCH', `the certificate identity does not match: ${err.message}`);
  }
  return rejected('VERIFICATION_FAILED', `${err.code}: ${err.message}`);
}

/** The times a bundle claims it was signed at: Rekor v1 integrated times and RFC 3161 timestamps. */
function claimedSigningTimes(bundle: Bundle): Date[] {
  const times: Date[] = [];
  for (const e of bundle.verificationMaterial.tlogEntries) {
    if (e.integratedTime && e.integratedTime !== '0') times.push(new Date(Number(e.integratedTime) * 1000));
  }
  for (const t of bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps ?? []) {
    try {
      times.push(RFC3161Timestamp.parse(Buffer.from(t.signedTimestamp)).signingTime);
    } catch {
      // an unparseable timestamp is reported by the verifier itself
    }
  }
  return times;
}

/**
 * Why a certificate failed, when the reason is its validity window: @sigstore/verify checks the
 * chain at the signing time and reports only that the chain failed. Pure.
 */
export function validityAtSigning(leaf: X509Certificate, times: Date[]): string | undefined {
  const from = new Date(leaf.validFrom);
  const to = new Date(leaf.validTo);
  const outside = times.find((t) => t < from || t > to);
  if (!outside) return undefined;
  const when = outside > to ? 'it had expired when it signed' : 'it was not yet valid when it signed';
  return `the certificate was not valid at signing time: signed at ${outside.toISOString()}, but the certificate is valid from ${from.toISOString()} to ${to.toISOString()} (${when})`;
}

/** The key that must have verified the signature, and its certificate when there is one (Node's and @sigstore/core's readings). */
export interface ExpectedSigner {
  key: KeyObject;
  node?: X509Certificate;
  x509?: CoreX509Certificate;
}

/**
 * @sigstore/verify's checks of one bundle; the key it verified the signature with must be the
 * expected signer's (the certificate identity, issuer and report are taken from), never another.
 */
export function verifyBundle(bundle: Bundle, artifact: Buffer | undefined, trust: TrustMaterial, options: VerifierOptions, expected: ExpectedSigner): Signer {
  let signer: Signer;
  try {
    signer = new Verifier(trust, options).verify(toSignedEntity(bundle, artifact));
  } catch (err) {
    const window =
      err instanceof VerificationError && err.code === 'CERTIFICATE_ERROR' && expected.node
        ? validityAtSigning(expected.node, claimedSigningTimes(bundle))
        : undefined;
    if (window) throw new SignatureRejected('CERTIFICATE_NOT_VALID', window, { cause: err });
    throw explain(err, () => diagnose(expected, trust, options));
  }
  // The same KeyObject (key mode hands the given key to the verifier) needs no export to compare.
  if (signer.key !== expected.key && !spki(signer.key).equals(spki(expected.key)))
    throw new SignatureRejected('SIGNER_KEY_MISMATCH', "the signature was verified with another key than the signing certificate's or the given key");
  return signer;
}

/** certificateFault, for diagnosis only: a certificate it cannot read is reported as not chaining. */
function diagnose(expected: ExpectedSigner, trust: TrustMaterial, options: VerifierOptions): CertificateFault {
  if (!expected.x509) return 'chain';
  try {
    return certificateFault(expected.x509, trust, options.ctlogThreshold ?? 1);
  } catch {
    return 'chain';
  }
}

function spki(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' });
}

/**
 * The hash cosign signs with (sigstore/cosign d6d86c224e58 pkg/cosign/keys.go LoadPrivateKey),
 * where @sigstore/verify would pick another (sigstore/sigstore-js 769a53d87132
 * packages/verify/src/bundle/):
 * P-384/P-521 keys sign with SHA-384/SHA-512 (sigstore-js uses SHA-256); Ed25519 goes through
 * @sigstore/core without a hash (sigstore-js passes one for message signatures, which Ed25519 refuses).
 * `undefined` when @sigstore/verify's own choice is right.
 */
export function cosignHashFor(key: KeyObject): string | null | undefined {
  if (key.asymmetricKeyType === 'ed25519') return null;
  const curve = key.asymmetricKeyDetails?.namedCurve;
  if (curve === 'secp384r1') return 'sha384';
  if (curve === 'secp521r1') return 'sha512';
  return undefined;
}

/** @sigstore/core's verify with the hash cosign used (see cosignHashFor). */
export function verifyWithHash(signed: Buffer, signatureB64: string, key: KeyObject, hash: string | null): void {
  if (sigCrypto.verify(signed, key, Buffer.from(signatureB64, 'base64'), hash ?? undefined)) return;
  if (key.asymmetricKeyType === 'ed25519') {
    // cosign signs with Ed25519ph (pre-hashed); Node's crypto verifies pure Ed25519 only, and vouch
    // does no hand-written cryptography. Never a pass: a clear failure instead.
    throw new SignatureRejected(
      'UNSUPPORTED_SIGNATURE',
      'the signature does not verify as pure Ed25519; cosign signs Ed25519 keys with Ed25519ph, which vouch cannot verify yet: use an ECDSA or RSA key',
    );
  }
  throw new SignatureRejected('SIGNATURE_INVALID', 'invalid signature when validating ASN.1 encoded signature (it does not verify with the given key)');
}

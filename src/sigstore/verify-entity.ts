// One signed entity (a legacy layer turned into a bundle) through @sigstore/verify, with the
// thresholds each mode needs (sigstore.md §5.7).
import { crypto as sigCrypto } from '@sigstore/core';
import type { Bundle } from '@sigstore/bundle';
import { PolicyError, VerificationError, Verifier, toSignedEntity, type Signer, type TrustMaterial, type VerifierOptions } from '@sigstore/verify';
import type { KeyObject } from 'node:crypto';

export class SignatureRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SignatureRejected';
  }
}

/** Words a release engineer can act on, for @sigstore/verify's error codes. */
function explain(err: unknown): string {
  if (err instanceof VerificationError || err instanceof PolicyError) {
    switch (err.code) {
      case 'SIGNATURE_ERROR':
        return `invalid signature when validating ASN.1 encoded signature (it does not verify with ${'the given key or certificate'})`;
      case 'TLOG_INCLUSION_PROMISE_ERROR':
        return `the transparency log's signed entry timestamp (SET) does not verify with a trusted Rekor key: ${err.message}`;
      case 'TLOG_BODY_ERROR':
        return `the transparency log entry is for another signature or artifact: ${err.message}`;
      case 'TLOG_ERROR':
        return `no trusted transparency log entry: ${err.message}`;
      case 'TIMESTAMP_ERROR':
        return `no trusted timestamp: ${err.message}`;
      case 'CERTIFICATE_ERROR':
        return `the certificate does not chain to a trusted root: ${err.message}`;
      case 'PUBLIC_KEY_ERROR':
        return `the signing key is not trusted: ${err.message}`;
      case 'UNTRUSTED_SIGNER_ERROR':
        return `the certificate identity does not match: ${err.message}`;
      default:
        return `${err.code}: ${err.message}`;
    }
  }
  return err instanceof Error ? err.message : String(err);
}

export function verifyBundle(bundle: Bundle, artifact: Buffer | undefined, trust: TrustMaterial, options: VerifierOptions): Signer {
  try {
    return new Verifier(trust, options).verify(toSignedEntity(bundle, artifact));
  } catch (err) {
    throw new SignatureRejected(explain(err));
  }
}

/**
 * Ed25519 over a simple-signing payload: cosign signs the payload itself (pure Ed25519), while
 * @sigstore/verify always passes a hash name for message signatures, which Ed25519 refuses
 * (sigstore.md §5.5). The check is still @sigstore/core's verify, given no hash.
 */
export function verifyEd25519Message(payload: Buffer, signatureB64: string, key: KeyObject): void {
  if (!sigCrypto.verify(payload, key, Buffer.from(signatureB64, 'base64'))) {
    throw new SignatureRejected('invalid signature (Ed25519): it does not verify with the given key');
  }
}

// The signature layer's errors, each with a stable code: the run's own (a trust root that cannot be
// had), a signature's malformed bytes, and why one
// candidate signature was rejected. Which of them stop the run is decided here, once.
import { EnvironmentError, InputError, VouchError } from '../errors.ts';
import { RegistryError } from '../oci/errors.ts';
import { PemError } from '../util/pem.ts';
import { StrictJsonError } from '../util/strict-json.ts';

export type SigstoreErrorCode =
  'TRUST_ROOT_MISSING' | 'TRUST_ROOT_UNREADABLE' | 'TRUST_ROOT_INVALID' | 'TRUST_ROOT_INCOMPLETE' | 'TUF_FAILED' | 'TUF_ROOT_MISSING' | 'MALFORMED_SIGNATURE';

/** Why a candidate signature or attestation was rejected. */
export type RejectionCode =
  // what the artifact is
  | 'LAYER_MEDIA_TYPE'
  | 'PAYLOAD_TYPE'
  | 'PAYLOAD_INVALID'
  | 'SUBJECT_MISMATCH'
  | 'SIGNATURE_ANNOTATION_MISSING'
  | 'SIGNATURE_ANNOTATION_MISMATCH'
  | 'UNSUPPORTED_SIGNATURE'
  // who signed
  | 'SIGNER_KIND_MISMATCH'
  | 'CERTIFICATE_MISSING'
  | 'NOT_CODE_SIGNING'
  | 'CERTIFICATE_UNTRUSTED'
  | 'CERTIFICATE_NOT_VALID'
  | 'IDENTITY_MISMATCH'
  | 'KEY_UNTRUSTED'
  | 'SIGNER_KEY_MISMATCH'
  | 'SIGNATURE_INVALID'
  // what vouches for the signing time
  | 'NO_TRUST_ROOT'
  | 'TLOG_ENTRY_MISSING'
  | 'TLOG_SET_INVALID'
  | 'TLOG_BODY_MISMATCH'
  | 'TLOG_UNTRUSTED'
  | 'REKOR_SIGNER_MISMATCH'
  | 'TIMESTAMP_UNTRUSTED'
  | 'CT_LOG_MISSING'
  | 'SCT_INVALID'
  | 'SCT_MISSING'
  // another @sigstore/verify code
  | 'VERIFICATION_FAILED';

declare module '../errors.ts' {
  interface ErrorCodes {
    sigstore: SigstoreErrorCode;
    rejection: RejectionCode;
  }
}

/** A candidate signature (or attestation) that does not verify; the check may still pass on another. */
export class SignatureRejected extends VouchError {
  declare readonly code: RejectionCode;

  constructor(code: RejectionCode, message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
    this.name = 'SignatureRejected';
  }
}

/** A signature's bytes that cannot be read unambiguously: that signature's rejection, never the run's error. */
export class MalformedSignatureError extends InputError {
  declare readonly code: 'MALFORMED_SIGNATURE';

  constructor(message: string, options: { value?: unknown; cause?: unknown } = {}) {
    super('MALFORMED_SIGNATURE', message, options);
    this.name = 'MalformedSignatureError';
  }
}

/**
 * Errors that are the run's, not one signature's or image's: its configuration (a key or an
 * identity pattern that does not parse: exit 2) or environment (a trust root that cannot be had:
 * exit 3) is the same for every image, so the run stops with that error's exit code. What a
 * registry or a signature brought — an answer refused, bytes that do not parse — is never the run's:
 * one hostile image must not take the run down.
 */
export function belongsToRun(err: unknown): boolean {
  if (err instanceof RegistryError || err instanceof MalformedSignatureError || err instanceof StrictJsonError || err instanceof PemError) return false;
  return err instanceof EnvironmentError || err instanceof InputError;
}

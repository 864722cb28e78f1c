// Contracts of the signature layer: how the validate pipeline asks for image signatures and
// attestations to be found and verified.
import type { IdentityConfig } from '../config/types.ts';
import type { ErrorCode } from '../errors.ts';
import type { InTotoStatement } from '../model/statement.ts';
import type { EntitySignature } from '../model/signature.ts';
import type { ImageReference, ImageSource } from '../oci/types.ts';

/**
 * How signatures must be verified (conforma/cli a18338416237 internal/policy/policy.go;
 * sigstore/cosign d6d86c224e58 pkg/cosign/verify.go CheckOpts).
 */
export type VerificationMode =
  | {
      kind: 'key';
      /** PEM public key (ECDSA P-256/P-384, RSA, Ed25519). */
      publicKey: string;
      /** --ignore-rekor: no transparency log needed, SETs not read. */
      ignoreTlog: boolean;
    }
  | {
      kind: 'keyless';
      identity: IdentityConfig;
      /**
       * An organisation's own CA (--ca-roots/--ca-intermediates, --certificate-chain) instead of
       * Fulcio: certificates are chained to these, never to certificates carried by the signature.
       */
      pki?: { roots: string[]; intermediates: string[] };
      /** cosign's --insecure-ignore-sct: certificates need no CT log proof (private Fulcio without CT). */
      ignoreSct?: boolean;
    };

export interface VerifyContext {
  source: ImageSource;
  /** The image repository (tag/digest ignored). */
  ref: ImageReference;
  /** `sha256:<hex>` the signatures must be bound to. */
  digest: string;
  mode: VerificationMode;
  /** Rekor URL chosen by flag/policy (used to pick the log from the trust root when several). */
  rekorUrl?: string;
  /**
   * The Sigstore trusted root (protobuf JSON), loaded on first use: needed for Rekor SETs and
   * keyless certificates, never for key mode with --ignore-rekor.
   */
  trustedRoot?: () => Promise<unknown>;
}

/** What checking who signed needs: the mode and the trust root (not where the signature came from). */
export type SignerContext = Pick<VerifyContext, 'mode' | 'trustedRoot'>;

/**
 * Why one candidate (a signature, an attestation, a bundle) was rejected: the stable code of the
 * error that rejected it (a RejectionCode, MALFORMED_SIGNATURE, a registry's code, or INTERNAL for
 * a bug) and the words the report shows. Never contains secrets.
 */
export interface Rejection {
  code: ErrorCode;
  message: string;
}

/** Outcome of `builtin.image.signature_check`. */
export interface SignatureCheck {
  ok: boolean;
  /** Verified signatures (report `signatures`, input `image.signatures`). */
  signatures: EntitySignature[];
  /** Why candidates were rejected; empty when ok. */
  errors: Rejection[];
  /** No signature artifact was found at all (ec's "no matching signatures" wording). */
  noneFound: boolean;
}

export interface VerifiedAttestation {
  /** The exact decoded DSSE payload. */
  statement: InTotoStatement;
  signatures: EntitySignature[];
  /** The predicate's build type for SLSA provenance (v0.2 buildType, v1 buildDefinition.buildType). */
  predicateBuildType?: string;
}

/** Outcome of `builtin.attestation.signature_check`. */
export interface AttestationCheck {
  ok: boolean;
  attestations: VerifiedAttestation[];
  /** Why candidates were rejected; empty when ok. */
  errors: Rejection[];
  noneFound: boolean;
}

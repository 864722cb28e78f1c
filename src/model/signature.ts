// One verified signature as ec reports it (conforma/cli internal/evaluation_target/application_snapshot_image
// EntitySignature). Shared by every layer.

/** One verified signature (image signature or one DSSE signature of an attestation). */
export interface EntitySignature {
  /** "" for key-based signing; hex SubjectKeyId of the leaf for keyless. */
  keyid: string;
  /** base64 signature. */
  sig: string;
  certificate?: string;
  chain?: string[];
  metadata?: Record<string, string>;
}

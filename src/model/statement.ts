// An in-toto statement (https://github.com/in-toto/attestation/blob/main/spec/v1/statement.md), as
// decoded from a verified DSSE payload. Shared by every layer.

export interface InTotoStatement {
  _type: string;
  /** Checked to be an array only: read a subject's digest with subjectSha256. */
  subject: unknown[];
  predicateType: string;
  predicate?: unknown;
  [key: string]: unknown;
}

/** A subject's `digest.sha256` (`{ name?, digest: { sha256 } }`), whatever its type, or undefined. */
export function subjectSha256(subject: unknown): unknown {
  const digest = typeof subject === 'object' && subject !== null ? (subject as { digest?: unknown }).digest : undefined;
  return typeof digest === 'object' && digest !== null ? (digest as { sha256?: unknown }).sha256 : undefined;
}

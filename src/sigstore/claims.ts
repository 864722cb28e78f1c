// Claim checks: the signature or attestation must be about THIS image digest. Pure.
import type { InTotoStatement } from '../policy/input.ts';
import { SignatureRejected } from './verify-entity.ts';

/** Go's JSON decoding matches keys case-insensitively; cosign accepts `Docker-manifest-digest`. */
function field(obj: unknown, name: string): unknown {
  if (obj === null || typeof obj !== 'object') return undefined;
  const lower = name.toLowerCase();
  const key = Object.keys(obj).find((k) => k.toLowerCase() === lower);
  return key === undefined ? undefined : (obj as Record<string, unknown>)[key];
}

/** cosign's SimpleClaimVerifier: `critical.image.docker-manifest-digest` must equal the image digest. */
export function assertSimpleSigningClaim(payload: Buffer, digest: string): void {
  let doc: unknown;
  try {
    doc = JSON.parse(payload.toString('utf8'));
  } catch {
    throw new SignatureRejected('the signature payload is not simple-signing JSON');
  }
  const claimed = field(field(field(doc, 'critical'), 'image'), 'docker-manifest-digest');
  if (claimed !== digest) {
    throw new SignatureRejected(`invalid or missing digest in claim: ${typeof claimed === 'string' ? claimed : '(none)'}`);
  }
}

export function decodeStatement(payloadB64: string): InTotoStatement {
  let statement: unknown;
  try {
    statement = JSON.parse(Buffer.from(payloadB64, 'base64').toString('utf8'));
  } catch {
    throw new SignatureRejected('the attestation payload is not JSON');
  }
  const s = statement as Partial<InTotoStatement>;
  if (typeof s !== 'object' || s === null || typeof s.predicateType !== 'string' || !Array.isArray(s.subject)) {
    throw new SignatureRejected('the attestation payload is not an in-toto statement (no predicateType or subject)');
  }
  return s as InTotoStatement;
}

/** cosign's IntotoSubjectClaimVerifier: some subject's sha256 must be the image digest. */
export function assertSubjectNamesDigest(statement: InTotoStatement, digest: string): void {
  const hex = digest.replace(/^sha256:/, '');
  if (!statement.subject.some((s) => s && typeof s === 'object' && s.digest?.sha256 === hex)) {
    throw new SignatureRejected('no matching subject digest found');
  }
}

/** SLSA provenance build type, as ec reports `predicateBuildType`. */
export function predicateBuildType(statement: InTotoStatement): string | undefined {
  const p = statement.predicate as { buildType?: unknown; buildDefinition?: { buildType?: unknown } } | undefined;
  if (statement.predicateType === 'https://slsa.dev/provenance/v0.2' && typeof p?.buildType === 'string') return p.buildType;
  if (statement.predicateType === 'https://slsa.dev/provenance/v1' && typeof p?.buildDefinition?.buildType === 'string') return p.buildDefinition.buildType;
  return undefined;
}

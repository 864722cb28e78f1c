// Claim checks: the signature or attestation must be about THIS image digest. Signed payloads are
// read as strict JSON: a duplicate key, or two differing only in case, is refused (Go's decoder,
// which cosign and ec use, matches keys case-insensitively and could read another claim). Pure.
import { errorMessage } from '../errors.ts';
import { subjectSha256, type InTotoStatement } from '../model/statement.ts';
import { parseStrictJson } from '../util/strict-json.ts';
import { isRecord } from '../util/json-shapes.ts';
import { SignatureRejected } from './errors.ts';

/** Go's JSON decoding matches keys case-insensitively; cosign accepts `Docker-manifest-digest` (one match: duplicates are refused). */
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
    doc = parseStrictJson(payload.toString('utf8'));
  } catch (err) {
    throw new SignatureRejected('PAYLOAD_INVALID', `the signature payload is not simple-signing JSON: ${errorMessage(err)}`, { cause: err });
  }
  const claimed = field(field(field(doc, 'critical'), 'image'), 'docker-manifest-digest');
  if (claimed !== digest) {
    throw new SignatureRejected('SUBJECT_MISMATCH', `invalid or missing digest in claim: ${typeof claimed === 'string' ? claimed : '(none)'}`);
  }
}

/** The in-toto statement a DSSE envelope's (decoded) payload holds. */
export function decodeStatement(payload: Buffer): InTotoStatement {
  let statement: unknown;
  try {
    statement = parseStrictJson(payload.toString('utf8'));
  } catch (err) {
    throw new SignatureRejected('PAYLOAD_INVALID', `the attestation payload is not JSON: ${errorMessage(err)}`, { cause: err });
  }
  if (!isRecord(statement) || typeof statement.predicateType !== 'string' || !Array.isArray(statement.subject)) {
    throw new SignatureRejected('PAYLOAD_INVALID', 'the attestation payload is not an in-toto statement (no predicateType or subject)');
  }
  return statement as InTotoStatement;
}

/** cosign's IntotoSubjectClaimVerifier: some subject's sha256 must be the image digest. */
export function assertSubjectNamesDigest(statement: InTotoStatement, digest: string): void {
  const hex = digest.replace(/^sha256:/, '');
  if (!statement.subject.some((s) => subjectSha256(s) === hex)) {
    throw new SignatureRejected('SUBJECT_MISMATCH', 'no matching subject digest found');
  }
}

/** SLSA provenance build type, as ec reports `predicateBuildType`. */
export function predicateBuildType(statement: InTotoStatement): string | undefined {
  const p = statement.predicate as { buildType?: unknown; buildDefinition?: { buildType?: unknown } } | undefined;
  if (statement.predicateType === 'https://slsa.dev/provenance/v0.2' && typeof p?.buildType === 'string') return p.buildType;
  if (statement.predicateType === 'https://slsa.dev/provenance/v1' && typeof p?.buildDefinition?.buildType === 'string') return p.buildDefinition.buildType;
  return undefined;
}

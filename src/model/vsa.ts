// Verification Summary Attestations vouch writes: the in-toto Statement v1 with the SLSA VSA v1
// predicate (https://slsa.dev/spec/v1.0/verification_summary), and ec's own predicate for ec's
// consumers (conforma/cli a1833841 internal/validate/vsa/vsa.go Predicate, attest.go
// PredicateType). Types and constants only; shared by every layer (the producer in src/report/vsa,
// the consumer that trusts a VSA on a later run).

export const IN_TOTO_STATEMENT_V1 = 'https://in-toto.io/Statement/v1';
/** ec's statement type for its own predicate (attest.go). */
export const IN_TOTO_STATEMENT_V01 = 'https://in-toto.io/Statement/v0.1';
export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';

export const SLSA_VSA_PREDICATE_TYPE = 'https://slsa.dev/verification_summary/v1';
export const CONFORMA_VSA_PREDICATE_TYPE = 'https://conforma.dev/verification_summary/v1';

/** `predicate.verifier.id`: who made the decision. */
export const VSA_VERIFIER_ID = 'https://github.com/vouch-dev/vouch';
export const SLSA_VERSION = '1.0';

/** `predicate.policy.uri` when the policy has no source URL (an inline policy). */
export const INLINE_POLICY_URI = 'inline';

/** ec's flag values: a signed DSSE envelope, or the bare predicate for a later signing step. */
export type AttestationFormat = 'dsse' | 'predicate';
/** Which predicate vouch writes: the SLSA VSA (the default) or ec's. */
export type VsaPredicateKind = 'slsa' | 'conforma';

type VerificationResult = 'PASSED' | 'FAILED';

/** in-toto ResourceDescriptor, as a VSA uses it. */
interface VsaResourceDescriptor {
  uri: string;
  digest: { sha256: string };
}

export interface SlsaVsaPredicate {
  verifier: { id: string; version: Record<string, string> };
  /** RFC 3339, UTC, whole seconds. */
  timeVerified: string;
  /** `<repository>@sha256:<hex>`. */
  resourceUri: string;
  /** The first policy source as pinned (or `inline`); the digest is the policy content digest. */
  policy: VsaResourceDescriptor;
  /** The attestations the policy saw, each by the sha256 of its statement's canonical JSON. */
  inputAttestations: VsaResourceDescriptor[];
  verificationResult: VerificationResult;
  /** `SLSA_BUILD_LEVEL_n` for a PASSED component whose policy names a mapped collection; `FAILED` for a failed one. */
  verifiedLevels: string[];
  slsaVersion: string;
}

export interface VsaSubject {
  /** The repository, without tag or digest. */
  name: string;
  digest: { sha256: string };
}

export interface VsaStatement<P = SlsaVsaPredicate> {
  _type: string;
  subject: VsaSubject[];
  predicateType: string;
  predicate: P;
}

/** ec's component counts (vsa.go ComponentDetail); its capitalised keys kept. */
interface ConformaComponentDetail {
  Name: string;
  ImageRef: string;
  Violations: number;
  Warnings: number;
  Successes: number;
}

/** ec's `https://conforma.dev/verification_summary/v1` predicate (vsa.go Predicate), field order kept. */
export interface ConformaVsaPredicate {
  policy: unknown;
  policySource: string;
  imageRefs: string[];
  timestamp: string;
  status: 'passed' | 'failed';
  /** ec writes `conforma`; vouch names itself. */
  verifier: string;
  summary: {
    violations: number;
    warnings: number;
    successes: number;
    Components: ConformaComponentDetail[];
    component: { name: string; containerImage: string; source: unknown };
  };
  publicKey: string;
}

/** The SLSA build level a collection stands for (docs/compatibility.md, "VSA verified levels"). */
export const COLLECTION_BUILD_LEVELS: Readonly<Record<string, number>> = { slsa1: 1, slsa2: 2, slsa3: 3 };

// The report model: ec's JSON report, field names and order kept so existing consumers of ec
// reports keep working. Every output format is rendered from this one model. Shared by every layer.
import type { PolicySpec } from './policy-spec.ts';
import type { RuleResult } from './results.ts';
import type { EntitySignature } from './signature.ts';
import type { SnapshotComponentSource } from './snapshot.ts';

export interface AttestationSummary {
  /** Always the v0.1 statement type string, as ec reports it. */
  type: string;
  predicateType: string;
  predicateBuildType?: string;
  signatures: EntitySignature[];
}

/** Why a component could not be judged on policy: kept apart from policy failures (JUnit `error`). */
export interface InfrastructureError {
  /** Stable code, e.g. REGISTRY_UNREACHABLE. */
  code: string;
  message: string;
}

/**
 * The Verification Summary Attestation a component was reported from instead of being validated
 * again (issue 14; src/validate/vsa/trust-decision.ts says when).
 */
export interface VsaEvidence {
  /** Which VSA: the `.att` layer's or the referrer bundle manifest's digest. */
  digest: string;
  /** Where it was found: `attestation layer` or `referrer bundle`. */
  source: string;
  /** Who signed it: `key sha256:<SPKI digest>`, or a certificate's identity and issuer. */
  signer: string;
  /** When the VSA says the image was verified (its predicate's timeVerified). */
  timeVerified: string;
  /** The policy's content digest it was verified against: this run's. */
  policyDigest: string;
  verificationResult: 'PASSED';
}

export interface ComponentReport {
  name: string;
  containerImage: string;
  source: SnapshotComponentSource;
  violations?: RuleResult[];
  warnings?: RuleResult[];
  successes?: RuleResult[];
  success: boolean;
  signatures?: EntitySignature[];
  attestations?: AttestationSummary[];
  /** Reported from this VSA, not validated again (vouch only; absent otherwise). */
  vsa?: VsaEvidence;
  /**
   * vouch's own fields, never written to ec-compatible outputs: successes counted even when not
   * shown (TEST_OUTPUT counts them), and the infrastructure error behind a failure (JUnit `error`).
   */
  successCount?: number;
  infrastructureError?: InfrastructureError;
}

export interface Report {
  success: boolean;
  snapshot?: string;
  components: ComponentReport[];
  key: string;
  policy: PolicySpec;
  /** ec's field name kept for compatibility; holds vouch's version. */
  'ec-version': string;
  /** Go RFC3339Nano, UTC. */
  'effective-time': string;
}

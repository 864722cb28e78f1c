// The report model: ec's JSON report (ec-cli.md §3.1), field names and order kept so existing
// consumers of ec reports keep working. Every output format is rendered from this one model.
import type { PolicySpec } from '../config/policy-spec.ts';

/** Rule result metadata. Keys are emitted alphabetically (ec's Go map order). */
export interface ResultMetadata {
  code?: string;
  collections?: string[];
  depends_on?: string[];
  description?: string;
  effective_on?: string;
  severity?: string;
  solution?: string;
  term?: string | string[];
  title?: string;
  [key: string]: unknown;
}

export interface RuleResult {
  msg: string;
  metadata?: ResultMetadata;
  outputs?: string[];
}

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

export interface AttestationSummary {
  /** Always the v0.1 statement type string, as ec reports it. */
  type: string;
  predicateType: string;
  predicateBuildType?: string;
  signatures: EntitySignature[];
}

export interface SnapshotComponentSource {
  git?: {
    url?: string;
    revision?: string;
    context?: string;
    dockerfileUrl?: string;
    devfileUrl?: string;
  };
  [key: string]: unknown;
}

/** Why a component could not be judged on policy: kept apart from policy failures (JUnit `error`). */
export interface InfrastructureError {
  /** Stable code, e.g. REGISTRY_UNREACHABLE. */
  code: string;
  message: string;
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

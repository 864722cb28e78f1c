// The steps of one component (conforma/cli a18338416237 internal/image/validate.go), each on its own: pin the reference, judge the image
// signatures and the attestations, check the attestations' syntax, build the policy input, choose
// the effective time, and describe the evaluation. Pure, but for pinning (one registry lookup).
import type { EffectiveTimeSetting } from '../config/types.ts';
import { errorMessage } from '../errors.ts';
import type { InputAttestation, PolicyInput } from '../model/policy-input.ts';
import type { AttestationSummary, ComponentReport } from '../model/report.ts';
import type { EntitySignature } from '../model/signature.ts';
import type { Snapshot } from '../model/snapshot.ts';
import { RegistryError } from '../oci/errors.ts';
import { repositoryName } from '../oci/reference.ts';
import type { ImageReference, ImageSource } from '../oci/types.ts';
import type { EvaluationContext, PolicyEvaluator } from '../policy/types.ts';
import type { AttestationCheck, SignatureCheck, VerifiedAttestation } from '../sigstore/types.ts';
import {
  ATTESTATION_SIGNATURE,
  ATTESTATION_SYNTAX,
  IMAGE_SIGNATURE,
  attestationSignatureFailed,
  attestationSyntaxFailed,
  builtinPass,
  imageInaccessible,
  imageSignatureFailed,
} from './builtins.ts';
import type { Evidence, Verdict } from './findings.ts';
import type { ImageInfo } from './image-info.ts';
import { hasProvenanceSchema, validateProvenanceStatement } from './slsa-schema.ts';

/** A check a registry failure interrupted: not a verdict on the signatures, but never a pass. */
export type Checked<T> = T | RegistryError;

/** How builtin results are worded: key mode has ec's public-key hint; --info keeps titles. */
export interface Wording {
  keyMode: boolean;
  info: boolean;
}

/** Pin: the digest the reference names now; every later step uses it (no TOCTOU). */
export async function pinDigest(ref: ImageReference, source: ImageSource): Promise<string> {
  const digest = ref.digest ?? (await source.resolve(ref)).digest;
  if (ref.digest) await source.resolve(ref); // a pinned reference must still exist
  return digest;
}

/** The report of an image that could not be pinned; a registry that failed marks an infrastructure error. */
export function inaccessible(base: ComponentReport, err: unknown, info: boolean): ComponentReport {
  const report: ComponentReport = { ...base, violations: [imageInaccessible(errorMessage(err), info)], successCount: 0 };
  if (err instanceof RegistryError && err.transient) report.infrastructureError = { code: err.code, message: errorMessage(err) };
  return report;
}

/** The rejections' words, as cosign lists its errors. */
const rejections = (check: SignatureCheck | AttestationCheck): string => check.errors.map((e) => e.message).join('\n ');

function cosignSignatureError(check: SignatureCheck): string {
  if (check.noneFound) return 'no signatures found';
  return `no matching signatures: ${rejections(check)}`;
}

function cosignAttestationError(check: AttestationCheck): string {
  // cosign's error over an empty list: ec prints nothing after the colon (ec v0.9.115).
  if (check.noneFound) return 'no matching attestations: ';
  return `no matching attestations: ${rejections(check)}`;
}

/** Signatures: builtin.image.signature_check, worded as ec wraps cosign's error. */
export function signatureVerdict(check: Checked<SignatureCheck>, wording: Wording): Verdict {
  if (check instanceof RegistryError) return { pass: false, result: imageSignatureFailed(errorMessage(check), wording.keyMode, false, wording.info) };
  if (check.ok) return { pass: true, result: builtinPass(IMAGE_SIGNATURE, wording.info) };
  return { pass: false, result: imageSignatureFailed(cosignSignatureError(check), wording.keyMode, !check.noneFound, wording.info) };
}

/** Attestations: builtin.attestation.signature_check. A failure ends the component's checks (ec's order). */
export function attestationVerdict(check: Checked<AttestationCheck>, wording: Wording): Verdict {
  if (check instanceof RegistryError) return { pass: false, result: attestationSignatureFailed(errorMessage(check), wording.keyMode, false, wording.info) };
  if (check.ok) return { pass: true, result: builtinPass(ATTESTATION_SIGNATURE, wording.info) };
  return { pass: false, result: attestationSignatureFailed(cosignAttestationError(check), wording.keyMode, true, wording.info) };
}

/** Attestation syntax: builtin.attestation.syntax_check, SLSA provenance statements against their schema. */
export function attestationSyntaxVerdict(attestations: VerifiedAttestation[], info: boolean): Verdict {
  if (attestations.length === 0) return { pass: false, result: attestationSyntaxFailed('no attestation data', info) };
  const errors = attestations
    .filter((a) => hasProvenanceSchema(a.statement.predicateType))
    .map((a) => validateProvenanceStatement(a.statement, a.statement.predicateType))
    .filter((e): e is string => e !== undefined);
  if (errors.length > 0) return { pass: false, result: attestationSyntaxFailed(`attestation syntax validation failed: ${errors.join('\n')}`, info) };
  return { pass: true, result: builtinPass(ATTESTATION_SYNTAX, info) };
}

const STATEMENT_V01 = 'https://in-toto.io/Statement/v0.1';

/** The report's evidence: verified signatures, and a summary of each verified attestation. */
export function evidence(signatures: EntitySignature[], attestations: VerifiedAttestation[]): Evidence {
  const summaries: AttestationSummary[] = attestations.map((a) => ({
    type: STATEMENT_V01,
    predicateType: a.statement.predicateType,
    ...(a.predicateBuildType ? { predicateBuildType: a.predicateBuildType } : {}),
    signatures: a.signatures,
  }));
  return { ...(signatures.length > 0 ? { signatures } : {}), ...(summaries.length > 0 ? { attestations: summaries } : {}) };
}

export interface InputParts {
  /** The pinned reference. */
  ref: string;
  component: Snapshot['components'][number];
  signatures: EntitySignature[];
  attestations: VerifiedAttestation[];
  image: ImageInfo;
  /** The snapshot after every component's index lookup. */
  snapshot: Snapshot;
  policy: PolicyEvaluator;
}

/** Policy input: ec's document (conforma/cli a18338416237 internal/applicationsnapshot/input.go), in its field order. */
export function policyInput(parts: InputParts): PolicyInput {
  const { component, signatures, image } = parts;
  return {
    attestations: inputAttestations(parts.attestations),
    image: {
      ref: parts.ref,
      ...(signatures.length > 0 ? { signatures } : {}),
      ...(image.config ? { config: image.config } : {}),
      ...(image.parent ? { parent: image.parent } : {}),
      // ec puts the component's source struct there, empty or not (`{}`).
      source: component.source ?? {},
    },
    // The run's one snapshot object (plan.ts policySnapshot), never a copy: the evaluator shares it
    // by identity (src/policy/wasm/workers.ts), and a copy per component made the run quadratic.
    snapshot: parts.snapshot,
    ...(component.name ? { component_name: component.name } : {}),
    policy_spec: parts.policy.spec,
  };
}

const inputAttestations = (attestations: VerifiedAttestation[]): InputAttestation[] =>
  attestations.map((a) => ({ statement: a.statement, signatures: a.signatures }));

/** Newest `predicate.metadata.buildFinishedOn` (`--effective-time attestation`). */
function attestationTime(attestations: InputAttestation[]): Date | undefined {
  let newest: Date | undefined;
  for (const a of attestations) {
    const p = a.statement.predicate as { metadata?: { buildFinishedOn?: unknown } } | undefined;
    const t = p?.metadata?.buildFinishedOn;
    if (typeof t !== 'string') continue;
    const d = new Date(t);
    if (!Number.isNaN(d.getTime()) && (!newest || d > newest)) newest = d;
  }
  return newest;
}

/** Effective time: fixed by flag, the newest build time of the attestations, or the run's clock. */
export function effectiveTimeFor(setting: EffectiveTimeSetting, attestations: InputAttestation[], now: Date): Date {
  if (setting.kind === 'fixed') return setting.time;
  if (setting.kind === 'attestation') return attestationTime(attestations) ?? now;
  return now;
}

/** Evaluation: what the policy's results are judged against for this component. */
export function evaluationContext(
  ref: ImageReference,
  digest: string,
  componentName: string,
  originalName: string | undefined,
  effectiveTime: Date,
): EvaluationContext {
  return {
    imageDigest: digest,
    imageUrl: repositoryName(ref),
    componentName,
    ...(originalName ? { originalComponentName: originalName } : {}),
    effectiveTime,
  };
}

// One component through ec's pipeline (conforma/cli a18338416237 internal/image/validate.go
// ValidateImage): pin the reference to a digest, verify image signatures, verify attestations (a
// failure stops here), check attestation syntax, build the policy input and evaluate the policy. The steps are in component-steps.ts; this file runs them
// in order and keeps one component's failures from becoming the run's.
import type { EffectiveTimeSetting } from '../config/types.ts';
import { VouchError, errorCode, errorMessage } from '../errors.ts';
import type { PolicyInput } from '../model/policy-input.ts';
import type { ComponentReport, VsaEvidence } from '../model/report.ts';
import type { Snapshot, SnapshotComponent } from '../model/snapshot.ts';
import { RegistryError } from '../oci/errors.ts';
import { pinnedReference } from '../oci/reference.ts';
import type { ImageReference, ImageSource } from '../oci/types.ts';
import type { PolicyEvaluator } from '../policy/types.ts';
import { belongsToRun } from '../sigstore/errors.ts';
import type { AttestationCheck, SignatureCheck, VerificationMode, VerifyContext } from '../sigstore/types.ts';
import { NO_MATCHING_ATTESTATIONS, componentFailed } from './builtins.ts';
import {
  attestationSyntaxVerdict,
  attestationVerdict,
  effectiveTimeFor,
  evaluationContext,
  evidence,
  inaccessible,
  pinDigest,
  policyInput,
  signatureVerdict,
  type Checked,
} from './component-steps.ts';
import { Findings } from './findings.ts';
import type { ImageInfo } from './image-info.ts';

/** A snapshot component after index expansion, with its parsed reference. */
export interface PlannedComponent {
  component: SnapshotComponent;
  ref: ImageReference;
  /** Name before multi-arch expansion (`<name>-<digest>-<arch>` components). */
  originalName?: string;
}

export interface ComponentDeps {
  sourceFor(ref: ImageReference): ImageSource;
  verifySignatures(ctx: VerifyContext): Promise<SignatureCheck>;
  verifyAttestations(ctx: VerifyContext): Promise<AttestationCheck>;
  /** The image's config and parent (cached by digest by the run). */
  imageInfo(ref: ImageReference, digest: string): Promise<ImageInfo>;
  mode: VerificationMode;
  rekorUrl?: string;
  trustedRoot?: () => Promise<unknown>;
  /** The policy, and the snapshot after every component's index lookup (evaluation needs both). */
  ready(): Promise<{ policy: PolicyEvaluator; snapshot: Snapshot }>;
  info: boolean;
  showSuccesses: boolean;
  effectiveTime: EffectiveTimeSetting;
  /** The run's fixed clock (effective time when not per attestation). */
  now: Date;
  log(msg: string): void;
  /** With VSA trust (--vsa-expiration and a VSA signer): the VSA to report the component from, if one may be. */
  trustedVsa?(ref: ImageReference, digest: string, source: ImageSource): Promise<VsaEvidence | undefined>;
}

export interface ComponentOutcome {
  report: ComponentReport;
  /** Present when policy evaluation was reached. */
  input?: PolicyInput;
}

/** The run's own failure (its policy did not load), met while one component waited for it. */
class RunFailure {
  readonly error: unknown;
  constructor(error: unknown) {
    this.error = error;
  }
}

/**
 * One component. Whatever goes wrong inside its own work (a hostile registry's answers, a bug)
 * fails this component with the error's message, never the run and never as a pass.
 */
export async function validateComponent(planned: PlannedComponent, deps: ComponentDeps): Promise<ComponentOutcome> {
  const { component } = planned;
  const base: ComponentReport = {
    name: component.name,
    containerImage: component.containerImage,
    source: component.source ?? {},
    success: false,
  };
  try {
    return await validateImage(planned, base, deps);
  } catch (err) {
    if (err instanceof RunFailure) throw err.error;
    if (belongsToRun(err)) throw err;
    if (!(err instanceof VouchError) && err instanceof Error) deps.log(`internal error validating ${base.containerImage}: ${err.stack ?? err.message}`);
    const message = errorMessage(err);
    const report: ComponentReport = {
      ...base,
      success: false,
      violations: [componentFailed(message, deps.info)],
      successCount: 0,
      infrastructureError: { code: errorCode(err), message },
    };
    return { report };
  }
}

/** `base.containerImage` becomes the pinned reference as soon as the digest is known. */
async function validateImage(planned: PlannedComponent, base: ComponentReport, deps: ComponentDeps): Promise<ComponentOutcome> {
  const { component, ref } = planned;
  const source = deps.sourceFor(ref);
  let digest: string;
  try {
    digest = await pinDigest(ref, source);
  } catch (err) {
    return { report: inaccessible(base, err, deps.info) };
  }
  base.containerImage = pinnedReference(ref, digest);
  // A trusted VSA stands for the whole validation of this digest (src/validate/vsa/trust-decision.ts).
  const vsa = deps.trustedVsa ? await deps.trustedVsa(ref, digest, source) : undefined;
  if (vsa) return { report: { ...base, success: true, successCount: 0, vsa } };

  const findings = new Findings();
  const wording = { keyMode: deps.mode.kind === 'key', info: deps.info };
  const [info, sigCheck, attCheck] = await verifyImage(ref, digest, source, deps, findings);
  findings.add(signatureVerdict(sigCheck, wording));
  const signatures = sigCheck instanceof RegistryError ? [] : sigCheck.signatures;
  const attested = findings.add(attestationVerdict(attCheck, wording));
  if (attCheck instanceof RegistryError || !attested) {
    return { report: findings.report(base, evidence(signatures, []), deps.showSuccesses) };
  }
  const { attestations } = attCheck;
  findings.add(attestationSyntaxVerdict(attestations, deps.info));
  const shown = evidence(signatures, attestations);
  if (attestations.length === 0) {
    findings.violations.push(NO_MATCHING_ATTESTATIONS);
    return { report: findings.report(base, shown, deps.showSuccesses) };
  }

  const { policy, snapshot } = await deps.ready().catch((err: unknown) => {
    throw new RunFailure(err);
  });
  const input = policyInput({ ref: base.containerImage, component, signatures, attestations, image: info, snapshot, policy });
  const effectiveTime = effectiveTimeFor(deps.effectiveTime, input.attestations, deps.now);
  findings.addPolicy(await policy.evaluate(input, evaluationContext(ref, digest, component.name, planned.originalName, effectiveTime)));
  return { report: findings.report(base, shown, deps.showSuccesses), input };
}

/**
 * The image's config and its signature and attestation checks, side by side. A registry or network
 * failure while fetching signatures is not a verdict on them: the check fails (never passes) and
 * the component is marked as an infrastructure error.
 */
function verifyImage(
  ref: ImageReference,
  digest: string,
  source: ImageSource,
  deps: ComponentDeps,
  findings: Findings,
): Promise<[ImageInfo, Checked<SignatureCheck>, Checked<AttestationCheck>]> {
  const ctx: VerifyContext = {
    source,
    ref,
    digest,
    mode: deps.mode,
    ...(deps.rekorUrl ? { rekorUrl: deps.rekorUrl } : {}),
    ...(deps.trustedRoot ? { trustedRoot: deps.trustedRoot } : {}),
  };
  const guarded = <T>(check: Promise<T>): Promise<Checked<T>> =>
    check.catch((err: unknown) => {
      if (!(err instanceof RegistryError)) throw err;
      findings.infrastructureError ??= { code: err.code, message: errorMessage(err) };
      return err;
    });
  return Promise.all([deps.imageInfo(ref, digest), guarded(deps.verifySignatures(ctx)), guarded(deps.verifyAttestations(ctx))]);
}

// One component through ec's pipeline (conforma/cli a18338416237 internal/image/validate.go
// ValidateImage): pin the reference to a digest, verify image signatures, verify attestations (a
// failure stops here), check attestation syntax, build the policy input and evaluate the policy.
import type { EffectiveTimeSetting } from '../config/types.ts';
import { EnvironmentError, InputError, VouchError, errorMessage } from '../errors.ts';
import { RegistryError } from '../oci/errors.ts';
import { pinnedReference, repositoryName } from '../oci/reference.ts';
import type { ImageReference, ImageSource } from '../oci/types.ts';
import type { InputAttestation, PolicyInput } from '../model/policy-input.ts';
import type { Snapshot, SnapshotComponent } from '../model/snapshot.ts';
import type { PolicyEvaluator } from '../policy/types.ts';
import type { AttestationSummary, ComponentReport } from '../model/report.ts';
import type { RuleResult } from '../model/results.ts';
import { MalformedSignatureError } from '../sigstore/legacy-bundle.ts';
import type { AttestationCheck, SignatureCheck, VerificationMode, VerifyContext } from '../sigstore/types.ts';
import {
  ATTESTATION_SIGNATURE,
  ATTESTATION_SYNTAX,
  IMAGE_SIGNATURE,
  NO_MATCHING_ATTESTATIONS,
  attestationSignatureFailed,
  attestationSyntaxFailed,
  builtinPass,
  componentFailed,
  imageInaccessible,
  imageSignatureFailed,
} from './builtins.ts';
import type { ImageInfo } from './image-info.ts';
import { hasProvenanceSchema, validateProvenanceStatement } from './slsa-schema.ts';
import { sortResults } from '../policy/rules/order.ts';

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
}

export interface ComponentOutcome {
  report: ComponentReport;
  /** Present when policy evaluation was reached. */
  input?: PolicyInput;
}

const STATEMENT_V01 = 'https://in-toto.io/Statement/v0.1';

function cosignSignatureError(check: SignatureCheck): string {
  if (check.noneFound) return 'no signatures found';
  return `no matching signatures: ${check.errors.join('\n ')}`;
}

function cosignAttestationError(check: AttestationCheck): string {
  if (check.noneFound) return 'no matching attestations: no attestations found';
  return `no matching attestations: ${check.errors.join('\n ')}`;
}

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

/** The run's own failure (its policy did not load), met while one component waited for it. */
class RunFailure {
  readonly error: unknown;
  constructor(error: unknown) {
    this.error = error;
  }
}

/**
 * Errors that are the run's, not the image's: its configuration or environment (a trust root that
 * cannot be had, a key that does not parse) is the same for every component, so the run stops with
 * that error's exit code. A malformed signature is the image's.
 */
function belongsToRun(err: unknown): boolean {
  if (err instanceof RegistryError || err instanceof MalformedSignatureError) return false;
  return err instanceof EnvironmentError || err instanceof InputError;
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
      infrastructureError: { code: err instanceof VouchError ? err.code : 'INTERNAL', message },
    };
    return { report };
  }
}

/** `base.containerImage` becomes the pinned reference as soon as the digest is known. */
async function validateImage(planned: PlannedComponent, base: ComponentReport, deps: ComponentDeps): Promise<ComponentOutcome> {
  const { component, ref } = planned;
  const source = deps.sourceFor(ref);
  const keyMode = deps.mode.kind === 'key';

  // 1–2: pin the reference first (no TOCTOU): everything below uses the digest.
  let digest: string;
  try {
    digest = ref.digest ?? (await source.resolve(ref)).digest;
    if (ref.digest) await source.resolve(ref); // a pinned reference must still exist
  } catch (err) {
    const report: ComponentReport = { ...base, violations: [imageInaccessible(errorMessage(err), deps.info)], successCount: 0 };
    if (err instanceof RegistryError && err.transient) report.infrastructureError = { code: err.code, message: errorMessage(err) };
    return { report };
  }
  base.containerImage = pinnedReference(ref, digest);

  const violations: RuleResult[] = [];
  const warnings: RuleResult[] = [];
  const successes: RuleResult[] = [];
  // Policy successes are counted even when not shown (TEST_OUTPUT counts them).
  let hiddenSuccesses = 0;
  const verifyCtx: VerifyContext = {
    source,
    ref,
    digest,
    mode: deps.mode,
    ...(deps.rekorUrl ? { rekorUrl: deps.rekorUrl } : {}),
    ...(deps.trustedRoot ? { trustedRoot: deps.trustedRoot } : {}),
  };

  // A registry or network failure while fetching signatures is not a verdict on them: the check
  // fails (never passes) and the component is marked as an infrastructure error.
  let infrastructureError: ComponentReport['infrastructureError'];
  const guarded = <T>(check: Promise<T>): Promise<T | RegistryError> =>
    check.catch((err: unknown) => {
      if (!(err instanceof RegistryError)) throw err;
      infrastructureError ??= { code: err.code, message: errorMessage(err) };
      return err;
    });
  const [info, sigCheck, attCheck] = await Promise.all([
    deps.imageInfo(ref, digest),
    guarded(deps.verifySignatures(verifyCtx)),
    guarded(deps.verifyAttestations(verifyCtx)),
  ]);

  if (sigCheck instanceof RegistryError) violations.push(imageSignatureFailed(errorMessage(sigCheck), keyMode, false, deps.info));
  else if (sigCheck.ok) successes.push(builtinPass(IMAGE_SIGNATURE, deps.info));
  else violations.push(imageSignatureFailed(cosignSignatureError(sigCheck), keyMode, !sigCheck.noneFound, deps.info));
  const signatures = sigCheck instanceof RegistryError ? [] : sigCheck.signatures;

  const finish = (extra: Partial<ComponentReport>, input?: PolicyInput): ComponentOutcome => {
    const sortedViolations = sortResults(violations);
    const report: ComponentReport = {
      ...base,
      ...(sortedViolations.length > 0 ? { violations: sortedViolations } : {}),
      ...(warnings.length > 0 ? { warnings: sortResults(warnings) } : {}),
      ...(deps.showSuccesses && successes.length > 0 ? { successes: sortResults(successes) } : {}),
      success: sortedViolations.length === 0,
      ...extra,
      successCount: successes.length + hiddenSuccesses,
      ...(infrastructureError ? { infrastructureError } : {}),
    };
    return input ? { report, input } : { report };
  };

  if (attCheck instanceof RegistryError) {
    violations.push(attestationSignatureFailed(errorMessage(attCheck), keyMode, false, deps.info));
    return finish(signatures.length > 0 ? { signatures } : {});
  }
  if (!attCheck.ok) {
    violations.push(attestationSignatureFailed(cosignAttestationError(attCheck), keyMode, true, deps.info));
    return finish(signatures.length > 0 ? { signatures } : {});
  }
  successes.push(builtinPass(ATTESTATION_SIGNATURE, deps.info));

  const attestations: InputAttestation[] = attCheck.attestations.map((a) => ({ statement: a.statement, signatures: a.signatures }));
  const syntaxErrors = attCheck.attestations
    .filter((a) => hasProvenanceSchema(a.statement.predicateType))
    .map((a) => validateProvenanceStatement(a.statement, a.statement.predicateType))
    .filter((e): e is string => e !== undefined);
  if (attestations.length === 0) {
    violations.push(attestationSyntaxFailed('no attestation data', deps.info));
  } else if (syntaxErrors.length > 0) {
    violations.push(attestationSyntaxFailed(`attestation syntax validation failed: ${syntaxErrors.join('\n')}`, deps.info));
  } else {
    successes.push(builtinPass(ATTESTATION_SYNTAX, deps.info));
  }

  const summaries: AttestationSummary[] = attCheck.attestations.map((a) => ({
    type: STATEMENT_V01,
    predicateType: a.statement.predicateType,
    ...(a.predicateBuildType ? { predicateBuildType: a.predicateBuildType } : {}),
    signatures: a.signatures,
  }));
  const evidence: Partial<ComponentReport> = {
    ...(signatures.length > 0 ? { signatures } : {}),
    ...(summaries.length > 0 ? { attestations: summaries } : {}),
  };

  if (attestations.length === 0) {
    violations.push(NO_MATCHING_ATTESTATIONS);
    return finish(evidence);
  }

  const { policy, snapshot } = await deps.ready().catch((err: unknown) => {
    throw new RunFailure(err);
  });
  const input: PolicyInput = {
    attestations,
    image: {
      ref: base.containerImage,
      ...(signatures.length > 0 ? { signatures } : {}),
      ...(info.config ? { config: info.config } : {}),
      ...(info.parent ? { parent: info.parent } : {}),
      ...(component.source && Object.keys(component.source).length > 0 ? { source: component.source } : {}),
    },
    snapshot,
    ...(component.name ? { component_name: component.name } : {}),
    policy_spec: policy.spec,
  };

  const effectiveTime =
    deps.effectiveTime.kind === 'fixed'
      ? deps.effectiveTime.time
      : deps.effectiveTime.kind === 'attestation'
        ? (attestationTime(attestations) ?? deps.now)
        : deps.now;
  const outcome = await policy.evaluate(input, {
    imageDigest: digest,
    imageUrl: repositoryName(ref),
    componentName: component.name,
    ...(planned.originalName ? { originalComponentName: planned.originalName } : {}),
    effectiveTime,
  });
  violations.push(...outcome.violations);
  warnings.push(...outcome.warnings);
  successes.push(...outcome.successes);
  hiddenSuccesses = outcome.successCount - outcome.successes.length;
  return finish(evidence, input);
}

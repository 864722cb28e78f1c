// The edge of VSA trust on a re-run (issue 14 item 4): find and verify the image's VSAs with the
// VSA signer's mode (src/sigstore/verify-vsa.ts), then let the pure decision
// (trust-decision.ts) say whether the component is reported from one. Every reason a VSA is not
// trusted is logged; whatever goes wrong here only means the full validation runs.
import type { VsaTrustConfig } from '../../config/types.ts';
import { errorMessage } from '../../errors.ts';
import type { VsaEvidence } from '../../model/report.ts';
import type { ImageReference, ImageSource } from '../../oci/types.ts';
import { belongsToRun } from '../../sigstore/errors.ts';
import type { VerificationMode } from '../../sigstore/types.ts';
import { findImageVsas } from '../../sigstore/verify-vsa.ts';
import { decideVsaTrust } from './trust-decision.ts';

export interface VsaTrustDeps {
  /** The VSA signer, as the signature layer verifies it. */
  mode: VerificationMode;
  maxAgeMs: number;
  /** The run's effective time. */
  now: Date;
  trustedRoot: () => Promise<unknown>;
  /** The current policy's content digest, `PolicyEvaluator.digest` (waits for the policy to load). */
  policyDigest(): Promise<string>;
  log(msg: string): void;
}

/** The VSA signer of `--vsa-public-key` / `--vsa-certificate-*`, with the run's Rekor and SCT settings. */
export function vsaVerificationMode(vsa: VsaTrustConfig, ignoreRekor: boolean, ignoreSct: boolean | undefined): VerificationMode {
  if (vsa.publicKey !== undefined) return { kind: 'key', publicKey: vsa.publicKey, ignoreTlog: ignoreRekor };
  return { kind: 'keyless', identity: vsa.identity, ...(ignoreSct ? { ignoreSct: true } : {}) };
}

/** The VSA the component may be reported from, or undefined (and the log says why). */
export async function trustedVsa(ref: ImageReference, digest: string, source: ImageSource, deps: VsaTrustDeps): Promise<VsaEvidence | undefined> {
  const image = `${ref.registry}/${ref.repository}@${digest}`;
  try {
    const candidates = await findImageVsas({ source, ref, digest, mode: deps.mode, trustedRoot: deps.trustedRoot });
    if (candidates.length === 0) {
      deps.log(`${image}: no VSA found, validating`);
      return undefined;
    }
    const decision = decideVsaTrust(candidates, { imageDigest: digest, policyDigest: await deps.policyDigest(), now: deps.now, maxAgeMs: deps.maxAgeMs });
    for (const note of decision.notes) deps.log(`${image}: ${note}`);
    if (!decision.trusted) {
      deps.log(`${image}: ${decision.why}; validating`);
      return undefined;
    }
    deps.log(`${image}: reported from VSA ${decision.evidence.digest} signed by ${decision.evidence.signer} at ${decision.evidence.timeVerified}`);
    return decision.evidence;
  } catch (err) {
    if (belongsToRun(err)) throw err;
    deps.log(`${image}: VSAs could not be read (${errorMessage(err)}); validating`);
    return undefined;
  }
}

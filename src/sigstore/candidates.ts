// Verifies every candidate (legacy layer or bundle) of one check: a check passes when one verifies
// (cosign's rule). Rejections are collected in words; a network failure is not a verdict and is
// rethrown for the pipeline to report as an infrastructure error.
import { errorMessage } from '../errors.ts';
import { RegistryError } from '../oci/errors.ts';

export interface Candidate<R> {
  /** Names the candidate in messages (`signature sha256:…`, `bundle sha256:…`). */
  label: string;
  verify(): Promise<R>;
}

export async function verifyCandidates<R>(candidates: Candidate<R>[]): Promise<{ verified: R[]; errors: string[] }> {
  // Candidates are fetched and verified side by side (a component's attestation envelopes are
  // independent blobs); results keep the candidates' order so reports stay deterministic.
  const settled = await Promise.allSettled(candidates.map((c) => c.verify()));
  const verified: R[] = [];
  const errors: string[] = [];
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') {
      verified.push(s.value);
      return;
    }
    const err: unknown = s.reason;
    if (err instanceof RegistryError && err.transient) throw err;
    errors.push(candidates.length > 1 ? `${candidates[i]!.label}: ${errorMessage(err)}` : errorMessage(err));
  });
  return { verified, errors };
}

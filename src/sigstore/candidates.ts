// Verifies every candidate (legacy layer or bundle) of one check: a check passes when one verifies
// (cosign's rule). Each rejection keeps the code of the error behind it. A network failure is not a
// verdict, and the run's own errors (its configuration, its environment) are not one candidate's:
// both are rethrown, for the pipeline to report as an infrastructure error or to stop the run.
import { errorCode, errorMessage } from '../errors.ts';
import { RegistryError } from '../oci/errors.ts';
import { belongsToRun } from './errors.ts';
import type { Rejection } from './types.ts';

export interface Candidate<R> {
  /** Names the candidate in messages (`signature sha256:…`, `bundle sha256:…`). */
  label: string;
  verify(): Promise<R>;
}

/** A candidate's failure as a rejection; rethrows what is not the candidate's (see above). */
export function rejection(err: unknown, label?: string): Rejection {
  if ((err instanceof RegistryError && err.transient) || belongsToRun(err)) throw err;
  return { code: errorCode(err), message: label === undefined ? errorMessage(err) : `${label}: ${errorMessage(err)}` };
}

export async function verifyCandidates<R>(candidates: Candidate<R>[]): Promise<{ verified: R[]; errors: Rejection[] }> {
  // Candidates are fetched and verified side by side (a component's attestation envelopes are
  // independent blobs); results keep the candidates' order so reports stay deterministic.
  const settled = await Promise.allSettled(candidates.map((c) => c.verify()));
  const verified: R[] = [];
  const errors: Rejection[] = [];
  settled.forEach((s, i) => {
    if (s.status === 'fulfilled') verified.push(s.value);
    else errors.push(rejection(s.reason, candidates.length > 1 ? candidates[i]!.label : undefined));
  });
  return { verified, errors };
}

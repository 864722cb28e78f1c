// Whether the VSAs found on an image let a re-run report it without validating it again (issue 14
// item 4). Pure: the candidates arrive verified or rejected by src/sigstore/verify-vsa.ts.
//
// A VSA vouches only when it is signed by the configured VSA signer (ec once skipped validation on
// a found, unexpired VSA whose signature it never checked), is an in-toto statement about exactly
// this digest, is an SLSA VSA v1 by vouch with verificationResult PASSED, was verified within
// --vsa-expiration of the run's time (and not later than the run, but for CLOCK_SKEW_MS), and names
// this run's policy by content digest. Anything doubtful falls back to full validation: a
// candidate that claims to be a VSA but does not verify or does not read, or a signed VSA that is
// current and says FAILED, vetoes every other. Signed VSAs that are only stale (expired, another
// policy) are history and veto nothing: each run may add one.
import type { VsaEvidence } from '../../model/report.ts';
import { subjectSha256, type InTotoStatement } from '../../model/statement.ts';
import { VSA_PREDICATE_TYPE, type VsaCandidate } from '../../sigstore/verify-vsa.ts';
import { isRecord } from '../../util/json-shapes.ts';

/** `verifier.id` of the VSAs vouch writes (the constant of src/model/vsa.ts, by the producer). */
export const VOUCH_VERIFIER_ID = 'https://github.com/vouch-dev/vouch';
const STATEMENT_TYPES: ReadonlySet<string> = new Set(['https://in-toto.io/Statement/v1', 'https://in-toto.io/Statement/v0.1']);
/** How far in the run's future a timeVerified may be (another machine's clock). */
export const CLOCK_SKEW_MS = 5 * 60_000;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;

export interface VsaExpectation {
  /** `sha256:<hex>` of the image. */
  imageDigest: string;
  /** `sha256:<hex>`: the current policy's content digest; undefined: no VSA can match it. */
  policyDigest: string | undefined;
  /** The run's effective time. */
  now: Date;
  /** --vsa-expiration. */
  maxAgeMs: number;
  /** `vouch validate vsa` without --policy: the VSA's policy digest is shown, not compared. */
  anyPolicy?: boolean;
}

/** One candidate judged: current and PASSED, stale (history), or bad (vetoes the rest). */
export type Judgement = { kind: 'pass'; evidence: VsaEvidence; time: number } | { kind: 'stale'; why: string } | { kind: 'bad'; why: string };

export type VsaDecision =
  | { trusted: true; evidence: VsaEvidence; notes: string[] }
  /** `why`: one line for the log; `notes`: each candidate's own. */
  | { trusted: false; why: string; notes: string[] };

interface ReadVsa {
  timeVerified: string;
  time: number;
  result: 'PASSED' | 'FAILED';
  policySha256: string;
}

/** The predicate fields a decision rests on, or why they cannot be read. */
function readPredicate(statement: InTotoStatement, imageHex: string): ReadVsa | string {
  if (!STATEMENT_TYPES.has(statement._type)) return `statement _type ${JSON.stringify(statement._type)} is not an in-toto statement`;
  if (statement.predicateType !== VSA_PREDICATE_TYPE) return `predicateType ${JSON.stringify(statement.predicateType)} is not ${VSA_PREDICATE_TYPE}`;
  if (statement.subject.length !== 1 || subjectSha256(statement.subject[0]) !== imageHex) return 'its subject is not exactly this image digest';
  const p = statement.predicate;
  if (!isRecord(p)) return 'it has no predicate';
  if (!isRecord(p.verifier) || p.verifier.id !== VOUCH_VERIFIER_ID) return `verifier.id is not ${VOUCH_VERIFIER_ID}`;
  const result = p.verificationResult;
  if (result !== 'PASSED' && result !== 'FAILED') return 'verificationResult is neither PASSED nor FAILED';
  const timeVerified = p.timeVerified;
  const time = typeof timeVerified === 'string' && RFC3339.test(timeVerified) ? Date.parse(timeVerified) : NaN;
  if (typeof timeVerified !== 'string' || Number.isNaN(time)) return 'timeVerified is not an RFC 3339 time';
  const digest = isRecord(p.policy) && isRecord(p.policy.digest) ? p.policy.digest.sha256 : undefined;
  if (typeof digest !== 'string' || !SHA256_HEX.test(digest)) return 'policy.digest.sha256 is missing or not a sha256';
  return { timeVerified, time, result, policySha256: digest };
}

/** One candidate against the expectation. */
export function judgeVsa(candidate: VsaCandidate, expect: VsaExpectation): Judgement {
  const { verified } = candidate;
  if (!verified) return { kind: 'bad', why: `not verified: ${candidate.rejection?.message ?? 'no signature'}` };
  const read = readPredicate(verified.statement, expect.imageDigest.replace(/^sha256:/, ''));
  if (typeof read === 'string') return { kind: 'bad', why: `malformed: ${read}` };
  const now = expect.now.getTime();
  if (read.time > now + CLOCK_SKEW_MS) return { kind: 'bad', why: `timeVerified ${read.timeVerified} is in the future` };
  const policyDigest = expect.anyPolicy ? `sha256:${read.policySha256}` : expect.policyDigest;
  if (policyDigest === undefined) return { kind: 'stale', why: 'the current policy has no content digest to match' };
  if (`sha256:${read.policySha256}` !== policyDigest)
    return { kind: 'stale', why: `made for another policy (sha256:${read.policySha256}, this run's is ${policyDigest})` };
  if (now - read.time > expect.maxAgeMs) return { kind: 'stale', why: `expired: verified ${read.timeVerified}, longer ago than --vsa-expiration` };
  if (read.result === 'FAILED') return { kind: 'bad', why: `it records FAILED for this policy at ${read.timeVerified}` };
  const evidence: VsaEvidence = {
    digest: candidate.digest,
    source: candidate.source,
    signer: verified.signer,
    timeVerified: read.timeVerified,
    policyDigest,
    verificationResult: 'PASSED',
  };
  return { kind: 'pass', evidence, time: read.time };
}

/** The decision over every candidate of one image (see the header). */
export function decideVsaTrust(candidates: readonly VsaCandidate[], expect: VsaExpectation): VsaDecision {
  const judged = candidates.map((c) => ({ c, j: judgeVsa(c, expect) }));
  const notes = judged.filter(({ j }) => j.kind !== 'pass').map(({ c, j }) => `VSA ${c.digest} (${c.source}) ignored: ${'why' in j ? j.why : ''}`);
  if (candidates.length === 0) return { trusted: false, why: 'no VSA found', notes };
  const bad = judged.find(({ j }) => j.kind === 'bad');
  if (bad) return { trusted: false, why: `VSA ${bad.c.digest} cannot be trusted, so none is`, notes };
  let best: { evidence: VsaEvidence; time: number } | undefined;
  for (const { j } of judged) if (j.kind === 'pass' && (!best || j.time > best.time)) best = j;
  if (!best) return { trusted: false, why: 'no current VSA', notes };
  return { trusted: true, evidence: best.evidence, notes };
}

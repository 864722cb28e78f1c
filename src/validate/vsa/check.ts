// `vouch validate vsa` (issue 14 item 5): the VSAs attached to an image, or one VSA file, each
// verified with the VSA signer and judged as a re-run would judge it (trust-decision.ts). The
// policy digest is compared only when a policy is given.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InputError, errorMessage } from '../../errors.ts';
import type { VsaEvidence } from '../../model/report.ts';
import { pinnedReference, parseReference } from '../../oci/reference.ts';
import { createSourceFactory } from '../../oci/source.ts';
import type { SourceFactoryOptions } from '../../oci/source.ts';
import type { VerificationMode } from '../../sigstore/types.ts';
import { findImageVsas, verifyVsaFile, type VsaCandidate } from '../../sigstore/verify-vsa.ts';
import { decideVsaTrust, judgeVsa, type VsaExpectation } from './trust-decision.ts';
import { subjectSha256 } from '../../model/statement.ts';
import { jsonText } from '../../util/json-shapes.ts';

export interface VsaCheckRequest {
  /** An image whose attached VSAs are checked, or (with `file`) the image the file must be about. */
  image?: string;
  /** A VSA file: a Sigstore bundle or a DSSE envelope. */
  file?: string;
  cwd: string;
  mode: VerificationMode;
  trustedRoot: () => Promise<unknown>;
  maxAgeMs: number;
  now: Date;
  /** The current policy's content digest; undefined: not compared. */
  policyDigest?: string;
  registry: SourceFactoryOptions;
}

/** One VSA as the check saw it. */
interface CheckedVsa {
  digest: string;
  source: string;
  signer?: string;
  subject?: string;
  timeVerified?: string;
  verificationResult?: string;
  policyDigest?: string;
  verdict: 'trusted' | 'current' | 'ignored';
  why?: string;
}

export interface VsaCheckResult {
  /** The pinned image, when one was named. */
  image?: string;
  policyDigest?: string;
  vsas: CheckedVsa[];
  trusted?: VsaEvidence;
  /** Why no VSA is trusted. */
  why?: string;
}

function predicateField(c: VsaCandidate, read: (p: Record<string, unknown>) => unknown): string | undefined {
  const p = c.verified?.statement.predicate;
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return undefined;
  const v = read(p as Record<string, unknown>);
  return typeof v === 'string' ? v : undefined;
}

function describe(c: VsaCandidate, expect: VsaExpectation, trusted: VsaEvidence | undefined): CheckedVsa {
  const j = judgeVsa(c, expect);
  const subject = c.verified?.statement.subject[0];
  const subjectHex = subjectSha256(subject);
  const policy = predicateField(c, (p) => (p.policy as { digest?: { sha256?: unknown } } | undefined)?.digest?.sha256);
  const time = predicateField(c, (p) => p.timeVerified);
  const result = predicateField(c, (p) => p.verificationResult);
  return {
    digest: c.digest,
    source: c.source,
    ...(c.verified ? { signer: c.verified.signer } : {}),
    ...(subjectHex ? { subject: `${jsonText((subject as { name?: unknown }).name)}@sha256:${jsonText(subjectHex)}` } : {}),
    ...(time ? { timeVerified: time } : {}),
    ...(result ? { verificationResult: result } : {}),
    ...(policy ? { policyDigest: `sha256:${policy}` } : {}),
    verdict: j.kind === 'pass' ? (trusted?.digest === c.digest ? 'trusted' : 'current') : 'ignored',
    ...('why' in j ? { why: j.why } : {}),
  };
}

async function readVsaFile(path: string, cwd: string): Promise<Buffer> {
  const full = resolve(cwd, path);
  try {
    return await readFile(full);
  } catch (err) {
    throw new InputError('VSA_FILE_UNREADABLE', `--vsa ${full}: ${errorMessage(err)}`, { value: full, cause: err });
  }
}

/** Checks the VSAs; never throws for a VSA that does not verify (it is reported as ignored). */
export async function checkVsas(req: VsaCheckRequest): Promise<VsaCheckResult> {
  const sourceFor = createSourceFactory({ ...req.registry, baseDir: req.cwd });
  let image: string | undefined;
  let digest: string | undefined;
  let candidates: VsaCandidate[];
  if (req.image !== undefined) {
    const ref = parseReference(req.image);
    const source = sourceFor(ref);
    digest = ref.digest ?? (await source.resolve(ref)).digest;
    if (ref.digest) await source.resolve(ref);
    image = pinnedReference(ref, digest);
    candidates = req.file === undefined ? await findImageVsas({ source, ref, digest, mode: req.mode, trustedRoot: req.trustedRoot }) : [];
  } else {
    candidates = [];
  }
  if (req.file !== undefined) {
    const ctx = { mode: req.mode, trustedRoot: req.trustedRoot };
    const one = await verifyVsaFile(ctx, await readVsaFile(req.file, req.cwd), digest);
    candidates = [one];
    // A file alone is about the one digest it names.
    const subject = one.verified?.statement.subject;
    const hex = subject?.length === 1 ? subjectSha256(subject[0]) : undefined;
    if (digest === undefined && typeof hex === 'string') digest = `sha256:${hex}`;
  }
  const expect: VsaExpectation = {
    imageDigest: digest ?? '',
    policyDigest: req.policyDigest,
    now: req.now,
    maxAgeMs: req.maxAgeMs,
    ...(req.policyDigest === undefined ? { anyPolicy: true } : {}),
  };
  const decision = decideVsaTrust(candidates, expect);
  const trusted = decision.trusted ? decision.evidence : undefined;
  return {
    ...(image ? { image } : {}),
    ...(req.policyDigest ? { policyDigest: req.policyDigest } : {}),
    vsas: candidates.map((c) => describe(c, expect, trusted)),
    ...(decision.trusted ? { trusted: decision.evidence } : { why: decision.why }),
  };
}

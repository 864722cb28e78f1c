// Verification Summary Attestations (SLSA VSA v1) of an image digest, or in a file, each verified
// by the same code as every attestation (legacy `.att` DSSE layers through signer-check.ts, OCI 1.1
// referrer bundles through bundles.ts), with the VSA signer's mode instead of the image's. This
// says who signed what about which digest; whether that is enough to skip a validation is decided
// by src/validate/vsa/trust-decision.ts.
import { createHash } from 'node:crypto';
import { errorMessage } from '../errors.ts';
import type { EntitySignature } from '../model/signature.ts';
import type { InTotoStatement } from '../model/statement.ts';
import { MediaType, type Descriptor } from '../oci/types.ts';
import { isRecord } from '../util/json-shapes.ts';
import { parseStrictJson } from '../util/strict-json.ts';
import { bundleCandidates, verifyBundleSigner, type BundleCandidate } from './bundles.ts';
import { rejection } from './candidates.ts';
import { assertSubjectNamesDigest, decodeStatement } from './claims.ts';
import { legacyArtifacts } from './cosign-layout.ts';
import { MalformedSignatureError, SignatureRejected } from './errors.ts';
import { keyFingerprint } from './keys.ts';
import { parseEnvelope, type DsseEnvelopeJson } from './legacy-bundle.ts';
import { verifyEnvelopeSigner } from './verify-attestations.ts';
import { parseBundle } from './signing-material.ts';
import type { Rejection, SignerContext, VerifyContext } from './types.ts';

/** SLSA VSA v1 (https://slsa.dev/spec/v1.0/verification_summary). Also in src/model/vsa.ts once the producer lands. */
export const VSA_PREDICATE_TYPE = 'https://slsa.dev/verification_summary/v1';

/** A VSA is a few kilobytes; a bigger one is refused before it is read (an attestation may be 16 MiB). */
const VSA_LIMIT = 1024 * 1024;

/** The layer annotation cosign attest writes with the statement's predicate type (not signed: a hint only). */
const PREDICATE_TYPE_ANNOTATION = 'predicateType';
const IN_TOTO = 'application/vnd.in-toto+json';

type VsaSource = 'attestation layer' | 'referrer bundle' | 'file';

/** One VSA found: verified (statement and signer) or rejected (why). */
export interface VsaCandidate {
  /** Which VSA: the `.att` layer's digest, the referrer manifest's, or the file's sha256. */
  digest: string;
  source: VsaSource;
  verified?: { statement: InTotoStatement; signature: EntitySignature; signer: string };
  rejection?: Rejection;
}

/** Who signed, in words: the key's fingerprint, or the certificate's identity and issuer. */
function describeSigner(ctx: SignerContext, signature: EntitySignature): string {
  if (ctx.mode.kind === 'key') return `key ${keyFingerprint(ctx.mode.publicKey)}`;
  const meta = signature.metadata ?? {};
  const issuer = meta['Fulcio Issuer (V2)'] ?? meta['Fulcio Issuer'] ?? '(no issuer)';
  return `${meta['Subject Alternative Name'] ?? '(no identity)'} (issuer ${issuer})`;
}

/** The predicate type a payload claims, unverified (to pick VSA candidates); undefined if unreadable. */
function claimedPredicateType(payloadB64: string): string | undefined {
  try {
    const doc = parseStrictJson(Buffer.from(payloadB64, 'base64').toString('utf8'));
    return isRecord(doc) && typeof doc.predicateType === 'string' ? doc.predicateType : undefined;
  } catch {
    return undefined;
  }
}

/** Verifies one envelope's signer and decodes its statement (bound to `digest` when given). */
async function verifyEnvelope(
  ctx: SignerContext,
  envelope: DsseEnvelopeJson,
  layer: Descriptor,
  digest: string | undefined,
): Promise<NonNullable<VsaCandidate['verified']>> {
  const { statement, signature } = await verifyEnvelopeSigner(ctx, envelope, layer, digest);
  return { statement, signature, signer: describeSigner(ctx, signature) };
}

async function verifyBundleVsa(ctx: SignerContext, b: BundleCandidate, digest: string | undefined): Promise<NonNullable<VsaCandidate['verified']>> {
  const signature = await verifyBundleSigner(ctx, b);
  if (digest !== undefined) assertSubjectNamesDigest(b.statement, digest);
  return { statement: b.statement, signature, signer: describeSigner(ctx, signature) };
}

async function settle(digest: string, source: VsaSource, verify: () => Promise<NonNullable<VsaCandidate['verified']>>): Promise<VsaCandidate> {
  try {
    return { digest, source, verified: await verify() };
  } catch (err) {
    return { digest, source, rejection: rejection(err) };
  }
}

/** A legacy layer that may hold a VSA: its annotation says so, or says nothing and the payload does. */
async function layerCandidate(ctx: VerifyContext, layer: Descriptor): Promise<VsaCandidate | undefined> {
  const hint = layer.annotations?.[PREDICATE_TYPE_ANNOTATION];
  if (hint !== undefined && hint !== VSA_PREDICATE_TYPE) return undefined;
  if (layer.mediaType !== MediaType.DsseEnvelope) return undefined;
  if (layer.size > VSA_LIMIT) {
    // Only a layer that calls itself a VSA is one; an unnamed big one is another attestation.
    if (hint === undefined) return undefined;
    return {
      digest: layer.digest,
      source: 'attestation layer',
      rejection: { code: 'PAYLOAD_INVALID', message: `the VSA is ${layer.size} bytes, more than the ${VSA_LIMIT} a VSA may have` },
    };
  }
  let envelope: DsseEnvelopeJson;
  try {
    envelope = parseEnvelope(await ctx.source.getBlob(ctx.ref, layer, VSA_LIMIT));
  } catch (err) {
    const r = rejection(err);
    return hint === undefined ? undefined : { digest: layer.digest, source: 'attestation layer', rejection: r };
  }
  if (hint === undefined && claimedPredicateType(envelope.payload) !== VSA_PREDICATE_TYPE) return undefined;
  return settle(layer.digest, 'attestation layer', () => verifyEnvelope(ctx, envelope, layer, ctx.digest));
}

/**
 * Every VSA attached to the image digest, each verified with `ctx.mode` (the VSA signer's). A
 * registry failure is thrown (no verdict); a candidate that does not verify is returned rejected.
 */
export async function findImageVsas(ctx: VerifyContext): Promise<VsaCandidate[]> {
  const [{ layers }, bundles] = await Promise.all([legacyArtifacts(ctx.source, ctx.ref, ctx.digest, 'att'), bundleCandidates(ctx)]);
  const fromBundles = bundles.candidates
    .filter((b) => b.statement.predicateType === VSA_PREDICATE_TYPE)
    .map((b) => settle(b.digest, 'referrer bundle', () => verifyBundleVsa(ctx, b, ctx.digest)));
  const fromLayers = layers.map((layer) => layerCandidate(ctx, layer));
  const all = await Promise.all([...fromBundles, ...fromLayers]);
  return all.filter((c): c is VsaCandidate => c !== undefined);
}

/**
 * A VSA file: a Sigstore bundle, or a DSSE envelope (a cosign `.att` layer's content, or
 * `cosign download attestation`'s line). `digest`: the image the VSA must be about, when known.
 */
export async function verifyVsaFile(ctx: SignerContext, bytes: Buffer, digest?: string): Promise<VsaCandidate> {
  const fileDigest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
  if (bytes.length > VSA_LIMIT)
    return {
      digest: fileDigest,
      source: 'file',
      rejection: { code: 'PAYLOAD_INVALID', message: `the file is ${bytes.length} bytes, more than the ${VSA_LIMIT} a VSA may have` },
    };
  let doc: unknown;
  try {
    doc = parseStrictJson(bytes.toString('utf8'));
  } catch (err) {
    return { digest: fileDigest, source: 'file', rejection: { code: 'MALFORMED_SIGNATURE', message: `not JSON: ${errorMessage(err)}` } };
  }
  const isBundle = isRecord(doc) && typeof doc.mediaType === 'string' && doc.mediaType.startsWith('application/vnd.dev.sigstore.bundle');
  return settle(fileDigest, 'file', async () => {
    if (isBundle) {
      const parsed = parseBundle(bytes);
      const content = parsed.bundle.content;
      if (content.$case !== 'dsseEnvelope') throw new SignatureRejected('PAYLOAD_TYPE', 'the bundle signs no DSSE envelope');
      if (content.dsseEnvelope.payloadType !== IN_TOTO)
        throw new SignatureRejected('PAYLOAD_TYPE', `DSSE payload type ${content.dsseEnvelope.payloadType} is not ${IN_TOTO}`);
      const statement = decodeStatement(content.dsseEnvelope.payload);
      return verifyBundleVsa(ctx, { digest: fileDigest, parsed, statement, isSignature: false }, digest);
    }
    if (!isRecord(doc) || !('payload' in doc)) throw new MalformedSignatureError('neither a Sigstore bundle nor a DSSE envelope');
    // A bare envelope carries no certificate and no log entry: key mode without Rekor only.
    const layer: Descriptor = { mediaType: MediaType.DsseEnvelope, digest: fileDigest, size: bytes.length };
    return verifyEnvelope(ctx, parseEnvelope(bytes), layer, digest);
  });
}

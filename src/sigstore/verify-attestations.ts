// builtin.attestation.signature_check: legacy `.att` DSSE layers of the image digest, each verified
// with @sigstore/verify, payload type and subject checked; every verified one is kept.
import { dsse } from '@sigstore/core';
import { MediaType, type Descriptor } from '../oci/types.ts';
import { bundleCandidates, verifyBundleSigner } from './bundles.ts';
import { verifyCandidates } from './candidates.ts';
import { assertSubjectNamesDigest, decodeStatement, predicateBuildType } from './claims.ts';
import { Annotation, legacyArtifacts } from './cosign-layout.ts';
import { dsseBundle, parseEnvelope, type DsseEnvelopeJson } from './legacy-bundle.ts';
import { verifyLayerSigner } from './signer-check.ts';
import type { AttestationCheck, SignerContext, VerifiedAttestation, VerifyContext } from './types.ts';
import type { EntitySignature } from '../model/signature.ts';
import type { InTotoStatement } from '../model/statement.ts';
import { SignatureRejected } from './errors.ts';

const ENVELOPE_LIMIT = 16 * 1024 * 1024;
const IN_TOTO = 'application/vnd.in-toto+json';

/**
 * One in-toto DSSE envelope: its signer verified (as the layer carrying it) and its statement decoded,
 * bound to `digest` when given. Image attestations and VSAs both go through here.
 */
export async function verifyEnvelopeSigner(
  ctx: SignerContext,
  envelope: DsseEnvelopeJson,
  layer: Descriptor,
  digest: string | undefined,
): Promise<{ statement: InTotoStatement; signature: EntitySignature }> {
  if (envelope.payloadType !== IN_TOTO) throw new SignatureRejected('PAYLOAD_TYPE', `DSSE payload type ${envelope.payloadType} is not ${IN_TOTO}`);
  const first = envelope.signatures[0]!;
  const payload = Buffer.from(envelope.payload, 'base64');
  const signature = await verifyLayerSigner(ctx, layer, {
    sig: first.sig,
    keyid: first.keyid ?? '',
    signedBytes: dsse.preAuthEncoding(envelope.payloadType, payload),
    bundle: (material) => dsseBundle(envelope, material),
  });
  const statement = decodeStatement(payload);
  if (digest !== undefined) assertSubjectNamesDigest(statement, digest);
  return { statement, signature };
}

async function verifyLayer(ctx: VerifyContext, layer: Descriptor): Promise<VerifiedAttestation> {
  if (layer.mediaType !== MediaType.DsseEnvelope) {
    throw new SignatureRejected('LAYER_MEDIA_TYPE', `layer media type ${layer.mediaType} is not ${MediaType.DsseEnvelope}`);
  }
  const envelope = parseEnvelope(await ctx.source.getBlob(ctx.ref, layer, ENVELOPE_LIMIT));
  const first = envelope.signatures[0]!;
  // ec reports sig/keyid from the OCI layer annotation, falling back to the envelope's: the two
  // must then be the same signature (cosign attest leaves the annotation empty).
  const annotated = layer.annotations?.[Annotation.Signature];
  if (annotated && annotated !== first.sig)
    throw new SignatureRejected('SIGNATURE_ANNOTATION_MISMATCH', `the ${Annotation.Signature} annotation is not the DSSE envelope's signature`);
  const { statement, signature } = await verifyEnvelopeSigner(ctx, envelope, layer, ctx.digest);
  const buildType = predicateBuildType(statement);
  return { statement, signatures: [signature], ...(buildType ? { predicateBuildType: buildType } : {}) };
}

/** Legacy `.att` layers and cosign v3 attestation bundles (all of them: see verify-signatures.ts). */
export async function verifyImageAttestations(ctx: VerifyContext): Promise<AttestationCheck> {
  const [{ layers }, bundles] = await Promise.all([legacyArtifacts(ctx.source, ctx.ref, ctx.digest, 'att'), bundleCandidates(ctx)]);
  const attestationBundles = bundles.candidates.filter((b) => !b.isSignature);
  if (layers.length === 0 && attestationBundles.length === 0 && bundles.errors.length === 0)
    return { ok: false, attestations: [], errors: [], noneFound: true };
  const { verified: attestations, errors } = await verifyCandidates<VerifiedAttestation>([
    ...attestationBundles.map((b) => ({
      label: `bundle ${b.digest}`,
      verify: async () => {
        const signature = await verifyBundleSigner(ctx, b);
        assertSubjectNamesDigest(b.statement, ctx.digest);
        // ec reads no predicateBuildType for bundle attestations (conforma/cli a18338416237
        // internal/attestation/attestation.go ProvenanceFromBundlePayload).
        return { statement: b.statement, signatures: [signature] };
      },
    })),
    ...layers.map((layer) => ({ label: `attestation ${layer.digest}`, verify: () => verifyLayer(ctx, layer) })),
  ]);
  return attestations.length > 0
    ? { ok: true, attestations, errors: [], noneFound: false }
    : { ok: false, attestations, errors: [...bundles.errors, ...errors], noneFound: false };
}

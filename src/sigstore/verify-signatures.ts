// builtin.image.signature_check: legacy `.sig` layers of the image digest, each verified with
// @sigstore/verify and claim-checked; at least one must pass (cosign's rule).
import { createHash } from 'node:crypto';
import { MediaType, type Descriptor } from '../oci/types.ts';
import type { EntitySignature } from '../model/signature.ts';
import { bundleCandidates, verifyBundleSigner } from './bundles.ts';
import { verifyCandidates } from './candidates.ts';
import { assertSimpleSigningClaim, assertSubjectNamesDigest } from './claims.ts';
import { Annotation, legacyArtifacts } from './cosign-layout.ts';
import { messageSignatureBundle } from './legacy-bundle.ts';
import { verifyLayerSigner } from './signer-check.ts';
import type { SignatureCheck, VerifyContext } from './types.ts';
import { SignatureRejected } from './errors.ts';

const PAYLOAD_LIMIT = 4 * 1024 * 1024;

async function verifyLayer(ctx: VerifyContext, layer: Descriptor): Promise<EntitySignature> {
  if (layer.mediaType !== MediaType.SimpleSigning) {
    throw new SignatureRejected('LAYER_MEDIA_TYPE', `layer media type ${layer.mediaType} is not ${MediaType.SimpleSigning}`);
  }
  const sig = layer.annotations?.[Annotation.Signature];
  if (!sig) throw new SignatureRejected('SIGNATURE_ANNOTATION_MISSING', `no ${Annotation.Signature} annotation`);
  // The payload must hash to the layer descriptor (the source checks digest and size).
  const payload = await ctx.source.getBlob(ctx.ref, layer, PAYLOAD_LIMIT);
  const payloadSha256 = createHash('sha256').update(payload).digest();
  const signature = await verifyLayerSigner(ctx, layer, {
    sig,
    artifact: payload,
    signedBytes: payload,
    bundle: (material) => messageSignatureBundle(sig, payloadSha256, material),
  });
  assertSimpleSigningClaim(payload, ctx.digest);
  return signature;
}

/**
 * Legacy `.sig` layers AND cosign v3 signature bundles are all candidates (cosign v3 ignores `.sig`
 * once any bundle exists; vouch does not, so unrelated referrers never hide a valid signature).
 */
export async function verifyImageSignatures(ctx: VerifyContext): Promise<SignatureCheck> {
  const [{ layers }, bundles] = await Promise.all([legacyArtifacts(ctx.source, ctx.ref, ctx.digest, 'sig'), bundleCandidates(ctx)]);
  const signatureBundles = bundles.candidates.filter((b) => b.isSignature);
  if (layers.length === 0 && signatureBundles.length === 0 && bundles.errors.length === 0) return { ok: false, signatures: [], errors: [], noneFound: true };
  const { verified: signatures, errors } = await verifyCandidates<EntitySignature>([
    ...signatureBundles.map((b) => ({
      label: `bundle ${b.digest}`,
      verify: async () => {
        const signature = await verifyBundleSigner(ctx, b);
        assertSubjectNamesDigest(b.statement, ctx.digest);
        return signature;
      },
    })),
    ...layers.map((layer) => ({ label: `signature ${layer.digest}`, verify: () => verifyLayer(ctx, layer) })),
  ]);
  return signatures.length > 0
    ? { ok: true, signatures, errors: [], noneFound: false }
    : { ok: false, signatures, errors: [...bundles.errors, ...errors], noneFound: false };
}

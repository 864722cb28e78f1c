// Verifies one legacy cosign layer's signature in the chosen mode (key, key + Rekor, keyless),
// through @sigstore/verify, and describes the signer as ec's EntitySignature.
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type TrustMaterial, type VerifierOptions } from '@sigstore/verify';
import type { Bundle } from '@sigstore/bundle';
import type { Descriptor } from '../oci/types.ts';
import type { EntitySignature } from '../model/signature.ts';
import { assertCodeSigning, certificateSigner } from './certificate.ts';
import { Annotation } from './cosign-layout.ts';
import { assertCertificateIdentity } from './identity.ts';
import { keyTrustMaterial, parsePublicKey } from './keys.ts';
import { parseRekorBundle, parseRfc3161Annotation, strictBase64, type RekorBundleAnnotation, type VerificationMaterialInput } from './legacy-bundle.ts';
import { verifyWithOrganisationCa } from './pki-chain.ts';
import { assertRekorBodyNamesSigner } from './rekor-binding.ts';
import { legacySigningCertificate } from './signing-material.ts';
import { keylessThresholds } from './thresholds.ts';
import type { SignerContext } from './types.ts';
import { cosignHashFor, verifyBundle, verifyWithHash } from './verify-entity.ts';
import { SignatureRejected } from './errors.ts';

export interface LayerSignature {
  /** base64 signature (the layer annotation, or the DSSE signature). */
  sig: string;
  keyid?: string;
  /** Builds the bundle for this layer given its verification material. */
  bundle(material: VerificationMaterialInput): Bundle;
  /** The artifact for message signatures (the simple-signing payload). */
  artifact?: Buffer;
  /** The exact bytes the signature covers (the payload, or the DSSE pre-authentication encoding). */
  signedBytes: Buffer;
}

function rekorOf(layer: Descriptor): RekorBundleAnnotation | undefined {
  const text = layer.annotations?.[Annotation.Bundle];
  return text ? parseRekorBundle(text) : undefined;
}

function rfc3161Of(layer: Descriptor): string | undefined {
  const text = layer.annotations?.[Annotation.Rfc3161Timestamp];
  return text ? parseRfc3161Annotation(text) : undefined;
}

export async function rootTrust(ctx: SignerContext, why: string): Promise<TrustMaterial & { json: unknown }> {
  if (!ctx.trustedRoot) throw new SignatureRejected('NO_TRUST_ROOT', `${why}, but no Sigstore trust root is configured`);
  const json = await ctx.trustedRoot();
  return { ...toTrustMaterial(TrustedRoot.fromJSON(json)), json };
}

/** Verifies the layer's signature; returns ec's description of it. Throws SignatureRejected. */
export async function verifyLayerSigner(ctx: SignerContext, layer: Descriptor, signed: LayerSignature): Promise<EntitySignature> {
  strictBase64(signed.sig, 'the signature');
  if (ctx.mode.kind === 'key') {
    const key = parsePublicKey(ctx.mode.publicKey);
    let rekor: RekorBundleAnnotation | undefined;
    let trust: TrustMaterial;
    const options: VerifierOptions = { tlogThreshold: 0, timestampThreshold: 0, ctlogThreshold: 0 };
    if (ctx.mode.ignoreTlog) {
      // Entries are stripped, not just not counted: sigstore-js verifies every entry it is given.
      trust = keyTrustMaterial(key);
    } else {
      rekor = rekorOf(layer);
      if (!rekor) {
        throw new SignatureRejected(
          'TLOG_ENTRY_MISSING',
          'no transparency log entry on this signature (no dev.sigstore.cosign/bundle annotation): sign with a Rekor upload, or pass --ignore-rekor for keys used without Rekor',
        );
      }
      const root = await rootTrust(ctx, 'the signature carries a Rekor entry to check');
      trust = keyTrustMaterial(key, root.json);
      options.tlogThreshold = 1;
      assertRekorBodyNamesSigner(rekor.Payload.body, key);
    }
    const hash = cosignHashFor(key);
    if (hash !== undefined) {
      if (rekor)
        throw new SignatureRejected(
          'UNSUPPORTED_SIGNATURE',
          `${String(key.asymmetricKeyType)} ${key.asymmetricKeyDetails?.namedCurve ?? ''} signatures with a Rekor entry are not supported yet; pass --ignore-rekor`.replace(
            '  ',
            ' ',
          ),
        );
      verifyWithHash(signed.signedBytes, signed.sig, key, hash);
    } else {
      verifyBundle(signed.bundle({ ...(rekor ? { rekor } : {}) }), signed.artifact, trust, options, { key });
    }
    return { keyid: signed.keyid ?? '', sig: signed.sig };
  }

  // Keyless: the one certificate of the annotations must chain to a trusted CA and name the identity.
  const certText = layer.annotations?.[Annotation.Certificate];
  if (!certText) throw new SignatureRejected('CERTIFICATE_MISSING', 'no signing certificate on this signature (was it signed with a key? pass --public-key)');
  const { certificate: cert, chain } = legacySigningCertificate(certText, layer.annotations?.[Annotation.Chain]);
  assertCodeSigning(cert);
  if (ctx.mode.pki) {
    verifyWithOrganisationCa(cert, ctx.mode.pki, {
      keyOnly: signed.bundle({}),
      ...(signed.artifact ? { artifact: signed.artifact } : {}),
      signedBytes: signed.signedBytes,
      sig: signed.sig,
    });
  } else {
    const rekor = rekorOf(layer);
    const rfc3161 = rfc3161Of(layer);
    const root = await rootTrust(ctx, 'keyless verification needs the Fulcio CA');
    if (rekor) assertRekorBodyNamesSigner(rekor.Payload.body, cert.key);
    const options = keylessThresholds(root, { tlogEntries: rekor ? 1 : 0, ignoreSct: ctx.mode.ignoreSct === true });
    // Only the signing certificate goes into the bundle: chain certificates are never anchors.
    verifyBundle(
      signed.bundle({ certificateDer: cert.der, ...(rekor ? { rekor } : {}), ...(rfc3161 ? { rfc3161 } : {}) }),
      signed.artifact,
      root,
      options,
      cert,
    );
  }
  assertCertificateIdentity(cert.x509, ctx.mode.identity);
  return certificateSigner(cert, signed.sig, chain);
}

// Verifies one legacy cosign layer's signature in the chosen mode (key, key + Rekor, keyless),
// through @sigstore/verify, and describes the signer as ec's EntitySignature.
import { keylessThresholds } from './thresholds.ts';
import { createPublicKey } from 'node:crypto';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial, type TrustMaterial, type VerifierOptions } from '@sigstore/verify';
import type { Bundle } from '@sigstore/bundle';
import { X509Certificate } from '@sigstore/core';
import type { Descriptor } from '../oci/types.ts';
import type { EntitySignature } from '../report/model.ts';
import { certificateMetadata, hasCodeSigningEku, subjectKeyId } from './certificate.ts';
import { Annotation } from './cosign-layout.ts';
import { assertCertificateIdentity } from './identity.ts';
import { keyTrustMaterial, parsePublicKey } from './keys.ts';
import { parseRekorBundle, type RekorBundleAnnotation, type VerificationMaterialInput } from './legacy-bundle.ts';
import { assertChainsToOrganisationCa } from './pki-chain.ts';
import { assertRekorBodyNamesSigner } from './rekor-binding.ts';
import type { VerifyContext } from './types.ts';
import { SignatureRejected, cosignHashFor, verifyBundle, verifyWithHash } from './verify-entity.ts';

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----\n?/g;

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
  if (!text) return undefined;
  try {
    const parsed = JSON.parse(text) as { SignedRFC3161Timestamp?: unknown };
    return typeof parsed.SignedRFC3161Timestamp === 'string' ? parsed.SignedRFC3161Timestamp : undefined;
  } catch {
    throw new SignatureRejected('the RFC 3161 timestamp annotation is not JSON');
  }
}

export async function rootTrust(ctx: VerifyContext, why: string): Promise<TrustMaterial & { json: unknown }> {
  if (!ctx.trustedRoot) throw new SignatureRejected(`${why}, but no Sigstore trust root is configured`);
  const json = await ctx.trustedRoot();
  return { ...toTrustMaterial(TrustedRoot.fromJSON(json)), json };
}

/** Verifies the layer's signature; returns ec's description of it. Throws SignatureRejected. */
export async function verifyLayerSigner(ctx: VerifyContext, layer: Descriptor, signed: LayerSignature): Promise<EntitySignature> {
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
      if (rekor) throw new SignatureRejected(`${key.asymmetricKeyType} ${key.asymmetricKeyDetails?.namedCurve ?? ''} signatures with a Rekor entry are not supported yet; pass --ignore-rekor`.replace('  ', ' '));
      verifyWithHash(signed.signedBytes, signed.sig, key, hash);
    } else {
      verifyBundle(signed.bundle({ ...(rekor ? { rekor } : {}) }), signed.artifact, trust, options);
    }
    return { keyid: signed.keyid ?? '', sig: signed.sig };
  }

  // Keyless: the certificate must chain to a trusted CA and name the expected identity.
  const certText = layer.annotations?.[Annotation.Certificate];
  const leafPem = certText?.match(PEM_CERT)?.[0];
  if (!leafPem) throw new SignatureRejected('no signing certificate on this signature (was it signed with a key? pass --public-key)');
  const chain = (layer.annotations?.[Annotation.Chain] ?? '').match(PEM_CERT) ?? [];
  const leaf = X509Certificate.parse(leafPem);
  if (!hasCodeSigningEku(leafPem)) throw new SignatureRejected('the signing certificate is not for code signing (no codeSigning extended key usage)');
  const certKey = createPublicKey(leafPem);
  if (ctx.mode.pki) {
    // Organisation PKI: the chain is checked by us against the configured CA only, then the
    // signature with the certificate's key through @sigstore/verify.
    assertChainsToOrganisationCa(leafPem, ctx.mode.pki);
    const hash = cosignHashFor(certKey);
    if (hash !== undefined) verifyWithHash(signed.signedBytes, signed.sig, certKey, hash);
    else verifyBundle(signed.bundle({}), signed.artifact, keyTrustMaterial(certKey), { tlogThreshold: 0, timestampThreshold: 0, ctlogThreshold: 0 });
  } else {
    const rekor = rekorOf(layer);
    const rfc3161 = rfc3161Of(layer);
    const root = await rootTrust(ctx, 'keyless verification needs the Fulcio CA');
    if (rekor) assertRekorBodyNamesSigner(rekor.Payload.body, certKey);
    const options = keylessThresholds(root, { tlogEntries: rekor ? 1 : 0, ignoreSct: ctx.mode.ignoreSct === true });
    // Only the leaf goes into the bundle: chain certificates from the signature are never anchors.
    verifyBundle(signed.bundle({ certificateDer: Buffer.from(leaf.root.toDER()), ...(rekor ? { rekor } : {}), ...(rfc3161 ? { rfc3161 } : {}) }), signed.artifact, root, options);
  }
  assertCertificateIdentity(leaf, ctx.mode.identity);
  return {
    keyid: subjectKeyId(leafPem),
    sig: signed.sig,
    certificate: leafPem.endsWith('\n') ? leafPem : `${leafPem}\n`,
    chain: chain.map((c) => (c.endsWith('\n') ? c : `${c}\n`)),
    metadata: certificateMetadata(leafPem),
  };
}

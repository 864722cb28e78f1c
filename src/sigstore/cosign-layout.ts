// How cosign stores signatures and attestations next to an image (sigstore/cosign d6d86c224e58
// pkg/oci/remote/options.go, pkg/oci/static/signature.go): legacy tags and the annotations on each layer.
import type { Descriptor, ImageReference, ImageSource } from '../oci/types.ts';

export const Annotation = {
  Signature: 'dev.cosignproject.cosign/signature',
  Certificate: 'dev.sigstore.cosign/certificate',
  Chain: 'dev.sigstore.cosign/chain',
  Bundle: 'dev.sigstore.cosign/bundle',
  Rfc3161Timestamp: 'dev.sigstore.cosign/rfc3161timestamp',
} as const;

/** `sha256:<hex>` → `sha256-<hex>.<suffix>`, the tag cosign writes next to the image. */
function cosignTag(digest: string, suffix: 'sig' | 'att'): string {
  return `${digest.replace(':', '-')}.${suffix}`;
}

export interface LegacyArtifacts {
  /** The signature/attestation manifest's layers, one per signature. */
  layers: Descriptor[];
  /** Whether the `.sig`/`.att` manifest exists at all. */
  found: boolean;
}

/** Reads the legacy `.sig` or `.att` manifest of a digest in the image's repository. */
export async function legacyArtifacts(source: ImageSource, ref: ImageReference, digest: string, suffix: 'sig' | 'att'): Promise<LegacyArtifacts> {
  const fetched = await source.getManifest(ref, cosignTag(digest, suffix));
  if (!fetched || !('layers' in fetched.manifest)) return { layers: [], found: false };
  return { layers: fetched.manifest.layers, found: true };
}

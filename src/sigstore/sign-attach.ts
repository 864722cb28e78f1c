// Attaches a signed attestation to its image as cosign does (sigstore/cosign d6d86c224e58
// pkg/oci/mutate, pkg/oci/static): a layer appended to the legacy `sha256-<hex>.att` manifest
// (DSSE envelope, cosign's annotations, an image config naming every layer), and/or an OCI 1.1
// referrer whose one layer is a v0.3 Sigstore bundle (cosign v3's layout), with the
// `sha256-<hex>` tag-schema index kept too when the registry does not index subjects itself.
// Two writers of one `.att` tag at once can lose a layer, as with cosign.
import { computeDigest } from '../oci/digest.ts';
import type { RegistryClient } from '../oci/client.ts';
import { MediaType, isIndex, type Descriptor, type ImageIndex, type ImageManifest, type ImageReference } from '../oci/types.ts';
import { Annotation, cosignTag } from './cosign-layout.ts';
import type { SignedStatement } from './sign-dsse.ts';

export interface AttachTarget {
  client: RegistryClient;
  /** The image's repository (tag and digest ignored). */
  ref: ImageReference;
  /** `sha256:<hex>` of the image manifest the attestation is about. */
  digest: string;
}

const json = (v: unknown): Buffer => Buffer.from(JSON.stringify(v));
const EMPTY_JSON = Buffer.from('{}');

/** cosign's layer annotations: an empty signature annotation (the envelope holds it), the predicate type, and the Rekor/certificate material. */
function layerAnnotations(signed: SignedStatement, predicateType: string): Record<string, string> {
  return {
    [Annotation.Signature]: '',
    predicateType,
    ...(signed.certificatePem ? { [Annotation.Certificate]: signed.certificatePem } : {}),
    ...(signed.chainPem ? { [Annotation.Chain]: signed.chainPem } : {}),
    ...(signed.rekor ? { [Annotation.Bundle]: JSON.stringify(signed.rekor) } : {}),
  };
}

/** The image config cosign writes for a signature image: one diff_id per layer. */
function signatureConfig(layers: Descriptor[]): Buffer {
  return json({
    architecture: '',
    created: '0001-01-01T00:00:00Z',
    history: layers.map(() => ({ created: '0001-01-01T00:00:00Z' })),
    os: '',
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
    config: {},
  });
}

/** Read fresh: the run's answer for the tag may be older than another writer's push. */
async function existingLayers(t: AttachTarget, tag: string): Promise<Descriptor[]> {
  const fetched = await t.client.getManifest(t.ref, tag, { fresh: true });
  if (!fetched) return [];
  if (isIndex(fetched.manifest)) return [];
  return fetched.manifest.layers;
}

/** Appends the envelope to the image's `.att` manifest; the same envelope already there is not added twice. Returns the layer's digest. */
export async function attachLegacyAttestation(t: AttachTarget, signed: SignedStatement, predicateType: string): Promise<string> {
  const tag = cosignTag(t.digest, 'att');
  const envelope = json(signed.envelope);
  const blob = await t.client.pushBlob(t.ref, envelope);
  const layers = (await existingLayers(t, tag)).filter((l) => l.digest !== blob.digest);
  layers.push({ mediaType: MediaType.DsseEnvelope, size: blob.size, digest: blob.digest, annotations: layerAnnotations(signed, predicateType) });
  const config = signatureConfig(layers);
  const configBlob = await t.client.pushBlob(t.ref, config);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: { mediaType: MediaType.OciConfig, size: configBlob.size, digest: configBlob.digest },
    layers,
  };
  await t.client.pushManifest(t.ref, tag, json(manifest), MediaType.OciManifest);
  return blob.digest;
}

/** Pushes the bundle as a referrer of the image. Returns the referrer manifest's digest. */
export async function attachBundleReferrer(t: AttachTarget, signed: SignedStatement, predicateType: string, created: string): Promise<string> {
  const image = await t.client.getManifest(t.ref, t.digest, { strict: true });
  const bundle = await t.client.pushBlob(t.ref, json(signed.bundle));
  const empty = await t.client.pushBlob(t.ref, EMPTY_JSON);
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    artifactType: MediaType.SigstoreBundleV03,
    config: { mediaType: MediaType.OciEmpty, size: empty.size, digest: empty.digest },
    layers: [{ mediaType: MediaType.SigstoreBundleV03, size: bundle.size, digest: bundle.digest }],
    subject: { mediaType: image.descriptor.mediaType, size: image.descriptor.size, digest: image.descriptor.digest },
    annotations: {
      'dev.sigstore.bundle.content': 'dsse-envelope',
      'dev.sigstore.bundle.predicateType': predicateType,
      'org.opencontainers.image.created': created,
    },
  };
  const bytes = json(manifest);
  const digest = computeDigest(bytes);
  const pushed = await t.client.pushManifest(t.ref, digest, bytes, MediaType.OciManifest);
  if (!pushed.ociSubject)
    await addToTagIndex(t, {
      mediaType: MediaType.OciManifest,
      size: bytes.length,
      digest,
      artifactType: MediaType.SigstoreBundleV03,
      ...(manifest.annotations ? { annotations: manifest.annotations } : {}),
    });
  return digest;
}

/** The OCI 1.1 referrers tag schema: the index at `sha256-<hex>` lists the referrer. */
async function addToTagIndex(t: AttachTarget, descriptor: Descriptor): Promise<void> {
  const tag = t.digest.replace(':', '-');
  const fetched = await t.client.getManifest(t.ref, tag, { fresh: true });
  const manifests = fetched && isIndex(fetched.manifest) ? fetched.manifest.manifests.filter((m) => m.digest !== descriptor.digest) : [];
  const index: ImageIndex = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [...manifests, descriptor] };
  await t.client.pushManifest(t.ref, tag, json(index), MediaType.OciIndex);
}

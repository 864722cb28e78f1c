// The values ec's OCI builtins return, field for field (conforma/cli a18338416237
// internal/rego/oci/oci.go: newDescriptorTerm, newPlatformTerm, newAnnotationsTerm and the
// manifest, index and referrer terms). Go's zero values are spelled out: a missing string is "",
// a missing list [], missing annotations {}; `platform` and `subject` appear only when present.
// A descriptor's `data` is go-containerregistry's []byte, i.e. the base64 field decoded, shown as
// text (invalid UTF-8 as U+FFFD, as ec's JSON shows it); base64 Go cannot decode fails the whole
// document, as Go's json.Unmarshal does. Pure.
import { VouchError } from '../../errors.ts';
import type { Descriptor, ImageIndex, ImageManifest, Platform } from '../../oci/types.ts';
import { decodeStdBase64 } from '../builtins/pem.ts';

export type Json = Record<string, unknown>;

export class UndecodableData extends VouchError {
  constructor(digest: string) {
    super('DESCRIPTOR_DATA', `descriptor ${digest}: data is not base64`, { value: digest });
    this.name = 'UndecodableData';
  }
}

function data(d: Descriptor): string {
  if (d.data === undefined) return '';
  const bytes = decodeStdBase64(d.data);
  if (!bytes) throw new UndecodableData(d.digest);
  return Buffer.from(bytes).toString('utf8');
}

function platformTerm(p: Platform): Json {
  return {
    architecture: p.architecture,
    os: p.os,
    'os.version': p['os.version'] ?? '',
    'os.features': p['os.features'] ?? [],
    variant: p.variant ?? '',
    features: p.features ?? [],
  };
}

export function descriptorTerm(d: Descriptor): Json {
  return {
    mediaType: d.mediaType,
    size: d.size,
    digest: d.digest,
    data: data(d),
    urls: d.urls ?? [],
    annotations: d.annotations ?? {},
    artifactType: d.artifactType ?? '',
    ...(d.platform ? { platform: platformTerm(d.platform) } : {}),
  };
}

/** `ec.oci.descriptor`: what a HEAD tells (media type, size, digest), the rest Go's zero values. */
export function headDescriptorTerm(d: Pick<Descriptor, 'mediaType' | 'size' | 'digest'>): Json {
  return { mediaType: d.mediaType, size: d.size, digest: d.digest, data: '', urls: [], annotations: {}, artifactType: '' };
}

/**
 * `schemaVersion` as Go reads it from the manifest's own bytes: 0 when absent (vouch's parser
 * accepts only 2 or nothing).
 */
export function schemaVersionOf(bytes: Uint8Array): number {
  const v = (JSON.parse(Buffer.from(bytes).toString('utf8')) as { schemaVersion?: unknown }).schemaVersion;
  return typeof v === 'number' ? v : 0;
}

export function manifestTerm(m: ImageManifest, schemaVersion: number): Json {
  return {
    schemaVersion,
    mediaType: m.mediaType ?? '',
    config: descriptorTerm(m.config),
    layers: m.layers.map(descriptorTerm),
    annotations: m.annotations ?? {},
    ...(m.subject ? { subject: descriptorTerm(m.subject) } : {}),
  };
}

export function indexTerm(i: ImageIndex, schemaVersion: number): Json {
  return {
    schemaVersion,
    mediaType: i.mediaType ?? '',
    manifests: i.manifests.map(descriptorTerm),
    annotations: i.annotations ?? {},
    ...(i.subject ? { subject: descriptorTerm(i.subject) } : {}),
  };
}

/** One `ec.oci.image_referrers` entry; `ref` is `<repository>@<digest>` (go-containerregistry's Context().Name()). */
export function referrerTerm(repository: string, d: Descriptor): Json {
  return {
    mediaType: d.mediaType,
    size: d.size,
    digest: d.digest,
    artifactType: d.artifactType ?? '',
    ref: `${repository}@${d.digest}`,
    annotations: d.annotations ?? {},
  };
}

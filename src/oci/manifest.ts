// The shapes of what a registry or an OCI layout hands us (manifests, indexes, descriptors,
// referrers lists), checked where the bytes come in: the layers above get well-typed data or a
// BAD_RESPONSE naming the URL (or file) and the JSON path at fault. Pure.
import { RegistryError } from './errors.ts';
import { MediaType, type Descriptor, type ImageIndex, type ImageManifest, type Platform } from './types.ts';

/**
 * Entries of one `layers`, `manifests` or referrers list. cosign caps signature layers at 1000
 * (sigstore/cosign pkg/oci/remote/signatures.go `maxLayers`, GHSA-vfp6-jrw2-99g9); vouch applies
 * the same cap to every list, so a hostile registry cannot make it fetch without end.
 */
export const MAX_DESCRIPTORS = 1000;

/** The only digests vouch can check; anything else could also steer a URL path or a file path. */
export const DIGEST = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/;

const INDEX_TYPES: ReadonlySet<string> = new Set([MediaType.OciIndex, MediaType.DockerManifestList]);
const MANIFEST_TYPES: ReadonlySet<string> = new Set([MediaType.OciManifest, MediaType.DockerManifest]);

type Json = Record<string, unknown>;

/** Reads one document; every failure names `where` (a request or a file) and the JSON path. */
class Reader {
  private readonly where: string;
  constructor(where: string) {
    this.where = where;
  }

  fail(path: string, why: string): never {
    throw new RegistryError('BAD_RESPONSE', `${this.where}: ${path ? `${path} ` : ''}${why}`, { value: this.where });
  }

  object(v: unknown, path: string): Json {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, 'is not a JSON object');
    return v as Json;
  }

  string(v: unknown, path: string): string {
    if (typeof v !== 'string') this.fail(path, 'is not a string');
    return v;
  }

  optionalString(v: unknown, path: string): string | undefined {
    return v === undefined ? undefined : this.string(v, path);
  }

  strings(v: unknown, path: string): string[] | undefined {
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) this.fail(path, 'is not an array');
    return v.map((s, i) => this.string(s, `${path}[${i}]`));
  }

  annotations(v: unknown, path: string): Record<string, string> | undefined {
    if (v === undefined) return undefined;
    // fromEntries defines keys (even `__proto__`) as plain own properties.
    return Object.fromEntries(Object.entries(this.object(v, path)).map(([k, s]) => [k, this.string(s, `${path}[${JSON.stringify(k)}]`)]));
  }

  platform(v: unknown, path: string): Platform | undefined {
    if (v === undefined) return undefined;
    const o = this.object(v, path);
    const osVersion = this.optionalString(o['os.version'], `${path}["os.version"]`);
    const osFeatures = this.strings(o['os.features'], `${path}["os.features"]`);
    const variant = this.optionalString(o.variant, `${path}.variant`);
    const features = this.strings(o.features, `${path}.features`);
    return {
      architecture: this.string(o.architecture, `${path}.architecture`),
      os: this.string(o.os, `${path}.os`),
      ...(osVersion !== undefined ? { 'os.version': osVersion } : {}),
      ...(osFeatures ? { 'os.features': osFeatures } : {}),
      ...(variant !== undefined ? { variant } : {}),
      ...(features ? { features } : {}),
    };
  }

  descriptor(v: unknown, path: string): Descriptor {
    const o = this.object(v, path);
    const digest = this.string(o.digest, `${path}.digest`);
    if (!DIGEST.test(digest)) this.fail(`${path}.digest`, 'is not a sha256 or sha512 digest');
    const size = o.size;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) this.fail(`${path}.size`, 'is not a byte count');
    const urls = this.strings(o.urls, `${path}.urls`);
    const annotations = this.annotations(o.annotations, `${path}.annotations`);
    const data = this.optionalString(o.data, `${path}.data`);
    const artifactType = this.optionalString(o.artifactType, `${path}.artifactType`);
    const platform = this.platform(o.platform, `${path}.platform`);
    return {
      mediaType: this.string(o.mediaType, `${path}.mediaType`),
      digest,
      size,
      ...(urls ? { urls } : {}),
      ...(annotations ? { annotations } : {}),
      ...(data !== undefined ? { data } : {}),
      ...(artifactType !== undefined ? { artifactType } : {}),
      ...(platform ? { platform } : {}),
    };
  }

  descriptors(v: unknown, path: string): Descriptor[] {
    if (!Array.isArray(v)) this.fail(path, 'is not an array');
    if (v.length > MAX_DESCRIPTORS) this.fail(path, `has ${v.length} entries, over the ${MAX_DESCRIPTORS}-entry limit`);
    return v.map((d, i) => this.descriptor(d, `${path}[${i}]`));
  }
}

function parseJson(bytes: Uint8Array, reader: Reader): Json {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    reader.fail('', 'is not JSON');
  }
  return reader.object(value, 'the document');
}

export interface ParsedManifest {
  /** The declared `mediaType`, else the one the content shows (OCI index or OCI manifest). */
  mediaType: string;
  manifest: ImageManifest | ImageIndex;
}

/**
 * A manifest or an index, told apart by its content (`manifests` vs `config`/`layers`), never by a
 * Content-Type header: an index served without `mediaType` still has its children verified. Content
 * that is both, neither, or contradicts its declared `mediaType` is rejected.
 */
export function parseManifest(bytes: Uint8Array, where: string): ParsedManifest {
  const r = new Reader(where);
  const o = parseJson(bytes, r);
  if (o.schemaVersion !== undefined && o.schemaVersion !== 2) r.fail('schemaVersion', 'is not 2 (only image manifest schema 2 can be verified)');
  const declared = r.optionalString(o.mediaType, 'mediaType');
  const isIndex = o.manifests !== undefined;
  const isManifest = o.config !== undefined || o.layers !== undefined;
  if (isIndex && isManifest) r.fail('', 'has both manifests and config/layers: neither clearly an index nor a manifest');
  if (!isIndex && !isManifest) r.fail('', 'has neither manifests nor config/layers: not an image index or manifest');
  if (declared !== undefined && ((isIndex && MANIFEST_TYPES.has(declared)) || (isManifest && INDEX_TYPES.has(declared)))) {
    r.fail('mediaType', `${declared} contradicts the content (${isIndex ? 'an index' : 'a manifest'})`);
  }
  const common = {
    schemaVersion: 2,
    ...(declared !== undefined ? { mediaType: declared } : {}),
    ...optional('artifactType', r.optionalString(o.artifactType, 'artifactType')),
    ...optional('subject', o.subject === undefined ? undefined : r.descriptor(o.subject, 'subject')),
    ...optional('annotations', r.annotations(o.annotations, 'annotations')),
  };
  if (isIndex) {
    return { mediaType: declared ?? MediaType.OciIndex, manifest: { ...common, manifests: r.descriptors(o.manifests, 'manifests') } };
  }
  if (o.config === undefined) r.fail('config', 'is missing');
  return {
    mediaType: declared ?? MediaType.OciManifest,
    manifest: { ...common, config: r.descriptor(o.config, 'config'), layers: r.descriptors(o.layers, 'layers') },
  };
}

/** An image index (a referrers answer, an OCI layout's index.json): anything else is rejected. */
export function parseIndex(bytes: Uint8Array, where: string): ImageIndex {
  const { manifest } = parseManifest(bytes, where);
  if ('manifests' in manifest) return manifest;
  return new Reader(where).fail('', 'is a manifest, not an image index');
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

// What the policy input says about the image itself: its config, and its parent (base) image's
// config from the base-image annotations (conforma/cli a18338416237
// internal/fetchers/oci/config/config.go). Failures here are not verdicts: ec only logs them, so
// the input simply lacks the field.
import { parseReference, pinnedReference } from '../oci/reference.ts';
import { isIndex, type ImageReference, type ImageSource } from '../oci/types.ts';
import type { InputImage } from '../model/policy-input.ts';
import { isRecord } from '../util/json-shapes.ts';

const BASE_NAME = 'org.opencontainers.image.base.name';
const BASE_DIGEST = 'org.opencontainers.image.base.digest';
const CONFIG_LIMIT = 4 * 1024 * 1024;

async function imageConfig(
  source: ImageSource,
  ref: ImageReference,
  digest: string,
): Promise<{ config?: Record<string, unknown>; annotations?: Record<string, string> }> {
  const fetched = await source.getManifest(ref, digest);
  if (!fetched || isIndex(fetched.manifest)) return {};
  const manifest = fetched.manifest;
  const blob = await source.getBlob(ref, manifest.config, CONFIG_LIMIT);
  const parsed: unknown = JSON.parse(blob.toString('utf8'));
  const config = isRecord(parsed) && isRecord(parsed.config) ? parsed.config : undefined;
  return { ...(config ? { config } : {}), ...(manifest.annotations ? { annotations: manifest.annotations } : {}) };
}

export interface ImageInfo {
  config?: Record<string, unknown>;
  parent?: InputImage['parent'];
}

export async function fetchImageInfo(
  sourceFor: (ref: ImageReference) => ImageSource,
  ref: ImageReference,
  digest: string,
  log: (msg: string) => void,
): Promise<ImageInfo> {
  const info: ImageInfo = {};
  let annotations: Record<string, string> | undefined;
  try {
    const own = await imageConfig(sourceFor(ref), ref, digest);
    if (own.config) info.config = own.config;
    annotations = own.annotations;
  } catch (err) {
    log(`unable to fetch the image config of ${pinnedReference(ref, digest)}: ${String(err)}`);
  }
  const baseName = annotations?.[BASE_NAME];
  const baseDigest = annotations?.[BASE_DIGEST];
  if (baseName && baseDigest) {
    // ec keeps the name as annotated (a tag may be present) and pins it with the digest.
    const parentRefText = `${baseName}@${baseDigest}`;
    info.parent = { ref: parentRefText };
    try {
      const parentRef = parseReference(parentRefText);
      const parent = await imageConfig(sourceFor(parentRef), parentRef, baseDigest);
      if (parent.config) info.parent.config = parent.config;
    } catch (err) {
      log(`unable to fetch the parent image config ${parentRefText}: ${String(err)}`);
    }
  }
  return info;
}

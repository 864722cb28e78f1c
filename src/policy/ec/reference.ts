// Image references as ec's builtins read them (conforma/cli a18338416237 internal/rego/oci/oci.go
// `parseReference`: go-containerregistry's name.NewDigest, else name.NewTag). Only what ec can
// reach: a registry, a sha256 digest (NewDigest refuses other algorithms). An `oci:` layout path is
// not a reference here: a policy never makes vouch read a directory it names. Pure.
import { parseReference } from '../../oci/reference.ts';
import type { ImageReference } from '../../oci/types.ts';

export interface PinnedReference extends ImageReference {
  digest: string;
}

/** A tag or digest reference; undefined for anything ec could not parse or vouch will not follow. */
export function ecReference(text: unknown): ImageReference | undefined {
  // go-containerregistry trims nothing; vouch's parser would.
  if (typeof text !== 'string' || text !== text.trim()) return undefined;
  let ref: ImageReference;
  try {
    ref = parseReference(text);
  } catch {
    return undefined;
  }
  if (ref.transport !== 'registry') return undefined;
  if (ref.digest !== undefined && !ref.digest.startsWith('sha256:')) return undefined;
  return ref;
}

/** A digest reference (`repo[:tag]@sha256:…`), as name.NewDigest requires. */
export function ecDigestReference(text: unknown): PinnedReference | undefined {
  const ref = ecReference(text);
  return ref?.digest === undefined ? undefined : { ...ref, digest: ref.digest };
}

// Snapshot → the components to validate (as ec's expandImageIndex,
// conforma/cli a18338416237 internal/applicationsnapshot/input.go): references parsed, and each image
// index expanded into itself plus one component per platform manifest.
import { InputError, errorMessage } from '../errors.ts';
import { parseReference, repositoryName } from '../oci/reference.ts';
import { isIndex, type ImageReference, type ImageSource } from '../oci/types.ts';
import type { Snapshot } from '../model/snapshot.ts';
import type { PlannedComponent } from './component.ts';

export function parseComponents(snapshot: Snapshot, origin: string): PlannedComponent[] {
  return snapshot.components.map((component, i) => {
    try {
      return { component, ref: parseReference(component.containerImage) };
    } catch (err) {
      throw new InputError('INVALID_COMPONENT_IMAGE', `${origin}: components[${i}] (${component.name || 'Unnamed'}): ${errorMessage(err)}`, {
        value: component.containerImage,
        cause: err,
      });
    }
  });
}

/**
 * `--shard I/N`: components sorted by image, every N-th from the I-th (before index expansion, so an
 * index and its platforms stay in one shard). The same snapshot always splits the same way.
 */
export function shardComponents(planned: PlannedComponent[], shard: { index: number; count: number } | undefined): PlannedComponent[] {
  if (!shard) return planned;
  const sorted = [...planned].sort((a, b) =>
    a.component.containerImage < b.component.containerImage ? -1 : a.component.containerImage > b.component.containerImage ? 1 : 0,
  );
  return sorted.filter((_, i) => i % shard.count === shard.index - 1);
}

/**
 * The component, then one component per platform when it is an image index (told by its content,
 * with or without `mediaType`), named `<name>-<digest>-<arch>` as ec does. Lookup errors are only
 * logged: the component's own validation reports an inaccessible image.
 */
export async function expandIndex(
  p: PlannedComponent,
  sourceFor: (ref: ImageReference) => ImageSource,
  log: (msg: string) => void,
): Promise<PlannedComponent[]> {
  try {
    const source = sourceFor(p.ref);
    const desc = await source.resolve(p.ref);
    // An index is known by its content (a `manifests` list), whatever media type it was served with:
    // an index whose children went unverified would pass on the index's signature alone.
    const fetched = await source.getManifest(p.ref, desc.digest);
    if (!fetched || !isIndex(fetched.manifest)) return [p];
    const children = fetched.manifest.manifests.map((m, i): PlannedComponent => {
      const arch = m.platform?.architecture ? m.platform.architecture : `noarch-${i}`;
      return {
        component: {
          name: `${p.component.name}-${m.digest}-${arch}`,
          containerImage: `${repositoryName(p.ref)}@${m.digest}`,
          ...(p.component.source ? { source: p.component.source } : {}),
        },
        ref: { ...p.ref, tag: undefined, digest: m.digest },
        originalName: p.component.name,
      };
    });
    return [p, ...children];
  } catch (err) {
    log(`could not inspect ${p.component.containerImage} for an image index: ${errorMessage(err)}`);
    return [p];
  }
}

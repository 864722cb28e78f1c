// Picks the ImageSource for a reference: one shared RegistryClient per run for registries, one
// layout reader per OCI layout directory.
import { RegistryClient, type RegistryClientOptions } from './client.ts';
import { OciLayoutSource } from './layout.ts';
import type { ImageReference, ImageSource } from './types.ts';

export interface SourceFactoryOptions extends RegistryClientOptions {
  /** Directory that relative `oci:` layout paths resolve against. */
  baseDir?: string;
}

export function createSourceFactory(options: SourceFactoryOptions = {}): (ref: ImageReference) => ImageSource {
  const registry = new RegistryClient(options);
  const layouts = new Map<string, OciLayoutSource>();
  return (ref) => {
    if (ref.transport === 'registry') return registry;
    let layout = layouts.get(ref.registry);
    if (!layout) {
      layout = new OciLayoutSource(options.baseDir);
      layouts.set(ref.registry, layout);
    }
    return layout;
  };
}

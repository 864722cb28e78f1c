// Image references: the docker grammar (`[host[:port]/]path[:tag][@sha256:hex]`) and
// `oci:<layout-dir>[:tag|@digest]` for local OCI image layouts. Pure.
import { InputError } from '../errors.ts';
import type { ImageReference } from './types.ts';

const DIGEST = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOCKER_HUB = 'docker.io';

function invalid(text: string, why: string): InputError {
  return new InputError('INVALID_IMAGE_REFERENCE', `invalid image reference ${JSON.stringify(text)}: ${why}`, { value: text });
}

/** Splits `name[:tag][@digest]` at the digest, then at a tag colon after the last slash. */
function splitTagDigest(rest: string, text: string): { name: string; tag?: string; digest?: string } {
  let name = rest;
  let digest: string | undefined;
  const at = name.indexOf('@');
  if (at !== -1) {
    digest = name.slice(at + 1);
    name = name.slice(0, at);
    if (!DIGEST.test(digest)) throw invalid(text, `digest must look like sha256:<64 hex characters>`);
  }
  let tag: string | undefined;
  const colon = name.lastIndexOf(':');
  if (colon > name.lastIndexOf('/')) {
    tag = name.slice(colon + 1);
    name = name.slice(0, colon);
    if (!TAG.test(tag)) throw invalid(text, `tag ${JSON.stringify(tag)} has characters a tag cannot have`);
  }
  return { name, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

export function parseReference(text: string): ImageReference {
  const trimmed = text.trim();
  if (trimmed === '') throw invalid(text, 'it is empty');
  if (trimmed.startsWith('oci:')) {
    const { name, tag, digest } = splitTagDigest(trimmed.slice(4), text);
    if (name === '') throw invalid(text, 'an OCI layout reference needs a directory: oci:<dir>[@sha256:…]');
    return { transport: 'oci-layout', registry: name, repository: '', ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
  }
  if (/^[a-z]+:\/\//i.test(trimmed)) throw invalid(text, 'remove the URL scheme (use host/repository[:tag][@digest])');
  const { name, tag, digest } = splitTagDigest(trimmed, text);
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const hasHost = first !== '' && (first.includes('.') || first.includes(':') || first === 'localhost' || /[A-Z]/.test(first));
  let registry = hasHost ? first : DOCKER_HUB;
  let repository = hasHost ? name.slice(slash + 1) : name;
  if (registry === 'index.docker.io' || registry === 'registry-1.docker.io') registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !repository.includes('/')) repository = `library/${repository}`;
  if (repository === '' || !repository.split('/').every((c) => PATH_COMPONENT.test(c))) {
    throw invalid(text, 'the repository must be lowercase letters, digits and separators (. _ -), path components joined by /');
  }
  return { transport: 'registry', registry, repository, ...(tag ? { tag } : {}), ...(digest ? { digest } : {}) };
}

/** `registry/repository`, spelled as ec (go-containerregistry's Context().Name()) reports it. */
export function repositoryName(ref: ImageReference): string {
  if (ref.transport === 'oci-layout') return `oci:${ref.registry}`;
  const registry = ref.registry === DOCKER_HUB ? 'index.docker.io' : ref.registry;
  return `${registry}/${ref.repository}`;
}

/** `<repository>@<digest>`: the pinned form ec reports as containerImage. */
export function pinnedReference(ref: ImageReference, digest: string): string {
  return `${repositoryName(ref)}@${digest}`;
}

export function formatReference(ref: ImageReference): string {
  return `${repositoryName(ref)}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** The registry API host for a reference (`docker.io` is served by `registry-1.docker.io`). */
export function apiHost(ref: ImageReference): string {
  return ref.registry === DOCKER_HUB ? 'registry-1.docker.io' : ref.registry;
}

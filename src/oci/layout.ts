// Read-only ImageSource over an OCI image layout directory (index.json + blobs/), including the
// layouts `cosign save` writes: signature and attestation manifests are listed beside the image,
// annotated `kind: dev.cosignproject.cosign/sigs|atts`, and are served here under cosign's tag names.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { matchesDigest } from './digest.ts';
import { RegistryError } from './errors.ts';
import { DIGEST, parseIndex, parseManifest } from './manifest.ts';
import { isIndex, type BlobDescriptor, type Descriptor, type FetchedManifest, type ImageIndex, type ImageReference, type ImageSource } from './types.ts';

const REF_NAME = 'org.opencontainers.image.ref.name';
const KIND = 'kind';
const MANIFEST_LIMIT = 4 * 1024 * 1024;

/**
 * A regular file of at most `limit` bytes, never through a symbolic link: a layout may come from
 * anyone, and must not make vouch read a file elsewhere, nor wait on a pipe (O_NONBLOCK: opening a
 * FIFO returns at once, and it is then refused as not a regular file).
 */
async function readLayoutFile(path: string, limit: number, what: string): Promise<Buffer> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ELOOP')
      throw new RegistryError('BAD_RESPONSE', `${path}: ${what} is a symbolic link; vouch reads only regular files in a layout`, { value: path, cause: err });
    throw new RegistryError('NOT_FOUND', `${path}: ${what} is not in the layout (${code ?? String(err)})`, { value: path, cause: err });
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new RegistryError('BAD_RESPONSE', `${path}: ${what} is not a regular file`, { value: path });
    if (stat.size > limit) throw new RegistryError('TOO_LARGE', `${path}: ${stat.size} bytes is over the ${limit}-byte limit`, { value: stat.size });
    const bytes = await handle.readFile();
    if (bytes.length > limit) throw new RegistryError('TOO_LARGE', `${path}: over the ${limit}-byte limit`, { value: bytes.length });
    return bytes;
  } finally {
    await handle.close();
  }
}

export class OciLayoutSource implements ImageSource {
  private index: Promise<ImageIndex> | undefined;
  private readonly baseDir: string;

  constructor(baseDir: string = process.cwd()) {
    this.baseDir = baseDir;
  }

  private dir(ref: ImageReference): string {
    return resolve(this.baseDir, ref.registry);
  }

  private loadIndex(ref: ImageReference): Promise<ImageIndex> {
    const path = join(this.dir(ref), 'index.json');
    this.index ??= readLayoutFile(path, MANIFEST_LIMIT, 'index.json').then(
      (bytes) => parseIndex(bytes, path),
      (err: unknown) => {
        throw err instanceof RegistryError && err.code === 'NOT_FOUND'
          ? new RegistryError('NOT_FOUND', `${path}: not an OCI image layout (${err.message})`, { value: ref.registry })
          : err;
      },
    );
    return this.index;
  }

  private async readBlob(ref: ImageReference, digest: string, limit: number): Promise<Buffer> {
    if (!DIGEST.test(digest))
      throw new RegistryError('BAD_RESPONSE', `${this.dir(ref)}: ${JSON.stringify(digest.slice(0, 140))} is not a sha256 or sha512 digest`, { value: digest });
    const [algorithm, hex] = digest.split(':') as [string, string];
    const path = join(this.dir(ref), 'blobs', algorithm, hex);
    const bytes = await readLayoutFile(path, limit, `blob ${digest}`);
    if (!matchesDigest(bytes, digest)) throw new RegistryError('DIGEST_MISMATCH', `${path}: content does not hash to ${digest}`, { value: digest });
    return bytes;
  }

  /** Finds a manifest descriptor by digest, tag, or cosign's `sha256-<hex>.sig|.att` names. */
  private async find(ref: ImageReference, tagOrDigest: string): Promise<Descriptor | undefined> {
    const index = await this.loadIndex(ref);
    if (tagOrDigest.includes(':')) {
      return index.manifests.find((m) => m.digest === tagOrDigest) ?? { mediaType: '', digest: tagOrDigest, size: 0 };
    }
    const tagged = index.manifests.find((m) => m.annotations?.[REF_NAME] === tagOrDigest);
    if (tagged) return tagged;
    const cosign = /^(sha256)-([a-f0-9]{64})\.(sig|att)$/.exec(tagOrDigest);
    if (cosign) {
      const subject = `${cosign[1]!}:${cosign[2]!}`;
      const kind = cosign[3] === 'sig' ? 'dev.cosignproject.cosign/sigs' : 'dev.cosignproject.cosign/atts';
      // cosign save writes one image per layout; its sigs/atts belong to that image.
      const image = index.manifests.find((m) => m.annotations?.[KIND] === 'dev.cosignproject.cosign/image');
      if (image?.digest === subject) return index.manifests.find((m) => m.annotations?.[KIND] === kind);
    }
    return undefined;
  }

  async resolve(ref: ImageReference): Promise<Descriptor> {
    const index = await this.loadIndex(ref);
    const want = ref.digest ?? ref.tag;
    const found = want
      ? index.manifests.find((m) => m.digest === want || m.annotations?.[REF_NAME] === want)
      : (index.manifests.find((m) => m.annotations?.[KIND] === 'dev.cosignproject.cosign/image') ??
        (index.manifests.length === 1 ? index.manifests[0] : undefined));
    if (!found) {
      throw new RegistryError('NOT_FOUND', `${this.dir(ref)}: no image ${want ?? '(untagged)'} in this OCI layout`, { value: want });
    }
    const { mediaType, digest, size } = found;
    return { mediaType, digest, size };
  }

  async getManifest(ref: ImageReference, tagOrDigest: string): Promise<FetchedManifest | undefined> {
    const desc = await this.find(ref, tagOrDigest);
    if (!desc) return undefined;
    let bytes: Buffer;
    try {
      bytes = await this.readBlob(ref, desc.digest, MANIFEST_LIMIT);
    } catch (err) {
      if (err instanceof RegistryError && err.code === 'NOT_FOUND') return undefined;
      throw err;
    }
    const { mediaType, manifest } = parseManifest(bytes, join(this.dir(ref), 'blobs', ...desc.digest.split(':')));
    return { descriptor: { mediaType, digest: desc.digest, size: bytes.length }, bytes, manifest };
  }

  getBlob(ref: ImageReference, descriptor: BlobDescriptor, maxBytes = 16 * 1024 * 1024): Promise<Buffer> {
    return this.readBlob(ref, descriptor.digest, maxBytes).then((bytes) => {
      if (descriptor.size !== undefined && bytes.length !== descriptor.size) {
        throw new RegistryError('DIGEST_MISMATCH', `blob ${descriptor.digest} has ${bytes.length} bytes, its descriptor says ${descriptor.size}`);
      }
      return bytes;
    });
  }

  async referrers(ref: ImageReference, digest: string): Promise<Descriptor[]> {
    const index = await this.loadIndex(ref);
    const found: Descriptor[] = [];
    for (const m of index.manifests) {
      const fetched = await this.getManifest(ref, m.digest);
      if (fetched && !isIndex(fetched.manifest) && fetched.manifest.subject?.digest === digest) {
        found.push({ ...m, ...(fetched.manifest.artifactType ? { artifactType: fetched.manifest.artifactType } : {}) });
      }
    }
    return found;
  }
}

// Read-only ImageSource over an OCI image layout directory (index.json + blobs/), including the
// layouts `cosign save` writes: signature and attestation manifests are listed beside the image,
// annotated `kind: dev.cosignproject.cosign/sigs|atts`, and are served here under cosign's tag names.
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { matchesDigest } from './digest.ts';
import { RegistryError } from './errors.ts';
import { isIndex, type Descriptor, type FetchedManifest, type ImageIndex, type ImageManifest, type ImageReference, type ImageSource } from './types.ts';

const REF_NAME = 'org.opencontainers.image.ref.name';
const KIND = 'kind';
const MANIFEST_LIMIT = 4 * 1024 * 1024;

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
    this.index ??= readFile(join(this.dir(ref), 'index.json'), 'utf8').then(
      (text) => JSON.parse(text) as ImageIndex,
      (err: unknown) => {
        throw new RegistryError('NOT_FOUND', `${join(this.dir(ref), 'index.json')}: not an OCI image layout (${String(err)})`, { value: ref.registry });
      },
    );
    return this.index;
  }

  private async readBlob(ref: ImageReference, digest: string, limit: number): Promise<Buffer> {
    const [algorithm, hex] = digest.split(':');
    const path = join(this.dir(ref), 'blobs', algorithm ?? '', hex ?? '');
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch {
      throw new RegistryError('NOT_FOUND', `${path}: blob ${digest} is not in the layout`, { value: digest });
    }
    if (bytes.length > limit) throw new RegistryError('TOO_LARGE', `${path}: over the ${limit}-byte limit`, { value: digest });
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
      const subject = `${cosign[1]}:${cosign[2]}`;
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
      : index.manifests.find((m) => m.annotations?.[KIND] === 'dev.cosignproject.cosign/image') ?? (index.manifests.length === 1 ? index.manifests[0] : undefined);
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
    const manifest = JSON.parse(bytes.toString('utf8')) as ImageManifest | ImageIndex;
    const mediaType = manifest.mediaType ?? desc.mediaType;
    return { descriptor: { mediaType, digest: desc.digest, size: bytes.length }, bytes, manifest };
  }

  getBlob(ref: ImageReference, descriptor: Pick<Descriptor, 'digest' | 'size'>, maxBytes = 16 * 1024 * 1024): Promise<Buffer> {
    return this.readBlob(ref, descriptor.digest, maxBytes).then((bytes) => {
      if (bytes.length !== descriptor.size) {
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

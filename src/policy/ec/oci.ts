// ec's `ec.oci.*` builtins (conforma/cli a18338416237 internal/rego/oci/oci.go) on vouch's registry
// client: every fetch goes through the run's one client (its cache, one token per scope, its retry
// budget, size limits and digest checks). Each answer here either is ec's value or throws; the host
// turns a throw into undefined, ec's rule. Caches as ec's: descriptors, manifests and indexes for
// the whole run (OciAnswers), blobs and files per component (ComponentOci).
import { VouchError } from '../../errors.ts';
import { repositoryName } from '../../oci/reference.ts';
import { isIndex, type FetchedManifest, type ImageManifest, type ImageReference, type ImageSource } from '../../oci/types.ts';
import { TAR_LIMITS, TarBudget } from '../../util/tar.ts';
import { FlattenedImage, blobFiles, isCompressed, tarEntries } from './files.ts';
import { ecDigestReference, ecReference, type PinnedReference } from './reference.ts';
import { remember } from './remember.ts';
import { headDescriptorTerm, indexTerm, manifestTerm, referrerTerm, schemaVersionOf, type Json } from './shapes.ts';

export type SourceFor = (ref: ImageReference) => ImageSource;

/** The largest blob (or image layer) a builtin fetches: ec has no limit; vouch's archive limit. */
const BLOB_LIMIT = TAR_LIMITS.maxBytes;
/** The platform go-containerregistry's remote.Image picks from an index. */
const DEFAULT_PLATFORM = { os: 'linux', architecture: 'amd64' };
/** cosign's tag-based artifacts, in the order ec looks for them. */
const COSIGN_TAG_SUFFIXES = ['sig', 'att', 'sbom'];

/** What ec answers undefined for; the host turns it (and any failure) into undefined. */
class NotAnswerable extends VouchError {
  constructor(why: string) {
    super('EC_BUILTIN_UNDEFINED', why);
    this.name = 'NotAnswerable';
  }
}

const refuse = (why: string): never => {
  throw new NotAnswerable(why);
};

/** The image a reference names, as go-containerregistry's remote.Image finds it. */
interface Image {
  ref: PinnedReference;
  fetched: FetchedManifest;
  manifest: ImageManifest;
}

/** Answers that hold for the whole run (ec's process-wide caches). */
export class OciAnswers {
  private readonly sourceFor: SourceFor;
  private readonly descriptors = new Map<string, Promise<Json>>();
  private readonly manifests = new Map<string, Promise<Json>>();
  private readonly indexes = new Map<string, Promise<Json>>();

  constructor(sourceFor: SourceFor) {
    this.sourceFor = sourceFor;
  }

  source(ref: ImageReference): ImageSource {
    return this.sourceFor(ref);
  }

  /** ec's resolveIfNeeded: a tag is resolved to its digest; a digest is taken as it is. */
  async pin(text: unknown): Promise<PinnedReference> {
    const ref = ecReference(text) ?? refuse('not a reference');
    if (ref.digest !== undefined) return { ...ref, digest: ref.digest };
    const { digest } = await this.sourceFor(ref).resolve(ref);
    return { ...ref, digest };
  }

  async manifestAt(ref: ImageReference, digest: string): Promise<FetchedManifest> {
    const fetched = await this.sourceFor(ref).getManifest(ref, digest);
    return fetched ?? refuse(`no manifest ${digest}`);
  }

  /** An index stands for its linux/amd64 image, as remote.Image's default platform picks it. */
  async image(ref: PinnedReference): Promise<Image> {
    const fetched = await this.manifestAt(ref, ref.digest);
    if (!isIndex(fetched.manifest)) return { ref, fetched, manifest: fetched.manifest };
    const child = fetched.manifest.manifests.find((d) => d.platform?.os === DEFAULT_PLATFORM.os && d.platform.architecture === DEFAULT_PLATFORM.architecture);
    const childRef = { ...ref, digest: (child ?? refuse('no linux/amd64 image in the index')).digest };
    const inner = await this.manifestAt(ref, childRef.digest);
    return isIndex(inner.manifest) ? refuse('an index inside an index') : { ref: childRef, fetched: inner, manifest: inner.manifest };
  }

  descriptor(text: unknown): Promise<Json> {
    return remember(this.descriptors, String(text), async () => {
      const ref = await this.pin(text);
      // ec asks with a HEAD; vouch's resolve reads (and hashes) the manifest instead.
      return headDescriptorTerm(await this.sourceFor(ref).resolve(ref));
    });
  }

  imageManifest(text: unknown): Promise<Json> {
    return remember(this.manifests, String(text), async () => {
      const { fetched, manifest } = await this.image(await this.pin(text));
      return manifestTerm(manifest, schemaVersionOf(fetched.bytes));
    });
  }

  /** A set of references (an array here): the manifests that could be had, fetched at once. */
  async imageManifests(refs: unknown): Promise<Json> {
    if (!Array.isArray(refs) || !refs.every((r) => typeof r === 'string')) refuse('not a set of strings');
    const list = refs as string[];
    const settled = await Promise.allSettled(list.map((r) => this.imageManifest(r)));
    const out: Json = {};
    settled.forEach((s, i) => {
      if (s.status === 'fulfilled') out[list[i]!] = s.value;
    });
    return out;
  }

  imageIndex(text: unknown): Promise<Json> {
    return remember(this.indexes, String(text), async () => {
      const ref = await this.pin(text);
      const fetched = await this.manifestAt(ref, ref.digest);
      // remote.Index refuses an image manifest ("call Image() instead").
      return isIndex(fetched.manifest) ? indexTerm(fetched.manifest, schemaVersionOf(fetched.bytes)) : refuse('not an index');
    });
  }

  /** The cosign `.sig`, `.att` and `.sbom` tags of the image that exist; a failed check leaves one out. */
  async imageTagRefs(text: unknown): Promise<string[]> {
    const ref = await this.pin(text);
    const tags = COSIGN_TAG_SUFFIXES.map((suffix) => `${ref.digest.replace(':', '-')}.${suffix}`);
    const source = this.sourceFor(ref);
    const found = await Promise.all(
      tags.map((tag) =>
        source.getManifest(ref, tag).then(
          (m) => m !== undefined,
          () => false,
        ),
      ),
    );
    return tags.filter((_, i) => found[i]).map((tag) => `${repositoryName(ref)}:${tag}`);
  }

  /** OCI 1.1 referrers (the API, else the tag schema), each with `ref` to fetch it by. */
  async imageReferrers(text: unknown): Promise<Json[]> {
    const ref = await this.pin(text);
    const referrers = await this.sourceFor(ref).referrers(ref, ref.digest);
    return referrers.map((d) => referrerTerm(repositoryName(ref), d));
  }

  /** A blob's bytes, by digest alone (its digest checked by the client). */
  async blobBytes(text: unknown): Promise<Buffer> {
    const ref = ecDigestReference(text) ?? refuse('not a digest reference');
    return this.sourceFor(ref).getBlob(ref, { digest: ref.digest }, BLOB_LIMIT);
  }
}

/** Answers that hold for one component (ec's component caches: blobs are large). */
export class ComponentOci {
  private readonly oci: OciAnswers;
  private readonly blobs = new Map<string, Promise<string>>();
  private readonly parsed = new Map<string, Promise<unknown>>();
  private readonly files = new Map<string, Promise<Json | null>>();

  constructor(oci: OciAnswers) {
    this.oci = oci;
  }

  /**
   * `ec.oci.blob`: the content as text. ec decompresses gzip and zstd blobs and then requires the
   * sha256 of what it read to be the blob's digest, which a compressed blob's content never has.
   */
  blob(text: unknown): Promise<string> {
    return remember(this.blobs, String(text), async () => {
      const bytes = await this.oci.blobBytes(text);
      return isCompressed(bytes) ? refuse('a compressed blob') : bytes.toString('utf8');
    });
  }

  parsedBlob(text: unknown): Promise<unknown> {
    return remember(this.parsed, String(text), async () => JSON.parse(await this.blob(text)) as unknown);
  }

  blobFiles(text: unknown, paths: unknown): Promise<Json | null> {
    return remember(this.files, `blob:${String(text)}:${JSON.stringify(paths)}`, async () => {
      const bytes = await this.oci.blobBytes(text);
      const wanted = stringList(paths);
      if (wanted.length === 0) return {};
      const origin = `blob ${String(text)}`;
      return blobFiles(tarEntries(bytes, new TarBudget(origin)), wanted, origin);
    });
  }

  /** `ec.oci.image_files`: a digest reference; no paths gives null (ec's nil map). */
  imageFiles(text: unknown, paths: unknown): Promise<Json | null> {
    return remember(this.files, `image:${String(text)}:${JSON.stringify(paths)}`, async () => {
      const pinned = ecDigestReference(text) ?? refuse('not a digest reference');
      const prefixes = stringList(paths);
      const { ref, manifest } = await this.oci.image(pinned);
      if (prefixes.length === 0) return null;
      const origin = `image ${String(text)}`;
      const budget = new TarBudget(origin);
      const image = new FlattenedImage(prefixes, origin);
      const source = this.oci.source(ref);
      for (const layer of [...manifest.layers].reverse()) {
        image.addLayer(tarEntries(await source.getBlob(ref, layer, Math.min(BLOB_LIMIT, budget.remainingBytes)), budget));
      }
      return image.files;
    });
  }
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : refuse('paths are not strings');
}

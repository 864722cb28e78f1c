// Contracts of the registry layer. Everything it returns has been checked against its digest.

export const MediaType = {
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  DockerManifestList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  OciConfig: 'application/vnd.oci.image.config.v1+json',
  OciEmpty: 'application/vnd.oci.empty.v1+json',
  SimpleSigning: 'application/vnd.dev.cosign.simplesigning.v1+json',
  DsseEnvelope: 'application/vnd.dsse.envelope.v1+json',
  SigstoreBundleV03: 'application/vnd.dev.sigstore.bundle.v0.3+json',
} as const;

/** A parsed image reference. `registry` is normalised (docker.io → index.docker.io is not done: see reference.ts). */
export interface ImageReference {
  /** `registry` for a distribution API endpoint, `oci-layout` for a local OCI image layout directory. */
  transport: 'registry' | 'oci-layout';
  /** Host[:port], e.g. `127.0.0.1:5000`, `docker.io`. For oci-layout: the layout directory path. */
  registry: string;
  /** Repository path, e.g. `library/alpine`. For oci-layout: `""`. */
  repository: string;
  tag?: string;
  /** `sha256:<hex>` when the reference is pinned. */
  digest?: string;
}

export interface Platform {
  architecture: string;
  os: string;
  'os.version'?: string;
  'os.features'?: string[];
  variant?: string;
  features?: string[];
}

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  urls?: string[];
  annotations?: Record<string, string>;
  data?: string;
  artifactType?: string;
  platform?: Platform;
}

export interface ImageManifest {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  config: Descriptor;
  layers: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

export interface ImageIndex {
  schemaVersion: number;
  mediaType?: string;
  artifactType?: string;
  manifests: Descriptor[];
  subject?: Descriptor;
  annotations?: Record<string, string>;
}

/** What fetching a blob needs: its digest, and its size when a descriptor gave one. */
export interface BlobDescriptor {
  digest: string;
  size?: number;
}

/** A manifest whose bytes hashed to `descriptor.digest`. */
export interface FetchedManifest {
  descriptor: Descriptor;
  bytes: Buffer;
  manifest: ImageManifest | ImageIndex;
}

export function isIndex(m: ImageManifest | ImageIndex): m is ImageIndex {
  return Array.isArray((m as ImageIndex).manifests);
}

/**
 * Read access to images, by registry API or OCI layout. Every manifest and blob returned has been
 * checked against its digest; each is fetched at most once per client (per run).
 */
export interface ImageSource {
  /** Pins a reference: returns the descriptor of the manifest it names (HEAD, else GET). */
  resolve(ref: ImageReference): Promise<Descriptor>;
  /** Fetches a manifest by tag or digest. `undefined` when the registry says it does not exist. */
  getManifest(ref: ImageReference, tagOrDigest: string): Promise<FetchedManifest | undefined>;
  /**
   * Fetches a blob, refusing more than `maxBytes` (default 16 MiB) and checking its digest (and its
   * size, when known: a blob named by digest alone, as by `ec.oci.blob`, has none).
   */
  getBlob(ref: ImageReference, descriptor: BlobDescriptor, maxBytes?: number): Promise<Buffer>;
  /**
   * OCI 1.1 referrers of `digest`: the referrers API, else the `sha256-<hex>` tag schema fallback.
   * `[]` when there are none.
   */
  referrers(ref: ImageReference, digest: string): Promise<Descriptor[]>;
}

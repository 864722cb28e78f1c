// Small random images in the test registry: single-arch, and multi-arch indexes.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { toolPath } from './tools.ts';
import { RegistryClient } from '../../src/oci/client.ts';
import { parseReference } from '../../src/oci/reference.ts';
import { MediaType } from '../../src/oci/types.ts';
import { pushBlob, pushManifest } from './push.ts';

export interface PushedImage {
  /** `host/repo:tag` */
  ref: string;
  digest: string;
  /** `host/repo@sha256:…` */
  pinned: string;
}

const client = new RegistryClient({ env: {} });

export interface ImageOptions {
  labels?: Record<string, string>;
  architecture?: string;
  /** Base image annotations (`org.opencontainers.image.base.name` / `.digest`). */
  base?: { name: string; digest: string };
}

export async function pushImage(refText: string, opts: ImageOptions = {}): Promise<PushedImage> {
  const ref = parseReference(refText);
  const layer = await pushBlob(ref, randomBytes(256));
  const config = Buffer.from(
    JSON.stringify({
      architecture: opts.architecture ?? 'amd64',
      os: 'linux',
      config: { Labels: { 'org.opencontainers.image.title': ref.repository, ...opts.labels }, Env: ['PATH=/usr/bin'], Cmd: ['/app'] },
      rootfs: { type: 'layers', diff_ids: [layer.digest] },
    }),
  );
  const cfg = await pushBlob(ref, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: MediaType.OciConfig, digest: cfg.digest, size: cfg.size },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layer.digest, size: layer.size }],
      ...(opts.base ? { annotations: { 'org.opencontainers.image.base.name': opts.base.name, 'org.opencontainers.image.base.digest': opts.base.digest } } : {}),
    }),
  );
  const desc = await pushManifest(ref, ref.tag ?? 'latest', manifest, MediaType.OciManifest);
  return { ref: refText, digest: desc.digest, pinned: `${ref.registry}/${ref.repository}@${desc.digest}` };
}

/** An index over two platform images (linux/amd64, linux/arm64) in the same repository. */
export async function pushIndex(refText: string): Promise<{ index: PushedImage; platforms: PushedImage[] }> {
  const ref = parseReference(refText);
  const platforms = await Promise.all(
    ['amd64', 'arm64'].map((arch) => pushImage(`${ref.registry}/${ref.repository}:${ref.tag ?? 'latest'}-${arch}`, { architecture: arch })),
  );
  const sizes = await Promise.all(platforms.map(async (p) => (await client.resolve(parseReference(p.ref))).size));
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciIndex,
      manifests: platforms.map((p, i) => ({
        mediaType: MediaType.OciManifest,
        digest: p.digest,
        size: sizes[i],
        platform: { architecture: i === 0 ? 'amd64' : 'arm64', os: 'linux' },
      })),
    }),
  );
  const desc = await pushManifest(ref, ref.tag ?? 'latest', index, MediaType.OciIndex);
  return { index: { ref: refText, digest: desc.digest, pinned: `${ref.registry}/${ref.repository}@${desc.digest}` }, platforms };
}

/** Copies an artifact and its blobs to another tag/repository with the real crane (e.g. another image's `.sig` tag). */
export async function copyManifest(fromRef: string, toRef: string): Promise<void> {
  await promisify(execFile)(toolPath('crane'), ['copy', fromRef, toRef]);
}

/** Rewrites a manifest's JSON in place (same tag), e.g. to tamper with a signature annotation. */
export async function rewriteManifest(refText: string, edit: (m: Record<string, unknown>) => void): Promise<void> {
  const ref = parseReference(refText);
  const fetched = await client.getManifest(ref, ref.tag ?? 'latest');
  if (!fetched) throw new Error(`no manifest at ${refText}`);
  const json = JSON.parse(fetched.bytes.toString('utf8')) as Record<string, unknown>;
  edit(json);
  await pushManifest(ref, ref.tag ?? 'latest', Buffer.from(JSON.stringify(json)), fetched.descriptor.mediaType);
}

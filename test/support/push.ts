// Uploads to the tests' loopback registries (plain http; anonymous unless given headers): how the tests make images and
// artifacts. vouch only reads registries, so none of this belongs in src/ (or in dist/).
import { computeDigest } from '../../src/oci/digest.ts';
import { apiHost } from '../../src/oci/reference.ts';
import type { Descriptor, ImageReference } from '../../src/oci/types.ts';

const base = (ref: ImageReference): string => `http://${apiHost(ref)}/v2/${ref.repository}`;

async function expect(res: Response, ok: (status: number) => boolean, what: string): Promise<Response> {
  if (!ok(res.status)) throw new Error(`${what}: ${res.status} ${(await res.text()).slice(0, 500)}`);
  return res;
}

/** Uploads a blob (monolithic POST + PUT), skipping it when the registry has it already. */
export async function pushBlob(ref: ImageReference, bytes: Uint8Array, headers: Record<string, string> = {}): Promise<Descriptor> {
  const digest = computeDigest(bytes);
  const descriptor = { mediaType: 'application/octet-stream', digest, size: bytes.length };
  const head = await fetch(`${base(ref)}/blobs/${digest}`, { method: 'HEAD', headers });
  if (head.ok) return descriptor;
  const start = await expect(await fetch(`${base(ref)}/blobs/uploads/`, { method: 'POST', headers }), (s) => s === 202, `POST ${base(ref)}/blobs/uploads/`);
  await start.body?.cancel();
  const target = new URL(start.headers.get('location') ?? '', `${base(ref)}/`);
  target.searchParams.set('digest', digest);
  const put = await expect(
    await fetch(target, { method: 'PUT', headers: { ...headers, 'content-type': 'application/octet-stream' }, body: bytes }),
    (s) => s >= 200 && s < 300,
    `PUT ${target.href}`,
  );
  await put.body?.cancel();
  return descriptor;
}

export async function pushManifest(
  ref: ImageReference,
  tagOrDigest: string,
  bytes: Uint8Array,
  mediaType: string,
  headers: Record<string, string> = {},
): Promise<Descriptor> {
  const url = `${base(ref)}/manifests/${tagOrDigest}`;
  const res = await expect(
    await fetch(url, { method: 'PUT', headers: { ...headers, 'content-type': mediaType }, body: bytes }),
    (s) => s >= 200 && s < 300,
    `PUT ${url}`,
  );
  await res.body?.cancel();
  return { mediaType, digest: computeDigest(bytes), size: bytes.length };
}

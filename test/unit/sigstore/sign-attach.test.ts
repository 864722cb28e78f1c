// Attaching a VSA reads the `.att` tag and the `sha256-<hex>` tag index before writing them: that
// read must be the registry's answer now, not the run's earlier answer for the tag (the client keeps
// a tag's first answer for the run, src/oci/tag-answers.ts), or another writer's layer pushed
// meanwhile would be lost. Against the real registry (no referrers API: the tag index is written).
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, test } from 'node:test';
import { RegistryClient } from '../../../src/oci/client.ts';
import { parseReference } from '../../../src/oci/reference.ts';
import { MediaType, isIndex, type Descriptor, type ImageReference } from '../../../src/oci/types.ts';
import { attachBundleReferrer, attachLegacyAttestation, type AttachTarget } from '../../../src/sigstore/sign-attach.ts';
import { signStatement } from '../../../src/sigstore/sign-dsse.ts';
import { parseSigningKey } from '../../../src/sigstore/sign-key.ts';
import { pushBlob, pushManifest } from '../../support/push.ts';
import { startRegistry, type TestRegistry } from '../../support/registry.ts';

let reg: TestRegistry;
before(async () => {
  reg = await startRegistry();
});
after(async () => {
  await reg.stop();
});

const key = parseSigningKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), undefined, 'k');
const sign = (n: number) =>
  signStatement(Buffer.from(JSON.stringify({ _type: 'https://in-toto.io/Statement/v1', subject: [], predicateType: 'x', predicate: { n } })), {
    kind: 'key',
    key,
  });

/** An OCI manifest of one blob, pushed by another writer (test/support/push.ts) under `tag`; its descriptor. */
async function otherWriter(ref: ImageReference, tag: string, content: string): Promise<Descriptor> {
  const blob = await pushBlob(ref, Buffer.from(content));
  const bytes = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: MediaType.OciEmpty, digest: (await pushBlob(ref, Buffer.from('{}'))).digest, size: 2 },
      layers: [{ ...blob, mediaType: MediaType.DsseEnvelope }],
    }),
  );
  return { ...(await pushManifest(ref, tag, bytes, MediaType.OciManifest)), mediaType: MediaType.OciManifest };
}

test("the VSA attach reads the .att tag and the tag index fresh: another writer's push since the run's first read is kept", async () => {
  const ref = parseReference(`${reg.host}/attach:v1`);
  const image = await otherWriter(ref, 'v1', 'the image');
  const base = image.digest.replace(':', '-');
  const client = new RegistryClient();
  const t: AttachTarget = { client, ref, digest: image.digest };
  // The run reads both tags first (the verification does): nothing there yet.
  assert.equal(await client.getManifest(ref, `${base}.att`), undefined);
  assert.equal(await client.getManifest(ref, base), undefined);
  // Another writer attaches meanwhile.
  const theirs = await otherWriter(ref, `${base}.att`, 'their envelope');
  const theirIndex = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: [theirs] }));
  await pushManifest(ref, base, theirIndex, MediaType.OciIndex);

  const ours = await attachLegacyAttestation(t, await sign(1), 'x');
  const att = await client.getManifest(ref, `${base}.att`);
  assert.ok(att && 'layers' in att.manifest);
  assert.equal(att.manifest.layers.length, 2, 'their layer and ours');
  assert.equal(att.manifest.layers[1]!.digest, ours);

  const referrer = await attachBundleReferrer(t, await sign(2), 'x', '2026-12-03T00:00:00Z');
  const index = await client.getManifest(ref, base);
  assert.ok(index && isIndex(index.manifest));
  assert.deepEqual(
    index.manifest.manifests.map((m) => m.digest),
    [theirs.digest, referrer],
  );
});

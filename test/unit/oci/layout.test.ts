import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { OciLayoutSource } from '../../../src/oci/layout.ts';
import { RegistryError } from '../../../src/oci/errors.ts';
import { parseReference } from '../../../src/oci/reference.ts';

// conforma/cli's keyless test image, saved with `cosign save` (see test/fixtures/README.md).
const layoutDir = fileURLToPath(new URL('../../fixtures/conforma-keyless-image/oci-layout', import.meta.url));
const IMAGE = 'sha256:bb2863eb5a15ce3551748cd6aecd40db02c96c0276ae062354b415ad37330fee';

test('reads a cosign-saved OCI layout: the image and its .sig/.att manifests', async () => {
  const source = new OciLayoutSource();
  const ref = parseReference(`oci:${layoutDir}`);
  const desc = await source.resolve(ref);
  assert.equal(desc.digest, IMAGE);
  const sig = await source.getManifest(ref, `${IMAGE.replace(':', '-')}.sig`);
  assert.equal(sig?.descriptor.digest, 'sha256:4912946aa9657bed0670396e6b0862038a1294225fac21be92a3938e0c62abe4');
  const att = await source.getManifest(ref, `${IMAGE.replace(':', '-')}.att`);
  assert.equal(att?.descriptor.digest, 'sha256:8bd6efa7b156bb334427c63b32d6a484288a205e8cdc468c882275d046f059df');
  assert.ok('layers' in att.manifest);
  const envelope = await source.getBlob(ref, att.manifest.layers[0]!);
  assert.equal((JSON.parse(envelope.toString()) as { payloadType: unknown }).payloadType, 'application/vnd.in-toto+json');
  assert.equal(await source.getManifest(ref, `sha256-${'0'.repeat(64)}.sig`), undefined);
});

test('a pinned digest that is not in the layout, or a directory that is no layout, is NOT_FOUND', async () => {
  const source = new OciLayoutSource();
  await assert.rejects(
    source.resolve(parseReference(`oci:${layoutDir}@sha256:${'1'.repeat(64)}`)),
    (e: unknown) => e instanceof RegistryError && e.code === 'NOT_FOUND',
  );
  await assert.rejects(
    new OciLayoutSource().resolve(parseReference('oci:/nonexistent/layout')),
    (e: unknown) => e instanceof RegistryError && e.code === 'NOT_FOUND',
  );
});

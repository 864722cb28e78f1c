// Registry documents are checked for shape where they come in: correctly hashed but malformed JSON
// (wrong field types, nulls, huge arrays, truncation, ambiguous kinds) is a BAD_RESPONSE naming the
// URL and the field, never an untyped exception further up. Indexes are known by their content.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { RegistryClient } from '../../../src/oci/client.ts';
import { RegistryError } from '../../../src/oci/errors.ts';
import { parseReference } from '../../../src/oci/reference.ts';
import { MediaType, isIndex } from '../../../src/oci/types.ts';
import { expandIndex } from '../../../src/validate/expand.ts';
import { faults, startHostileRegistry, type HostileRegistry } from '../../support/hostile-registry.ts';

let registry: HostileRegistry;
let image: string;
let config: { mediaType: string; digest: string; size: number };
before(async () => {
  registry = await startHostileRegistry();
  image = registry.putImage('app', 'v1');
  const fetched = await new RegistryClient().getManifest(parseReference(`${registry.host}/app:v1`), 'v1');
  assert.ok(fetched && 'config' in fetched.manifest);
  config = fetched.manifest.config;
});
after(async () => {
  await registry.close();
});

const client = (): RegistryClient => new RegistryClient({ retry: { retries: 0 } });
const ref = (tag = 'v1') => parseReference(`${registry.host}/app:${tag}`);
const layer = { mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: `sha256:${'a'.repeat(64)}`, size: 1 };

function badResponse(...patterns: RegExp[]) {
  return (e: unknown): boolean => {
    assert.ok(e instanceof RegistryError, `a RegistryError, not ${String(e)}`);
    assert.equal(e.code, 'BAD_RESPONSE', e.message);
    for (const p of patterns) assert.match(e.message, p);
    return true;
  };
}

/** Stores `doc` (hashed right) under `tag` and fetches it. */
function serve(doc: unknown, tag: string, contentType: string = MediaType.OciManifest) {
  const bytes = typeof doc === 'string' ? doc : JSON.stringify(doc);
  registry.putManifest('app', Buffer.from(bytes), contentType, tag);
  return client().getManifest(ref(tag), tag);
}

test('manifests with fields of the wrong type, nulls or unusable digests are BAD_RESPONSE naming the URL and the field', async () => {
  const manifest = (extra: Record<string, unknown>) => ({ schemaVersion: 2, mediaType: MediaType.OciManifest, config, layers: [layer], ...extra });
  const cases: [unknown, RegExp][] = [
    [manifest({ layers: null }), /layers is not an array/],
    [manifest({ layers: [null] }), /layers\[0\] is not a JSON object/],
    [manifest({ layers: ['x'] }), /layers\[0\] is not a JSON object/],
    [manifest({ config: 5 }), /config is not a JSON object/],
    [manifest({ config: null }), /config is not a JSON object/],
    [manifest({ layers: [{ ...layer, digest: 5 }] }), /layers\[0\]\.digest is not a string/],
    [manifest({ layers: [{ ...layer, digest: 'sha256:../../../etc/passwd' }] }), /layers\[0\]\.digest is not a sha256 or sha512 digest/],
    [manifest({ layers: [{ ...layer, size: -1 }] }), /layers\[0\]\.size is not a byte count/],
    [manifest({ layers: [{ ...layer, size: '1' }] }), /layers\[0\]\.size is not a byte count/],
    [manifest({ layers: [{ ...layer, mediaType: null }] }), /layers\[0\]\.mediaType is not a string/],
    [
      manifest({ layers: [{ ...layer, annotations: { 'dev.cosignproject.cosign/signature': 7 } }] }),
      /layers\[0\]\.annotations\["dev\.cosignproject\.cosign\/signature"\] is not a string/,
    ],
    [manifest({ layers: [{ ...layer, annotations: [] }] }), /layers\[0\]\.annotations is not a JSON object/],
    [manifest({ layers: Array.from({ length: 1001 }, () => layer) }), /layers has 1001 entries, over the 1000-entry limit/],
    [manifest({ subject: 'sha256:x' }), /subject is not a JSON object/],
    [manifest({ mediaType: 5 }), /mediaType is not a string/],
    [manifest({ schemaVersion: 1 }), /schemaVersion is not 2/],
    [manifest({ manifests: [] }), /has both manifests and config\/layers/],
    [manifest({ mediaType: MediaType.OciIndex }), /mediaType application\/vnd\.oci\.image\.index\.v1\+json contradicts the content/],
    [{ schemaVersion: 2 }, /has neither manifests nor config\/layers/],
    [{ schemaVersion: 2, layers: [] }, /config is missing/],
    [null, /the document is not a JSON object/],
    [[], /the document is not a JSON object/],
    ['{"schemaVersion": 2, "layers": [', /is not JSON/],
  ];
  for (const [i, [doc, why]] of cases.entries()) {
    await assert.rejects(
      serve(doc, `bad-${i}`),
      badResponse(new RegExp(`GET http://127\\.0\\.0\\.1:\\d+/v2/app/manifests/bad-${i}: `), why),
      (JSON.stringify(doc) as string | undefined)?.slice(0, 200),
    );
  }
});

test('indexes with malformed entries are BAD_RESPONSE', async () => {
  const index = (manifests: unknown) => ({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests });
  const child = { mediaType: MediaType.OciManifest, digest: image, size: 10 };
  const cases: [unknown, RegExp][] = [
    [index(null), /manifests is not an array/],
    [index('x'), /manifests is not an array/],
    [index([{ ...child, platform: { architecture: 5, os: 'linux' } }]), /manifests\[0\]\.platform\.architecture is not a string/],
    [index([{ ...child, platform: null }]), /manifests\[0\]\.platform is not a JSON object/],
    [{ ...index([child]), mediaType: MediaType.DockerManifest }, /contradicts the content \(an index\)/],
  ];
  for (const [i, [doc, why]] of cases.entries()) await assert.rejects(serve(doc, `bad-index-${i}`), badResponse(why));
});

test('a malformed referrers answer is BAD_RESPONSE naming the referrers URL', async () => {
  const bodies: [string, RegExp][] = [
    ['{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[null]}', /manifests\[0\] is not a JSON object/],
    ['{"schemaVersion":2,"manifests":"x"}', /manifests is not an array/],
    ['{"schemaVersion":2,"manifests":[{"digest":5}]}', /manifests\[0\]\.digest is not a string/],
    [
      JSON.stringify({ schemaVersion: 2, manifests: Array.from({ length: 5000 }, () => ({ mediaType: MediaType.OciManifest, digest: image, size: 1 })) }),
      /5000 entries, over the 1000-entry limit/,
    ],
    ['{"schemaVersion":2,"manifests":[', /is not JSON/],
    ['null', /not a JSON object/],
    [JSON.stringify({ schemaVersion: 2, config, layers: [] }), /is a manifest, not an image index/],
  ];
  for (const [body, why] of bodies) {
    registry.fault(/\/referrers\//, faults.body(body, MediaType.OciIndex));
    await assert.rejects(client().referrers(ref(), image), badResponse(/GET http:\/\/127\.0\.0\.1:\d+\/v2\/app\/referrers\/sha256:/, why), body.slice(0, 100));
    registry.clearFaults();
  }
});

test('a trailing or foreign field is dropped, a __proto__ annotation stays a plain annotation', async () => {
  const doc = `{"schemaVersion":2,"config":${JSON.stringify(config)},"layers":[],"annotations":{"__proto__":"x","a":"b"},"extra":{"deep":[1,2]}}`;
  const fetched = await serve(doc, 'odd-fields');
  assert.ok(fetched);
  assert.deepEqual(Object.keys(fetched.manifest.annotations ?? {}), ['__proto__', 'a']);
  assert.equal(Object.getPrototypeOf(fetched.manifest.annotations), Object.prototype);
  assert.equal('extra' in fetched.manifest, false);
});

test('an index without mediaType, served with a manifest Content-Type, is known by its content', async () => {
  const arm = registry.putImage('app', 'arm', { architecture: 'arm64' });
  const sizes = await Promise.all([image, arm].map(async (d) => (await client().getManifest(ref(), d))!.bytes.length));
  const index = {
    schemaVersion: 2,
    manifests: [image, arm].map((digest, i) => ({
      mediaType: MediaType.OciManifest,
      digest,
      size: sizes[i],
      platform: { architecture: i ? 'arm64' : 'amd64', os: 'linux' },
    })),
  };
  const digest = registry.putManifest('app', Buffer.from(JSON.stringify(index)), MediaType.OciManifest, 'multi');
  const c = client();
  const desc = await c.resolve(ref('multi'));
  assert.deepEqual(desc, { mediaType: MediaType.OciIndex, digest, size: JSON.stringify(index).length });
  const fetched = await c.getManifest(ref('multi'), digest);
  assert.ok(fetched && isIndex(fetched.manifest));
  // A plain manifest without mediaType, served as an index, is a manifest.
  const plain = await serve({ schemaVersion: 2, config, layers: [] }, 'plain-as-index', MediaType.OciIndex);
  assert.equal(plain?.descriptor.mediaType, MediaType.OciManifest);

  // The snapshot expansion sees the children (ec would validate the index alone).
  const planned = { component: { name: 'multi', containerImage: `${registry.host}/app:multi` }, ref: ref('multi') };
  const expanded = await expandIndex(
    planned,
    () => client(),
    () => undefined,
  );
  assert.deepEqual(
    expanded.map((p) => p.component.name),
    ['multi', `multi-${image}-amd64`, `multi-${arm}-arm64`],
  );
});

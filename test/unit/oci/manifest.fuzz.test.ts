// Manifests, indexes and referrers lists are the registry's bytes: any of them either parses into a
// document whose every descriptor is usable (a checkable digest, a byte count, string fields), or is
// refused with a BAD_RESPONSE; never another exception, never slow.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RegistryError } from '../../../src/oci/errors.ts';
import { DIGEST, MAX_DESCRIPTORS, parseIndex, parseManifest } from '../../../src/oci/manifest.ts';
import { MediaType, type Descriptor, isIndex } from '../../../src/oci/types.ts';
import { fc, fuzz } from '../../support/fuzz.ts';
import { withinCpu } from '../../support/cpu-time.ts';

const hex = (n: number) => fc.stringMatching(new RegExp(`^[a-f0-9]{${n}}$`));

const validDescriptor = fc.record(
  {
    mediaType: fc.constantFrom(MediaType.OciManifest, MediaType.SimpleSigning, 'application/vnd.oci.image.layer.v1.tar'),
    digest: fc.oneof(
      hex(64).map((h) => `sha256:${h}`),
      hex(128).map((h) => `sha512:${h}`),
    ),
    size: fc.nat(),
    annotations: fc.dictionary(fc.string(), fc.string(), { maxKeys: 3 }),
    platform: fc.record({ architecture: fc.string(), os: fc.string(), variant: fc.string() }, { requiredKeys: ['architecture', 'os'] }),
    artifactType: fc.string(),
  },
  { requiredKeys: ['mediaType', 'digest', 'size'] },
);
const list = fc.array(validDescriptor, { maxLength: 3 });
const validManifest = fc.record(
  {
    schemaVersion: fc.constant(2),
    mediaType: fc.constantFrom(MediaType.OciManifest, MediaType.DockerManifest, 'x/y'),
    config: validDescriptor,
    layers: list,
    subject: validDescriptor,
  },
  { requiredKeys: ['config', 'layers'] },
);
const validIndex = fc.record(
  {
    schemaVersion: fc.constant(2),
    mediaType: fc.constantFrom(MediaType.OciIndex, MediaType.DockerManifestList, 'x/y'),
    manifests: list,
    subject: validDescriptor,
  },
  { requiredKeys: ['manifests'] },
);

/** Where a mutation lands: top-level fields and fields of the first descriptors. */
const PATHS = [
  'schemaVersion',
  'mediaType',
  'config',
  'layers',
  'manifests',
  'subject',
  'annotations',
  'config.digest',
  'config.size',
  'layers.0',
  'layers.0.digest',
  'layers.0.annotations',
  'manifests.0',
  'manifests.0.platform',
  'manifests.0.platform.os',
  'manifests.0.size',
  'manifests.0.mediaType',
];
const junk = fc.oneof(fc.anything(), fc.constantFrom(null, '', -1, 2 ** 60, 'sha256:../../x', [], {}));

/** Sets (or, for `undefined`, deletes) `path` in `doc` when the path exists. */
function mutate(doc: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const keys = path.split('.');
  let at: unknown = doc;
  for (const k of keys.slice(0, -1)) at = typeof at === 'object' && at !== null ? (at as Record<string, unknown>)[k] : undefined;
  if (typeof at === 'object' && at !== null) {
    const last = keys[keys.length - 1]!;
    if (value === undefined) Reflect.deleteProperty(at, last);
    else (at as Record<string, unknown>)[last] = value;
  }
  return doc;
}

/** A valid manifest or index, with up to two fields replaced by junk or deleted. */
const document = fc
  .tuple(
    fc.oneof(validManifest, validIndex),
    fc.array(fc.tuple(fc.constantFrom(...PATHS), fc.option(junk, { nil: undefined })), { maxLength: 2 }),
    fc.boolean(),
  )
  .map(([doc, mutations, mutateAtAll]) =>
    mutateAtAll ? mutations.reduce<Record<string, unknown>>((d, [path, value]) => mutate(d, path, value), structuredClone(doc)) : doc,
  );

/** The document as JSON, sometimes truncated, or other bytes entirely. */
const bytes = fc.oneof(
  { weight: 8, arbitrary: document.map((d) => Buffer.from(JSON.stringify(d))) },
  { weight: 1, arbitrary: fc.tuple(document, fc.nat()).map(([d, n]) => Buffer.from(JSON.stringify(d).slice(0, n))) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)) },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => Buffer.from((JSON.stringify(v) as string | undefined) ?? '')) },
);

function assertUsable(d: Descriptor): void {
  assert.match(d.digest, DIGEST);
  assert.ok(Number.isSafeInteger(d.size) && d.size >= 0);
  assert.equal(typeof d.mediaType, 'string');
  for (const v of Object.values(d.annotations ?? {})) assert.equal(typeof v, 'string');
  if (d.platform) assert.ok(typeof d.platform.architecture === 'string' && typeof d.platform.os === 'string');
}

/** Runs `parse`, checking it failed, if at all, with a BAD_RESPONSE. */
function orRefused<T>(parse: () => T): T | undefined {
  try {
    return parse();
  } catch (err) {
    assert.ok(err instanceof RegistryError && err.code === 'BAD_RESPONSE', `untyped or wrong error: ${String(err)}`);
    assert.match(err.message, /^GET https:\/\/r\.example\/v2\/x\/manifests\/t: /);
    return undefined;
  }
}

/** {@link orRefused}, checking too that it took little CPU time. */
function parsedOrRefused<T>(parse: () => T): T | undefined {
  return withinCpu(250, 'parsing a manifest', () => orRefused(parse));
}

test('any bytes parse into a usable manifest or index, or are refused with BAD_RESPONSE', () => {
  const seen = { index: 0, manifest: 0 };
  fuzz(
    fc.property(bytes, (b) => {
      const parsed = parsedOrRefused(() => parseManifest(b, 'GET https://r.example/v2/x/manifests/t'));
      if (!parsed) return;
      const m = parsed.manifest;
      seen[isIndex(m) ? 'index' : 'manifest']++;
      if (isIndex(m)) {
        assert.ok(!('layers' in m) && !('config' in m));
        assert.ok(m.manifests.length <= MAX_DESCRIPTORS);
        m.manifests.forEach(assertUsable);
      } else {
        assertUsable(m.config);
        m.layers.forEach(assertUsable);
      }
      if (m.subject) assertUsable(m.subject);
      assert.equal(typeof parsed.mediaType, 'string');
    }),
  );
  // The generator reaches the accepting paths too, not only refusals.
  assert.ok(seen.index > 0 && seen.manifest > 0, JSON.stringify(seen));
});

test('a referrers answer parses into usable descriptors or is refused', () => {
  fuzz(
    fc.property(bytes, (b) => {
      const index = parsedOrRefused(() => parseIndex(b, 'GET https://r.example/v2/x/manifests/t'));
      index?.manifests.forEach(assertUsable);
    }),
  );
});

test('huge and deeply nested documents are refused quickly', () => {
  const deep = Buffer.from(`${'['.repeat(100_000)}${']'.repeat(100_000)}`);
  const wide = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: Array.from({ length: 100_000 }, () => null) }));
  for (const b of [deep, wide])
    assert.equal(
      parsedOrRefused(() => parseManifest(b, 'GET https://r.example/v2/x/manifests/t')),
      undefined,
    );
  const refuse = (b: Buffer) =>
    assert.equal(
      orRefused(() => parseManifest(b, 'GET https://r.example/v2/x/manifests/t')),
      undefined,
    );
  // A CPU budget, not a growth check: growing the index until its refusal costs a measurable time
  // takes millions of entries, where V8's heap and collector, not the parser, set the growth.
  withinCpu(250, 'refusing a wide index of 100,000 entries', () => refuse(wide));
});

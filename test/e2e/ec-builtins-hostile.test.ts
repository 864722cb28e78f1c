// The main thread's answers to the `ec.*` builtins (src/policy/ec/host.ts) on vouch's registry
// client, facing a registry that lies: ec's failure rule (undefined, never an error or a rejected
// promise), vouch's limits (blob size, archive expansion and entries), the fields no tool writes
// (descriptor `data`, `urls`, platform features), references a policy must not steer (oci: layout
// paths, sha512, padded text) and ec's caches (the whole run for manifests and verify_image, a
// component for verify_attestation; failures never cached). Manifests and archives below are
// hand-made where real tools cannot produce them (hostile bytes, bombs); signatures are the real
// cosign's, mirrored from a real registry.
import { NO_SIGNER } from '../support/sigstore-opts.ts';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync, zstdCompressSync } from 'node:zlib';
import { createSourceFactory } from '../../src/oci/source.ts';
import { createEcHost } from '../../src/policy/ec/host.ts';
import type { EcHost } from '../../src/policy/types.ts';
import { attest, generateKeyPair, sign, type KeyPair } from '../support/cosign.ts';
import { faults, startHostileRegistry, type HostileRegistry } from '../support/hostile-registry.ts';
import { pushImage, type PushedImage } from '../support/images.ts';
import { slsaV02 } from '../support/predicates.ts';
import { startRegistry, type TestRegistry } from '../support/registry.ts';
import { rawArchive, rawEntry } from '../support/tar-bytes.ts';
import { withinCpuAsync } from '../support/cpu-time.ts';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';

let hostile: HostileRegistry;
let real: TestRegistry;
let key: KeyPair;
let signed: PushedImage;

before(async () => {
  [hostile, real] = await Promise.all([startHostileRegistry(), startRegistry()]);
  const dir = await mkdtemp(join(tmpdir(), 'vouch-ec-hostile-'));
  key = await generateKeyPair(dir, 'cosign');
  signed = await pushImage(`${real.host}/signed:v1`);
  await sign(dir, signed.pinned, key);
  await attest(dir, signed.pinned, key, slsaV02(), 'slsaprovenance');
  await hostile.mirror(real.url, 'signed', signed.digest);
  await hostile.mirrorSignatures(real.url, 'signed', signed.digest);
});
after(async () => {
  // before() may have failed before assigning these.
  await (hostile as HostileRegistry | undefined)?.close();
  await (real as TestRegistry | undefined)?.stop();
});

/** The host a run makes, on a client with quick retries (these registries fail on purpose). */
function newHost(): EcHost {
  return createEcHost({ sourceFor: createSourceFactory({ env: {}, retry: { retries: 0, throttleRetries: 0, timeoutMs: 5_000 } }) });
}

/** A host whose builtins' manifest reads are recorded (tag or digest) on their way to the run's real client. */
function recordingHost(reads: string[]): EcHost {
  const sourceFor = createSourceFactory({ env: {}, retry: { retries: 0, throttleRetries: 0, timeoutMs: 5_000 } });
  return createEcHost({
    sourceFor: (ref) => {
      const source = sourceFor(ref);
      return {
        resolve: (r) => source.resolve(r),
        getManifest: (r, tagOrDigest) => {
          reads.push(tagOrDigest);
          return source.getManifest(r, tagOrDigest);
        },
        getBlob: (r, descriptor, maxBytes) => source.getBlob(r, descriptor, maxBytes),
        referrers: (r, digest) => source.referrers(r, digest),
      };
    },
  });
}

const call = (host: EcHost, name: string, ...args: unknown[]): Promise<unknown> => host.forComponent().call(name, args);

const put = (repo: string, doc: unknown, contentType = OCI_MANIFEST, ...tags: string[]): string =>
  hostile.putManifest(repo, Buffer.from(JSON.stringify(doc)), contentType, ...tags);

test("descriptor fields as ec shows them: data decoded, Go's zero values, platform spelled out, schemaVersion from the bytes", async () => {
  const config = hostile.putBlob('fields', Buffer.from('{}'));
  const digest = put('fields', {
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: config, size: 2, data: 'e30=' },
    layers: [
      {
        mediaType: 'application/vnd.oci.image.layer.v1.tar',
        digest: config,
        size: 2,
        urls: ['https://mirror.example/blob'],
        annotations: { 'org.example/k': 'v' },
        artifactType: 'application/x-example',
        platform: { architecture: 'arm64', os: 'linux', variant: 'v8', features: ['sse4'] },
      },
    ],
    subject: { mediaType: OCI_MANIFEST, digest: config, size: 2 },
    annotations: { 'org.opencontainers.image.title': 'fields' },
  });
  const plain = { data: '', urls: [], annotations: {}, artifactType: '' };
  assert.deepEqual(await call(newHost(), 'ec.oci.image_manifest', `${hostile.host}/fields@${digest}`), {
    schemaVersion: 0,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.empty.v1+json', size: 2, digest: config, ...plain, data: '{}' },
    layers: [
      {
        mediaType: 'application/vnd.oci.image.layer.v1.tar',
        size: 2,
        digest: config,
        data: '',
        urls: ['https://mirror.example/blob'],
        annotations: { 'org.example/k': 'v' },
        artifactType: 'application/x-example',
        platform: { architecture: 'arm64', os: 'linux', 'os.version': '', 'os.features': [], variant: 'v8', features: ['sse4'] },
      },
    ],
    annotations: { 'org.opencontainers.image.title': 'fields' },
    subject: { mediaType: OCI_MANIFEST, size: 2, digest: config, ...plain },
  });
  // data that Go's base64 cannot decode fails the whole document, as json.Unmarshal does in ec.
  const bad = put('fields', { schemaVersion: 2, mediaType: OCI_MANIFEST, config: { mediaType: 'x', digest: config, size: 2, data: 'e30' }, layers: [] });
  assert.equal(await call(newHost(), 'ec.oci.image_manifest', `${hostile.host}/fields@${bad}`), undefined);
});

test('an index: image_manifest picks linux/amd64 (undefined without one), image_index refuses an image', async () => {
  const amd64 = hostile.putImage('idx', 'amd64', { architecture: 'amd64' });
  const arm64 = hostile.putImage('idx', 'arm64', { architecture: 'arm64' });
  const entry = (digest: string, architecture: string): unknown => ({ mediaType: OCI_MANIFEST, digest, size: 1, platform: { architecture, os: 'linux' } });
  const both = put('idx', { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [entry(arm64, 'arm64'), entry(amd64, 'amd64')] }, OCI_INDEX, 'both');
  const armOnly = put('idx', { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [entry(arm64, 'arm64')] }, OCI_INDEX, 'arm');
  const nested = put('idx', { schemaVersion: 2, mediaType: OCI_INDEX, manifests: [entry(both, 'amd64')] }, OCI_INDEX, 'nested');
  const host = newHost();
  const viaIndex = (await call(host, 'ec.oci.image_manifest', `${hostile.host}/idx:both`)) as { layers: unknown[] };
  assert.deepEqual(viaIndex, await call(host, 'ec.oci.image_manifest', `${hostile.host}/idx@${amd64}`));
  assert.equal(await call(host, 'ec.oci.image_manifest', `${hostile.host}/idx@${armOnly}`), undefined);
  assert.equal(await call(host, 'ec.oci.image_manifest', `${hostile.host}/idx@${nested}`), undefined);
  assert.equal(((await call(host, 'ec.oci.image_index', `${hostile.host}/idx:both`)) as { manifests: unknown[] }).manifests.length, 2);
  assert.equal(await call(host, 'ec.oci.image_index', `${hostile.host}/idx@${amd64}`), undefined);
});

test('references a policy must not steer are undefined: an oci: layout path, sha512, padding, a non-string', async () => {
  const digest = hostile.putImage('refs', 'v1');
  const host = newHost();
  assert.ok(await call(host, 'ec.oci.descriptor', `${hostile.host}/refs@${digest}`));
  // A real OCI layout (the keyless fixture): readable, were a policy allowed to name a directory.
  const layout = `oci:${fileURLToPath(new URL('../fixtures/conforma-keyless-image/oci-layout', import.meta.url))}@sha256:bb2863eb5a15ce3551748cd6aecd40db02c96c0276ae062354b415ad37330fee`;
  for (const ref of [layout, `${hostile.host}/refs@sha512:${'a'.repeat(128)}`, ` ${hostile.host}/refs:v1`, `${hostile.host}/refs:v1\n`, 42, null, ['x']]) {
    for (const name of ['ec.oci.descriptor', 'ec.oci.image_manifest', 'ec.oci.blob', 'ec.oci.image_referrers', 'ec.oci.image_tag_refs']) {
      assert.equal(await call(host, name, ref), undefined, `${name}(${JSON.stringify(ref)})`);
    }
  }
  assert.equal(await call(host, 'ec.no.such_builtin', 'x'), undefined);
  // A set with a non-string is refused whole; a reference that fails is left out.
  assert.equal(await call(host, 'ec.oci.image_manifests', [`${hostile.host}/refs:v1`, 7]), undefined);
  assert.deepEqual(Object.keys((await call(host, 'ec.oci.image_manifests', [`${hostile.host}/refs:v1`, `${hostile.host}/refs:gone`])) as object), [
    `${hostile.host}/refs:v1`,
  ]);
});

test('a registry that lies is undefined, never an error; a failure is not cached (asked again, fetched again)', async () => {
  const blob = hostile.putBlob('lies', Buffer.from('{"ok": true}'));
  const manifest = hostile.putImage('lies', 'v1');
  const host = newHost();
  hostile.fault(new RegExp(`GET /v2/lies/blobs/${blob}`), faults.corrupt());
  hostile.fault(/GET \/v2\/lies\/manifests\/v1/, faults.body('{"schemaVersion": 2, "layers": "nope"}'));
  try {
    assert.equal(await call(host, 'ec.oci.blob', `${hostile.host}/lies@${blob}`), undefined);
    assert.equal(await call(host, 'ec.oci.parsed_blob', `${hostile.host}/lies@${blob}`), undefined);
    assert.equal(await call(host, 'ec.oci.image_manifest', `${hostile.host}/lies:v1`), undefined);
    assert.equal(await call(host, 'ec.oci.descriptor', `${hostile.host}/lies:v1`), undefined);
  } finally {
    hostile.clearFaults();
  }
  assert.equal(await call(host, 'ec.oci.blob', `${hostile.host}/lies@${blob}`), '{"ok": true}');
  assert.deepEqual(await call(host, 'ec.oci.parsed_blob', `${hostile.host}/lies@${blob}`), { ok: true });
  assert.equal(((await call(host, 'ec.oci.descriptor', `${hostile.host}/lies:v1`)) as { digest: string }).digest, manifest);
});

test('image_tag_refs leaves out a tag whose check fails (a 500) and keeps the others', async () => {
  const host = newHost();
  const base = signed.digest.replace(':', '-');
  hostile.fault(new RegExp(`/v2/signed/manifests/${base}\\.att`), faults.status(500, '{"errors":[{"code":"UNKNOWN"}]}'));
  try {
    assert.deepEqual(await call(host, 'ec.oci.image_tag_refs', `${hostile.host}/signed@${signed.digest}`), [`${hostile.host}/signed:${base}.sig`]);
  } finally {
    hostile.clearFaults();
  }
  assert.deepEqual(await call(host, 'ec.oci.image_tag_refs', `${hostile.host}/signed@${signed.digest}`), [
    `${hostile.host}/signed:${base}.sig`,
    `${hostile.host}/signed:${base}.att`,
  ]);
});

/** A layer blob: a tar archive of these entries, gzip- or zstd-compressed or not. */
function archive(entries: [string, string | Buffer][], compress?: 'gzip' | 'zstd'): Buffer {
  const tar = rawArchive(...entries.map(([name, data]) => rawEntry({ name, size: Buffer.byteLength(data) }, Buffer.from(data))));
  return compress === 'gzip' ? gzipSync(tar) : compress === 'zstd' ? zstdCompressSync(tar) : tar;
}

test('blob_files reads gzip and zstd archives like ec; a bomb or too many entries is undefined, quickly', async () => {
  const host = newHost();
  const files: [string, string][] = [
    ['a.yaml', 'x: 1\n'],
    ['a.yaml', 'x: 2\n'],
    ['b.json', '[1, 2]'],
    ['c.yaml', 'big: .inf\n'],
  ];
  for (const compress of [undefined, 'gzip', 'zstd'] as const) {
    const digest = hostile.putBlob('files', archive(files, compress));
    assert.deepEqual(
      await call(host, 'ec.oci.blob_files', `${hostile.host}/files@${digest}`, ['a.yaml', 'b.json', 'c.yaml']),
      { 'a.yaml': { x: 2 }, 'b.json': [1, 2] },
      String(compress),
    );
    assert.deepEqual(await call(host, 'ec.oci.blob_files', `${hostile.host}/files@${digest}`, []), {});
    assert.equal(await call(host, 'ec.oci.blob_files', `${hostile.host}/files@${digest}`, [1]), undefined);
  }
  // ec would read a compressed blob's text after decompressing and then refuse its digest.
  assert.equal(await call(host, 'ec.oci.blob', `${hostile.host}/files@${hostile.putBlob('files', archive(files, 'gzip'))}`), undefined);
  assert.equal(typeof (await call(host, 'ec.oci.blob', `${hostile.host}/files@${hostile.putBlob('files', archive(files))}`)), 'string');

  const zeros = Buffer.alloc(200 * 1024 * 1024);
  const bombs = [gzipSync(zeros), zstdCompressSync(zeros)].map((bomb) => hostile.putBlob('files', bomb));
  const many = hostile.putBlob(
    'files',
    archive(
      Array.from({ length: 10_001 }, (_, i): [string, string] => [`f${i}.yaml`, '']),
      'gzip',
    ),
  );
  await withinCpuAsync(20_000, 'compression bombs and 10 001 files', async () => {
    for (const digest of bombs) assert.equal(await call(host, 'ec.oci.blob_files', `${hostile.host}/files@${digest}`, ['a.yaml']), undefined);
    assert.equal(await call(host, 'ec.oci.blob_files', `${hostile.host}/files@${many}`, ['f1.yaml']), undefined);
  });
});

test('a blob over the limit is refused before it is read', async () => {
  const digest = `sha256:${'1'.repeat(64)}`;
  hostile.fault(new RegExp(`/v2/big/blobs/${digest}`), faults.oversized(512 * 1024 * 1024, true));
  try {
    // This process serves the 512 MiB too: reading it would cost far more CPU than refusing it.
    await withinCpuAsync(5_000, 'a blob over the limit', async () =>
      assert.equal(await call(newHost(), 'ec.oci.blob', `${hostile.host}/big@${digest}`), undefined),
    );
  } finally {
    hostile.clearFaults();
  }
});

test("image_files flattens the layers top first, as ec: an upper file wins, a whiteout deletes, only a directory's own .yaml/.yml/.json", async () => {
  const blobs = [
    archive(
      [
        ['./etc/app/a.yaml', 'v: lower'],
        ['etc/app/b.json', '{"b": 1}'],
        ['etc/app/deep/c.yaml', 'c: 1'],
        ['etc/app/x.txt', 'x'],
        ['etc/app/D.YML', 'd: 1'],
      ],
      'gzip',
    ),
    archive(
      [
        ['etc/app/a.yaml', 'v: upper'],
        ['etc/app/.wh.b.json', ''],
      ],
      'zstd',
    ),
  ];
  const config = Buffer.from('{}');
  const descriptor = (bytes: Buffer, mediaType: string): unknown => ({ mediaType, digest: hostile.putBlob('flat', bytes), size: bytes.length });
  const digest = put('flat', {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: descriptor(config, 'application/vnd.oci.image.config.v1+json'),
    layers: blobs.map((b) => descriptor(b, 'application/vnd.oci.image.layer.v1.tar+gzip')),
  });
  const host = newHost();
  const ref = `${hostile.host}/flat@${digest}`;
  assert.deepEqual(await call(host, 'ec.oci.image_files', ref, ['/etc/app/../app/']), {});
  assert.deepEqual(await call(host, 'ec.oci.image_files', ref, ['etc/app/']), { 'etc/app/a.yaml': { v: 'upper' }, 'etc/app/D.YML': { d: 1 } });
  assert.deepEqual(await call(host, 'ec.oci.image_files', ref, ['ETC/APP', 'etc/app/deep']), {
    'etc/app/a.yaml': { v: 'upper' },
    'etc/app/D.YML': { d: 1 },
    'etc/app/deep/c.yaml': { c: 1 },
  });
  // No paths: ec's nil map, null. A tag is not a digest reference: undefined.
  assert.equal(await call(host, 'ec.oci.image_files', ref, []), null);
  hostile.putManifest('flat', Buffer.from(JSON.stringify({})), OCI_MANIFEST);
  assert.equal(await call(host, 'ec.oci.image_files', `${hostile.host}/flat:v1`, ['etc/app']), undefined);
});

test("ec's caches: manifests for the whole run (a moved tag is not seen), verify_image for the run, verify_attestation per component", async () => {
  hostile.putImage('moving', 'v1');
  const host = newHost();
  const digestOf = async (h: EcHost): Promise<unknown> =>
    ((await call(h, 'ec.oci.image_manifest', `${hostile.host}/moving:v1`)) as { config: { digest: string } }).config.digest;
  const before = await digestOf(host);
  hostile.putImage('moving', 'v1');
  assert.equal(await digestOf(host), before, 'the same run keeps the first answer');
  assert.notEqual(await digestOf(newHost()), before, 'the next run sees the move');

  const opts = { ...NO_SIGNER, public_key: await readFile(key.pub, 'utf8') };
  const ref = `${hostile.host}/signed@${signed.digest}`;
  const base = signed.digest.replace(':', '-');
  const fetches = (suffix: string): number => hostile.requests.filter((r) => r.url === `/v2/signed/manifests/${base}.${suffix}`).length;
  const reads: string[] = [];
  const verifier = recordingHost(reads);
  const [a, b] = [verifier.forComponent(), verifier.forComponent()];
  const sigBefore = fetches('sig');
  const attBefore = fetches('att');
  for (const component of [a, b]) {
    assert.equal(((await component.call('ec.sigstore.verify_image', [ref, opts])) as { success: boolean }).success, true);
    assert.equal(((await component.call('ec.sigstore.verify_attestation', [ref, opts])) as { success: boolean }).success, true);
  }
  const asked = (suffix: string): number => reads.filter((t) => t === `${base}.${suffix}`).length;
  assert.equal(asked('sig'), 1, 'verify_image once for the run');
  assert.equal(asked('att'), 2, 'verify_attestation once per component');
  // The run's client answers each tag once (src/oci/tag-answers.ts): the second component's read is not a request.
  assert.deepEqual([fetches('sig') - sigBefore, fetches('att') - attBefore], [1, 1]);
});

test('ec.sigstore.* options are checked as ec checks them; a key must be PEM text, never a path; errors are strings', async () => {
  const host = newHost();
  const ref = `${hostile.host}/signed@${signed.digest}`;
  const verify = async (opts: unknown, r: unknown = ref): Promise<unknown> => call(host, 'ec.sigstore.verify_image', r, opts);
  const failed = (error: string): unknown => ({ success: false, errors: [error], signatures: [] });
  assert.deepEqual(await verify('x'), failed('opts parameter: opts parameter: operand 1 must be object but got string'));
  assert.deepEqual(await verify({ ignore_rekor: true }, 7), failed('ref parameter: operand 0 must be string but got number'));
  assert.deepEqual(
    await verify({ ignore_rekor: true }),
    failed(
      'opts parameter: new policy: certificate OIDC issuer must be provided for keyless workflow\ncertificate identity must be provided for keyless workflow',
    ),
  );
  const fromPath = (await verify({ ignore_rekor: true, public_key: key.pub })) as { success: boolean; errors: string[] };
  assert.equal(fromPath.success, false);
  assert.match(fromPath.errors[0]!, /^opts parameter: new policy: public_key must be PEM text/);
  assert.deepEqual(await call(host, 'ec.sigstore.verify_attestation', ref, { ignore_rekor: true, public_key: 'k8s://ns/secret' }), {
    success: false,
    errors: ['opts parameter: new policy: public_key must be PEM text (vouch reads no file, URL or KMS key a policy names)'],
    attestations: [],
  });
});

test('ec.sigstore.* with the wrong key: each rejection in words, as cosign gives them', async () => {
  const host = newHost();
  const ref = `${hostile.host}/signed@${signed.digest}`;
  const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const opts = { ignore_rekor: true, public_key: other };
  const image = (await call(host, 'ec.sigstore.verify_image', ref, opts)) as { success: boolean; errors: string[] };
  const attestation = (await call(host, 'ec.sigstore.verify_attestation', ref, opts)) as { success: boolean; errors: string[] };
  assert.equal(image.success, false);
  assert.match(image.errors[0]!, /^verify image signature: no matching signatures: .*invalid signature/);
  assert.equal(attestation.success, false);
  assert.match(attestation.errors[0]!, /^verify image attestation signature: no matching attestations: .*invalid signature/);
  assert.doesNotMatch(`${String(image.errors[0])} ${String(attestation.errors[0])}`, /\[object Object\]/);
});

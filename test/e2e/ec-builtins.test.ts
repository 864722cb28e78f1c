// The `ec.*` builtins end to end: a Rego policy compiled by the real opa calls every one of them
// from the evaluation worker, through the bridge, on images in a real registry (olareg, which
// serves the OCI 1.1 referrers API) built by the real tar and crane and signed by the real cosign.
// Each answer must be ec's value, field for field (conforma/cli a18338416237
// internal/rego/{oci,sigstore,purl}), and each failure ec's undefined (or, for ec.sigstore.*,
// `success: false` with the error).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { RegistryClient } from '../../src/oci/client.ts';
import { parseReference } from '../../src/oci/reference.ts';
import { attest, generateKeyPair, sign, type KeyPair } from '../support/cosign.ts';
import { pushImage, pushIndex, type PushedImage } from '../support/images.ts';
import { slsaV02 } from '../support/predicates.ts';
import { startReferrersRegistry, type TestRegistry } from '../support/registry.ts';
import { toolPath } from '../support/tools.ts';
import { validateJson } from '../support/run-cli.ts';

const run = promisify(execFile);
const client = new RegistryClient({ env: {} });

// Every builtin, on refs from rule data; a value is shown as JSON, an expected failure as "undefined".
const POLICY = `package probe

import rego.v1

d := data.rule_data__configuration__

opts := data.config.default_sigstore_opts

other := object.union(opts, {"public_key": d.other_key})

show(name, v) := sprintf("%s = %s", [name, json.marshal(v)])

undef(name) := sprintf("%s = undefined", [name])

warn contains show("descriptor(app)", ec.oci.descriptor(d.refs.app))

warn contains show("descriptor(multi:v1)", ec.oci.descriptor(d.refs.multi_tag))

warn contains undef("descriptor(missing)") if not ec.oci.descriptor(d.refs.missing)

warn contains show("image_manifest(app)", ec.oci.image_manifest(d.refs.app))

warn contains show("image_manifest(app:v1)", ec.oci.image_manifest(d.refs.app_tag))

warn contains show("image_manifest(multi)", ec.oci.image_manifest(d.refs.multi))

warn contains undef("image_manifest(missing)") if not ec.oci.image_manifest(d.refs.missing)

warn contains undef("image_manifest(oci layout)") if not ec.oci.image_manifest(d.refs.layout)

warn contains show("image_manifests", ec.oci.image_manifests({d.refs.app, d.refs.missing, "Not A Reference"}))

warn contains show("image_index(multi)", ec.oci.image_index(d.refs.multi))

warn contains undef("image_index(app)") if not ec.oci.image_index(d.refs.app)

warn contains show("blob(config)", ec.oci.blob(d.refs.config))

warn contains show("parsed_blob(config)", ec.oci.parsed_blob(d.refs.config))

warn contains undef("blob(gzip layer)") if not ec.oci.blob(d.refs.layer)

warn contains undef("blob(missing)") if not ec.oci.blob(d.refs.missing)

warn contains undef("blob(tag)") if not ec.oci.blob(d.refs.app_tag)

warn contains show("blob_files(layer)", ec.oci.blob_files(d.refs.layer, d.paths))

warn contains show("image_files(app)", ec.oci.image_files(d.refs.app, d.prefixes))

warn contains show("image_files(app, no paths)", ec.oci.image_files(d.refs.app, d.none))

warn contains show("image_tag_refs(app)", ec.oci.image_tag_refs(d.refs.app))

warn contains show("image_tag_refs(bundled)", ec.oci.image_tag_refs(d.refs.bundled))

warn contains show("image_referrers(app)", ec.oci.image_referrers(d.refs.app))

warn contains show("image_referrers(bundled)", ec.oci.image_referrers(d.refs.bundled))

warn contains show("referrer manifests", [m | some r in ec.oci.image_referrers(d.refs.bundled); m := ec.oci.image_manifest(r.ref)])

warn contains show("verify_image(app)", ec.sigstore.verify_image(d.refs.app, opts))

warn contains show("verify_image(app, other key)", ec.sigstore.verify_image(d.refs.app, other))

warn contains show("verify_image(app:v1)", ec.sigstore.verify_image(d.refs.app_tag, opts))

warn contains show("verify_image(bundled)", ec.sigstore.verify_image(d.refs.bundled, opts))

warn contains show("verify_attestation(app)", ec.sigstore.verify_attestation(d.refs.app, opts))

warn contains show("verify_attestation(bundled)", ec.sigstore.verify_attestation(d.refs.bundled, opts))

warn contains show("verify_attestation(unsigned)", ec.sigstore.verify_attestation(d.refs.unsigned, opts))

warn contains show("purl", [ec.purl.is_valid("pkg:npm/left-pad@1.3.0"), ec.purl.parse("pkg:npm/left-pad@1.3.0")])
`;
import { CONFORMA_KEYLESS_ARGS, CONFORMA_KEYLESS_IMAGE } from '../support/conforma-keyless.ts';

let reg: TestRegistry;
let dir: string;
let key: KeyPair;
let otherKey: KeyPair;
let app: PushedImage;
let bundled: PushedImage;
let unsigned: PushedImage;
let multi: { index: PushedImage; platforms: PushedImage[] };

/** A layer tarball made by the real tar from these files (an empty text makes an empty file). */
async function layer(name: string, files: Record<string, string>): Promise<string> {
  const root = join(dir, name);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
  const out = join(dir, `${name}.tar`);
  await run('tar', ['-C', root, '-cf', out, ...new Set(Object.keys(files).map((p) => p.split('/')[0]!))]);
  return out;
}

before(async () => {
  reg = await startReferrersRegistry();
  dir = await mkdtemp(join(tmpdir(), 'vouch-ec-builtins-'));
  [key, otherKey] = await Promise.all([generateKeyPair(dir, 'cosign'), generateKeyPair(dir, 'other')]);
  const lower = await layer('lower', {
    'manifests/a.yaml': 'name: one\nvalue: 1\n',
    'manifests/b.json': '{"b": true}',
    'manifests/notes.txt': 'not structured',
    'manifests/bad.yaml': 'a: [\n',
    'manifests/sub/d.yml': 'd: 4\n',
    'other/c.yaml': 'c: 3\n',
  });
  // The upper layer replaces a.yaml and deletes b.json (an OCI whiteout).
  const upper = await layer('upper', { 'manifests/a.yaml': 'name: two\n', 'manifests/.wh.b.json': '' });
  const appTag = `${reg.host}/app:v1`;
  await run(toolPath('crane'), ['append', '-f', lower, '-t', appTag]);
  await run(toolPath('crane'), ['append', '-b', appTag, '-f', upper, '-t', appTag]);
  const { stdout } = await run(toolPath('crane'), ['digest', appTag]);
  app = { ref: appTag, digest: stdout.trim(), pinned: `${reg.host}/app@${stdout.trim()}` };
  [bundled, unsigned, multi] = await Promise.all([
    pushImage(`${reg.host}/bundled:v1`),
    pushImage(`${reg.host}/unsigned:v1`),
    pushIndex(`${reg.host}/multi:v1`),
  ]);
  await sign(dir, app.pinned, key);
  await attest(dir, app.pinned, key, slsaV02(), 'slsaprovenance');
  await sign(dir, bundled.pinned, key, { bundle: true });
  await attest(dir, bundled.pinned, key, slsaV02(), 'slsaprovenance', { bundle: true });
});
after(async () => {
  await (reg as TestRegistry | undefined)?.stop(); // before() may have failed before assigning it
});

type Json = Record<string, unknown>;

/** ec's descriptor shape for a descriptor of a manifest written by a tool: Go's zero values filled in. */
function ecDescriptor(d: Json): Json {
  return {
    mediaType: d.mediaType,
    size: d.size,
    digest: d.digest,
    data: d.data === undefined ? '' : Buffer.from(d.data as string, 'base64').toString('utf8'),
    urls: d.urls ?? [],
    annotations: d.annotations ?? {},
    artifactType: d.artifactType ?? '',
    ...(d.platform ? { platform: { 'os.version': '', 'os.features': [], variant: '', features: [], ...(d.platform as Json) } } : {}),
  };
}

async function rawManifest(pinned: string): Promise<Json> {
  const ref = parseReference(pinned);
  const fetched = await client.getManifest(ref, ref.digest!);
  return JSON.parse(fetched!.bytes.toString('utf8')) as Json;
}

function ecManifest(m: Json): Json {
  return {
    schemaVersion: m.schemaVersion,
    mediaType: m.mediaType ?? '',
    config: ecDescriptor(m.config as Json),
    layers: (m.layers as Json[]).map(ecDescriptor),
    annotations: m.annotations ?? {},
    ...(m.subject ? { subject: ecDescriptor(m.subject as Json) } : {}),
  };
}

/** The content of the first layer of a manifest in the image's repository, by tag or digest. */
async function firstLayer(image: PushedImage, tagOrDigest: string): Promise<string> {
  const ref = parseReference(image.pinned);
  const manifest = await client.getManifest(ref, tagOrDigest);
  const layer = (JSON.parse(manifest!.bytes.toString('utf8')) as { layers: { digest: string; size: number }[] }).layers[0]!;
  return (await client.getBlob(ref, layer)).toString('utf8');
}

/** The signature cosign put on the image's `.sig` layer. */
async function signatureAnnotation(image: PushedImage): Promise<string> {
  const ref = parseReference(image.pinned);
  const sig = await client.getManifest(ref, `${image.digest.replace(':', '-')}.sig`);
  const layer = (JSON.parse(sig!.bytes.toString('utf8')) as { layers: Json[] }).layers[0]!;
  return (layer.annotations as Record<string, string>)['dev.cosignproject.cosign/signature']!;
}

test('every ec builtin answers as ec does, from a policy evaluated in a worker, on a real registry', async () => {
  const repo = (img: PushedImage): string => img.pinned.split('@')[0]!;
  const appManifest = await rawManifest(app.pinned);
  const [lowerLayer] = appManifest.layers as Json[];
  const config = appManifest.config as Json;
  const missing = `${repo(app)}@sha256:${'0'.repeat(64)}`;
  const ruleData = {
    refs: {
      app: app.pinned,
      app_tag: app.ref,
      multi: multi.index.pinned,
      multi_tag: multi.index.ref,
      bundled: bundled.pinned,
      unsigned: unsigned.pinned,
      missing,
      layout: `oci:${dir}@${app.digest}`,
      config: `${repo(app)}@${String(config.digest)}`,
      layer: `${repo(app)}@${String(lowerLayer!.digest)}`,
    },
    paths: ['manifests/a.yaml', 'manifests/b.json', 'manifests/bad.yaml', 'manifests/notes.txt', 'nowhere.yaml'],
    prefixes: ['manifests'],
    none: [],
    other_key: await readFile(otherKey.pub, 'utf8'),
  };
  const policyDir = join(dir, 'policy');
  await mkdir(policyDir, { recursive: true });
  await writeFile(join(policyDir, 'probe.rego'), POLICY);
  const env = { ...process.env, VOUCH_CACHE_DIR: join(dir, 'cache') };
  const { code, report, stderr } = await validateJson(
    ['--image', app.pinned, '--public-key', key.pub, '--ignore-rekor', '--policy', JSON.stringify({ sources: [{ policy: [policyDir], ruleData }] })],
    env,
  );
  assert.equal(code, 0, stderr);
  const shown = new Map<string, unknown>();
  for (const w of report.components[0]!.warnings as { msg: string }[]) {
    const at = w.msg.indexOf(' = ');
    const value = w.msg.slice(at + 3);
    shown.set(w.msg.slice(0, at), value === 'undefined' ? 'undefined' : (JSON.parse(value) as unknown));
  }
  const get = (name: string): Json => {
    assert.ok(shown.has(name), `${name} was not shown: ${[...shown.keys()].join(', ')}`);
    return shown.get(name) as Json;
  };

  // Descriptors: what a HEAD tells, the rest Go's zero values; a tag is resolved.
  const appSize = (await client.resolve(parseReference(app.pinned))).size;
  assert.deepEqual(get('descriptor(app)'), {
    mediaType: appManifest.mediaType,
    size: appSize,
    digest: app.digest,
    data: '',
    urls: [],
    annotations: {},
    artifactType: '',
  });
  const multiHead = await client.resolve(parseReference(multi.index.ref));
  assert.deepEqual(get('descriptor(multi:v1)'), {
    mediaType: 'application/vnd.oci.image.index.v1+json',
    size: multiHead.size,
    digest: multi.index.digest,
    data: '',
    urls: [],
    annotations: {},
    artifactType: '',
  });

  // Manifests, by digest and by tag; an index stands for its linux/amd64 image.
  assert.deepEqual(get('image_manifest(app)'), ecManifest(appManifest));
  assert.deepEqual(get('image_manifest(app:v1)'), ecManifest(appManifest));
  const amd64 = multi.platforms[0]!;
  assert.deepEqual(get('image_manifest(multi)'), ecManifest(await rawManifest(amd64.pinned)));
  assert.deepEqual(get('image_manifests'), { [app.pinned]: ecManifest(appManifest) });
  const index = await rawManifest(multi.index.pinned);
  assert.deepEqual(get('image_index(multi)'), {
    schemaVersion: 2,
    mediaType: index.mediaType,
    manifests: (index.manifests as Json[]).map(ecDescriptor),
    annotations: {},
  });
  assert.deepEqual((get('image_index(multi)').manifests as Json[])[1]!.platform, {
    architecture: 'arm64',
    os: 'linux',
    'os.version': '',
    'os.features': [],
    variant: '',
    features: [],
  });

  // Blobs: an uncompressed blob is its text; a gzip layer is undefined (ec checks the digest of what it decompressed).
  const configText = (await client.getBlob(parseReference(app.pinned), config as { digest: string; size: number })).toString('utf8');
  assert.equal(get('blob(config)'), configText);
  assert.deepEqual(get('parsed_blob(config)'), JSON.parse(configText));

  // Files: exact names in one blob; in the image, files directly in the directory, upper layers first, whiteouts honoured.
  // Any requested name is read as YAML (plain text is a string); what does not parse is left out.
  assert.deepEqual(get('blob_files(layer)'), {
    'manifests/a.yaml': { name: 'one', value: 1 },
    'manifests/b.json': { b: true },
    'manifests/notes.txt': 'not structured',
  });
  assert.deepEqual(get('image_files(app)'), { 'manifests/a.yaml': { name: 'two' } });
  assert.equal(get('image_files(app, no paths)'), null);

  // Discovery: cosign's tags that exist, and OCI 1.1 referrers with a ref to fetch each by.
  const tagRef = (suffix: string): string => `${repo(app)}:${app.digest.replace(':', '-')}.${suffix}`;
  assert.deepEqual(get('image_tag_refs(app)'), [tagRef('sig'), tagRef('att')]);
  assert.deepEqual(get('image_tag_refs(bundled)'), []);
  assert.deepEqual(get('image_referrers(app)'), []);
  const referrers = get('image_referrers(bundled)') as unknown as Json[];
  assert.equal(referrers.length, 2);
  const listed = await client.referrers(parseReference(bundled.pinned), bundled.digest);
  assert.deepEqual(
    referrers,
    listed.map((d) => ({
      mediaType: d.mediaType,
      size: d.size,
      digest: d.digest,
      artifactType: d.artifactType ?? '',
      ref: `${repo(bundled)}@${d.digest}`,
      annotations: d.annotations ?? {},
    })),
  );
  assert.deepEqual(get('referrer manifests'), await Promise.all(listed.map(async (d) => ecManifest(await rawManifest(`${repo(bundled)}@${d.digest}`)))));

  // Sigstore: `signature` (not `sig`), every field present; failures are `success: false` with the error.
  assert.deepEqual(get('verify_image(app)'), {
    success: true,
    errors: [],
    signatures: [{ keyid: '', signature: await signatureAnnotation(app), certificate: '', chain: [], metadata: {} }],
  });
  const wrongKey = get('verify_image(app, other key)');
  assert.equal(wrongKey.success, false);
  assert.deepEqual(wrongKey.signatures, []);
  assert.match((wrongKey.errors as string[])[0]!, /^verify image signature: no matching signatures: /);
  assert.deepEqual(get('verify_image(app:v1)'), {
    success: false,
    errors: [`new digest: a digest must contain exactly one '@' separator (e.g. registry/repository@digest) saw: ${app.ref}`],
    signatures: [],
  });
  const bundleSignature = get('verify_image(bundled)');
  assert.equal(bundleSignature.success, true);
  assert.equal((bundleSignature.signatures as Json[]).length, 1);
  // The statement is the DSSE payload cosign wrote (a `.att` layer, or the bundle among the referrers).
  const attLayer = await firstLayer(app, `${app.digest.replace(':', '-')}.att`);
  const slsaBundle = listed.find((d) => d.annotations?.['dev.sigstore.bundle.predicateType'] === 'https://slsa.dev/provenance/v0.2')!;
  const bundleLayer = await firstLayer(bundled, slsaBundle.digest);
  const payloads: Record<string, string> = {
    'verify_attestation(app)': (JSON.parse(attLayer) as { payload: string }).payload,
    'verify_attestation(bundled)': (JSON.parse(bundleLayer) as { dsseEnvelope: { payload: string } }).dsseEnvelope.payload,
  };
  for (const [name, payload] of Object.entries(payloads)) {
    const verified = get(name);
    assert.equal(verified.success, true, name);
    assert.deepEqual(verified.errors, []);
    const [attestation, ...more] = verified.attestations as { statement: Json; signatures: Json[] }[];
    assert.equal(more.length, 0, name);
    assert.deepEqual(attestation!.statement, JSON.parse(Buffer.from(payload, 'base64').toString('utf8')));
    assert.equal((attestation!.statement.predicate as { builder: { id: string } }).builder.id, (slsaV02().builder as { id: string }).id);
    assert.deepEqual(Object.keys(attestation!.signatures[0]!).sort(), ['certificate', 'chain', 'keyid', 'metadata', 'signature']);
  }
  assert.deepEqual(get('verify_attestation(unsigned)'), {
    success: false,
    errors: ['verify image attestation signature: no matching attestations: '],
    attestations: [],
  });

  // ec.purl.* are answered in the worker itself.
  assert.deepEqual(get('purl'), [true, { type: 'npm', namespace: '', name: 'left-pad', version: '1.3.0', qualifiers: [], subpath: '' }]);

  // ec's failure rule: undefined, never a Rego error.
  for (const name of [
    'descriptor(missing)',
    'image_manifest(missing)',
    'image_manifest(oci layout)',
    'image_index(app)',
    'blob(gzip layer)',
    'blob(missing)',
    'blob(tag)',
  ]) {
    assert.equal(shown.get(name), 'undefined', name);
  }
});

// A registry that accepts connections and never answers: the worker waits on the main thread, which
// waits on the registry; --timeout must still end the process at once, with ec's message.
const stalled: Socket[] = [];
const silent = createServer((socket) => stalled.push(socket));
after(() => {
  for (const socket of stalled) socket.destroy();
  silent.close();
});

test('--timeout ends a run whose policy waits on a registry that never answers (exit 4, at once, no report)', async () => {
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as { port: number }).port;
  const image = CONFORMA_KEYLESS_IMAGE;
  const keyless = CONFORMA_KEYLESS_ARGS;
  const policyDir = join(dir, 'stuck');
  await mkdir(policyDir, { recursive: true });
  await writeFile(
    join(policyDir, 'stuck.rego'),
    'package stuck\n\nimport rego.v1\n\n# METADATA\n# title: Waits\n# custom:\n#   short_name: waits\ndeny contains {"code": "stuck.waits", "msg": "the registry answered"} if {\n\tref := data.rule_data__configuration__.ref\n\tref != ""\n\tec.oci.image_manifest(ref)\n}\n',
  );
  const env = { ...process.env, VOUCH_CACHE_DIR: join(dir, 'stuck-cache') };
  const main = fileURLToPath(new URL('../../src/faces/main.ts', import.meta.url));
  const cli = async (ref: string, timeout: string): Promise<{ code: number; stdout: string; stderr: string; seconds: number }> => {
    const started = performance.now();
    const args = [
      'validate',
      'image',
      '--image',
      image,
      ...keyless,
      '--policy',
      JSON.stringify({ sources: [{ policy: [policyDir], ruleData: { ref } }] }),
      '--timeout',
      timeout,
      '--output',
      'json',
    ];
    return new Promise((resolve) => {
      execFile(process.execPath, [main, ...args], { env, timeout: 300_000 }, (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number | null }).code) : 0, stdout, stderr, seconds: (performance.now() - started) / 1000 });
      });
    });
  };
  // The first run compiles the policy (and calls nothing), so the second times out while waiting.
  const compiling = await cli('', '5m');
  assert.equal(compiling.code, 0, compiling.stderr);
  const stuck = await cli(`127.0.0.1:${port}/acme/app:v1`, '10s');
  assert.equal(stuck.code, 4, stuck.stderr);
  assert.match(stuck.stderr, /exceeded allowed execution time of 10s/);
  assert.equal(stuck.stdout, '');
  // No upper bound on the elapsed time (a loaded machine stretches it): a run that printed the
  // timeout but then hung would be killed by execFile's 300 s limit, and a killed child has no exit
  // code 4.
  assert.ok(stuck.seconds >= 10, `exited after ${stuck.seconds.toFixed(1)} s, before its --timeout`);
  assert.ok(stalled.length > 0, 'the policy reached the registry');
});

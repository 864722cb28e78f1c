// VSAs made by vouch, checked by the real cosign: an image signed and attested by cosign is
// validated with --vsa; vouch signs the SLSA VSA with an openssl-made key (encrypted, password from
// COSIGN_PASSWORD), writes it to a directory and attaches it to the image (legacy `.att` layer and
// OCI 1.1 referrer bundle on olareg); `cosign verify-attestation --type
// https://slsa.dev/verification_summary/v1 --key` accepts it. Every stored form validates against
// the predicate's shape. Hostile cases: a wrong password, cosign's own key format, a key that is a
// directory or a flag, a registry that refuses the push — each a clear error, none a changed verdict.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { attest, generateKeyPair, sign, type KeyPair } from '../support/cosign.ts';
import { pushImage, type PushedImage } from '../support/images.ts';
import { slsaV02 } from '../support/predicates.ts';
import { startProxy, type LoopbackProxy } from '../support/proxy.ts';
import { startReferrersRegistry, startRegistry, type TestRegistry } from '../support/registry.ts';
import { toolPath } from '../support/tools.ts';
import { vouch } from '../support/run-cli.ts';
import { assertVsaShape } from '../support/vsa/shape.ts';

const run = promisify(execFile);
const VSA_TYPE = 'https://slsa.dev/verification_summary/v1';
const PASSWORD = 'vsa-s3cret';

let olareg: TestRegistry;
let plain: TestRegistry;
let refusing: LoopbackProxy;
let dir: string;
let cosignKey: KeyPair;
let vsaKey: { key: string; pub: string };
let image: PushedImage;
let legacyOnly: PushedImage;

before(
  async () => {
    [olareg, plain] = await Promise.all([startReferrersRegistry(), startRegistry()]);
    // A registry that lets vouch read and refuses every write.
    refusing = await startProxy(olareg.host, (req, res) => {
      if (req.method === 'GET' || req.method === 'HEAD') return false;
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ errors: [{ code: 'DENIED', message: 'this repository is read-only' }] }));
      return true;
    });
    dir = await mkdtemp(join(tmpdir(), 'vouch-vsa-'));
    cosignKey = await generateKeyPair(dir, 'cosign');
    vsaKey = { key: join(dir, 'vsa.key'), pub: join(dir, 'vsa.pub') };
    await run('openssl', [
      'genpkey',
      '-algorithm',
      'EC',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-aes-256-cbc',
      '-pass',
      `pass:${PASSWORD}`,
      '-out',
      vsaKey.key,
    ]);
    await run('openssl', ['pkey', '-in', vsaKey.key, '-passin', `pass:${PASSWORD}`, '-pubout', '-out', vsaKey.pub]);
    [image, legacyOnly] = await Promise.all([pushImage(`${olareg.host}/app:v1`), pushImage(`${plain.host}/legacy:v1`)]);
    for (const img of [image, legacyOnly]) {
      await sign(dir, img.pinned, cosignKey);
      await attest(dir, img.pinned, cosignKey, slsaV02(), 'slsaprovenance');
    }
  },
  { timeout: 300_000 },
);
after(async () => {
  refusing.close();
  await Promise.all([olareg.stop(), plain.stop()]);
});

const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  ...process.env,
  VOUCH_CACHE_DIR: join(dir, 'cache'),
  COSIGN_PASSWORD: PASSWORD,
  ...extra,
});
const validate = (ref: string, ...vsaArgs: string[]) =>
  vouch(['validate', 'image', '--image', ref, '--public-key', cosignKey.pub, '--ignore-rekor', '--output', 'json', ...vsaArgs], env());

async function cosignVerify(ref: string, pub = vsaKey.pub): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(toolPath('cosign'), ['verify-attestation', '--key', pub, '--insecure-ignore-tlog=true', '--type', VSA_TYPE, ref], {
      env: { ...process.env, HOME: dir },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const payloadOf = (envelope: { payload: string }): Record<string, unknown> =>
  JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8')) as Record<string, unknown>;

test('a signed VSA, written and attached, is accepted by cosign verify-attestation --key', async () => {
  const out = join(dir, 'out');
  const r = await validate(image.ref, '--vsa', '--vsa-signing-key', vsaKey.key, '--vsa-upload', 'oci', '--attestation-output-dir', out);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { success: boolean }).success, true);
  const hex = image.digest.slice('sha256:'.length);
  assert.deepEqual((await readdir(out)).sort(), [`sha256-${hex}.intoto.jsonl`, `sha256-${hex}.sigstore.json`]);
  assert.equal((await stat(join(out, `sha256-${hex}.intoto.jsonl`))).mode & 0o777, 0o644);
  // Every stored form holds a statement of the SLSA VSA shape, about this image, PASSED.
  const envelope = JSON.parse(await readFile(join(out, `sha256-${hex}.intoto.jsonl`), 'utf8')) as { payload: string; payloadType: string };
  const bundle = JSON.parse(await readFile(join(out, `sha256-${hex}.sigstore.json`), 'utf8')) as { dsseEnvelope: { payload: string } };
  for (const statement of [payloadOf(envelope), payloadOf(bundle.dsseEnvelope)]) {
    assertVsaShape(statement, 'slsa');
    const p = statement.predicate as { verificationResult: string; resourceUri: string; inputAttestations: unknown[] };
    assert.equal(p.verificationResult, 'PASSED');
    assert.equal(p.resourceUri, image.pinned);
    assert.equal(p.inputAttestations.length, 1);
  }
  assert.equal(envelope.payloadType, 'application/vnd.in-toto+json');

  const verified = await cosignVerify(image.pinned);
  assert.equal(verified.code, 0, verified.stderr);
  const attested = verified.stdout
    .trim()
    .split('\n')
    .map((l) => payloadOf(JSON.parse(l) as { payload: string }));
  assert.ok(
    attested.some((s) => s.predicateType === VSA_TYPE),
    verified.stdout,
  );
  for (const s of attested.filter((x) => x.predicateType === VSA_TYPE)) assertVsaShape(s, 'slsa');
  // The check can fail: another key does not verify vouch's VSA.
  assert.notEqual((await cosignVerify(image.pinned, cosignKey.pub)).code, 0);
  // The v0.3 bundle (the file, and the referrer's layer) is a Sigstore bundle cosign verifies on its own.
  const blob = (pub: string) =>
    run(
      toolPath('cosign'),
      [
        'verify-blob-attestation',
        '--bundle',
        join(out, `sha256-${hex}.sigstore.json`),
        '--key',
        pub,
        '--new-bundle-format',
        '--insecure-ignore-tlog=true',
        '--type',
        VSA_TYPE,
        '--digest',
        hex,
        '--digestAlg',
        'sha256',
      ],
      { env: { ...process.env, HOME: dir } },
    );
  await blob(vsaKey.pub);
  await assert.rejects(blob(cosignKey.pub));
});

test('a registry without the referrers API keeps the bundle in the tag-schema index; cosign accepts the .att layer', async () => {
  const r = await validate(legacyOnly.ref, '--vsa', '--vsa-signing-key', vsaKey.key, '--vsa-upload', 'oci');
  assert.equal(r.code, 0, r.stderr);
  const verified = await cosignVerify(legacyOnly.pinned);
  assert.equal(verified.code, 0, verified.stderr);
  // A second run appends its VSA to the same .att manifest: both remain, neither is lost.
  const again = await validate(legacyOnly.ref, '--vsa', '--vsa-signing-key', vsaKey.key, '--vsa-upload', 'oci');
  assert.equal(again.code, 0, again.stderr);
  const { stdout } = await run(toolPath('crane'), ['manifest', `${plain.host}/legacy:${legacyOnly.digest.replace(':', '-')}.att`]);
  const layers = (JSON.parse(stdout) as { layers: { annotations: Record<string, string> }[] }).layers;
  assert.equal(layers.filter((l) => l.annotations.predicateType === VSA_TYPE).length, 2);
  assert.equal(layers.filter((l) => l.annotations.predicateType === 'https://slsa.dev/provenance/v0.2').length, 1);
});

test('--attestation-format predicate writes the unsigned predicate, in the SLSA shape', async () => {
  const out = join(dir, 'predicates');
  const r = await validate(image.ref, '--vsa', '--attestation-format', 'predicate', '--attestation-output-dir', out);
  assert.equal(r.code, 0, r.stderr);
  const predicate = JSON.parse(await readFile(join(out, `sha256-${image.digest.slice(7)}.predicate.json`), 'utf8')) as unknown;
  assertVsaShape(
    { _type: 'https://in-toto.io/Statement/v1', subject: [{ name: 'x', digest: { sha256: image.digest.slice(7) } }], predicateType: VSA_TYPE, predicate },
    'slsa',
  );
});

test("--vsa-predicate conforma: ec's predicate in ec's statement, in its shape, accepted by cosign for its type", async () => {
  const out = join(dir, 'conforma');
  const r = await validate(
    image.ref,
    '--vsa',
    '--vsa-predicate',
    'conforma',
    '--vsa-signing-key',
    vsaKey.key,
    '--vsa-upload',
    'oci',
    '--attestation-output-dir',
    out,
  );
  assert.equal(r.code, 0, r.stderr);
  const envelope = JSON.parse(await readFile(join(out, `sha256-${image.digest.slice(7)}.intoto.jsonl`), 'utf8')) as { payload: string };
  const statement = payloadOf(envelope);
  assertVsaShape(statement, 'conforma');
  assert.equal((statement.predicate as { status: string }).status, 'passed');
  try {
    await run(
      toolPath('cosign'),
      ['verify-attestation', '--key', vsaKey.pub, '--insecure-ignore-tlog=true', '--type', 'https://conforma.dev/verification_summary/v1', image.pinned],
      { env: { ...process.env, HOME: dir } },
    );
  } catch (err) {
    assert.fail(`cosign refused ec's predicate: ${(err as { stderr?: string }).stderr ?? String(err)}`);
  }
});

test('hostile: wrong password, cosign key format, a directory or a flag as key — exit 2 before any image is verified, nothing written', async () => {
  const out = join(dir, 'hostile-out');
  await mkdir(join(dir, 'keydir'), { recursive: true });
  const cases: [string[], NodeJS.ProcessEnv, string][] = [
    [['--vsa-signing-key', vsaKey.key], { COSIGN_PASSWORD: 'wrong' }, 'could not be decrypted'],
    [['--vsa-signing-key', cosignKey.key], {}, 'cosign-encrypted key'],
    [['--vsa-signing-key', join(dir, 'keydir')], {}, 'not a regular file'],
    [['--vsa-signing-key', '--image'], {}, 'looks like a flag'],
  ];
  for (const [args, extra, fragment] of cases) {
    const r = await vouch(
      ['validate', 'image', '--image', image.ref, '--public-key', cosignKey.pub, '--ignore-rekor', '--vsa', '--attestation-output-dir', out, ...args],
      env(extra),
    );
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.includes(fragment), r.stderr);
    assert.ok(!r.stderr.includes(PASSWORD) && !r.stderr.includes('wrong\n'), r.stderr);
    assert.equal(r.stdout, '', 'no report: the run stopped before verifying');
  }
  assert.deepEqual(await readdir(out).catch(() => []), []);
});

test('hostile: a registry that refuses the push is a clear error (exit 3); the report keeps its verdict', async () => {
  const ref = image.ref.replace(olareg.host, refusing.host);
  const r = await validate(ref, '--vsa', '--vsa-signing-key', vsaKey.key, '--vsa-upload', 'oci');
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /attaching the VSA to .*app@sha256:[0-9a-f]{64} failed: .*DENIED|read-only/);
  assert.equal((JSON.parse(r.stdout) as { success: boolean }).success, true);
});

// End-to-end: real registry, images signed and attested by the real cosign, verified by vouch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeFixtures, type Fixtures } from '../support/fixtures.ts';
import { freePort, startRegistry, type TestRegistry } from '../support/registry.ts';
import { validateJson, vouch } from '../support/run-cli.ts';

let reg: TestRegistry;
let fx: Fixtures;
let cacheDir: string;
const env = (): NodeJS.ProcessEnv => ({ ...process.env, VOUCH_CACHE_DIR: cacheDir });

before(async () => {
  reg = await startRegistry();
  fx = await makeFixtures(reg);
  cacheDir = join(fx.dir, 'cache');
});
after(async () => {
  await reg.stop();
});

type Result = { msg: string; metadata?: Record<string, unknown> };
const keyArgs = (): string[] => ['--public-key', fx.key.pub, '--ignore-rekor'];
const codes = (list: unknown): string[] => ((list as Result[] | undefined) ?? []).map((r) => String(r.metadata?.code));

test('happy day: a signed image with SLSA v0.2 provenance passes, reported as ec reports it', async () => {
  const { code, report } = await validateJson(['--image', fx.happy.ref, ...keyArgs(), '--show-successes'], env());
  assert.equal(code, 0);
  assert.equal(report.success, true);
  assert.deepEqual(Object.keys(report), ['success', 'components', 'key', 'policy', 'ec-version', 'effective-time']);
  assert.equal(report.key, await readFile(fx.key.pub, 'utf8'));
  assert.match(String(report['effective-time']), /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/);
  const c = report.components[0]!;
  assert.deepEqual(Object.keys(c), ['name', 'containerImage', 'source', 'successes', 'success', 'signatures', 'attestations']);
  assert.equal(c.name, 'Unnamed');
  assert.equal(c.containerImage, fx.happy.pinned);
  assert.deepEqual(codes(c.successes), ['builtin.attestation.signature_check', 'builtin.attestation.syntax_check', 'builtin.image.signature_check']);
  assert.ok(((c.successes as Result[] | undefined) ?? []).every((s) => s.msg === 'Pass' && Object.keys(s.metadata ?? {}).join() === 'code'));
  const sigs = c.signatures as { keyid: string; sig: string }[];
  assert.equal(sigs.length, 1);
  assert.equal(sigs[0]!.keyid, '');
  assert.ok(Buffer.from(sigs[0]!.sig, 'base64').length > 60);
  assert.deepEqual(c.attestations, [
    {
      type: 'https://in-toto.io/Statement/v0.1',
      predicateType: 'https://slsa.dev/provenance/v0.2',
      predicateBuildType: 'tekton.dev/v1beta1/PipelineRun',
      signatures: (c.attestations as { signatures: unknown[] }[])[0]!.signatures,
    },
  ]);
});

test('SLSA v1 provenance passes the v1 schema check and reports its build type', async () => {
  const { code, report } = await validateJson(['--image', fx.v1.ref, ...keyArgs()], env());
  assert.equal(code, 0);
  const att = (report.components[0]!.attestations as Record<string, unknown>[])[0]!;
  assert.equal(att.predicateType, 'https://slsa.dev/provenance/v1');
  assert.equal(att.predicateBuildType, 'https://tekton.dev/chains/v2/slsa');
});

test('a snapshot of several components: each verified, reported in descending containerImage order', async () => {
  const file = join(fx.dir, 'components.yaml');
  await writeFile(file, `application: acme\ncomponents:\n${fx.snapshot.map((s, i) => `  - name: c${i}\n    containerImage: ${s.ref}\n`).join('')}`);
  const { code, report } = await validateJson(['--images', file, ...keyArgs()], env());
  assert.equal(code, 0);
  const images = report.components.map((c) => String(c.containerImage));
  assert.deepEqual(images, [...fx.snapshot.map((s) => s.pinned)].sort().reverse());
  assert.deepEqual(
    report.components.map((c) => c.success),
    [true, true, true],
  );
});

test('a multi-arch index is verified itself and per platform, platform components named as ec names them', async () => {
  const { code, report } = await validateJson(
    ['--images', JSON.stringify({ components: [{ name: 'multi', containerImage: fx.multiArch.index.ref }] }), ...keyArgs()],
    env(),
  );
  assert.equal(code, 0, JSON.stringify(report, null, 1).slice(0, 2000));
  const names = report.components.map((c) => String(c.name)).sort();
  assert.deepEqual(names, ['multi', `multi-${fx.multiArch.platforms[0]!.digest}-amd64`, `multi-${fx.multiArch.platforms[1]!.digest}-arm64`].sort());
  assert.ok(report.components.every((c) => c.success === true));
});

async function failing(
  image: string,
  extra: string[] = [],
): Promise<{ code: number; violations: Result[]; report: Record<string, unknown> & { components: Record<string, unknown>[] } }> {
  const { code, report } = await validateJson(['--image', image, ...keyArgs(), ...extra], env());
  assert.equal(report.success, false);
  return { code, violations: (report.components[0]!.violations as Result[] | undefined) ?? [], report };
}

test("signed by another key: both checks fail with ec's public-key hint; exit 1", async () => {
  const { code, violations } = await failing(fx.wrongKey.ref);
  assert.equal(code, 1);
  assert.deepEqual(codes(violations), ['builtin.attestation.signature_check', 'builtin.image.signature_check']);
  assert.match(
    violations[1]!.msg,
    /^No image signatures found matching the given public key\. Verify the correct public key was provided, and a signature was created\. Error: no matching signatures: invalid signature/,
  );
  assert.match(
    violations[0]!.msg,
    /^No image attestations found matching the given public key\. Verify the correct public key was provided, and one or more attestations were created\. Error: no matching attestations: invalid signature/,
  );
});

test('a signature copied from another image fails the digest claim', async () => {
  const { violations } = await failing(fx.copiedSignature.ref);
  assert.deepEqual(codes(violations), ['builtin.image.signature_check']);
  assert.match(violations[0]!.msg, new RegExp(`Error: no matching signatures: invalid or missing digest in claim: ${fx.happy.digest}$`));
});

test('an attestation whose subject is another digest fails and stops policy evaluation', async () => {
  const { violations } = await failing(fx.wrongSubjectAttestation.ref);
  assert.deepEqual(codes(violations), ['builtin.attestation.signature_check']);
  assert.match(violations[0]!.msg, /Error: no matching attestations: no matching subject digest found$/);
});

test('a tampered signature layer fails the signature check', async () => {
  const { violations } = await failing(fx.tamperedSignature.ref);
  assert.deepEqual(codes(violations), ['builtin.image.signature_check']);
  assert.match(violations[0]!.msg, /invalid signature/);
});

test('an unsigned image: no signatures and no attestations', async () => {
  const { violations } = await failing(fx.unsigned.ref);
  assert.deepEqual(codes(violations), ['builtin.attestation.signature_check', 'builtin.image.signature_check']);
  assert.equal(violations[1]!.msg, 'Image signature check failed: no signatures found');
  // ec v0.9.115 prints cosign's empty error list: nothing after the colon.
  assert.match(violations[0]!.msg, /Error: no matching attestations: $/);
});

test('a signed image without attestations fails only the attestation check', async () => {
  const { violations, report } = await failing(fx.noAttestations.ref, ['--show-successes']);
  assert.deepEqual(codes(violations), ['builtin.attestation.signature_check']);
  assert.deepEqual(codes(report.components[0]!.successes), ['builtin.image.signature_check']);
});

test('a tag moved after signing resolves to the new, unsigned image; the signed digest still passes', async () => {
  const { report } = await failing(fx.movedTag.ref);
  assert.equal(report.components[0]!.containerImage, fx.movedTag.current.pinned);
  const pinned = `${fx.movedTag.ref.split(':v1')[0]!}@${fx.movedTag.signedDigest}`;
  const ok = await validateJson(['--image', pinned, ...keyArgs()], env());
  assert.equal(ok.report.success, true);
});

test('an unreachable registry is a builtin.image.accessible violation, never a pass', async () => {
  const port = await freePort();
  const { code, violations, report } = await failing(`127.0.0.1:${port}/gone:v1`);
  assert.equal(code, 1);
  assert.deepEqual(codes(violations), ['builtin.image.accessible']);
  assert.match(violations[0]!.msg, /^Image URL is not accessible: GET http:\/\/127\.0\.0\.1:\d+\/v2\/gone\/manifests\/v1: /);
  assert.equal(report.components[0]!.containerImage, `127.0.0.1:${port}/gone:v1`);
});

test('--strict=false reports the failure but exits 0', async () => {
  const { code } = await failing(fx.unsigned.ref, ['--strict=false']);
  assert.equal(code, 0);
});

test("--output policy-input writes ec's input document", async () => {
  const run = await vouch(['validate', 'image', '--image', fx.happy.ref, ...keyArgs(), '--output', 'policy-input'], env());
  assert.equal(run.code, 0, run.stderr);
  const input = JSON.parse(run.stdout) as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(input).sort(), ['attestations', 'component_name', 'image', 'policy_spec', 'snapshot']);
  assert.equal(input.image!.ref, fx.happy.pinned);
  // ec's image.source is the component's source struct, `{}` when the snapshot gives none.
  assert.deepEqual(Object.keys(input.image!).sort(), ['config', 'ref', 'signatures', 'source']);
  assert.deepEqual(input.image!.source, {});
  assert.equal((input.image!.config as { Labels: Record<string, string> }).Labels['com.example.team'], 'release');
  const att = (
    input.attestations as unknown as { statement: { predicateType: string; subject: { digest: { sha256: string } }[] }; signatures: unknown[] }[]
  )[0]!;
  assert.equal(att.statement.predicateType, 'https://slsa.dev/provenance/v0.2');
  assert.equal(att.statement.subject[0]!.digest.sha256, fx.happy.digest.slice(7));
  assert.deepEqual(input.snapshot, { application: '', components: [{ name: 'Unnamed', containerImage: fx.happy.ref, source: {} }], artifacts: {} });
});

test('bad input is exit 2 with a message naming the flag or file', async () => {
  const unknown = await vouch(['validate', 'image', '--imag', fx.happy.ref]);
  assert.equal(unknown.code, 2);
  assert.match(unknown.stderr, /unknown flag: --imag\. Did you mean --image\?/);
  const noKey = await vouch(['validate', 'image', '--image', fx.happy.ref, '--public-key', join(fx.dir, 'missing.pub')]);
  assert.equal(noKey.code, 2);
  assert.match(noKey.stderr, /missing\.pub: cannot read the key file/);
  const nothing = await vouch(['validate', 'image', '--public-key', fx.key.pub]);
  assert.equal(nothing.code, 2);
  assert.match(nothing.stderr, /neither Snapshot nor image reference provided to validate/);
  const keyless = await vouch(['validate', 'image', '--image', fx.happy.ref, '--certificate-identity', 'x']);
  assert.match(keyless.stderr, /certificate OIDC issuer must be provided for keyless workflow/);
});

test('ECDSA P-384 and RSA keys: cosign signatures and attestations verify; Ed25519 (cosign signs Ed25519ph) fails clearly, never passes', async () => {
  const { importKeyPair, sign, attest } = await import('../support/cosign.ts');
  const { pushImage } = await import('../support/images.ts');
  const { slsaV02 } = await import('../support/predicates.ts');
  for (const kind of ['p384', 'rsa'] as const) {
    const k = await importKeyPair(fx.dir, `imported-${kind}`, kind);
    const img = await pushImage(`${reg.host}/keytype-${kind}:v1`);
    await sign(fx.dir, img.pinned, k);
    await attest(fx.dir, img.pinned, k, slsaV02(), 'slsaprovenance');
    const { code, report } = await validateJson(['--image', img.ref, '--public-key', k.pub, '--ignore-rekor'], env());
    assert.equal(code, 0, `${kind}: ${JSON.stringify(report.components[0]).slice(0, 800)}`);
    const wrong = await validateJson(['--image', img.ref, ...keyArgs()], env());
    assert.equal(wrong.code, 1, kind);
  }
  const ed = await importKeyPair(fx.dir, 'imported-ed25519', 'ed25519');
  const edImg = await pushImage(`${reg.host}/keytype-ed25519:v1`);
  await sign(fx.dir, edImg.pinned, ed);
  const edRun = await validateJson(['--image', edImg.ref, '--public-key', ed.pub, '--ignore-rekor'], env());
  assert.equal(edRun.code, 1);
  assert.match(JSON.stringify(edRun.report.components[0]), /cosign signs Ed25519 keys with Ed25519ph/);
});

test('--output attestation writes each verified statement (JSONL)', async () => {
  const run = await vouch(['validate', 'image', '--image', fx.happy.ref, ...keyArgs(), '--output', 'attestation'], env());
  const lines = run.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { predicateType: string; subject: { digest: { sha256: string } }[] });
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!.predicateType, 'https://slsa.dev/provenance/v0.2');
  assert.equal(lines[0]!.subject[0]!.digest.sha256, fx.happy.digest.slice(7));
});

test("--shard I/N splits the snapshot; merge-reports joins the shards into the single run's report and JUnit", async () => {
  const file = join(fx.dir, 'shard-components.yaml');
  const images = [fx.happy, ...fx.snapshot, fx.unsigned];
  await writeFile(file, `components:\n${images.map((s, i) => `  - name: s${i}\n    containerImage: ${s.ref}\n`).join('')}`);
  const common = [
    'validate',
    'image',
    '--images',
    file,
    ...keyArgs(),
    '--effective-time',
    '2026-11-01T00:00:00Z',
    '--allow-past-effective-time',
    '--strict=false',
  ];
  const single = await vouch([...common, '--output', `json=${join(fx.dir, 'single.json')}`], env());
  assert.equal(single.code, 0, single.stderr);
  const shards: string[] = [];
  for (const s of ['1/3', '2/3', '3/3']) {
    const out = join(fx.dir, `shard-${s.replace('/', '-')}.json`);
    assert.equal((await vouch([...common, '--shard', s, '--output', `json=${out}`], env())).code, 0);
    shards.push(out);
  }
  const sizes = await Promise.all(shards.map(async (f) => (JSON.parse(await readFile(f, 'utf8')) as { components: unknown[] }).components.length));
  assert.deepEqual(sizes, [2, 2, 1]);
  const merged = await vouch([
    'merge-reports',
    '--output',
    `json=${join(fx.dir, 'merged.json')}`,
    '--output',
    `junit=${join(fx.dir, 'merged.xml')}`,
    '--output',
    'appstudio',
    ...shards,
  ]);
  assert.equal(merged.code, 1, 'the merged report fails like the single run');
  assert.deepEqual(JSON.parse(await readFile(join(fx.dir, 'merged.json'), 'utf8')), JSON.parse(await readFile(join(fx.dir, 'single.json'), 'utf8')));
  assert.equal((JSON.parse(merged.stdout) as { failures: unknown }).failures, 2);
  assert.equal((await readFile(join(fx.dir, 'merged.xml'), 'utf8')).match(/<testsuite /g)?.length, 5);
  const bad = await vouch([...common, '--shard', '4/3']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--shard "4\/3": expected I\/N/);
});

test("--timeout: an exceeded run ends with exit 4 and ec's message", async () => {
  const run = await vouch(['validate', 'image', '--image', fx.unsigned.ref, ...keyArgs(), '--timeout', '1ms'], env());
  assert.equal(run.code, 4);
  assert.match(run.stderr, /exceeded allowed execution time of 1ms, the timeout can be adjusted using the --timeout command line argument/);
});

// VSA trust on a re-run (issue 14 item 4), end to end: images in the loopback registry signed and
// attested by the real cosign, VSAs attached by the real `cosign attest --type
// https://slsa.dev/verification_summary/v1`. The policy denies every image, so a component that
// passes was reported from its VSA, and one that fails was validated again.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createPrivateKey, sign as signBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dsse } from '@sigstore/core';
import { RegistryClient } from '../../src/oci/client.ts';
import { parseReference } from '../../src/oci/reference.ts';
import { keyFingerprint } from '../../src/sigstore/keys.ts';
import { parseValidateArgs } from '../../src/validate/entry.ts';
import { runPolicyDigest } from '../../src/validate/policy-load.ts';
import { attest, generateKeyPair, importKeyPair, sign, type KeyPair } from '../support/cosign.ts';
import { copyManifest, pushImage, rewriteManifest, type PushedImage } from '../support/images.ts';
import { slsaV02 } from '../support/predicates.ts';
import { startRegistry, type TestRegistry } from '../support/registry.ts';
import { validateJson, vouch } from '../support/run-cli.ts';

const VSA = 'https://slsa.dev/verification_summary/v1';
const HOUR = 3_600_000;
const client = new RegistryClient({ env: {} });

let reg: TestRegistry;
let dir: string;
let imageKey: KeyPair;
let vsaKey: KeyPair;
let otherKey: KeyPair;
let policy: string;
let policyDigest: string;
let env: NodeJS.ProcessEnv;
const images: Record<string, PushedImage> = {};

const GATE = `package gate

import rego.v1

# METADATA
# title: Gate
# custom:
#   short_name: revalidated
deny contains result if {
	result := {"code": "gate.revalidated", "msg": "the policy ran"}
}
`;

interface VsaOptions {
  time?: Date;
  result?: string;
  policy?: string;
  verifier?: string;
}

/** The VSA predicate of vsa-contract.md item 2. */
function vsaPredicate(img: PushedImage, o: VsaOptions = {}): Record<string, unknown> {
  return {
    verifier: { id: o.verifier ?? 'https://github.com/vouch-dev/vouch', version: { vouch: '0.0.0-test' } },
    timeVerified: (o.time ?? new Date(Date.now() - HOUR)).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    resourceUri: img.pinned,
    policy: { uri: 'inline', digest: { sha256: (o.policy ?? policyDigest).replace(/^sha256:/, '') } },
    inputAttestations: [],
    verificationResult: o.result ?? 'PASSED',
    verifiedLevels: [],
    slsaVersion: '1.0',
  };
}

const repoOf = (img: PushedImage): string => img.pinned.slice(0, img.pinned.indexOf('@'));
const attTag = (img: PushedImage): string => `${repoOf(img)}:${img.digest.replace(':', '-')}.att`;

/** The `.att` layers of an image (digest and annotations), as cosign wrote them. */
async function attLayers(img: PushedImage): Promise<{ digest: string; size: number; annotations?: Record<string, string> }[]> {
  const ref = parseReference(img.ref);
  const m = await client.getManifest(ref, `${img.digest.replace(':', '-')}.att`);
  return (m!.manifest as { layers: { digest: string; size: number; annotations?: Record<string, string> }[] }).layers;
}

/** A DSSE envelope signed with the VSA key by hand, for payloads cosign would never write. */
function handMadeEnvelope(payload: Buffer, keyPem: string): Buffer {
  const type = 'application/vnd.in-toto+json';
  const sig = signBytes('sha256', dsse.preAuthEncoding(type, payload), createPrivateKey(keyPem));
  return Buffer.from(JSON.stringify({ payloadType: type, payload: payload.toString('base64'), signatures: [{ keyid: '', sig: sig.toString('base64') }] }));
}

/** Replaces the image's last `.att` layer (a VSA cosign attached) with `blob`, keeping its annotations. */
async function replaceVsaLayer(img: PushedImage, blob: Buffer): Promise<void> {
  const ref = parseReference(img.ref);
  const pushed = await client.pushBlob(ref, blob);
  await rewriteManifest(attTag(img), (m) => {
    const layers = m.layers as { digest: string; size: number }[];
    const last = layers[layers.length - 1]!;
    last.digest = pushed.digest;
    last.size = pushed.size;
  });
}

const statementFor = (img: PushedImage, predicate: string): Buffer =>
  Buffer.from(
    `{"_type":"https://in-toto.io/Statement/v0.1","predicateType":"${VSA}","subject":[{"name":"${repoOf(img)}","digest":{"sha256":"${img.digest.slice(7)}"}}],"predicate":${predicate}}`,
  );

before(
  async () => {
    reg = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), 'vouch-vsa-'));
    env = { ...process.env, VOUCH_CACHE_DIR: join(dir, 'cache') };
    [imageKey, vsaKey, otherKey] = await Promise.all([generateKeyPair(dir, 'image'), importKeyPair(dir, 'vsa', 'p256'), generateKeyPair(dir, 'other')]);
    const rego = join(dir, 'policy');
    await mkdir(rego);
    await writeFile(join(rego, 'gate.rego'), GATE);
    policy = JSON.stringify({ sources: [{ name: 'gate', policy: [rego] }] });
    const inv = await parseValidateArgs(['--image', `${reg.host}/x:v1`, ...imageArgs()], env, dir);
    policyDigest = await runPolicyDigest(inv.config, new Date(), env);

    const names = [
      'forged',
      'good',
      'expired',
      'failed',
      'other-policy',
      'future',
      'copied',
      'mixed',
      'bundle',
      'duplicate-keys',
      'malformed',
      'oversized',
      'stale-and-good',
    ];
    const pushed = await Promise.all(names.map((n) => pushImage(`${reg.host}/vsa-${n}:v1`)));
    names.forEach((n, i) => (images[n] = pushed[i]!));
    await Promise.all(
      pushed.map(async (img) => {
        await sign(dir, img.pinned, imageKey);
        await attest(dir, img.pinned, imageKey, slsaV02(), 'slsaprovenance');
      }),
    );
    const vsa = (img: PushedImage, key: KeyPair, o: VsaOptions = {}, bundle = false): Promise<void> =>
      attest(dir, img.pinned, key, vsaPredicate(img, o), VSA, { bundle });
    await Promise.all([
      vsa(images.forged!, otherKey),
      vsa(images.good!, vsaKey),
      vsa(images.expired!, vsaKey, { time: new Date(Date.now() - 169 * HOUR) }),
      vsa(images.failed!, vsaKey, { result: 'FAILED' }),
      vsa(images['other-policy']!, vsaKey, { policy: 'f'.repeat(64) }),
      vsa(images.future!, vsaKey, { time: new Date(Date.now() + HOUR) }),
      (async () => {
        await vsa(images.mixed!, vsaKey);
        await vsa(images.mixed!, otherKey);
      })(),
      vsa(images.bundle!, vsaKey, {}, true),
      vsa(images['duplicate-keys']!, vsaKey),
      vsa(images.malformed!, vsaKey),
      vsa(images.oversized!, vsaKey),
      (async () => {
        await vsa(images['stale-and-good']!, vsaKey, { time: new Date(Date.now() - 500 * HOUR) });
        await vsa(images['stale-and-good']!, vsaKey, { policy: 'e'.repeat(64), result: 'FAILED' });
        await vsa(images['stale-and-good']!, vsaKey);
      })(),
    ]);
    // Another image's valid VSA (and attestations), copied next to this one: its subject is not this digest.
    await copyManifest(attTag(images.good!), attTag(images.copied!));
    // Signed by the VSA key, but not what a VSA may be: duplicate keys, JSON that does not parse, too big.
    const keyPem = await readFile(join(dir, 'vsa-import.pem'), 'utf8');
    const dup = vsaPredicate(images['duplicate-keys']!);
    const dupJson = JSON.stringify(dup).replace('"verificationResult":"PASSED"', '"verificationResult":"FAILED","verificationResult":"PASSED"');
    await replaceVsaLayer(images['duplicate-keys']!, handMadeEnvelope(statementFor(images['duplicate-keys']!, dupJson), keyPem));
    await replaceVsaLayer(
      images.malformed!,
      handMadeEnvelope(statementFor(images.malformed!, `${JSON.stringify(vsaPredicate(images.malformed!)).slice(0, -1)},}`), keyPem),
    );
    const big = { ...vsaPredicate(images.oversized!), padding: 'x'.repeat(1024 * 1024) };
    await replaceVsaLayer(images.oversized!, handMadeEnvelope(statementFor(images.oversized!, JSON.stringify(big)), keyPem));
  },
  { timeout: 900_000 },
);

after(async () => {
  await (reg as TestRegistry | undefined)?.stop(); // before() may have failed before assigning it
});

function imageArgs(): string[] {
  return ['--public-key', imageKey.pub, '--ignore-rekor', '--policy', policy];
}
const vsaArgs = (): string[] => [...imageArgs(), '--vsa-public-key', vsaKey.pub];

type Component = { success: boolean; violations?: { msg: string }[]; vsa?: Record<string, string> };

async function run(name: string, args = vsaArgs()): Promise<{ code: number; component: Component; stderr: string }> {
  const { code, report, stderr } = await validateJson(['--image', images[name]!.ref, ...args, '--debug'], env);
  return { code, component: report.components[0] as unknown as Component, stderr };
}

function assertValidated(r: { code: number; component: Component; stderr: string }, why: RegExp, violation: RegExp = /^the policy ran$/): void {
  assert.equal(r.code, 1, r.stderr);
  assert.equal(r.component.success, false);
  assert.equal(r.component.vsa, undefined);
  assert.equal(r.component.violations?.length, 1);
  assert.match(r.component.violations[0]!.msg, violation);
  assert.match(r.stderr, why);
}

// ec's hole: a found, unexpired VSA skipped validation without its signature being checked.
test('a found, unexpired VSA signed by another key is ignored and the image is validated', async () => {
  assertValidated(await run('forged'), /ignored: not verified: .*validating/s);
});

test('a valid VSA: the component is reported from it, saying which VSA, who signed it and when', async () => {
  const layers = await attLayers(images.good!);
  const vsaLayer = layers.find((l) => l.annotations?.predicateType === VSA) ?? layers[layers.length - 1]!;
  const r = await run('good');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.component.success, true);
  assert.equal(r.component.violations, undefined);
  assert.deepEqual(Object.keys(r.component.vsa!), ['digest', 'source', 'signer', 'timeVerified', 'policyDigest', 'verificationResult']);
  assert.equal(r.component.vsa!.digest, vsaLayer.digest);
  assert.equal(r.component.vsa!.source, 'attestation layer');
  assert.equal(r.component.vsa!.signer, `key ${keyFingerprint(await readFile(vsaKey.pub, 'utf8'))}`);
  assert.equal(r.component.vsa!.policyDigest, policyDigest);
  assert.equal(r.component.vsa!.verificationResult, 'PASSED');
  const text = await vouch(['validate', 'image', '--image', images.good!.ref, ...vsaArgs(), '--output', 'text'], env);
  assert.equal(text.code, 0);
  assert.match(
    text.stdout,
    new RegExp(
      `^VSA: reported from ${vsaLayer.digest} \\(attestation layer\\), signed by key sha256:[0-9a-f]{64}, verified \\S+Z, policy ${policyDigest}$`,
      'm',
    ),
  );
});

test('without a VSA signer, or with --vsa-expiration 0, VSAs are not consulted', async () => {
  assertValidated(await run('good', imageArgs()), /^(?![\s\S]*VSA)/);
  assertValidated(await run('good', [...vsaArgs(), '--vsa-expiration', '0']), /^(?![\s\S]*VSA)/);
});

test('the VSA key given as the image key does not make another key’s VSA trusted', async () => {
  assertValidated(await run('good', [...imageArgs(), '--vsa-public-key', otherKey.pub]), /ignored: not verified/);
});

test('an expired VSA is ignored; a shorter --vsa-expiration expires a fresh one', async () => {
  assertValidated(await run('expired'), /expired: verified .*validating/s);
  assertValidated(await run('good', [...vsaArgs(), '--vsa-expiration', '30m']), /expired/);
});

test('a FAILED VSA is ignored', async () => {
  assertValidated(await run('failed'), /records FAILED/);
});

test('a VSA of another policy is ignored', async () => {
  assertValidated(await run('other-policy'), /made for another policy/);
});

test('a VSA verified in the future is ignored', async () => {
  assertValidated(await run('future'), /in the future/);
});

test('another image’s VSA copied to this one is ignored (its subject is not this digest)', async () => {
  // The copy brought the other image's provenance too: the full validation stops at it.
  assertValidated(await run('copied'), /ignored: not verified: no matching subject digest/, /no matching subject digest found/);
});

test('a valid VSA next to a forged one: none is trusted', async () => {
  assertValidated(await run('mixed'), /cannot be trusted, so none is/);
});

test('a VSA signed by the VSA key with duplicate keys, or JSON that does not parse, is ignored', async () => {
  assertValidated(await run('duplicate-keys'), /ignored: not verified: .*(duplicate|twice)/i);
  assertValidated(await run('malformed'), /ignored: not verified: the attestation payload is not JSON/);
});

test('a VSA bigger than a VSA may be is ignored without being read', async () => {
  assertValidated(await run('oversized'), /more than the 1048576 a VSA may have/);
});

test('a VSA as an OCI 1.1 referrer bundle (cosign v3) is trusted too', async () => {
  const r = await run('bundle');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.component.vsa!.source, 'referrer bundle');
  assert.match(r.component.vsa!.digest ?? '', /^sha256:[0-9a-f]{64}$/);
});

test('stale VSAs (expired, another policy) next to a current one are history, not a veto', async () => {
  const r = await run('stale-and-good');
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.component.vsa);
  assert.match(r.stderr, /expired/);
  assert.match(r.stderr, /made for another policy/);
});

test('a re-run whose every component has a trusted VSA compiles nothing; one without is compiled for and validated in full', async () => {
  // No opa at all: reporting from VSAs needs the policy's digest, which needs no compile.
  const noOpa = ['--opa', join(dir, 'no-such-opa')];
  const fromVsa = await run('good', [...vsaArgs(), ...noOpa]);
  assert.equal(fromVsa.code, 0, fromVsa.stderr);
  assert.ok(fromVsa.component.vsa);
  // A component whose VSA is not trusted needs the policy: it is compiled then, and here cannot be.
  const forged = await vouch(['validate', 'image', '--image', images.forged!.ref, ...vsaArgs(), ...noOpa], env);
  assert.equal(forged.code, 3, forged.stderr);
  assert.match(forged.stderr, /opa not found/);
  // With opa, one snapshot of both: the trusted one from its VSA, the other through the policy.
  const snapshot = join(dir, 'good-and-forged.json');
  await writeFile(
    snapshot,
    JSON.stringify({
      components: [
        { name: 'good', containerImage: images.good!.ref },
        { name: 'forged', containerImage: images.forged!.ref },
      ],
    }),
  );
  const both = await validateJson(['--images', snapshot, ...vsaArgs()], env);
  assert.equal(both.code, 1, both.stderr);
  const byName = new Map((both.report.components as unknown as (Component & { name: string })[]).map((c) => [c.name, c]));
  assert.equal(byName.get('good')!.success, true);
  assert.ok(byName.get('good')!.vsa);
  assert.equal(byName.get('forged')!.vsa, undefined);
  assert.deepEqual(
    byName.get('forged')!.violations?.map((v) => v.msg),
    ['the policy ran'],
  );
});

test('--vsa-public-key and --vsa-certificate-identity together, or a keyless signer without an issuer, are bad input', async () => {
  const both = await vouch(
    [
      'validate',
      'image',
      '--image',
      images.good!.ref,
      ...vsaArgs(),
      '--vsa-certificate-identity',
      'a@example.com',
      '--vsa-certificate-oidc-issuer',
      'https://issuer.example',
    ],
    env,
  );
  assert.equal(both.code, 2);
  assert.match(both.stderr, /either --vsa-public-key or --vsa-certificate-identity/);
  const noIssuer = await vouch(['validate', 'image', '--image', images.good!.ref, ...imageArgs(), '--vsa-certificate-identity', 'a@example.com'], env);
  assert.equal(noIssuer.code, 2);
  assert.match(noIssuer.stderr, /--vsa-certificate-oidc-issuer/);
  const badExpiration = await vouch(['validate', 'image', '--image', images.good!.ref, ...vsaArgs(), '--vsa-expiration', '-1h'], env);
  assert.equal(badExpiration.code, 2);
  assert.match(badExpiration.stderr, /--vsa-expiration/);
});

// The faces: the Action's vsa-* inputs and the Tekton Task's VSA_* params reach the same trust.
const entry = fileURLToPath(new URL('../../src/faces/main.ts', import.meta.url));

function runEntry(env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [entry], { env, cwd, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = (err as { code?: unknown } | null)?.code;
      resolve({ code: err ? (typeof code === 'number' ? code : 1) : 0, stdout, stderr });
    });
  });
}

async function faceRun(
  face: 'github' | 'tekton',
  name: string,
  settings: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string; component?: Component }> {
  const ws = await mkdtemp(join(dir, `${face}-`));
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: ws, VOUCH_CACHE_DIR: join(ws, 'cache') };
  if (face === 'github') {
    const env: NodeJS.ProcessEnv = {
      ...base,
      GITHUB_ACTIONS: 'true',
      GITHUB_WORKSPACE: ws,
      GITHUB_OUTPUT: join(ws, 'out.txt'),
      GITHUB_STEP_SUMMARY: join(ws, 'summary.md'),
    };
    const inputs: Record<string, string> = {
      image: images[name]!.ref,
      'public-key': imageKey.pub,
      'ignore-rekor': 'true',
      policy,
      strict: 'true',
      'report-path': 'report.json',
      ...settings,
    };
    for (const [k, v] of Object.entries(inputs)) env[`INPUT_${k.toUpperCase()}`] = v;
    await writeFile(env.GITHUB_OUTPUT!, '');
    await writeFile(env.GITHUB_STEP_SUMMARY!, '');
    const r = await runEntry(env, ws);
    const report = await readFile(join(ws, 'report.json'), 'utf8').catch(() => undefined);
    return { ...r, ...(report ? { component: (JSON.parse(report) as { components: Component[] }).components[0] } : {}) };
  }
  const env: NodeJS.ProcessEnv = { ...base, VOUCH_FACE: 'tekton', HOMEDIR: ws, VOUCH_TEKTON_RESULTS_DIR: join(ws, 'results'), VOUCH_REPORTS_DIR: ws };
  const params: Record<string, string> = {
    IMAGES: JSON.stringify({ components: [{ name, containerImage: images[name]!.ref }] }),
    PUBLIC_KEY: imageKey.pub,
    IGNORE_REKOR: 'true',
    POLICY_CONFIGURATION: policy,
    ...settings,
  };
  const r = await runEntry({ ...env, ...params }, ws);
  const report = await readFile(join(ws, 'report-json.json'), 'utf8').catch(() => undefined);
  return { ...r, ...(report ? { component: (JSON.parse(report) as { components: Component[] }).components[0] } : {}) };
}

test('GitHub Action: vsa-public-key and vsa-expiration trust a VSA; a forged one is validated; bad inputs stop the step naming the input', async () => {
  const good = await faceRun('github', 'good', { 'vsa-public-key': vsaKey.pub, 'vsa-expiration': '24h' });
  assert.equal(good.code, 0, good.stdout + good.stderr);
  assert.ok(good.component?.vsa, 'reported from the VSA');
  const forged = await faceRun('github', 'forged', { 'vsa-public-key': vsaKey.pub });
  assert.equal(forged.code, 1);
  assert.equal(forged.component?.vsa, undefined);
  // Expired by the input: validated again.
  const expired = await faceRun('github', 'good', { 'vsa-public-key': vsaKey.pub, 'vsa-expiration': '30m' });
  assert.equal(expired.code, 1);
  for (const [inputs, named] of [
    [{ 'vsa-public-key': '--image' }, /--vsa-public-key "--image" looks like a flag/],
    [{ 'vsa-public-key': vsaKey.pub, 'vsa-expiration': '1d' }, /--vsa-expiration "1d" is not a duration/],
    [{ 'vsa-public-key': vsaKey.pub, 'vsa-expiration': '--vsa-expiration=0' }, /--vsa-expiration "--vsa-expiration=0" looks like a flag/],
    [{ 'vsa-public-key': imageKey.key }, /--vsa-public-key .*private key|--vsa-public-key .*not a PEM public key/],
    [
      { 'vsa-certificate-identity': 'https://ci.example/release', 'vsa-public-key': vsaKey.pub, 'vsa-certificate-oidc-issuer': 'https://issuer.example' },
      /either --vsa-public-key or --vsa-certificate-identity/,
    ],
  ] as const) {
    const r = await faceRun('github', 'good', inputs);
    assert.equal(r.code, 2, `${JSON.stringify(inputs)}: ${r.stdout}`);
    assert.match(r.stdout, named);
    assert.equal(r.component, undefined, 'no report');
  }
});

test('Tekton: VSA_PUBLIC_KEY and VSA_EXPIRATION trust a VSA; bad params stop the step naming the param', async () => {
  const good = await faceRun('tekton', 'good', { VSA_PUBLIC_KEY: vsaKey.pub, VSA_EXPIRATION: '24h' });
  assert.equal(good.code, 0, good.stderr);
  assert.ok(good.component?.vsa, 'reported from the VSA');
  const forged = await faceRun('tekton', 'forged', { VSA_PUBLIC_KEY: vsaKey.pub, STRICT: 'true' });
  assert.equal(forged.code, 1, forged.stderr);
  assert.equal(forged.component?.vsa, undefined);
  for (const [params, named] of [
    [{ VSA_PUBLIC_KEY: '--images=/etc/passwd' }, /^Error: VSA_PUBLIC_KEY: --vsa-public-key "--images=\/etc\/passwd" looks like a flag/m],
    [{ VSA_PUBLIC_KEY: 'k8s://tekton/vsa-key' }, /^Error: VSA_PUBLIC_KEY: --vsa-public-key k8s:\/\/tekton\/vsa-key: key references/m],
    [{ VSA_PUBLIC_KEY: vsaKey.pub, VSA_EXPIRATION: '-1h' }, /^Error: VSA_EXPIRATION: --vsa-expiration "-1h"/m],
    [{ VSA_PUBLIC_KEY: vsaKey.pub, VSA_EXPIRATION: '1h; rm -rf /' }, /^Error: VSA_EXPIRATION: --vsa-expiration "1h; rm -rf \/" is not a duration/m],
    [{ VSA_CERTIFICATE_IDENTITY: 'https://ci.example/release' }, /^Error: VSA_CERTIFICATE_OIDC_ISSUER: a keyless VSA signer needs an OIDC issuer/m],
    [
      { VSA_CERTIFICATE_IDENTITY_REGEXP: '(', VSA_CERTIFICATE_OIDC_ISSUER: 'https://issuer.example' },
      /^Error: VSA_CERTIFICATE_IDENTITY_REGEXP: --vsa-certificate-identity-regexp "\(" is not a valid regular expression/m,
    ],
  ] as const) {
    const r = await faceRun('tekton', 'good', params);
    assert.equal(r.code, 2, `${JSON.stringify(params)}: ${r.stderr}`);
    assert.match(r.stderr, named);
  }
});

// `vouch validate vsa` (issue 14 item 5) on the same VSAs.
const vsaCheck = (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> => vouch(['validate', 'vsa', ...args], env, dir);

async function vsaFile(name: string, blob: Buffer): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, blob);
  return path;
}

test('validate vsa: an image’s trusted VSA, with and without the policy digest compared', async () => {
  const withPolicy = await vsaCheck([images.good!.ref, ...vsaArgs()]);
  assert.equal(withPolicy.code, 0, withPolicy.stderr);
  assert.match(withPolicy.stdout, /^Success: true$/m);
  assert.match(withPolicy.stdout, new RegExp(`^Policy: ${policyDigest}$`, 'm'));
  assert.match(withPolicy.stdout, /^Result: trusted VSA sha256:[0-9a-f]{64}, signed by key sha256:[0-9a-f]{64}, verified /m);
  const json = await vsaCheck(['--image', images.good!.ref, '--vsa-public-key', vsaKey.pub, '--ignore-rekor', '--output', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const doc = JSON.parse(json.stdout) as { success: boolean; image: string; policyDigest?: string; vsas: { verdict: string; policyDigest: string }[] };
  assert.equal(doc.success, true);
  assert.equal(doc.image, images.good!.pinned);
  assert.equal(doc.policyDigest, undefined);
  assert.deepEqual(
    doc.vsas.map((v) => [v.verdict, v.policyDigest]),
    [['trusted', policyDigest]],
  );
});

test('validate vsa: forged, FAILED, other-policy and wrong-key VSAs are not trusted (exit 1)', async () => {
  for (const [name, why] of [
    ['forged', /not verified/],
    ['failed', /records FAILED/],
    ['other-policy', /another policy/],
  ] as const) {
    const r = await vsaCheck([images[name]!.ref, ...vsaArgs()]);
    assert.equal(r.code, 1, `${name}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /^Result: no VSA is trusted: /m);
    assert.match(r.stdout, why);
  }
  const wrongKey = await vsaCheck([images.good!.ref, ...imageArgs(), '--vsa-public-key', otherKey.pub]);
  assert.equal(wrongKey.code, 1);
  const none = await vsaCheck([images.good!.ref, '--vsa-public-key', vsaKey.pub, '--ignore-rekor', '--strict=false']);
  assert.equal(none.code, 0, 'trusted without --policy');
});

test('validate vsa: a VSA file (a cosign .att layer’s DSSE envelope, a Sigstore bundle), bound to --image when given', async () => {
  const ref = parseReference(images.good!.ref);
  const layer = (await attLayers(images.good!)).find((l) => l.annotations?.predicateType === VSA) ?? (await attLayers(images.good!)).at(-1)!;
  const envelope = await vsaFile('good.dsse.json', await client.getBlob(ref, layer));
  const ok = await vsaCheck([envelope, '--vsa-public-key', vsaKey.pub, '--ignore-rekor']);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, new RegExp(`Subject: .*@${images.good!.digest}`));
  const otherImage = await vsaCheck(['--vsa', envelope, '--image', images.forged!.ref, '--vsa-public-key', vsaKey.pub, '--ignore-rekor']);
  assert.equal(otherImage.code, 1);
  assert.match(otherImage.stdout, /no matching subject digest/);
  const wrongKey = await vsaCheck([envelope, '--vsa-public-key', otherKey.pub, '--ignore-rekor']);
  assert.equal(wrongKey.code, 1);

  const bref = parseReference(images.bundle!.ref);
  const referrers = await client.referrers(bref, images.bundle!.digest);
  const blobs = await Promise.all(
    referrers.map(async (r) => {
      const m = await client.getManifest(bref, r.digest);
      return client.getBlob(bref, (m!.manifest as { layers: { digest: string; size: number; mediaType: string }[] }).layers[0]!);
    }),
  );
  const bundle = blobs.find(
    (b) =>
      b.toString().includes('verification_summary') ||
      Buffer.from((JSON.parse(b.toString()) as { dsseEnvelope?: { payload?: string } }).dsseEnvelope?.payload ?? '', 'base64')
        .toString()
        .includes(VSA),
  );
  const bundleFile = await vsaFile('good.sigstore.json', bundle!);
  const fromBundle = await vsaCheck([bundleFile, ...vsaArgs()]);
  assert.equal(fromBundle.code, 0, fromBundle.stdout + fromBundle.stderr);
});

test('validate vsa: hostile files and bad input', async () => {
  const good = JSON.stringify(vsaPredicate(images.good!));
  const keyPem = await readFile(join(dir, 'vsa-import.pem'), 'utf8');
  const dup = handMadeEnvelope(
    statementFor(images.good!, good.replace('"verificationResult":"PASSED"', '"verificationResult":"FAILED","verificationResult":"PASSED"')),
    keyPem,
  );
  const dupEnvelope = Buffer.from(dup.toString().replace('{"payloadType"', '{"payloadType":"x","payloadType"'));
  for (const [name, blob] of [
    ['dup-statement.json', dup],
    ['dup-envelope.json', dupEnvelope],
    ['not-json.json', Buffer.from('{"payload":')],
    ['huge.json', Buffer.alloc(2 * 1024 * 1024, 0x20)],
  ] as const) {
    const r = await vsaCheck([await vsaFile(name, blob), '--vsa-public-key', vsaKey.pub, '--ignore-rekor']);
    assert.equal(r.code, 1, `${name}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /Verdict: ignored/);
  }
  const noSigner = await vsaCheck([images.good!.ref]);
  assert.equal(noSigner.code, 2);
  assert.match(noSigner.stderr, /--vsa-public-key/);
  const missing = await vsaCheck(['--vsa', join(dir, 'nope.json'), '--vsa-public-key', vsaKey.pub]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--vsa .*nope\.json/);
  const format = await vsaCheck([images.good!.ref, '--vsa-public-key', vsaKey.pub, '--output', 'junit']);
  assert.equal(format.code, 2);
  const typo = await vouch(['validate', 'vas'], env);
  assert.equal(typo.code, 2);
  assert.match(typo.stderr, /did you mean 'vouch validate vsa'/);
});

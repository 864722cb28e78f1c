// Keyless and key + Rekor VSAs against the Sigstore stack on loopback: vouch signs with an OIDC
// token from the stack's issuer (a Fulcio certificate, a Rekor v1 entry) or with a key and a Rekor
// entry, and attaches the VSA; the real cosign verify-attestation accepts it with the stack's
// trusted root and the identity flags (no `cosign initialize`), and refuses another identity.
// VSA trust with a keyless VSA signer (vouch's --vsa-certificate-* flags), on the same stack (one
// stack start for both, its own registry and images): a VSA attested by the real cosign with a
// Fulcio certificate and a Rekor entry is trusted for its identity and issuer only. That image is
// signed with a key; the policy denies every image, so a pass was reported from the VSA.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { parseValidateArgs } from '../../src/validate/entry.ts';
import { runPolicyDigest } from '../../src/validate/policy-load.ts';
import { attest, generateKeyPair, sign, type KeyPair } from '../support/cosign.ts';
import { pushImage, type PushedImage } from '../support/images.ts';
import { slsaV02 } from '../support/predicates.ts';
import { startReferrersRegistry, startRegistry, type TestRegistry } from '../support/registry.ts';
import { validateJson, vouch } from '../support/run-cli.ts';
import { inPrivateNetworkNamespace } from '../support/sigstore-stack/services.ts';
import { cosignAttest, cosignSign, identityToken, type IdentityInfo } from '../support/sigstore-stack/sign.ts';
import { startSigstoreStack, type SigstoreStack } from '../support/sigstore-stack/stack.ts';
import { toolPath } from '../support/tools.ts';
import { assertVsaShape } from '../support/vsa/shape.ts';

const run = promisify(execFile);
const skip = inPrivateNetworkNamespace() ? false : 'needs a private network namespace (scripts/test.sh runs the tests under unshare --net)';
const VSA_TYPE = 'https://slsa.dev/verification_summary/v1';
let stack: SigstoreStack;
let reg: TestRegistry;
let keyless: PushedImage;
let keyed: PushedImage;
let signer: IdentityInfo;
// The VSA-trust part: its own registry (distribution, tag-schema referrers), image, key and policy.
let trustReg: TestRegistry;
let trustKey: KeyPair;
let trustImage: PushedImage;
let trustEnv: NodeJS.ProcessEnv;
let trustPolicy: string;
const trustImageArgs = (): string[] => ['--public-key', trustKey.pub, '--ignore-rekor', '--policy', trustPolicy, '--trusted-root', stack.trustedRootPath];

before(
  async () => {
    if (skip) return;
    stack = await startSigstoreStack({ rekor: true });
    reg = await startReferrersRegistry();
    [keyless, keyed] = (await Promise.all(['keyless', 'keyed'].map((n) => pushImage(`${reg.host}/${n}:v1`)))) as [PushedImage, PushedImage];
    for (const img of [keyless, keyed]) {
      await cosignSign(stack, img.pinned, { identity: 'github', rekor: true });
      await cosignAttest(stack, img.pinned, slsaV02(), 'slsaprovenance', { identity: 'github', rekor: true });
    }
    signer = identityToken(stack, 'kubernetes');
    await setUpVsaTrust();
  },
  { timeout: 600_000 },
);
after(async () => {
  if (skip) return;
  await trustReg.stop();
  await reg.stop();
  await stack.stop();
});

/** The VSA-trust part's registry, signed image and keyless VSA. */
async function setUpVsaTrust(): Promise<void> {
  trustReg = await startRegistry();
  trustEnv = { ...process.env, VOUCH_CACHE_DIR: join(stack.dir, 'vouch-cache') };
  trustKey = await generateKeyPair(stack.dir, 'image');
  const rego = join(stack.dir, 'gate');
  await mkdir(rego);
  await writeFile(
    join(rego, 'gate.rego'),
    'package gate\n\nimport rego.v1\n\ndeny contains result if {\n\tresult := {"code": "gate.revalidated", "msg": "the policy ran"}\n}\n',
  );
  trustPolicy = JSON.stringify({ sources: [{ name: 'gate', policy: [rego] }] });
  trustImage = await pushImage(`${trustReg.host}/vsa-keyless:v1`);
  await sign(stack.dir, trustImage.pinned, trustKey);
  await attest(stack.dir, trustImage.pinned, trustKey, slsaV02(), 'slsaprovenance');
  const digest = await runPolicyDigest(
    (await parseValidateArgs(['--image', trustImage.ref, ...trustImageArgs()], trustEnv, stack.dir)).config,
    new Date(),
    trustEnv,
  );
  const predicate = {
    verifier: { id: 'https://github.com/vouch-dev/vouch', version: { vouch: '0.0.0-test' } },
    timeVerified: new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    resourceUri: trustImage.pinned,
    policy: { uri: 'inline', digest: { sha256: digest.slice(7) } },
    inputAttestations: [],
    verificationResult: 'PASSED',
    verifiedLevels: [],
    slsaVersion: '1.0',
  };
  await cosignAttest(stack, trustImage.pinned, predicate, VSA_TYPE, { identity: 'github', rekor: true });
}

const github = (): IdentityInfo => identityToken(stack, 'github');
const env = (): NodeJS.ProcessEnv => ({ ...process.env, VOUCH_CACHE_DIR: join(stack.dir, 'vsa-cache'), COSIGN_PASSWORD: '' });
const validateArgs = (img: PushedImage): string[] => [
  'validate',
  'image',
  '--image',
  img.ref,
  '--output',
  'json',
  '--trusted-root',
  stack.trustedRootPath,
  '--certificate-identity',
  github().san,
  '--certificate-oidc-issuer',
  github().issuer,
  '--rekor-url',
  stack.rekor!.url,
];

async function cosignVerify(img: PushedImage, auth: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(toolPath('cosign'), ['verify-attestation', '--trusted-root', stack.trustedRootPath, ...auth, '--type', VSA_TYPE, img.pinned], {
      env: { ...process.env, HOME: stack.dir },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const vsaStatements = (stdout: string): Record<string, unknown>[] =>
  stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(Buffer.from((JSON.parse(l) as { payload: string }).payload, 'base64').toString('utf8')) as Record<string, unknown>)
    .filter((s) => s.predicateType === VSA_TYPE);

/** validate image writing keyless VSAs to `dir`, signed through the loopback Fulcio and logged in its Rekor. */
const keylessVsaArgs = (dir: string): string[] => [
  ...validateArgs(keyless),
  '--vsa',
  '--vsa-keyless',
  '--vsa-fulcio-url',
  stack.fulcioUrl,
  '--vsa-upload',
  `rekor@${stack.rekor!.url}`,
  '--attestation-output-dir',
  dir,
];

test('keyless: a Fulcio certificate and a Rekor entry; cosign accepts the VSA for the signer identity only', { skip }, async () => {
  const tokenFile = join(stack.dir, 'vsa-token');
  await writeFile(tokenFile, signer.token);
  const out = join(stack.dir, 'vsa-keyless-out');
  const r = await vouch(
    [
      ...validateArgs(keyless),
      '--vsa',
      '--vsa-keyless',
      '--vsa-fulcio-url',
      stack.fulcioUrl,
      '--vsa-identity-token',
      tokenFile,
      '--vsa-upload',
      `rekor@${stack.rekor!.url},oci`,
      '--attestation-output-dir',
      out,
    ],
    env(),
  );
  assert.equal(r.code, 0, r.stderr);
  const bundle = JSON.parse(await readFile(join(out, `sha256-${keyless.digest.slice(7)}.sigstore.json`), 'utf8')) as {
    verificationMaterial: { certificate?: unknown; tlogEntries: unknown[] };
  };
  assert.ok(bundle.verificationMaterial.certificate, 'the bundle names the Fulcio certificate');
  assert.equal(bundle.verificationMaterial.tlogEntries.length, 1);
  const ok = await cosignVerify(keyless, ['--certificate-identity', signer.san, '--certificate-oidc-issuer', signer.issuer]);
  assert.equal(ok.code, 0, ok.stderr);
  const statements = vsaStatements(ok.stdout);
  assert.ok(statements.length >= 1, ok.stdout);
  for (const s of statements) assertVsaShape(s, 'slsa');
  const other = await cosignVerify(keyless, ['--certificate-identity', github().san, '--certificate-oidc-issuer', github().issuer]);
  assert.notEqual(other.code, 0, 'another identity must not verify the VSA');
  // The bundle file verifies on its own against the stack's trusted root, for the signer's identity.
  const blob = (id: IdentityInfo) =>
    run(
      toolPath('cosign'),
      [
        'verify-blob-attestation',
        '--bundle',
        join(out, `sha256-${keyless.digest.slice(7)}.sigstore.json`),
        '--trusted-root',
        stack.trustedRootPath,
        '--new-bundle-format',
        '--certificate-identity',
        id.san,
        '--certificate-oidc-issuer',
        id.issuer,
        '--type',
        VSA_TYPE,
        '--digest',
        keyless.digest.slice(7),
        '--digestAlg',
        'sha256',
      ],
      { env: { ...process.env, HOME: stack.dir } },
    );
  await blob(signer);
  await assert.rejects(blob(github()));
});

test('SIGSTORE_ID_TOKEN is the token when no file is named; no token at all is exit 2 before validation', { skip }, async () => {
  const r = await vouch(keylessVsaArgs(join(stack.dir, 'vsa-env')), {
    ...env(),
    SIGSTORE_ID_TOKEN: signer.token,
  });
  assert.equal(r.code, 0, r.stderr);
  const bare = { ...env() };
  delete bare.SIGSTORE_ID_TOKEN;
  delete bare.ACTIONS_ID_TOKEN_REQUEST_URL;
  const none = await vouch(keylessVsaArgs(join(stack.dir, 'vsa-none')), bare);
  assert.equal(none.code, 2, none.stderr);
  assert.match(none.stderr, /needs an OIDC token/);
  assert.equal(none.stdout, '');
});

test('key + rekor@URL: the VSA carries a Rekor entry cosign checks against the trusted root (no --insecure-ignore-tlog)', { skip }, async () => {
  const key = join(stack.dir, 'vsa-rekor.key');
  const pub = join(stack.dir, 'vsa-rekor.pub');
  await run('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key]);
  await run('openssl', ['pkey', '-in', key, '-pubout', '-out', pub]);
  const r = await vouch([...validateArgs(keyed), '--vsa', '--vsa-signing-key', key, '--vsa-upload', `rekor@${stack.rekor!.url},oci`], env());
  assert.equal(r.code, 0, r.stderr);
  const ok = await cosignVerify(keyed, ['--key', pub]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(vsaStatements(ok.stdout).length >= 1, ok.stdout);
});

type Component = { success: boolean; vsa?: { signer: string }; violations?: { msg: string }[] };

test('a keyless VSA is trusted for its identity and issuer, with the signer named in the report', { skip }, async () => {
  const id = identityToken(stack, 'github');
  const { code, report, stderr } = await validateJson(
    ['--image', trustImage.ref, ...trustImageArgs(), '--vsa-certificate-identity', id.san, '--vsa-certificate-oidc-issuer', id.issuer],
    trustEnv,
  );
  assert.equal(code, 0, stderr);
  const c = report.components[0] as unknown as Component;
  assert.equal(c.success, true);
  assert.equal(c.vsa?.signer, `URIs:${id.san} (issuer ${id.issuer})`);
});

test('a keyless VSA of another identity is ignored and the image validated', { skip }, async () => {
  const other = identityToken(stack, 'kubernetes');
  const { code, report, stderr } = await validateJson(
    ['--image', trustImage.ref, ...trustImageArgs(), '--vsa-certificate-identity', other.san, '--vsa-certificate-oidc-issuer', other.issuer, '--debug'],
    trustEnv,
  );
  assert.equal(code, 1);
  const c = report.components[0] as unknown as Component;
  assert.equal(c.vsa, undefined);
  assert.deepEqual(
    c.violations?.map((v) => v.msg),
    ['the policy ran'],
  );
  assert.match(stderr, /ignored: not verified/);
});

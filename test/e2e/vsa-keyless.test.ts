// Keyless and key + Rekor VSAs against the Sigstore stack on loopback: vouch signs with an OIDC
// token from the stack's issuer (a Fulcio certificate, a Rekor v1 entry) or with a key and a Rekor
// entry, and attaches the VSA; the real cosign verify-attestation accepts it with the stack's
// trusted root and the identity flags (no `cosign initialize`), and refuses another identity.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { pushImage, type PushedImage } from '../support/images.ts';
import { slsaV02 } from '../support/predicates.ts';
import { startReferrersRegistry, type TestRegistry } from '../support/registry.ts';
import { vouch } from '../support/run-cli.ts';
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

before(async () => {
  if (skip) return;
  stack = await startSigstoreStack({ rekor: true });
  reg = await startReferrersRegistry();
  [keyless, keyed] = (await Promise.all(['keyless', 'keyed'].map((n) => pushImage(`${reg.host}/${n}:v1`)))) as [PushedImage, PushedImage];
  for (const img of [keyless, keyed]) {
    await cosignSign(stack, img.pinned, { identity: 'github', rekor: true });
    await cosignAttest(stack, img.pinned, slsaV02(), 'slsaprovenance', { identity: 'github', rekor: true });
  }
  signer = identityToken(stack, 'kubernetes');
}, { timeout: 600_000 });
after(async () => {
  if (skip) return;
  await reg.stop();
  await stack.stop();
});

const github = (): IdentityInfo => identityToken(stack, 'github');
const env = (): NodeJS.ProcessEnv => ({ ...process.env, VOUCH_CACHE_DIR: join(stack.dir, 'vsa-cache'), COSIGN_PASSWORD: '' });
const validateArgs = (img: PushedImage): string[] => [
  'validate', 'image', '--image', img.ref, '--output', 'json', '--trusted-root', stack.trustedRootPath,
  '--certificate-identity', github().san, '--certificate-oidc-issuer', github().issuer, '--rekor-url', stack.rekor!.url,
];

async function cosignVerify(img: PushedImage, auth: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(toolPath('cosign'), ['verify-attestation', '--trusted-root', stack.trustedRootPath, ...auth, '--type', VSA_TYPE, img.pinned], { env: { ...process.env, HOME: stack.dir } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

const vsaStatements = (stdout: string): Record<string, unknown>[] =>
  stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(Buffer.from((JSON.parse(l) as { payload: string }).payload, 'base64').toString('utf8')) as Record<string, unknown>).filter((s) => s.predicateType === VSA_TYPE);

test('keyless: a Fulcio certificate and a Rekor entry; cosign accepts the VSA for the signer identity only', { skip }, async () => {
  const tokenFile = join(stack.dir, 'vsa-token');
  await writeFile(tokenFile, signer.token);
  const out = join(stack.dir, 'vsa-keyless-out');
  const r = await vouch([...validateArgs(keyless), '--vsa', '--vsa-keyless', '--vsa-fulcio-url', stack.fulcioUrl, '--vsa-identity-token', tokenFile, '--vsa-upload', `rekor@${stack.rekor!.url},oci`, '--attestation-output-dir', out], env());
  assert.equal(r.code, 0, r.stderr);
  const bundle = JSON.parse(await readFile(join(out, `sha256-${keyless.digest.slice(7)}.sigstore.json`), 'utf8')) as { verificationMaterial: { certificate?: unknown; tlogEntries: unknown[] } };
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
    run(toolPath('cosign'), [
      'verify-blob-attestation', '--bundle', join(out, `sha256-${keyless.digest.slice(7)}.sigstore.json`), '--trusted-root', stack.trustedRootPath, '--new-bundle-format',
      '--certificate-identity', id.san, '--certificate-oidc-issuer', id.issuer, '--type', VSA_TYPE, '--digest', keyless.digest.slice(7), '--digestAlg', 'sha256',
    ], { env: { ...process.env, HOME: stack.dir } });
  await blob(signer);
  await assert.rejects(blob(github()));
});

test('SIGSTORE_ID_TOKEN is the token when no file is named; no token at all is exit 2 before validation', { skip }, async () => {
  const r = await vouch([...validateArgs(keyless), '--vsa', '--vsa-keyless', '--vsa-fulcio-url', stack.fulcioUrl, '--vsa-upload', `rekor@${stack.rekor!.url}`, '--attestation-output-dir', join(stack.dir, 'vsa-env')], {
    ...env(),
    SIGSTORE_ID_TOKEN: signer.token,
  });
  assert.equal(r.code, 0, r.stderr);
  const bare = { ...env() };
  delete bare.SIGSTORE_ID_TOKEN;
  delete bare.ACTIONS_ID_TOKEN_REQUEST_URL;
  const none = await vouch([...validateArgs(keyless), '--vsa', '--vsa-keyless', '--vsa-fulcio-url', stack.fulcioUrl, '--vsa-upload', `rekor@${stack.rekor!.url}`, '--attestation-output-dir', join(stack.dir, 'vsa-none')], bare);
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

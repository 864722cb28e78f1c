// VSA trust with a keyless VSA signer (vouch's --vsa-certificate-* flags) against the loopback
// Sigstore stack: a VSA attested by the real cosign with a Fulcio certificate and a Rekor entry is
// trusted for its identity and issuer only. The image itself is signed with a key; the policy denies
// every image, so a pass was reported from the VSA.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseValidateArgs } from '../../src/validate/entry.ts';
import { runPolicyDigest } from '../../src/validate/policy-load.ts';
import { attest, generateKeyPair, sign, type KeyPair } from '../support/cosign.ts';
import { pushImage, type PushedImage } from '../support/images.ts';
import { slsaV02 } from '../support/predicates.ts';
import { startRegistry, type TestRegistry } from '../support/registry.ts';
import { validateJson } from '../support/run-cli.ts';
import { inPrivateNetworkNamespace } from '../support/sigstore-stack/services.ts';
import { cosignAttest, identityToken } from '../support/sigstore-stack/sign.ts';
import { startSigstoreStack, type SigstoreStack } from '../support/sigstore-stack/stack.ts';

const skip = inPrivateNetworkNamespace() ? false : 'needs a private network namespace (scripts/test.sh runs the tests under unshare --net)';
const VSA = 'https://slsa.dev/verification_summary/v1';
let stack: SigstoreStack;
let reg: TestRegistry;
let key: KeyPair;
let image: PushedImage;
let env: NodeJS.ProcessEnv;
let policy: string;

const imageArgs = (): string[] => ['--public-key', key.pub, '--ignore-rekor', '--policy', policy, '--trusted-root', stack.trustedRootPath];

before(async () => {
  if (skip) return;
  stack = await startSigstoreStack({ rekor: true });
  reg = await startRegistry();
  env = { ...process.env, VOUCH_CACHE_DIR: join(stack.dir, 'vouch-cache') };
  key = await generateKeyPair(stack.dir, 'image');
  const rego = join(stack.dir, 'gate');
  await mkdir(rego);
  await writeFile(join(rego, 'gate.rego'), 'package gate\n\nimport rego.v1\n\ndeny contains result if {\n\tresult := {"code": "gate.revalidated", "msg": "the policy ran"}\n}\n');
  policy = JSON.stringify({ sources: [{ name: 'gate', policy: [rego] }] });
  image = await pushImage(`${reg.host}/vsa-keyless:v1`);
  await sign(stack.dir, image.pinned, key);
  await attest(stack.dir, image.pinned, key, slsaV02(), 'slsaprovenance');
  const digest = await runPolicyDigest((await parseValidateArgs(['--image', image.ref, ...imageArgs()], env, stack.dir)).config, new Date(), env);
  const predicate = {
    verifier: { id: 'https://github.com/vouch-dev/vouch', version: { vouch: '0.0.0-test' } },
    timeVerified: new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    resourceUri: image.pinned,
    policy: { uri: 'inline', digest: { sha256: digest.slice(7) } },
    inputAttestations: [],
    verificationResult: 'PASSED',
    verifiedLevels: [],
    slsaVersion: '1.0',
  };
  await cosignAttest(stack, image.pinned, predicate, VSA, { identity: 'github', rekor: true });
}, { timeout: 600_000 });

after(async () => {
  if (skip) return;
  await reg.stop();
  await stack.stop();
});

type Component = { success: boolean; vsa?: { signer: string }; violations?: { msg: string }[] };

test('a keyless VSA is trusted for its identity and issuer, with the signer named in the report', { skip }, async () => {
  const id = identityToken(stack, 'github');
  const { code, report, stderr } = await validateJson(['--image', image.ref, ...imageArgs(), '--vsa-certificate-identity', id.san, '--vsa-certificate-oidc-issuer', id.issuer], env);
  assert.equal(code, 0, stderr);
  const c = report.components[0] as unknown as Component;
  assert.equal(c.success, true);
  assert.equal(c.vsa?.signer, `URIs:${id.san} (issuer ${id.issuer})`);
});

test('a keyless VSA of another identity is ignored and the image validated', { skip }, async () => {
  const other = identityToken(stack, 'kubernetes');
  const { code, report, stderr } = await validateJson(['--image', image.ref, ...imageArgs(), '--vsa-certificate-identity', other.san, '--vsa-certificate-oidc-issuer', other.issuer, '--debug'], env);
  assert.equal(code, 1);
  const c = report.components[0] as unknown as Component;
  assert.equal(c.vsa, undefined);
  assert.deepEqual(c.violations?.map((v) => v.msg), ['the policy ran']);
  assert.match(stderr, /ignored: not verified/);
});

// Rekor v2 (rekor-tiles) on loopback: cosign v3 signs through a signing config (Rekor v2 + TSA),
// so bundles carry a hashedrekord v0.0.2 entry with an inclusion proof and checkpoint but no SET,
// and an RFC 3161 timestamp. vouch verifies them offline from the trust root, key and keyless.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateKeyPair, type KeyPair } from '../support/cosign.ts';
import { pushImage, type PushedImage } from '../support/images.ts';
import { slsaV1 } from '../support/predicates.ts';
import { startRegistry, type TestRegistry } from '../support/registry.ts';
import { inPrivateNetworkNamespace } from '../support/sigstore-stack/services.ts';
import { cosignAttest, cosignSign, identityToken } from '../support/sigstore-stack/sign.ts';
import { startSigstoreStack, type SigstoreStack } from '../support/sigstore-stack/stack.ts';
import { validateJson } from '../support/run-cli.ts';

const skip = inPrivateNetworkNamespace() ? false : 'needs a private network namespace (scripts/test.sh runs the tests under unshare --net)';
let stack: SigstoreStack;
let reg: TestRegistry;
let keyed: PushedImage;
let keyless: PushedImage;
let key: KeyPair;
let env: NodeJS.ProcessEnv;

before(
  async () => {
    if (skip) return;
    stack = await startSigstoreStack({ rekorV2: true });
    reg = await startRegistry();
    env = { ...process.env, VOUCH_CACHE_DIR: join(stack.dir, 'vouch-cache') };
    [keyed, keyless] = (await Promise.all(['v2-keyed', 'v2-keyless'].map((n) => pushImage(`${reg.host}/${n}:v1`)))) as [PushedImage, PushedImage];
    key = await generateKeyPair(stack.dir, 'v2-key');
    await cosignSign(stack, keyed.pinned, { key: key.key, rekorV2: true });
    await cosignAttest(stack, keyed.pinned, slsaV1(), 'slsaprovenance1', { key: key.key, rekorV2: true });
    await cosignSign(stack, keyless.pinned, { identity: 'github', rekorV2: true });
    await cosignAttest(stack, keyless.pinned, slsaV1(), 'slsaprovenance1', { identity: 'github', rekorV2: true });
  },
  { timeout: 300_000 },
);
after(async () => {
  if (skip) return;
  await reg.stop();
  await stack.stop();
});

type Component = { success: boolean; violations?: { msg: string; metadata?: { code?: string } }[]; signatures?: { metadata?: Record<string, string> }[] };

/** The stack's trust root with some parts removed, written beside it. */
async function rootWithout(name: string, edit: (root: { tlogs: unknown[]; timestampAuthorities: unknown[] }) => void): Promise<string> {
  const root = JSON.parse(await readFile(stack.trustedRootPath, 'utf8')) as { tlogs: unknown[]; timestampAuthorities: unknown[] };
  edit(root);
  const path = join(stack.dir, `root-${name}.json`);
  await writeFile(path, JSON.stringify(root));
  return path;
}

test('key + Rekor v2: the inclusion proof and checkpoint verify offline against the trust root', { skip }, async () => {
  const { code, report } = await validateJson(['--image', keyed.ref, '--public-key', key.pub, '--trusted-root', stack.trustedRootPath], env);
  assert.equal(code, 0, `${JSON.stringify(report).slice(0, 2000)}\n${stack.logs().slice(-2000)}`);
});

test('key + Rekor v2: a trust root without that log fails both checks; --ignore-rekor does not read the entry', { skip }, async () => {
  const noLog = await rootWithout('no-rekor-v2', (r) => {
    r.tlogs = [];
  });
  const { code, report } = await validateJson(['--image', keyed.ref, '--public-key', key.pub, '--trusted-root', noLog], env);
  assert.equal(code, 1);
  const c = report.components[0] as Component;
  assert.deepEqual(
    c.violations!.map((v) => v.metadata?.code),
    ['builtin.attestation.signature_check', 'builtin.image.signature_check'],
  );
  assert.match(c.violations![1]!.msg, /transparency log|tlog|checkpoint/i);
  const ignored = await validateJson(['--image', keyed.ref, '--public-key', key.pub, '--ignore-rekor', '--trusted-root', noLog], env);
  assert.equal(ignored.code, 0, JSON.stringify(ignored.report).slice(0, 1500));
});

test('keyless + Rekor v2: the certificate is checked at the TSA time; identity and issuer match', { skip }, async () => {
  const id = identityToken(stack, 'github');
  const args = ['--image', keyless.ref, '--trusted-root', stack.trustedRootPath, '--certificate-oidc-issuer', id.issuer];
  const { code, report } = await validateJson([...args, '--certificate-identity', id.san], env);
  assert.equal(code, 0, JSON.stringify(report).slice(0, 2000));
  assert.equal((report.components[0] as Component).signatures![0]!.metadata!['Fulcio Build Trigger'], 'push');
  const wrong = await validateJson([...args, '--certificate-identity', 'https://github.com/acme/other/.github/workflows/release.yml@refs/heads/main'], env);
  assert.equal(wrong.code, 1);
  assert.match((wrong.report.components[0] as Component).violations![0]!.msg, /none of the expected identities matched/);
});

test('keyless + Rekor v2: without the TSA in the trust root there is no trusted signing time, so it fails', { skip }, async () => {
  const noTsa = await rootWithout('no-tsa', (r) => {
    r.timestampAuthorities = [];
  });
  const id = identityToken(stack, 'github');
  const { code, report } = await validateJson(
    ['--image', keyless.ref, '--trusted-root', noTsa, '--certificate-identity', id.san, '--certificate-oidc-issuer', id.issuer],
    env,
  );
  assert.equal(code, 1, JSON.stringify(report).slice(0, 1500));
  assert.match((report.components[0] as Component).violations![0]!.msg, /timestamp/i);
});

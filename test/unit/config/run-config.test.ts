// Each step of building a RunConfig from `validate image` flags, on its own: the snapshot, the
// policy with the flags' overrides, the signer (key / keyless / organisation CA), the runtime options
// and where the run writes. Keys and CA certificates are made by the real cosign and openssl.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFlags } from '../../../src/config/flags.ts';
import { buildRunConfig, outputTargets, policyFromFlags, snapshotFromFlags } from '../../../src/config/run-config.ts';
import { runtimeOptions, trustFlags } from '../../../src/config/run-options.ts';
import { signerConfig, withSignerOverrides } from '../../../src/config/signer.ts';
import { VALIDATE_IMAGE_FLAGS, type ValidateImageFlags } from '../../../src/config/validate-image-flags.ts';
import { InputError } from '../../../src/errors.ts';
import { resolvePolicy } from '../../../src/policy/resolve-config.ts';
import { generateKeyPair } from '../../support/cosign.ts';
import { makeCa } from '../../support/pki.ts';

const flags = (...argv: string[]): ValidateImageFlags => parseFlags(argv, VALIDATE_IMAGE_FLAGS).values;
const inputError =
  (code: string) =>
  (err: unknown): boolean =>
    err instanceof InputError && err.code === code && err.exitCode === 2;

let dir: string;
let publicKeyFile: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vouch-run-config-'));
  publicKeyFile = (await generateKeyPair(dir, 'signer')).pub;
  await makeCa(dir, 'root');
  await makeCa(dir, 'intermediate', 'root');
  await writeFile(join(dir, 'chain.pem'), (await readFile(join(dir, 'intermediate.pem'), 'utf8')) + (await readFile(join(dir, 'root.pem'), 'utf8')));
  await writeFile(join(dir, 'components.yaml'), 'components:\n  - name: a\n    containerImage: registry.example/a:1\n');
});

test("snapshot: --images then --image, in ec's merge order; the file is remembered for annotations", async () => {
  const { snapshot, snapshotFile } = await snapshotFromFlags(flags('--image', 'registry.example/b:2', '--images', 'components.yaml'), dir);
  assert.deepEqual(
    snapshot.components.map((c) => [c.name, c.containerImage]),
    [
      ['a', 'registry.example/a:1'],
      ['Unnamed', 'registry.example/b:2'],
    ],
  );
  assert.equal(snapshotFile, join(dir, 'components.yaml'));
});

test('snapshot: none given, or one listing no components, is bad input', async () => {
  await assert.rejects(snapshotFromFlags(flags(), dir), inputError('NO_IMAGES'));
  await assert.rejects(snapshotFromFlags(flags('--images', '{"components": []}'), dir), inputError('NO_IMAGES'));
});

test('policy: --public-key replaces the policy key, keyless flags remove it, --rekor-url replaces rekorUrl; the resolved spec is untouched', async () => {
  const resolved = { publicKey: 'policy.pub', rekorUrl: 'https://rekor.policy', identity: { issuer: 'https://policy.issuer', subject: 'policy' } };
  assert.equal(withSignerOverrides(resolved, flags('--public-key', 'flag.pub')).publicKey, 'flag.pub');
  const keyless = withSignerOverrides(resolved, flags('--certificate-identity', 'me', '--rekor-url', 'https://rekor.flag'));
  assert.equal(keyless.publicKey, undefined, 'EC-1740: keyless flags win over the policy key');
  assert.equal(keyless.rekorUrl, 'https://rekor.flag');
  assert.equal(resolved.publicKey, 'policy.pub');
  const { spec } = await policyFromFlags(
    flags('--policy', '{"publicKey": "p.pub", "sources": []}', '--public-key', 'k.pub'),
    { baseDir: dir, cacheDir: dir, env: {} },
    resolvePolicy,
  );
  assert.equal(spec.publicKey, 'k.pub');
});

test('signer: a key is read and checked; a policy key is named as such when it cannot be read', async () => {
  const key = await signerConfig({ publicKey: publicKeyFile }, flags('--public-key', publicKeyFile), dir);
  assert.match(key.publicKey ?? '', /^-----BEGIN PUBLIC KEY-----/);
  assert.equal(key.identity, undefined);
  await assert.rejects(
    signerConfig({ publicKey: 'missing.pub' }, flags(), dir),
    (e: unknown) => inputError('PUBLIC_KEY_UNREADABLE')(e) && /policy publicKey/.test((e as Error).message),
  );
});

test('signer: keyless needs an issuer and a subject; the flags win over the policy identity', async () => {
  await assert.rejects(signerConfig({}, flags('--certificate-identity', 'me'), dir), inputError('KEYLESS_ISSUER_MISSING'));
  await assert.rejects(signerConfig({}, flags('--certificate-oidc-issuer', 'https://issuer'), dir), inputError('KEYLESS_IDENTITY_MISSING'));
  const fromFlags = await signerConfig(
    { identity: { issuer: 'https://policy', subject: 'policy' } },
    flags('--certificate-oidc-issuer', 'https://issuer', '--certificate-identity-regexp', '^me$'),
    dir,
  );
  assert.deepEqual(fromFlags, { identity: { issuer: 'https://issuer', subjectRegExp: '^me$' } });
  const fromPolicy = await signerConfig({ identity: { issuer: 'https://policy', subject: 'policy' } }, flags(), dir);
  assert.deepEqual(fromPolicy, { identity: { issuer: 'https://policy', subject: 'policy' } });
});

test('signer: an organisation CA chain is intermediates then the root; it never goes with a key', async () => {
  const keyless = flags('--certificate-oidc-issuer', 'https://issuer', '--certificate-identity', 'me', '--certificate-chain', 'chain.pem');
  const { pki } = await signerConfig({}, keyless, dir);
  assert.equal(pki?.roots.length, 1);
  assert.equal(pki.intermediates.length, 1);
  assert.equal(pki.roots[0], await readFile(join(dir, 'root.pem'), 'utf8'));
  await assert.rejects(signerConfig({ publicKey: publicKeyFile }, flags('--ca-roots', 'root.pem'), dir), inputError('PKI_WITH_KEY'));
  const identity = { identity: { issuer: 'https://issuer', subject: 'me' } };
  await assert.rejects(signerConfig(identity, flags('--ca-roots', 'root.pem', '--certificate-chain', 'chain.pem'), dir), inputError('PKI_FLAGS'));
  await assert.rejects(signerConfig(identity, flags('--ca-intermediates', 'intermediate.pem'), dir), inputError('PKI_FLAGS'));
  await assert.rejects(signerConfig(identity, flags('--ca-roots', 'components.yaml'), dir), inputError('PKI_UNREADABLE'));
});

test("runtime options: ec's defaults; each bad value named by its flag", () => {
  const defaults = runtimeOptions(flags());
  assert.deepEqual(defaults, {
    ignoreRekor: false,
    strict: true,
    info: false,
    showSuccesses: false,
    showWarnings: true,
    workers: 5,
    timeoutMs: 300_000,
    effectiveTime: { kind: 'now' },
    retry: { baseMs: 1000, factor: 2, jitter: 0.1, maxWaitMs: 3000, retries: 3 },
  });
  assert.deepEqual(runtimeOptions(flags('--shard', '2/4', '--insecure-ignore-sct', '--opa', '/bin/opa')).shard, { index: 2, count: 4 });
  assert.throws(() => runtimeOptions(flags('--workers', '0')), inputError('INVALID_WORKERS'));
  assert.throws(() => runtimeOptions(flags('--workers', '1.5')), inputError('INVALID_WORKERS'));
  assert.throws(() => runtimeOptions(flags('--shard', '5/4')), inputError('INVALID_SHARD'));
  assert.throws(() => runtimeOptions(flags('--timeout', 'soon')), /--timeout/);
});

test('trust flags: one source of trust root, each flag meaningful', () => {
  assert.deepEqual(trustFlags(flags('--trusted-root', 'root.json'), dir), { trustedRootFile: join(dir, 'root.json') });
  assert.throws(() => trustFlags(flags('--trusted-root', 'r.json', '--tuf-mirror', 'https://tuf'), dir), inputError('TRUST_FLAGS'));
  assert.throws(() => trustFlags(flags('--tuf-root', 'root.json'), dir), inputError('TRUST_FLAGS'));
  assert.throws(() => trustFlags(flags('--tuf-mirror', 'file:///etc', '--tuf-root', 'root.json'), dir), inputError('TUF_MIRROR_INVALID'));
  assert.throws(() => trustFlags(flags('--tuf-mirror', 'not a url'), dir), inputError('TUF_MIRROR_INVALID'));
});

test('outputs: relative paths mean the run directory; the deprecated --output-file comes last as json', async () => {
  const targets = await outputTargets(flags('--output', 'text=out.txt', '--output-file', 'legacy.json', '--output', 'yaml'), dir);
  assert.deepEqual(targets, [{ format: 'text', path: join(dir, 'out.txt') }, { format: 'yaml' }, { format: 'json', path: join(dir, 'legacy.json') }]);
});

test('the whole configuration: every step in place', async () => {
  const argv = [
    '--images',
    'components.yaml',
    '--public-key',
    publicKeyFile,
    '--policy',
    '{"sources": []}',
    '--cache-dir',
    'cache',
    '--no-color',
    '--output',
    'json',
  ];
  const { config, extras } = await buildRunConfig(argv, {}, dir, resolvePolicy);
  assert.equal(config.snapshot.components.length, 1);
  assert.match(config.publicKey ?? '', /BEGIN PUBLIC KEY/);
  assert.equal(config.cacheDir, join(dir, 'cache'));
  assert.equal(config.baseDir, dir);
  assert.deepEqual(config.outputs, [{ format: 'json' }]);
  assert.deepEqual(extras, { color: false, snapshotText: 'components:\n  - name: a\n    containerImage: registry.example/a:1\n', debug: false, quiet: false });
  await assert.rejects(buildRunConfig(['registry.example/a:1'], {}, dir, resolvePolicy), inputError('UNEXPECTED_ARGUMENT'));
});

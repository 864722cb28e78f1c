// `--vsa` and its flags become one checked VsaConfig, or a clear input error naming the flag:
// option-like values, unknown backends, a missing key, a key that is a directory, flags that do
// nothing, a run that would write its VSAs nowhere.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseFlags } from '../../../src/config/flags.ts';
import { VALIDATE_IMAGE_FLAGS, type ValidateImageFlags } from '../../../src/config/validate-image-flags.ts';
import { parseVsaUpload, vsaConfig } from '../../../src/config/vsa.ts';
import { InputError } from '../../../src/errors.ts';

const flags = (...argv: string[]): ValidateImageFlags => parseFlags(argv, VALIDATE_IMAGE_FLAGS).values;
const dir = await mkdtemp(join(tmpdir(), 'vouch-vsa-config-'));
after(() => rm(dir, { recursive: true, force: true }));
await writeFile(join(dir, 'key.pem'), 'not parsed here');
await mkdir(join(dir, 'keydir'));

const refused =
  (code: string, ...fragments: string[]) =>
  (err: unknown): boolean =>
    err instanceof InputError && err.code === code && err.exitCode === 2 && fragments.every((f) => err.message.includes(f));
const config = (...argv: string[]) => vsaConfig(flags(...argv), { COSIGN_PASSWORD: 'pw' }, dir);

test('without --vsa there is no VSA config, and a VSA flag alone is refused by name', async () => {
  assert.equal(await config(), undefined);
  await assert.rejects(config('--vsa-signing-key', 'key.pem'), refused('VSA_FLAGS', '--vsa-signing-key', 'without --vsa'));
  await assert.rejects(config('--vsa-upload', 'oci'), refused('VSA_FLAGS', '--vsa-upload'));
  await assert.rejects(config('--attestation-format', 'predicate'), refused('VSA_FLAGS', '--attestation-format'));
});

test('a key-signed DSSE run: key file absolute, password from COSIGN_PASSWORD, every backend parsed', async () => {
  const c = await config(
    '--vsa',
    '--vsa-signing-key',
    'key.pem',
    '--vsa-upload',
    'local@out,oci',
    '--vsa-upload',
    'rekor@http://127.0.0.1:3000/',
    '--attestation-output-dir',
    'att',
  );
  assert.deepEqual(c, {
    format: 'dsse',
    predicate: 'slsa',
    signing: { kind: 'key', keyFile: join(dir, 'key.pem'), password: 'pw' },
    uploads: [{ backend: 'local', dir: join(dir, 'out') }, { backend: 'oci' }, { backend: 'rekor', url: 'http://127.0.0.1:3000' }],
    outputDir: join(dir, 'att'),
  });
  // The directories exist before any image is verified.
  assert.ok((await stat(join(dir, 'att'))).isDirectory());
  assert.ok((await stat(join(dir, 'out'))).isDirectory());
});

test('keyless: Fulcio URL, the Rekor of rekor@URL, a token file', async () => {
  await writeFile(join(dir, 'token'), 'x');
  const c = await config(
    '--vsa',
    '--vsa-keyless',
    '--vsa-fulcio-url',
    'http://localhost:5555',
    '--vsa-identity-token',
    'token',
    '--vsa-upload',
    'rekor@http://127.0.0.1:3000,oci',
  );
  assert.deepEqual(c?.signing, { kind: 'keyless', fulcioUrl: 'http://localhost:5555', rekorUrl: 'http://127.0.0.1:3000', tokenFile: join(dir, 'token') });
  const pub = await config('--vsa', '--vsa-keyless', '--vsa-upload', 'oci');
  assert.deepEqual(pub?.signing, { kind: 'keyless', fulcioUrl: 'https://fulcio.sigstore.dev', rekorUrl: 'https://rekor.sigstore.dev' });
});

test('missing, directory or option-like keys are refused naming --vsa-signing-key', async () => {
  await assert.rejects(config('--vsa', '--attestation-output-dir', 'o'), refused('VSA_FLAGS', '--vsa-signing-key', '--vsa-keyless'));
  await assert.rejects(
    config('--vsa', '--attestation-output-dir', 'o', '--vsa-signing-key', 'keydir'),
    refused('VSA_SIGNING_KEY_UNREADABLE', '--vsa-signing-key', 'not a regular file'),
  );
  await assert.rejects(
    config('--vsa', '--attestation-output-dir', 'o', '--vsa-signing-key', 'absent.pem'),
    refused('VSA_SIGNING_KEY_UNREADABLE', 'no such file'),
  );
  await assert.rejects(
    config('--vsa', '--attestation-output-dir', 'o', '--vsa-signing-key', '--image'),
    refused('VSA_FLAGS', '--vsa-signing-key', 'looks like a flag'),
  );
  await assert.rejects(
    config('--vsa', '--attestation-output-dir', '-x', '--vsa-signing-key', 'key.pem'),
    refused('VSA_FLAGS', '--attestation-output-dir', 'looks like a flag'),
  );
  await assert.rejects(
    config('--vsa', '--vsa-keyless', '--vsa-signing-key', 'key.pem', '--vsa-upload', 'oci'),
    refused('VSA_FLAGS', '--vsa-keyless', 'not both'),
  );
  await assert.rejects(
    config('--vsa', '--vsa-signing-key', 'key.pem', '--vsa-identity-token', 'key.pem', '--vsa-upload', 'oci'),
    refused('VSA_FLAGS', '--vsa-identity-token', '--vsa-keyless'),
  );
});

test('formats and predicates: unknown values refused; an unsigned predicate is never signed nor uploaded remotely', async () => {
  await assert.rejects(config('--vsa', '--attestation-format', 'jws', '--vsa-upload', 'oci'), refused('VSA_FLAGS', '--attestation-format', '"jws"'));
  await assert.rejects(config('--vsa', '--vsa-predicate', 'spdx', '--vsa-upload', 'oci'), refused('VSA_FLAGS', '--vsa-predicate'));
  assert.deepEqual(await config('--vsa', '--attestation-format', 'predicate', '--vsa-predicate', 'conforma', '--attestation-output-dir', 'p'), {
    format: 'predicate',
    predicate: 'conforma',
    uploads: [],
    outputDir: join(dir, 'p'),
  });
  await assert.rejects(
    config('--vsa', '--attestation-format', 'predicate', '--vsa-signing-key', 'key.pem', '--attestation-output-dir', 'p'),
    refused('VSA_FLAGS', '--vsa-signing-key', 'not signed'),
  );
  await assert.rejects(
    config('--vsa', '--attestation-format', 'predicate', '--vsa-upload', 'oci'),
    refused('VSA_FLAGS', '--vsa-upload', 'signed attestations only'),
  );
  await assert.rejects(config('--vsa', '--vsa-signing-key', 'key.pem'), refused('VSA_FLAGS', '--vsa', 'written nowhere'));
});

test('--vsa-upload: unknown backends, parameters, targets and plain-HTTP services are refused', () => {
  const bad = (entry: string, fragment: string) => assert.throws(() => parseVsaUpload(entry, dir), refused('VSA_UPLOAD_INVALID', entry, fragment));
  bad('s3@bucket', 'unknown backend "s3"');
  bad('local', 'needs a directory');
  bad('local@dir?x=1', 'parameters');
  bad('rekor', 'needs a URL');
  bad('oci@registry.example/repo', 'takes no target');
  assert.throws(() => parseVsaUpload('rekor@http://rekor.example', dir), refused('VSA_FLAGS', 'only https'));
  assert.throws(() => parseVsaUpload('rekor@https://user:pw@rekor.example', dir), refused('VSA_FLAGS', 'no credentials'));
  assert.throws(() => parseVsaUpload('--image', dir), refused('VSA_FLAGS', 'looks like a flag'));
  assert.deepEqual(parseVsaUpload('rekor@https://rekor.example/', dir), { backend: 'rekor', url: 'https://rekor.example' });
});

test('an output directory that cannot be made is refused before the run', async () => {
  await writeFile(join(dir, 'file'), '');
  await assert.rejects(
    config('--vsa', '--vsa-signing-key', 'key.pem', '--attestation-output-dir', 'file/sub'),
    refused('VSA_FLAGS', '--attestation-output-dir', 'cannot be made a directory'),
  );
});

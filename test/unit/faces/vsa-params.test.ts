// VSAs through the faces. Generation: the Tekton Task's ENABLE_VSA, ATTESTATION_FORMAT,
// VSA_SIGNING_KEY and VSA_UPLOAD become the flags ec's trusted-artifacts Task passes, a missing or
// cluster-held key names the param; the Action's enable-vsa inputs become the same flags, and its
// VSA inputs do nothing unless enable-vsa is "true". Trust on re-runs: VSA_PUBLIC_KEY,
// VSA_CERTIFICATE_*, VSA_EXPIRATION and the Action's vsa-* inputs, and hostile values of each.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { InputError, VouchError } from '../../../src/errors.ts';
import { actionArgs } from '../../../src/faces/github.ts';
import { asParamError, tektonArgs, vsaArgs, vsaTrustArgs } from '../../../src/faces/tekton/params.ts';
import { parseValidateArgs } from '../../../src/validate/entry.ts';

test('Tekton: ENABLE_VSA "true" exactly turns VSAs on, with ec\'s flags', () => {
  assert.deepEqual(vsaArgs({ ENABLE_VSA: 'false', VSA_SIGNING_KEY: 'k' }), []);
  assert.deepEqual(vsaArgs({ ENABLE_VSA: 'True', VSA_SIGNING_KEY: 'k' }), [], 'ec compares with "true" exactly');
  assert.deepEqual(
    vsaArgs({ ENABLE_VSA: 'true', ATTESTATION_FORMAT: 'dsse', VSA_SIGNING_KEY: 'file:///secrets/vsa.key', VSA_UPLOAD: 'local@/var/workdir/conforma/vsa,oci' }),
    ['--vsa', '--attestation-format=dsse', '--vsa-signing-key=/secrets/vsa.key', '--vsa-upload=local@/var/workdir/conforma/vsa,oci'],
  );
  // Predicates go to VSA_UPLOAD's local directory only (ec copies them there); no key is asked for.
  assert.deepEqual(vsaArgs({ ENABLE_VSA: 'true', ATTESTATION_FORMAT: 'predicate', VSA_UPLOAD: 'rekor@https://rekor.example, local@/out' }), [
    '--vsa',
    '--attestation-format=predicate',
    '--vsa-upload=local@/out',
  ]);
  const paths = { images: '{}', resultsDir: '/r', reportsDir: '/h' };
  assert.deepEqual(tektonArgs({ ENABLE_VSA: 'true', VSA_SIGNING_KEY: '/k', VSA_UPLOAD: 'oci' }, paths).slice(-4), [
    '--vsa',
    '--attestation-format=dsse',
    '--vsa-signing-key=/k',
    '--vsa-upload=oci',
  ]);
});

test('Tekton: a missing key, or a k8s:// Secret reference, is an input error naming VSA_SIGNING_KEY', () => {
  const names = (fragment: string) => (e: unknown) =>
    e instanceof InputError && e.value === 'VSA_SIGNING_KEY' && e.message.startsWith('VSA_SIGNING_KEY') && e.message.includes(fragment);
  assert.throws(() => vsaArgs({ ENABLE_VSA: 'true' }), names('name the key file'));
  assert.throws(() => vsaArgs({ ENABLE_VSA: 'true', VSA_SIGNING_KEY: 'k8s://ns/secret/key' }), names('reads no cluster Secret'));
  // A refused flag value is told as the param it came from.
  const err = asParamError(new InputError('VSA_FLAGS', '--vsa-upload "s3@x": unknown backend', { value: '--vsa-upload' }));
  assert.ok(err instanceof VouchError && err.exitCode === 2 && err.message.startsWith('VSA_UPLOAD: '));
});

test('Action: enable-vsa and its inputs become the flags; without enable-vsa they are not passed', () => {
  const inputs: Record<string, string> = {
    image: 'r/a:1',
    'enable-vsa': 'true',
    'attestation-format': 'dsse',
    'vsa-keyless': 'true',
    'vsa-upload': 'oci,rekor@https://rekor.sigstore.dev',
    'attestation-output-dir': 'vsa',
  };
  const args = actionArgs((n) => inputs[n] ?? '');
  const at = args.indexOf('--vsa');
  assert.deepEqual(args.slice(at, at + 8), [
    '--vsa',
    '--attestation-format',
    'dsse',
    '--vsa-keyless=true',
    '--vsa-upload',
    'oci,rekor@https://rekor.sigstore.dev',
    '--attestation-output-dir',
    'vsa',
  ]);
  const off = actionArgs((n) => ({ ...inputs, 'enable-vsa': 'false' })[n] ?? '');
  assert.ok(!off.some((a) => a.startsWith('--vsa') || a.startsWith('--attestation')), off.join(' '));
});

// Trusting VSAs on a re-run: params and inputs of their own, whether or not this run writes VSAs.
test("Tekton: VSA_* trust params become the trust flags, named after the image signer's params; the exact value wins over the regexp", () => {
  assert.deepEqual(vsaTrustArgs({}), []);
  assert.deepEqual(vsaTrustArgs({ VSA_EXPIRATION: ' ', VSA_PUBLIC_KEY: '' }), [], 'blank params pass nothing (the CLI default stands)');
  assert.deepEqual(vsaTrustArgs({ VSA_PUBLIC_KEY: '/secrets/vsa.pub', VSA_EXPIRATION: '24h' }), ['--vsa-expiration=24h', '--vsa-public-key=/secrets/vsa.pub']);
  const keyless = {
    VSA_CERTIFICATE_IDENTITY: 'https://ci.example/release',
    VSA_CERTIFICATE_IDENTITY_REGEXP: '.*',
    VSA_CERTIFICATE_OIDC_ISSUER_REGEXP: '^https://issuer\\.example$',
  };
  assert.deepEqual(vsaTrustArgs(keyless), [
    '--vsa-certificate-identity=https://ci.example/release',
    '--vsa-certificate-oidc-issuer-regexp=^https://issuer\\.example$',
  ]);
  // Independent of ENABLE_VSA, and after the generation flags.
  const paths = { images: '{}', resultsDir: '/r', reportsDir: '/h' };
  assert.deepEqual(tektonArgs({ VSA_PUBLIC_KEY: '/k.pub' }, paths).slice(-1), ['--vsa-public-key=/k.pub']);
  assert.deepEqual(tektonArgs({ ENABLE_VSA: 'true', VSA_SIGNING_KEY: '/k', VSA_PUBLIC_KEY: '/k.pub' }, paths).slice(-4), [
    '--vsa',
    '--attestation-format=dsse',
    '--vsa-signing-key=/k',
    '--vsa-public-key=/k.pub',
  ]);
});

test('Tekton: a refused trust flag is told as its param', () => {
  for (const [flag, param] of [
    ['--vsa-expiration', 'VSA_EXPIRATION'],
    ['--vsa-public-key', 'VSA_PUBLIC_KEY'],
    ['--vsa-certificate-identity', 'VSA_CERTIFICATE_IDENTITY'],
    ['--vsa-certificate-identity-regexp', 'VSA_CERTIFICATE_IDENTITY_REGEXP'],
    ['--vsa-certificate-oidc-issuer', 'VSA_CERTIFICATE_OIDC_ISSUER'],
    ['--vsa-certificate-oidc-issuer-regexp', 'VSA_CERTIFICATE_OIDC_ISSUER_REGEXP'],
  ] as const) {
    const err = asParamError(new InputError('VSA_TRUST_FLAGS', `${flag} "x": refused`, { value: 'x' }));
    assert.ok(err instanceof VouchError && err.exitCode === 2 && err.message === `${param}: ${flag} "x": refused`, `${flag}: ${String(err)}`);
  }
});

test('Action: the vsa-* trust inputs become the trust flags, with or without enable-vsa', () => {
  const inputs: Record<string, string> = {
    image: 'r/a:1',
    'vsa-expiration': '24h',
    'vsa-public-key': 'vsa.pub',
    'vsa-certificate-identity': 'https://ci.example/release',
    'vsa-certificate-identity-regexp': '^https://ci\\.example/',
    'vsa-certificate-oidc-issuer': 'https://issuer.example',
    'vsa-certificate-oidc-issuer-regexp': '^https://',
  };
  const args = actionArgs((n) => inputs[n] ?? '');
  const at = args.indexOf('--vsa-expiration');
  assert.deepEqual(args.slice(at, at + 12), [
    '--vsa-expiration',
    '24h',
    '--vsa-public-key',
    'vsa.pub',
    '--vsa-certificate-identity',
    'https://ci.example/release',
    '--vsa-certificate-identity-regexp',
    '^https://ci\\.example/',
    '--vsa-certificate-oidc-issuer',
    'https://issuer.example',
    '--vsa-certificate-oidc-issuer-regexp',
    '^https://',
  ]);
  assert.ok(!args.includes('--vsa'), 'trusting VSAs does not write any');
  const none = actionArgs((n) => (n === 'image' ? 'r/a:1' : ''));
  assert.ok(!none.some((a) => a.startsWith('--vsa')), none.join(' '));
});

// The values, as the CLI reads them from either face: refused naming the flag before any image.
const IMAGES = JSON.stringify({ components: [{ name: 'a', containerImage: 'registry.example/a@sha256:' + 'a'.repeat(64) }] });
const PUB = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
const refusal = async (flags: string[]): Promise<InputError> => {
  try {
    await parseValidateArgs(['--images', IMAGES, '--public-key', PUB, ...flags], {}, tmpdir());
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  assert.fail(`accepted ${flags.join(' ')}`);
};

test('hostile trust values: option-like strings, bad durations, malformed keys and patterns are input errors naming the flag', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-vsa-trust-'));
  const file = async (name: string, text: string): Promise<string> => {
    await writeFile(join(dir, name), text);
    return join(dir, name);
  };
  const withKey = ['--vsa-public-key', PUB];
  const cases: [string[], string, RegExp][] = [
    // The next flag taken as a value.
    [['--vsa-public-key', '--image'], 'VSA_TRUST_FLAGS', /^--vsa-public-key "--image" looks like a flag/],
    [['--vsa-public-key=-k'], 'VSA_TRUST_FLAGS', /^--vsa-public-key "-k" looks like a flag/],
    [[...withKey, '--vsa-expiration', '--vsa-public-key'], 'VSA_TRUST_FLAGS', /^--vsa-expiration "--vsa-public-key" looks like a flag/],
    [
      ['--vsa-certificate-identity', '--vsa-certificate-oidc-issuer=https://issuer.example'],
      'VSA_TRUST_FLAGS',
      /^--vsa-certificate-identity "--vsa-certificate-oidc-issuer=https:\/\/issuer\.example" looks like a flag/,
    ],
    [
      ['--vsa-certificate-identity', 'a@example.com', '--vsa-certificate-oidc-issuer-regexp', '-x'],
      'VSA_TRUST_FLAGS',
      /^--vsa-certificate-oidc-issuer-regexp "-x"/,
    ],
    // Durations.
    [[...withKey, '--vsa-expiration', '1d'], 'INVALID_DURATION', /^--vsa-expiration "1d" is not a duration/],
    [[...withKey, '--vsa-expiration', '-1h'], 'INVALID_DURATION', /^--vsa-expiration "-1h"/],
    [[...withKey, '--vsa-expiration', ''], 'INVALID_DURATION', /^--vsa-expiration ""/],
    [[...withKey, '--vsa-expiration', '1h;rm'], 'INVALID_DURATION', /^--vsa-expiration "1h;rm"/],
    [[...withKey, '--vsa-expiration', '99999999999999999999h'], 'INVALID_DURATION', /^--vsa-expiration "99999999999999999999h"/],
    // Keys.
    [['--vsa-public-key', await file('garbage.pub', 'not a key\n')], 'PUBLIC_KEY_INVALID', /^--vsa-public-key .*garbage\.pub: not a PEM public key/],
    [
      ['--vsa-public-key', await file('two.pub', PUB + PUB)],
      'PUBLIC_KEY_INVALID',
      /^--vsa-public-key .*two\.pub: not a PEM public key \(expected exactly one PUBLIC KEY block/,
    ],
    [['--vsa-public-key', `${PUB}trailing`], 'PUBLIC_KEY_INVALID', /^--vsa-public-key: not a PEM public key/],
    [['--vsa-public-key', PUB.replace(/[A-Za-z0-9+/]{8}\n/, '!!!!!!!!\n')], 'PUBLIC_KEY_INVALID', /^--vsa-public-key: not a PEM public key/],
    [['--vsa-public-key', join(dir, 'missing.pub')], 'PUBLIC_KEY_UNREADABLE', /^--vsa-public-key .*missing\.pub: cannot read the key file/],
    [['--vsa-public-key', 'k8s://ns/secret'], 'UNSUPPORTED_KEY_REFERENCE', /^--vsa-public-key k8s:\/\/ns\/secret: key references/],
    [
      ['--vsa-public-key', generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()],
      'PRIVATE_KEY_GIVEN',
      /^--vsa-public-key: this is a private key/,
    ],
    // Signers.
    [
      [...withKey, '--vsa-certificate-identity', 'a@example.com', '--vsa-certificate-oidc-issuer', 'https://issuer.example'],
      'VSA_SIGNER_FLAGS',
      /either --vsa-public-key or/,
    ],
    [['--vsa-certificate-oidc-issuer', 'https://issuer.example'], 'VSA_SIGNER_INCOMPLETE', /needs an identity/],
    [
      ['--vsa-certificate-identity-regexp', '(', '--vsa-certificate-oidc-issuer', 'https://issuer.example'],
      'INVALID_IDENTITY_REGEXP',
      /^--vsa-certificate-identity-regexp "\(" is not a valid regular expression/,
    ],
    [
      ['--vsa-certificate-identity-regexp', '(?<=x)a', '--vsa-certificate-oidc-issuer', 'https://issuer.example'],
      'INVALID_IDENTITY_REGEXP',
      /^--vsa-certificate-identity-regexp "\(\?<=x\)a" is not a valid regular expression/,
    ],
  ];
  for (const [flags, code, message] of cases) {
    const err = await refusal(flags);
    assert.equal(err.code, code, `${flags.join(' ')}: ${err.message}`);
    assert.match(err.message, message, flags.join(' '));
    assert.equal(err.exitCode, 2);
  }
  // PEM text is a value, though it starts with dashes; so is a key file named like a flag, written as a path.
  const accepted = await parseValidateArgs(['--images', IMAGES, '--public-key', PUB, '--vsa-public-key', PUB], {}, tmpdir());
  assert.equal(accepted.config.vsaTrust?.publicKey, PUB);
  await writeFile(join(dir, '--image'), PUB);
  const dashed = await parseValidateArgs(['--images', IMAGES, '--public-key', PUB, '--vsa-public-key', './--image'], {}, dir);
  assert.equal(dashed.config.vsaTrust?.publicKey, PUB);
});

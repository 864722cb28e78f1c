// --vsa-expiration and the VSA signer flags: VSAs are consulted only with a signer and a positive
// expiration; a signer given twice, or a keyless one without issuer or identity, is bad input.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFlags } from '../../../src/config/flags.ts';
import { VALIDATE_IMAGE_FLAGS } from '../../../src/config/validate-image-flags.ts';
import { vsaTrustConfig } from '../../../src/config/vsa-trust.ts';
import { InputError } from '../../../src/errors.ts';
import { generateKeyPair } from '../../support/cosign.ts';

const flags = (...argv: string[]) => parseFlags(argv, VALIDATE_IMAGE_FLAGS).values;
const inputError =
  (code: string, flag?: RegExp) =>
  (err: unknown): boolean =>
    err instanceof InputError && err.code === code && err.exitCode === 2 && (!flag || flag.test(err.message));
let dir: string;
let pub: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vouch-vsa-config-'));
  pub = (await generateKeyPair(dir, 'vsa')).pub;
});

test('no VSA signer: VSAs are not consulted, whatever --vsa-expiration says (ec’s default stays 168h)', async () => {
  assert.equal(flags()['vsa-expiration'], '168h');
  assert.equal(await vsaTrustConfig(flags(), dir), undefined);
  assert.equal(await vsaTrustConfig(flags('--vsa-expiration', '24h'), dir), undefined);
});

test('a key or a keyless identity, with the expiration in milliseconds; 0 turns VSAs off', async () => {
  const key = await vsaTrustConfig(flags('--vsa-public-key', pub), dir);
  assert.match(key?.publicKey ?? '', /BEGIN PUBLIC KEY/);
  assert.equal(key?.maxAgeMs, 168 * 3_600_000);
  assert.equal((await vsaTrustConfig(flags('--vsa-public-key', pub, '--vsa-expiration', '2000h'), dir))?.maxAgeMs, 2000 * 3_600_000, 'not capped to a timer');
  assert.equal(await vsaTrustConfig(flags('--vsa-public-key', pub, '--vsa-expiration', '0'), dir), undefined);
  const keyless = await vsaTrustConfig(
    flags('--vsa-certificate-identity', 'ci@example.com', '--vsa-certificate-oidc-issuer-regexp', '^https://issuer\\.example$'),
    dir,
  );
  assert.deepEqual(keyless, { identity: { subject: 'ci@example.com', issuerRegExp: '^https://issuer\\.example$' }, maxAgeMs: 168 * 3_600_000 });
});

test('bad VSA signer flags are bad input naming the flag', async () => {
  await assert.rejects(
    vsaTrustConfig(flags('--vsa-public-key', pub, '--vsa-certificate-identity', 'a', '--vsa-certificate-oidc-issuer', 'b'), dir),
    inputError('VSA_SIGNER_FLAGS'),
  );
  await assert.rejects(vsaTrustConfig(flags('--vsa-certificate-identity', 'a'), dir), inputError('VSA_SIGNER_INCOMPLETE', /--vsa-certificate-oidc-issuer/));
  await assert.rejects(vsaTrustConfig(flags('--vsa-certificate-oidc-issuer', 'b'), dir), inputError('VSA_SIGNER_INCOMPLETE', /--vsa-certificate-identity/));
  await assert.rejects(
    vsaTrustConfig(flags('--vsa-certificate-identity-regexp', '(', '--vsa-certificate-oidc-issuer', 'b'), dir),
    (e: unknown) => e instanceof InputError && /--vsa-certificate-identity-regexp/.test(e.message),
  );
  await assert.rejects(vsaTrustConfig(flags('--vsa-public-key', join(dir, 'missing.pub')), dir), inputError('PUBLIC_KEY_UNREADABLE', /--vsa-public-key/));
  await assert.rejects(vsaTrustConfig(flags('--vsa-public-key', pub, '--vsa-expiration', '-1h'), dir), inputError('INVALID_DURATION', /--vsa-expiration/));
  await assert.rejects(vsaTrustConfig(flags('--vsa-public-key', pub, '--vsa-expiration', '7d'), dir), inputError('INVALID_DURATION'));
});

// The step's CA certificates: SSL_CERT_FILE and every file of every SSL_CERT_DIR directory, read as
// Go reads them, in the layouts Kubernetes mounts (a ConfigMap's links into `..data`, a service
// account's directory with its token), certificates made by the real openssl.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectCaCertificates, trustCertificates } from '../../../../src/faces/tekton/ca-trust.ts';
import { makeCa } from '../../../support/pki.ts';

async function twoCas(): Promise<{ dir: string; a: string; b: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-ca-'));
  await makeCa(dir, 'corp-a');
  await makeCa(dir, 'corp-b');
  return { dir, a: await readFile(join(dir, 'corp-a.pem'), 'utf8'), b: await readFile(join(dir, 'corp-b.pem'), 'utf8') };
}

test('a ConfigMap volume (files linked into ..data) and a service account directory: each certificate once, the token never read as one', async () => {
  const { dir, a, b } = await twoCas();
  const cm = join(dir, 'cm');
  await mkdir(join(cm, '..2026_12_02_10_00_00.1'), { recursive: true });
  await writeFile(join(cm, '..2026_12_02_10_00_00.1', 'ca-bundle.crt'), `${a}\n${b}`);
  await symlink('..2026_12_02_10_00_00.1', join(cm, '..data'));
  await symlink('..data/ca-bundle.crt', join(cm, 'ca-bundle.crt'));
  const sa = join(dir, 'sa');
  await mkdir(sa);
  await writeFile(join(sa, 'ca.crt'), a);
  await writeFile(join(sa, 'token'), 'eyJhbGciOiJSUzI1NiJ9.secret');
  await writeFile(join(sa, 'namespace'), 'managed');
  const { certificates, notes } = await collectCaCertificates({ SSL_CERT_DIR: `/tekton-custom-certs:${cm}:${sa}:` }, []);
  assert.equal(certificates.length, 2, 'corp-a from both places counts once');
  assert.deepEqual(notes, [`SSL_CERT_DIR ${cm}: 2 CA certificate(s) trusted for https`]);
  assert.ok(!notes.join('\n').includes('secret'));
});

test('certificates Node trusts already are not added again; SSL_CERT_FILE is read too', async () => {
  const { dir, a, b } = await twoCas();
  await writeFile(join(dir, 'bundle.pem'), `${a}${b}`);
  const { certificates, notes } = await collectCaCertificates({ SSL_CERT_FILE: join(dir, 'bundle.pem') }, [a]);
  assert.equal(certificates.length, 1);
  assert.match(certificates[0]!, /BEGIN CERTIFICATE/);
  assert.deepEqual(notes, [`SSL_CERT_FILE ${join(dir, 'bundle.pem')}: 1 CA certificate(s) trusted for https`]);
});

test("garbled certificates, oversized files and missing directories are skipped and said (Tekton's own directories quietly)", async () => {
  const { dir, a } = await twoCas();
  const certs = join(dir, 'certs');
  await mkdir(certs);
  // Hand-made: a PEM block whose body is no certificate (openssl would not write one).
  await writeFile(join(certs, 'garbled.pem'), `-----BEGIN CERTIFICATE-----\nTUlJQmFk\n-----END CERTIFICATE-----\n${a}`);
  await writeFile(join(certs, 'huge.pem'), Buffer.alloc(5 * 1024 * 1024, 0x41));
  const { certificates, notes } = await collectCaCertificates({ SSL_CERT_DIR: `${certs}:/etc/pki/tls/certs:${join(dir, 'absent')}` }, []);
  assert.equal(certificates.length, 1);
  assert.ok(
    notes.some((n) => n.startsWith(`${join(certs, 'garbled.pem')}: certificate 1 does not parse`)),
    notes.join('\n'),
  );
  assert.ok(
    notes.some((n) => n.startsWith(`${join(certs, 'huge.pem')}: 5242880 bytes is over the 4194304-byte limit`)),
    notes.join('\n'),
  );
  assert.ok(notes.includes(`SSL_CERT_DIR: ${join(dir, 'absent')} does not exist or cannot be read: no certificates from it`));
  assert.ok(!notes.some((n) => n.includes('/etc/pki/tls/certs')), 'a Tekton default directory that is absent is not news');
});

test('trusting: nothing to add leaves the environment alone; else git gets one bundle, unless the caller chose one', async () => {
  const { dir, a } = await twoCas();
  const env = { PATH: '/bin' };
  assert.equal(await trustCertificates([], env, join(dir, 'step')), env);
  const withGit = await trustCertificates([a], env, join(dir, 'step'));
  assert.equal(withGit.GIT_SSL_CAINFO, join(dir, 'step', 'ca-bundle.pem'));
  const bundle = await readFile(withGit.GIT_SSL_CAINFO, 'utf8');
  assert.ok(bundle.includes(a.trim()), 'the new CA');
  assert.ok((bundle.match(/BEGIN CERTIFICATE/g) ?? []).length > 100, "and Node's roots: git reads this file instead of its own");
  const chosen = await trustCertificates([a], { GIT_SSL_CAINFO: '/etc/git-ca.pem' }, join(dir, 'step2'));
  assert.equal(chosen.GIT_SSL_CAINFO, '/etc/git-ca.pem');
});

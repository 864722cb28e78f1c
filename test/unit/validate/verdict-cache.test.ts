// The verdict cache trusts contents, not paths: trust material changed in place at the same path
// makes the run verify again (and fail), and a cache entry someone else could have written, stored
// under another key, or of the wrong shape is ignored. Runs verify conforma's keyless image offline
// (test/fixtures); hostile cache entries are hand-made, as no tool writes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, chown, copyFile, mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diskVerdictCache, isAttestationPass, isSignaturePass, verdictKey } from '../../../src/validate/verdict-cache.ts';
import { validateJson, vouch } from '../../support/run-cli.ts';
import { CONFORMA_KEYLESS_DIR, CONFORMA_KEYLESS_IDENTITY, CONFORMA_KEYLESS_IMAGE } from '../../support/conforma-keyless.ts';

const fixture = CONFORMA_KEYLESS_DIR;
const productionRoot = fileURLToPath(new URL('../../fixtures/cosign-bundle/trusted_root_pgi.json', import.meta.url));
const image = CONFORMA_KEYLESS_IMAGE;
const identity = CONFORMA_KEYLESS_IDENTITY;

type Root = { certificateAuthorities: { certChain: { certificates: { rawBytes: string }[] } }[] };
const pem = (b64: string): string => `-----BEGIN CERTIFICATE-----\n${b64.match(/.{1,64}/g)!.join('\n')}\n-----END CERTIFICATE-----\n`;
const caPems = (root: Root): string => root.certificateAuthorities.flatMap((ca) => ca.certChain.certificates.map((c) => pem(c.rawBytes))).join('');
const readRoot = async (path: string): Promise<Root> => JSON.parse(await readFile(path, 'utf8')) as Root;

async function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; success: boolean }> {
  const { code, report } = await validateJson(['--image', image, ...identity, ...args], env);
  return { code, success: report.success === true };
}

test('a trusted root changed in place at the same path: the warm cache is not used, the run fails', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-vc-'));
  const root = join(dir, 'trusted_root.json');
  await copyFile(join(fixture, 'trusted_root.json'), root);
  const env = { ...process.env, VOUCH_CACHE_DIR: join(dir, 'cache') };
  assert.deepEqual(await run(['--trusted-root', root], env), { code: 0, success: true });
  assert.deepEqual(await run(['--trusted-root', root], env), { code: 0, success: true }, 'warm');
  // The deployment's CA replaced by another (the public-good instance's), same file.
  const changed = await readRoot(root);
  changed.certificateAuthorities = (await readRoot(productionRoot)).certificateAuthorities;
  await writeFile(root, JSON.stringify(changed));
  assert.deepEqual(await run(['--trusted-root', root], env), { code: 1, success: false });
});

test('a CA file (SIGSTORE_ROOT_FILE) changed in place: the warm cache is not used, the run fails', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-vc-'));
  const ca = join(dir, 'fulcio.pem');
  await writeFile(ca, caPems(await readRoot(join(fixture, 'trusted_root.json'))));
  const env = { ...process.env, VOUCH_CACHE_DIR: join(dir, 'cache'), SIGSTORE_ROOT_FILE: ca };
  const args = ['--trusted-root', join(fixture, 'trusted_root.json')];
  assert.deepEqual(await run(args, env), { code: 0, success: true });
  assert.deepEqual(await run(args, env), { code: 0, success: true }, 'warm');
  await writeFile(ca, caPems(await readRoot(productionRoot)));
  assert.deepEqual(await run(args, env), { code: 1, success: false });
});

test('a forged cache entry that others could have written is ignored: the report shows what was verified', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-vc-'));
  const env = { ...process.env, VOUCH_CACHE_DIR: join(dir, 'cache') };
  const args = ['--image', image, ...identity, '--trusted-root', join(fixture, 'trusted_root.json'), '--output', 'policy-input'];
  await validateJson(args.slice(0, -2), env);
  // Forge the cached attestations (a builder the attacker likes) and leave the file writable by all.
  const verdicts = join(dir, 'cache', 'verdicts');
  let forged = 0;
  for (const sub of await readdir(verdicts)) {
    for (const name of await readdir(join(verdicts, sub))) {
      const path = join(verdicts, sub, name);
      const text = await readFile(path, 'utf8');
      if (!text.includes('"attestations"')) continue;
      await writeFile(path, text.replace(/"builder":\{"id":"[^"]*"\}/, '"builder":{"id":"https://evil.example/builder"}'));
      await chmod(path, 0o666);
      forged++;
    }
  }
  assert.equal(forged, 1);
  const { stdout } = await vouch(['validate', 'image', ...args], env);
  assert.ok(stdout.includes('"predicate"') && !stdout.includes('evil.example'), 'the forged statement reached the policy input');
});

test("the disk cache returns an entry only when it is this user's, stored under the key asked for, and of the expected shape", async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-vc-'));
  // A cache that already holds verdicts (an empty one reads back only what it wrote: the test below).
  await mkdir(join(dir, 'verdicts'), { mode: 0o700 });
  const cache = diskVerdictCache(dir);
  const pass = { ok: true, signatures: [{ keyid: '', sig: 'c2ln' }], errors: [], noneFound: false };
  const key = verdictKey(['signatures', 'r.example/app', 'sha256:1']);
  const other = verdictKey(['signatures', 'r.example/app', 'sha256:2']);
  await cache.put(key, pass);
  assert.deepEqual(await cache.get(key, isSignaturePass), pass);
  const file = (k: string): string => join(dir, 'verdicts', k.slice(0, 2), `${k}.json`);
  // Another image's pass copied under this image's key.
  await mkdir(join(dir, 'verdicts', other.slice(0, 2)), { recursive: true });
  await copyFile(file(key), file(other));
  assert.equal(await cache.get(other, isSignaturePass), undefined);
  // Not the expected shape: a pass without signatures, a failure, an attestation check asked for as a signature check.
  for (const value of [{ ...pass, signatures: [] }, { ...pass, ok: false }, { ...pass, signatures: [{ keyid: 1, sig: 'x' }] }, 'ok', null]) {
    await writeFile(file(key), JSON.stringify({ format: 'vouch-verdict/1', key, value }), { mode: 0o600 });
    assert.equal(await cache.get(key, isSignaturePass), undefined, JSON.stringify(value));
  }
  await writeFile(file(key), JSON.stringify({ format: 'vouch-verdict/1', key, value: pass }), { mode: 0o600 });
  assert.equal(await cache.get(key, isAttestationPass), undefined);
  // Not JSON; the old format (the bare value).
  await writeFile(file(key), '{"ok":tru');
  assert.equal(await cache.get(key, isSignaturePass), undefined);
  await writeFile(file(key), JSON.stringify(pass));
  assert.equal(await cache.get(key, isSignaturePass), undefined);
  // Writable by others, or owned by someone else.
  await writeFile(file(key), JSON.stringify({ format: 'vouch-verdict/1', key, value: pass }), { mode: 0o600 });
  assert.deepEqual(await cache.get(key, isSignaturePass), pass);
  await chmod(file(key), 0o620);
  assert.equal(await cache.get(key, isSignaturePass), undefined);
  await chmod(file(key), 0o600);
  // Only root can give a file away.
  if (process.getuid?.() === 0) {
    await chown(file(key), 65534, 65534);
    assert.equal(await cache.get(key, isSignaturePass), undefined);
  }
});

test('a cache without verdicts when the run starts misses without reading the disk, and reads back what it wrote', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-vc-'));
  const first = diskVerdictCache(dir);
  const pass = { ok: true, signatures: [{ keyid: '', sig: 'c2ln' }], errors: [], noneFound: false };
  const [a, b] = [verdictKey(['signatures', 'r.example/app', 'sha256:a']), verdictKey(['signatures', 'r.example/app', 'sha256:b'])];
  assert.equal(await first.get(a, isSignaturePass), undefined);
  // Another run writes `b` while this one runs: this one, started on an empty cache, does not look.
  await diskVerdictCache(dir).put(b, pass);
  assert.equal(await first.get(b, isSignaturePass), undefined);
  await first.put(a, pass);
  assert.deepEqual(await first.get(a, isSignaturePass), pass);
  // The next run sees both.
  const next = diskVerdictCache(dir);
  assert.deepEqual(await next.get(a, isSignaturePass), pass);
  assert.deepEqual(await next.get(b, isSignaturePass), pass);
});

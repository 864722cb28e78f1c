// The verdict cache and key files: a public key replaced in place at the same path (real cosign
// signatures in the loopback registry) is verified again, and the image fails.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFixtures, type Fixtures } from '../support/fixtures.ts';
import { startRegistry, type TestRegistry } from '../support/registry.ts';
import { validateJson } from '../support/run-cli.ts';

let reg: TestRegistry;
let fx: Fixtures;

before(async () => {
  reg = await startRegistry();
  fx = await makeFixtures(reg);
});
after(async () => {
  await reg.stop();
});

test('a public key file replaced in place: the warm cache is not used, the signed image fails', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-vc-'));
  const key = join(dir, 'cosign.pub');
  await copyFile(fx.key.pub, key);
  const env = { ...process.env, VOUCH_CACHE_DIR: join(dir, 'cache') };
  const args = ['--image', fx.happy.ref, '--public-key', key, '--ignore-rekor'];
  assert.equal((await validateJson(args, env)).code, 0);
  assert.equal((await validateJson(args, env)).code, 0, 'warm');
  await copyFile(fx.otherKey.pub, key);
  const changed = await validateJson(args, env);
  assert.equal(changed.code, 1);
  assert.equal(changed.report.success, false);
});

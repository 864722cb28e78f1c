// The trust root from a real TUF repository on loopback, checked before the run: an unreachable
// mirror is an environment error (exit 3) naming --tuf-mirror, a repository whose trusted_root.json
// is unusable is named too, and a good one lets the run go on to the images.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHostileRegistry } from '../support/hostile-registry.ts';
import { startTufRepository } from '../support/sigstore-stack/tuf.ts';
import { vouch } from '../support/run-cli.ts';

const trustedRoot = (): Promise<Buffer> => readFile(new URL('../fixtures/conforma-keyless-image/trusted_root.json', import.meta.url));
// Port 9 on loopback: nothing listens; a run that starts reports the image as inaccessible (exit 1).
const base = [
  'validate',
  'image',
  '--image',
  '127.0.0.1:9/never/fetched:v1',
  '--certificate-identity',
  'https://ci.example/build',
  '--certificate-oidc-issuer',
  'https://issuer.example',
];

async function run(dir: string, repo: { url: string; rootPath: string }): Promise<{ code: number; stderr: string; stdout: string }> {
  return vouch([...base, '--tuf-mirror', repo.url, '--tuf-root', repo.rootPath], { ...process.env, VOUCH_CACHE_DIR: join(dir, 'cache') }, dir);
}

test('an unreachable TUF mirror is exit 3 naming --tuf-mirror, before any image', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-tuf-cfg-'));
  const repo = await startTufRepository(join(dir, 'repo'), { 'trusted_root.json': await trustedRoot() });
  await repo.stop();
  const result = await run(dir, repo);
  assert.equal(result.code, 3, result.stderr);
  assert.match(result.stderr, new RegExp(`--tuf-mirror ${repo.url}: could not obtain trusted_root\\.json`));
  assert.equal(result.stdout, '');
});

test('a TUF repository serving an unusable trusted_root.json is named; a good one lets the run reach the image', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-tuf-cfg-'));
  // Hand-made: a correctly signed TUF target whose content is an empty trusted root.
  const empty = await startTufRepository(join(dir, 'empty'), {
    'trusted_root.json': Buffer.from('{"mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1"}'),
  });
  try {
    const result = await run(dir, empty);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`the trust root from --tuf-mirror ${empty.url}: the trusted root lists no transparency log`));
  } finally {
    await empty.stop();
  }
  const good = await startTufRepository(join(dir, 'good'), { 'trusted_root.json': await trustedRoot() });
  try {
    const result = await run(dir, good);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /127\.0\.0\.1:9/);
  } finally {
    await good.stop();
  }
});

test('the TUF trust root is loaded once per run: the check before the images is the one the run uses', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-tuf-cfg-'));
  const [repo, registry] = await Promise.all([startTufRepository(join(dir, 'repo'), { 'trusted_root.json': await trustedRoot() }), startHostileRegistry()]);
  try {
    // An unsigned image the run reaches: its verdict's cache key needs the trust root.
    registry.putImage('app', 'v1');
    const args = ['validate', 'image', '--image', `${registry.host}/app:v1`, ...base.slice(4), '--tuf-mirror', repo.url, '--tuf-root', repo.rootPath];
    const result = await vouch(args, { ...process.env, VOUCH_CACHE_DIR: join(dir, 'cache') }, dir);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stdout, /no signatures found/);
    assert.equal(repo.requests.filter((r) => r.endsWith('timestamp.json')).length, 1, repo.requests.join(' '));
  } finally {
    await Promise.all([repo.stop(), registry.close()]);
  }
});

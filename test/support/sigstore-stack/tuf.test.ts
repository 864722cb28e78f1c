import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTufRepository } from './tuf.ts';
import { toolPath } from '../tools.ts';

test('the loopback TUF repository is accepted by the real cosign initialize', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'vouch-tuf-'));
  const trustedRoot = Buffer.from(await readFile(new URL('../../fixtures/conforma-keyless-image/trusted_root.json', import.meta.url)));
  const repo = await startTufRepository(join(dir, 'repo'), { 'trusted_root.json': trustedRoot });
  try {
    const home = join(dir, 'home');
    // Async: the repository is served from this process, so the event loop must keep running.
    const { stderr } = await promisify(execFile)(toolPath('cosign'), ['initialize', '--mirror', repo.url, '--root', repo.rootPath], {
      env: { ...process.env, HOME: home, TUF_ROOT: join(home, '.sigstore', 'root') },
    });
    assert.doesNotMatch(stderr, /error verifying|signature|expired/i);
    // cosign verified the metadata chain and cached the target under <host>-<port>/targets/.
    const hostDir = new URL(repo.url).host.replace(':', '-');
    const fetched = await readFile(join(home, '.sigstore', 'root', hostDir, 'targets', 'trusted_root.json'));
    assert.deepEqual(fetched, trustedRoot);
  } finally {
    await repo.stop();
  }
});

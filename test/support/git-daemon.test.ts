import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startGitDaemon } from './git-daemon.ts';

const run = promisify(execFile);

test('the git daemon serves a repository as soon as startGitDaemon returns', async () => {
  const base = await mkdtemp(join(tmpdir(), 'vouch-git-'));
  const env = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' };
  await run('git', ['init', '-q', '-b', 'main', join(base, 'r.git')]);
  await run('git', ['-C', join(base, 'r.git'), 'commit', '-q', '--allow-empty', '-m', 'x'], { env });
  const daemon = await startGitDaemon(base);
  try {
    const { stdout } = await run('git', ['ls-remote', `${daemon.url}/r.git`]);
    assert.match(stdout, /^[0-9a-f]{40}\tHEAD$/m);
  } finally {
    await daemon.stop();
    await rm(base, { recursive: true, force: true });
  }
});

// The Tekton step run as a pod runs it (the source entry in a child process, params as environment):
// a reports directory that cannot be made is an environment error named at once, and TEST_OUTPUT
// still says ERROR. (Before, the recursive mkdir under /proc spun until the step's timeout.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const entry = fileURLToPath(new URL('../../../src/faces/main.ts', import.meta.url));

test('HOMEDIR under /proc: exit 3 within seconds naming HOMEDIR, TEST_OUTPUT is ERROR', async () => {
  const home = await mkdtemp(join(tmpdir(), 'vouch-tekton-'));
  const results = join(home, 'results');
  const env = {
    PATH: process.env.PATH,
    VOUCH_FACE: 'tekton',
    HOME: home,
    HOMEDIR: '/proc/nope/home',
    VOUCH_REPORTS_DIR: '',
    VOUCH_TEKTON_RESULTS_DIR: results,
    VOUCH_CACHE_DIR: join(home, 'cache'),
    IMAGES: '{"components": [{"name": "a", "containerImage": "127.0.0.1:9/a:v1"}]}',
    PUBLIC_KEY: 'k.pub',
  };
  // The old bug spun forever: the kill after five minutes only ends such a run (exit 3 would not be seen).
  const run = await new Promise<{ code: number; stderr: string }>((resolve) => {
    execFile(process.execPath, [entry], { env, cwd: home, timeout: 300_000 }, (err, _stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number | string }).code ?? 1) : 0, stderr }),
    );
  });
  assert.equal(run.code, 3, run.stderr);
  assert.match(run.stderr, /HOMEDIR \/proc\/nope\/home: cannot create it/);
  const out = JSON.parse(await readFile(join(results, 'TEST_OUTPUT'), 'utf8')) as { result: string; note: string };
  assert.equal(out.result, 'ERROR');
  assert.match(out.note, /HOMEDIR/);
});

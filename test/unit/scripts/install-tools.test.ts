// scripts/install-tools.sh, run for real: a later run builds nothing and keeps the bin directory as it
// is; a step that fails says which tool and shows the go command's error. (The progress of a real
// build is what every first `npm test` prints; tests run offline, so none builds here.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readlink, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const script = new URL('../../../scripts/install-tools.sh', import.meta.url).pathname;
const bin = process.env.VOUCH_TOOLS_BIN;
const skip = bin ? false : 'needs VOUCH_TOOLS_BIN (npm test sets it)';

test('a later run builds nothing, keeps every link, and prints the bin directory last', { skip }, async () => {
  const home = dirname(bin!);
  const before = await Promise.all((await readdir(bin!)).map(async (n) => [n, await readlink(join(bin!, n))]));
  const { stdout, stderr } = await run('bash', [script], { env: { ...process.env, VOUCH_TOOLS_HOME: home } });
  assert.equal(stdout.trim().split('\n').at(-1), bin);
  assert.doesNotMatch(stderr, /building|downloading|apt-get/);
  const after = await Promise.all((await readdir(bin!)).map(async (n) => [n, await readlink(join(bin!, n))]));
  assert.deepEqual(after, before);
});

test("a tool that cannot be fetched fails its step by name, with Go's error, and nothing is linked", { skip }, async () => {
  // Every tool of the installed home but actionlint, in a home of its own, and no way to fetch it
  // (tests run offline, in a loopback-only namespace; GOPROXY=off and an empty module cache make
  // that certain anywhere): the real go command fails and the installer must say which step failed.
  const home = await mkdtemp(join(tmpdir(), 'vouch-tools-'));
  try {
    for (const entry of await readdir(dirname(bin!))) {
      if (entry !== 'bin' && !entry.startsWith('actionlint-')) await symlink(join(dirname(bin!), entry), join(home, entry));
    }
    const env = { ...process.env, VOUCH_TOOLS_HOME: home, GOPROXY: 'off', GOMODCACHE: join(home, 'gomodcache'), GOFLAGS: '' };
    const failed = await run('bash', [script], { env }).then(
      () => assert.fail('the installer succeeded without its module'),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    assert.equal(failed.code, 1);
    assert.equal(failed.stdout, '');
    assert.match(
      failed.stderr,
      /^install-tools: Go builds: 1, one at a time, each on every core, \d+ links at a time \(go1\.\S+, \d+ cores\); progress every \d+ s$/m,
    );
    assert.match(failed.stderr, /^install-tools: \[1\/1\] downloading actionlint v\S+ …$/m);
    // actionlint builds in cosign's module: the go command fails on the first module it cannot fetch.
    assert.match(failed.stderr, /^install-tools: \[1\/1\] downloading actionlint v\S+ FAILED \(exit 1\) after \d+ s:\n(?:.*\n)*?go: .*GOPROXY=off/m);
    assert.doesNotMatch(failed.stderr, /building/);
    await assert.rejects(readlink(join(home, 'bin', 'actionlint')), { code: 'ENOENT' });
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

// scripts/install-tools.sh, run for real: a later run builds nothing and keeps the bin directory as it
// is; a missing tool is downloaded and built with the real Go toolchain, each step saying what it
// builds, how many packages, and how long it took.
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

test('a missing tool is built for real, with its progress on stderr', { skip }, async () => {
  // Every tool of the installed home but actionlint (the smallest Go tool), in a home of its own.
  const home = await mkdtemp(join(tmpdir(), 'vouch-tools-'));
  try {
    for (const entry of await readdir(dirname(bin!))) {
      if (entry !== 'bin' && !entry.startsWith('actionlint-')) await symlink(join(dirname(bin!), entry), join(home, entry));
    }
    const { stdout, stderr } = await run('bash', [script], { env: { ...process.env, VOUCH_TOOLS_HOME: home } });
    assert.equal(stdout.trim().split('\n').at(-1), join(home, 'bin'));
    const version = /^install-tools: \[1\/1\] building actionlint (v\S+) \((\d+) packages\) …$/m.exec(stderr);
    assert.ok(version, stderr);
    assert.match(stderr, /^install-tools: Go tools to build: 1, \d+ at a time \(go1\.\S+, \d+ cores\); progress every \d+ s$/m);
    assert.match(stderr, /^install-tools: \[1\/1\] downloading actionlint v\S+ … done in \d+ s$/m);
    assert.match(stderr, new RegExp(`^install-tools: \\[1/1\\] building actionlint ${version[1]} … done in \\d+ s$`, 'm'));
    assert.equal(await readlink(join(home, 'bin', 'actionlint')), join(home, `actionlint-${version[1]}`, 'actionlint'));
    const { stdout: v } = await run(join(home, 'bin', 'actionlint'), ['-version']);
    assert.match(v, new RegExp(`^${version[1]}\\n`));
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

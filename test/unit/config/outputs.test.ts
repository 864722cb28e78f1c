// Where a run writes is checked before it starts, and a path that cannot be made fails at once with
// its name: Node's recursive mkdir would spin forever under /proc or through a dangling symlink.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { policyInputsNeeded, writeOutputs } from '../../../src/report/targets.ts';
import { makeDirectory } from '../../../src/util/files.ts';
import { vouch } from '../../support/run-cli.ts';
import { renderContext, sampleReport } from '../report/sample.ts';

/** Settles within `ms` or fails the test (instead of hanging it, as the recursive mkdir did). */
async function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running after ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

async function scratch(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'vouch-out-'));
}

test('a directory under /proc or behind a dangling symlink fails at once instead of spinning', async () => {
  const dir = await scratch();
  await symlink(join(dir, 'absent'), join(dir, 'dangling'));
  await writeFile(join(dir, 'file'), 'x');
  for (const path of ['/proc/nope/x', join(dir, 'dangling', 'a', 'b'), join(dir, 'file', 'sub')]) {
    await assert.rejects(
      within(30_000, makeDirectory(path)),
      (err: unknown) => /ENOENT|ENOTDIR|EEXIST|not a directory/.test(String((err as { message?: unknown }).message)),
      path,
    );
  }
  await makeDirectory(join(dir, 'a', 'b', 'c'));
  await makeDirectory(join(dir, 'a', 'b', 'c'));
  assert.deepEqual(await readdir(join(dir, 'a', 'b')), ['c']);
});

test('writing a report under /proc ends with an error naming the file, not a busy loop', async () => {
  const ctx = renderContext(sampleReport(), { createdAt: new Date(0) });
  await assert.rejects(within(30_000, writeOutputs(ctx, [{ format: 'json', path: '/proc/nope/x.json' }], process.stdout)), /\/proc\/nope\/x\.json/);
});

test('validate image: an --output path that cannot be written is bad input, named, before any image is fetched', async () => {
  const dir = await scratch();
  await symlink(join(dir, 'absent'), join(dir, 'dangling'));
  await mkdir(join(dir, 'isdir'));
  const env = { ...process.env, VOUCH_CACHE_DIR: join(dir, 'cache') };
  // Port 9 (discard) on loopback: nothing listens; a started run would report the image, not exit 2.
  const base = ['validate', 'image', '--image', '127.0.0.1:9/never/fetched:v1', '--ignore-rekor', '--public-key', 'unused.pub'];
  for (const [flag, value] of [
    ['--output', 'json=/proc/nope/x.json'],
    ['--output', `junit=${join(dir, 'dangling', 'r.xml')}`],
    ['--output', `text=${join(dir, 'isdir')}`],
    ['--output-file', '/proc/nope/legacy.json'],
  ] as const) {
    // The bound only stops a busy loop from hanging the suite; exit 2 shows no image was fetched.
    const run = await within(30_000, vouch([...base, flag, value], env, dir));
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, new RegExp(`${flag} (json=|junit=|text=)?${value.replace(/^\w+=/, '').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: cannot write`));
  }
});

test('the check leaves an existing report as it was and creates no file', async () => {
  const dir = await scratch();
  await writeFile(join(dir, 'old.json'), 'previous run');
  const env = { ...process.env, VOUCH_CACHE_DIR: join(dir, 'cache') };
  // The run then fails on the unreadable key: after the output check, before writing anything.
  const run = await vouch(
    ['validate', 'image', '--image', '127.0.0.1:9/x:v1', '--public-key', 'missing.pub', '--output', 'json=old.json', '--output', 'junit=new/r.xml'],
    env,
    dir,
  );
  assert.equal(run.code, 2);
  assert.match(run.stderr, /--public-key .*missing\.pub/);
  assert.equal(await readFile(join(dir, 'old.json'), 'utf8'), 'previous run');
  assert.deepEqual(await readdir(join(dir, 'new')), []);
});

test('a cache directory that cannot be made names its origin: the flag (exit 2) or the variable (exit 3)', async () => {
  const dir = await scratch();
  const base = ['validate', 'image', '--image', '127.0.0.1:9/x:v1', '--public-key', 'k.pub'];
  const flag = await within(30_000, vouch([...base, '--cache-dir', '/proc/nope/cache'], { ...process.env, VOUCH_CACHE_DIR: join(dir, 'c') }, dir));
  assert.equal(flag.code, 2);
  assert.match(flag.stderr, /--cache-dir: cannot create the cache directory \/proc\/nope\/cache/);
  const variable = await within(30_000, vouch(base, { ...process.env, VOUCH_CACHE_DIR: '/proc/nope/cache' }, dir));
  assert.equal(variable.code, 3);
  assert.match(variable.stderr, /VOUCH_CACHE_DIR: cannot create the cache directory/);
});

test('the policy inputs are needed by the policy-input and attestation formats only', () => {
  assert.equal(policyInputsNeeded([]), false);
  assert.equal(policyInputsNeeded([{ format: 'json', path: 'r.json' }, { format: 'text' }, { format: 'junit' }]), false);
  assert.equal(policyInputsNeeded([{ format: 'text' }, { format: 'policy-input', path: 'i.jsonl' }]), true);
  assert.equal(policyInputsNeeded([{ format: 'attestation' }]), true);
});

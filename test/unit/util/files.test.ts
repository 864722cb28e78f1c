// writeFileInside: a VSA file lands in its directory and nowhere else — a name that is not one
// plain path component is refused, a symlink planted at the name is replaced rather than followed,
// and the file's mode is 0644 whatever the umask.
import assert from 'node:assert/strict';
import { lstat, mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { writeFileInside } from '../../../src/util/files.ts';

const dir = await mkdtemp(join(tmpdir(), 'vouch-files-'));
after(() => rm(dir, { recursive: true, force: true }));

test('writes the file with mode 0644 and leaves no temporary file', async () => {
  const old = process.umask(0o077);
  try {
    const path = await writeFileInside(dir, 'sha256-ab.intoto.jsonl', 'x\n');
    assert.equal(path, join(dir, 'sha256-ab.intoto.jsonl'));
    assert.equal((await lstat(path)).mode & 0o777, 0o644);
  } finally {
    process.umask(old);
  }
  assert.deepEqual(await readdir(dir), ['sha256-ab.intoto.jsonl']);
});

test('a symlink planted at the name is replaced, its target untouched', async () => {
  const outside = join(dir, 'outside.txt');
  await writeFile(outside, 'precious');
  await symlink(outside, join(dir, 'planted.json'));
  await writeFileInside(dir, 'planted.json', 'vsa');
  assert.equal(await readFile(outside, 'utf8'), 'precious');
  assert.ok((await lstat(join(dir, 'planted.json'))).isFile());
  assert.equal(await readFile(join(dir, 'planted.json'), 'utf8'), 'vsa');
});

test('names that could leave the directory or hide are refused', async () => {
  for (const name of ['../escape', 'a/b', '.hidden', '..', '', 'x\0y', 'a'.repeat(300)]) {
    await assert.rejects(writeFileInside(dir, name, 'x'), (e: unknown) => (e as { code?: string }).code === 'EINVAL', name);
  }
});

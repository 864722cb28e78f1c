// Archive expansion on attacker-chosen bytes: bounded output (a real gzip bomb made by tar and gzip),
// bounded entries, no path or link leaving the root, forged headers refused, typed errors only.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { InputError } from '../../../src/errors.ts';
import { TAR_LIMITS, extractTar, readTar, writeTar } from '../../../src/util/tar.ts';
import { rawArchive as archive, rawHeader } from '../../support/tar-bytes.ts';
import { withinCpuAsync } from '../../support/cpu-time.ts';

const run = promisify(execFile);
const refused =
  (code: string, ...fragments: string[]) =>
  (e: unknown) =>
    e instanceof InputError && e.code === code && fragments.every((f) => e.message.includes(f));

const fresh = (): Promise<string> => mkdtemp(join(tmpdir(), 'vouch-tar-'));

test('a gzip bomb made by tar and gzip (160 MiB of zeros in well under 1 MiB) is refused before it is expanded', async () => {
  const dir = await fresh();
  await mkdir(join(dir, 'in'));
  await writeFile(join(dir, 'in', 'zeros'), '');
  await truncate(join(dir, 'in', 'zeros'), 160 * 1024 * 1024); // sparse: no disk used
  await run('sh', ['-c', 'tar -C in -cf - zeros | gzip -1 > bomb.tar.gz'], { cwd: dir });
  const bomb = await readFile(join(dir, 'bomb.tar.gz'));
  assert.ok(bomb.length < 1024 * 1024, `${bomb.length} bytes`);
  const out = join(dir, 'out');
  await mkdir(out);
  const before = process.memoryUsage().arrayBuffers;
  await withinCpuAsync(10_000, 'extracting a gzip bomb', () =>
    assert.rejects(
      extractTar(bomb, out, { origin: 'policy source https://x.example/bomb.tar.gz' }),
      refused('ARCHIVE_TOO_LARGE', 'https://x.example/bomb.tar.gz', String(TAR_LIMITS.maxBytes)),
    ),
  );
  assert.ok(process.memoryUsage().arrayBuffers - before < TAR_LIMITS.maxBytes + 16 * 1024 * 1024, 'memory stays within the limit');
  assert.deepEqual(await readdir(out), []);
  assert.throws(() => readTar(bomb), refused('ARCHIVE_TOO_LARGE'));
});

test('more entries than the limit are refused', async () => {
  const entries = Array.from({ length: 50 }, (_, i) => ({ path: `f${i}`, data: new Uint8Array() }));
  await assert.rejects(
    extractTar(writeTar(entries), await fresh(), { origin: 'src', limits: { maxBytes: 1 << 20, maxEntries: 49 } }),
    refused('ARCHIVE_TOO_MANY_ENTRIES', 'src', '49'),
  );
  const many = Array.from({ length: TAR_LIMITS.maxEntries + 1 }, (_, i) => ({ path: `f${i}`, data: new Uint8Array() }));
  assert.throws(() => readTar(writeTar(many)), refused('ARCHIVE_TOO_MANY_ENTRIES', String(TAR_LIMITS.maxEntries)));
});

test('paths leaving the root are refused, not rewritten', async () => {
  for (const name of ['../escape', 'a/../../escape', '/etc/cron.d/x', 'a\\..\\..\\x', 'a/\u0001b']) {
    const root = await fresh();
    await assert.rejects(
      extractTar(archive(rawHeader({ name, size: 1 }), Buffer.alloc(512, 0x41)), join(root, 'x'), { origin: 'src' }),
      refused('ARCHIVE_PATH_ESCAPES', 'src'),
      name,
    );
    assert.deepEqual(await readdir(root), []);
  }
});

test('real tar -P keeps ../ in member names; such an archive is refused', async () => {
  const dir = await fresh();
  await mkdir(join(dir, 'inner'));
  await writeFile(join(dir, 'outside'), 'x');
  await run('tar', ['-C', join(dir, 'inner'), '-cPf', join(dir, 'p.tar'), '../outside']);
  await assert.rejects(extractTar(await readFile(join(dir, 'p.tar')), join(dir, 'out')), refused('ARCHIVE_PATH_ESCAPES', '../outside'));
});

test('links pointing outside the archive are refused (real tar symlinks; a hand-made hard link)', async () => {
  for (const target of ['/etc/passwd', '../../outside', 'a/../../..']) {
    const dir = await fresh();
    await mkdir(join(dir, 'in', 'sub'), { recursive: true });
    await symlink(target, join(dir, 'in', 'sub', 'link'));
    await run('tar', ['-C', join(dir, 'in'), '-czf', join(dir, 'l.tar.gz'), 'sub']);
    await assert.rejects(
      extractTar(await readFile(join(dir, 'l.tar.gz')), join(dir, 'out'), { origin: 'src' }),
      refused('ARCHIVE_LINK_ESCAPES', 'src', target),
      target,
    );
  }
  await assert.rejects(extractTar(archive(rawHeader({ name: 'h', type: '1', linkname: '../x' })), await fresh()), refused('ARCHIVE_LINK_ESCAPES'));
  // A link inside the archive is fine (it is not created).
  const dir = await fresh();
  await mkdir(join(dir, 'in', 'sub'), { recursive: true });
  await writeFile(join(dir, 'in', 'sub', 'f'), 'x');
  await symlink('f', join(dir, 'in', 'sub', 'link'));
  await run('tar', ['-C', join(dir, 'in'), '-czf', join(dir, 'ok.tar.gz'), 'sub']);
  await extractTar(await readFile(join(dir, 'ok.tar.gz')), join(dir, 'out'));
  assert.deepEqual(await readdir(join(dir, 'out', 'sub')), ['f']);
});

test('forged headers are refused: a size past the end, base-256 sizes, bad checksums, non-octal fields', () => {
  assert.throws(() => readTar(archive(rawHeader({ name: 'f', size: 0o77777777777 }))), refused('ARCHIVE_INVALID', 'runs past the end'));
  assert.throws(
    () => readTar(archive(rawHeader({ name: 'f', sizeField: Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]) }))),
    refused('ARCHIVE_INVALID', 'base-256'),
  );
  assert.throws(() => readTar(archive(rawHeader({ name: 'f', checksumDelta: 1 }))), refused('ARCHIVE_INVALID', 'checksum'));
  assert.throws(() => readTar(archive(rawHeader({ name: 'f', sizeField: Buffer.from('9999999\0') }))), refused('ARCHIVE_INVALID', 'not octal'));
  assert.throws(() => readTar(Buffer.from([0x1f, 0x8b, 1, 2, 3])), refused('ARCHIVE_INVALID', 'gzip'));
  const pax = Buffer.from('99 path=x\n');
  assert.throws(
    () => readTar(archive(rawHeader({ name: 'p', type: 'x', size: pax.length }), Buffer.concat([pax, Buffer.alloc(512 - pax.length)]))),
    refused('ARCHIVE_INVALID', 'pax'),
  );
});

test('an entry that cannot be written (a file where a directory must go) is a typed error', async () => {
  const bytes = writeTar([
    { path: 'a', data: Buffer.from('x') },
    { path: 'a/b', data: Buffer.from('y') },
  ]);
  await assert.rejects(extractTar(bytes, await fresh(), { origin: 'src' }), refused('ARCHIVE_INVALID', 'cannot extract', 'a/b'));
});

test('a real archive with ./ prefixes, directories and a pax long name round-trips', async () => {
  const dir = await fresh();
  const long = `${'d'.repeat(80)}/${'e'.repeat(80)}`;
  await mkdir(join(dir, 'in', 'p', long), { recursive: true });
  await writeFile(join(dir, 'in', 'p', long, 'x.rego'), 'package x\n');
  await writeFile(join(dir, 'in', 'p', 'y.yaml'), 'a: 1\n');
  await run('tar', ['--format=pax', '-C', join(dir, 'in'), '-czf', join(dir, 'ok.tar.gz'), './p']);
  await extractTar(await readFile(join(dir, 'ok.tar.gz')), join(dir, 'out'));
  assert.equal(await readFile(join(dir, 'out', 'p', long, 'x.rego'), 'utf8'), 'package x\n');
  assert.equal(await readFile(join(dir, 'out', 'p', 'y.yaml'), 'utf8'), 'a: 1\n');
  assert.deepEqual(
    readTar(gzipSync(archive(rawHeader({ name: 'f', size: 0 })))).map((e) => e.path),
    ['f'],
  );
});

// git sources with the real git on local repositories: a hostile ref or depth never reaches git (a
// marker file the payload would create stays absent), fetches of one repository at once keep their
// own commits, and the archive is bounded in size and time.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, mkdir, mkdtemp, readFile, symlink, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { promisify } from 'node:util';
import { EnvironmentError, InputError } from '../../../../src/errors.ts';
import { fetchSource } from '../../../../src/policy/sources/fetch.ts';
import { fetchGit, runGit } from '../../../../src/policy/sources/git.ts';
import { gitEnv as sourceGitEnv } from '../../../../src/policy/sources/git-url.ts';

const run = promisify(execFile);
const gitEnv = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' };
let dir: string;
let repo: string;
let first: string;
let second: string;

const git = async (...args: string[]): Promise<string> => (await run('git', ['-C', repo, ...args], { env: gitEnv })).stdout.trim();
const opts = (): { baseDir: string; cacheDir: string; env: NodeJS.ProcessEnv } => ({
  baseDir: dir,
  cacheDir: join(dir, `cache-${Math.random()}`),
  env: process.env,
});
const absent = async (path: string): Promise<boolean> =>
  access(path).then(
    () => false,
    () => true,
  );

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vouch-git-'));
  repo = join(dir, 'repo');
  await mkdir(join(repo, 'policy'), { recursive: true });
  await run('git', ['init', '-q', '-b', 'main', repo]);
  await writeFile(join(repo, 'policy', 'a.rego'), 'package a\n');
  await git('add', '.');
  await git('commit', '-qm', 'one');
  first = await git('rev-parse', 'HEAD');
  await git('tag', 'v1');
  await writeFile(join(repo, 'policy', 'a.rego'), 'package a2\n');
  await git('commit', '-qam', 'two');
  second = await git('rev-parse', 'HEAD');
});

test('a ref that would run a command is refused before git runs; the marker stays absent', async () => {
  const marker = join(dir, 'pwned');
  for (const ref of [`--upload-pack=touch ${marker};false`, `-u touch ${marker}`]) {
    const url = `git::file://${repo}?ref=${encodeURIComponent(ref)}`;
    await assert.rejects(fetchSource(url, opts()), (e: unknown) => e instanceof InputError && e.code === 'GIT_REF_INVALID' && e.message.includes(url));
  }
  await assert.rejects(
    fetchSource(`git::file://${repo}?depth=${encodeURIComponent(`1 --upload-pack=touch ${marker}`)}`, opts()),
    (e: unknown) => e instanceof InputError && e.code === 'GIT_DEPTH_INVALID',
  );
  assert.ok(await absent(marker), 'the payload ran');
});

test('branches, tags, full and abbreviated commit ids, and //subdir are fetched and pinned', async () => {
  const o = opts();
  const main = await fetchSource(`git::file://${repo}//policy?ref=main`, o);
  assert.equal(main.pinned, `git::file://${repo}//policy?ref=${second}`);
  assert.equal(await readFile(join(main.dir, 'a.rego'), 'utf8'), 'package a2\n');
  const tag = await fetchSource(`git::file://${repo}//policy?ref=v1`, o);
  assert.equal(tag.pinned, `git::file://${repo}//policy?ref=${first}`);
  const short = await fetchSource(`git::file://${repo}//policy?ref=${first.slice(0, 8)}`, o);
  assert.equal(short.pinned, `git::file://${repo}//policy?ref=${first}`);
  const full = await fetchSource(`git::${repo}//policy?ref=${first}&depth=1`, o);
  assert.equal(await readFile(join(full.dir, 'a.rego'), 'utf8'), 'package a\n');
});

test('two fetches of one repository at the same time each get their own commit', async () => {
  const o = opts();
  const [a, b] = await Promise.all([fetchSource(`git::file://${repo}//policy?ref=v1`, o), fetchSource(`git::file://${repo}?ref=main`, o)]);
  assert.match(a.pinned, new RegExp(`ref=${first}$`));
  assert.match(b.pinned, new RegExp(`ref=${second}$`));
});

test('the git archive is bounded in bytes, and a link out of the repository is refused', async () => {
  await assert.rejects(fetchGit(`git::file://${repo}?ref=main`, opts(), { maxArchiveBytes: 4096, deadlineMs: 60_000 }), (e: unknown) => {
    return e instanceof InputError && e.code === 'SOURCE_TOO_LARGE' && e.message.includes('4096') && e.message.includes(repo);
  });
  const evil = join(dir, 'evil');
  await run('git', ['init', '-q', '-b', 'main', evil]);
  await symlink('/etc/passwd', join(evil, 'passwd'));
  await run('git', ['-C', evil, 'add', '.'], { env: gitEnv });
  await run('git', ['-C', evil, 'commit', '-qm', 'link'], { env: gitEnv });
  await assert.rejects(
    fetchSource(`git::file://${evil}`, opts()),
    (e: unknown) => e instanceof InputError && e.code === 'ARCHIVE_LINK_ESCAPES' && e.message.includes('/etc/passwd'),
  );
});

test('a git server that never answers is abandoned at the deadline', async () => {
  const server = createServer(() => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  try {
    const started = Date.now();
    await assert.rejects(
      fetchGit(`git::git://127.0.0.1:${port}/r.git`, opts(), { maxArchiveBytes: 1 << 20, deadlineMs: 1000 }),
      (e: unknown) => e instanceof EnvironmentError && e.code === 'SOURCE_DOWNLOAD_TIMEOUT',
    );
    assert.ok(Date.now() - started >= 950, 'abandoned at the deadline, not before (the server never answers: only the deadline ends it)');
  } finally {
    server.close();
  }
});

test("git itself refuses every transport but the source's own (GIT_ALLOW_PROTOCOL)", async () => {
  const bare = join(dir, 'bare-allow');
  await run('git', ['init', '-q', '--bare', bare]);
  const fetch = (protocol: 'https' | 'file'): Promise<Buffer> =>
    runGit(['fetch', '--quiet', '--', `file://${repo}`, 'HEAD'], {
      cwd: bare,
      env: sourceGitEnv(protocol, process.env),
      maxBytes: 1 << 20,
      deadlineMs: 60_000,
      source: 'S',
    });
  await assert.rejects(
    fetch('https'),
    (e: unknown) => e instanceof EnvironmentError && e.code === 'GIT_FAILED' && /transport 'file' not allowed/.test(e.message),
  );
  await fetch('file');
});

// git policy sources fetched with the system git into a bare cache repository, then `git archive`d
// and expanded into a tree keyed by commit. Every run of git is bounded: its output (the archive is
// streamed, not buffered whole by execFile), its time, and the transports it may use.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { EnvironmentError, InputError, VouchError } from '../../errors.ts';
import { TAR_LIMITS, extractTar } from '../../util/tar.ts';
import { exists, publish, sha256Hex } from './cache.ts';
import { gitCommitArgs, gitEnv, gitFetchArgs, isFullSha, parseGitUrl, pinnedGitUrl, type GitUrl } from './git-url.ts';

export interface GitFetchOptions {
  baseDir: string;
  cacheDir: string;
  env: NodeJS.ProcessEnv;
}

export interface GitLimits {
  /** Bytes of `git archive` output (the uncompressed tar of the commit). */
  maxArchiveBytes: number;
  /** Per git command (a fetch of a large repository included). */
  deadlineMs: number;
}

const GIT_LIMITS: GitLimits = { maxArchiveBytes: TAR_LIMITS.maxBytes, deadlineMs: 300_000 };
const SMALL_OUTPUT = 1024 * 1024;
const MAX_STDERR = 16 * 1024;

interface RunOptions {
  cwd?: string;
  env: NodeJS.ProcessEnv;
  maxBytes: number;
  deadlineMs: number;
  /** The source, for messages. */
  source: string;
}

/** Runs git without a shell; stdout is collected up to `maxBytes`, then git is stopped. */
export function runGit(args: string[], opts: RunOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let length = 0;
    let stderr = '';
    let failure: VouchError | undefined;
    let settled = false;
    const stop = (err: VouchError): void => {
      failure ??= err;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () =>
        stop(
          new EnvironmentError(
            'SOURCE_DOWNLOAD_TIMEOUT',
            `policy source ${opts.source}: git ${String(args[0])} did not finish within ${opts.deadlineMs / 1000} s (the limit)`,
            { value: opts.source },
          ),
        ),
      opts.deadlineMs,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > opts.maxBytes)
        stop(
          new InputError('SOURCE_TOO_LARGE', `policy source ${opts.source}: git ${String(args[0])} produced more than ${opts.maxBytes} bytes (the limit)`, {
            value: opts.source,
          }),
        );
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_STDERR) stderr += chunk.toString('utf8');
    });
    const finish = (code: number | null, spawnError?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (failure) reject(failure);
      else if (spawnError)
        reject(new EnvironmentError('GIT_FAILED', `policy source ${opts.source}: cannot run git: ${spawnError.message}`, { value: opts.source }));
      else if (code !== 0)
        reject(
          new EnvironmentError(
            'GIT_FAILED',
            `policy source ${opts.source}: git ${String(args[0])} failed: ${stderr.trim().slice(0, MAX_STDERR) || `exit ${String(code)}`}`,
            { value: opts.source },
          ),
        );
      else resolve(Buffer.concat(out, length));
    };
    child.on('error', (err) => finish(null, err));
    child.on('close', (code) => finish(code));
  });
}

/**
 * The bare cache repository, made once even when several fetches (or runs) start together: it is
 * initialised aside and renamed into place, so nobody sees, or races on, a half-made repository.
 */
async function ensureBareRepository(repoDir: string, env: NodeJS.ProcessEnv, source: string, deadlineMs: number): Promise<void> {
  if (await exists(join(repoDir, 'HEAD'))) return;
  await mkdir(dirname(repoDir), { recursive: true });
  const aside = `${repoDir}.init-${randomBytes(8).toString('hex')}`;
  await runGit(['init', '--quiet', '--bare', '--', aside], { env, maxBytes: SMALL_OUTPUT, deadlineMs, source });
  // Another fetch may have won: its repository stays, ours goes.
  await rename(aside, repoDir).catch(() => rm(aside, { recursive: true, force: true }));
}

async function fetchCommit(g: GitUrl, repoDir: string, run: (args: string[], maxBytes?: number) => Promise<Buffer>): Promise<string> {
  const into = `refs/vouch/fetch/${randomBytes(8).toString('hex')}`;
  await run(gitFetchArgs(g, into));
  try {
    return (await run(gitCommitArgs(g, into))).toString('utf8').trim();
  } finally {
    await run(['update-ref', '-d', '--', into]).catch(() => undefined);
  }
}

export async function fetchGit(url: string, opts: GitFetchOptions, limits: GitLimits = GIT_LIMITS): Promise<{ dir: string; pinned: string }> {
  const g = parseGitUrl(url, opts.baseDir);
  const trees = join(opts.cacheDir, 'sources', 'git-trees');
  // A full commit id is immutable: a cached tree needs no network at all.
  if (g.ref !== undefined && isFullSha(g.ref) && (await exists(join(trees, g.ref)))) {
    return { dir: join(trees, g.ref, g.subdir), pinned: pinnedGitUrl(g, g.ref) };
  }
  const repoDir = join(opts.cacheDir, 'sources', 'git', sha256Hex(g.repo));
  const run = (args: string[], maxBytes = SMALL_OUTPUT): Promise<Buffer> =>
    runGit(args, { cwd: repoDir, env: gitEnv(g.protocol, opts.env), maxBytes, deadlineMs: limits.deadlineMs, source: url });
  await ensureBareRepository(repoDir, gitEnv(g.protocol, opts.env), url, limits.deadlineMs);
  const commit = await fetchCommit(g, repoDir, run);
  if (!isFullSha(commit))
    throw new EnvironmentError('GIT_FAILED', `policy source ${url}: git did not name a commit (${JSON.stringify(commit.slice(0, 80))})`, { value: url });
  const tree = join(trees, commit);
  await publish(tree, async (tmp) => {
    const archive = await run(['archive', '--format=tar', '--end-of-options', commit], limits.maxArchiveBytes);
    await extractTar(archive, tmp, { origin: `policy source ${url}` });
  });
  const dir = join(tree, g.subdir);
  if (!(await exists(dir))) throw new InputError('POLICY_SOURCE_NOT_FOUND', `policy source ${url}: no directory ${g.subdir} at ${commit}`, { value: url });
  return { dir, pinned: pinnedGitUrl(g, commit) };
}

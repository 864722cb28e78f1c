// Fetches policy and data sources into a content-addressed cache: local paths, git (the system
// git), https downloads (archives expanded) and OCI bundles (ORAS-style layers). Each URL is fetched
// once per run; pinned ones (commit sha, manifest digest) are reused across runs.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { EnvironmentError, InputError, errorMessage } from '../../errors.ts';
import { RegistryClient } from '../../oci/client.ts';
import { formatReference, parseReference } from '../../oci/reference.ts';
import { isIndex } from '../../oci/types.ts';
import { extractTar } from '../../util/tar.ts';
import { classifySource, parseGitUrl, pinnedGitUrl } from './classify.ts';

const run = promisify(execFile);
const MAX_DOWNLOAD = 256 * 1024 * 1024;
const TITLE = 'org.opencontainers.image.title';

export interface FetchOptions {
  baseDir: string;
  cacheDir: string;
}

export interface FetchedSource {
  /** Local directory (or file) holding the source. */
  dir: string;
  /** The URL as the report shows it: git commit and OCI digest pinned. */
  pinned: string;
}

const inFlight = new Map<string, Promise<FetchedSource>>();

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

export function fetchSource(url: string, opts: FetchOptions): Promise<FetchedSource> {
  const key = `${opts.cacheDir}\n${opts.baseDir}\n${url}`;
  let p = inFlight.get(key);
  if (!p) {
    p = fetchUncached(url, opts);
    inFlight.set(key, p);
    p.catch(() => inFlight.delete(key));
  }
  return p;
}

async function fetchUncached(url: string, opts: FetchOptions): Promise<FetchedSource> {
  const local = resolve(opts.baseDir, url.replace(/^file::/, '').replace(/^file:\/\//, ''));
  const kind = classifySource(url, await exists(local));
  switch (kind) {
    case 'file':
      if (!(await exists(local))) {
        throw new InputError('POLICY_SOURCE_NOT_FOUND', `policy source ${url}: no such file or directory (${local})`, { value: url });
      }
      return { dir: local, pinned: url };
    case 'git':
      return fetchGit(url, opts);
    case 'https':
      return fetchHttps(url, opts);
    case 'oci':
      return fetchOci(url, opts);
  }
}

async function git(args: string[], cwd?: string): Promise<string> {
  try {
    const { stdout } = await run('git', args, { cwd, maxBuffer: MAX_DOWNLOAD, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    return stdout;
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr?.trim();
    throw new EnvironmentError('GIT_FAILED', `git ${args[0]} failed: ${stderr || errorMessage(err)}`, { value: args.join(' ') });
  }
}

async function fetchGit(url: string, opts: FetchOptions): Promise<FetchedSource> {
  const g = parseGitUrl(url);
  const root = join(opts.cacheDir, 'sources');
  const trees = join(root, 'git-trees');
  // A full commit sha is immutable: a cached tree needs no network at all.
  if (g.ref && /^[0-9a-f]{40}$/.test(g.ref) && (await exists(join(trees, g.ref)))) {
    return { dir: join(trees, g.ref, g.subdir), pinned: pinnedGitUrl(g, g.ref) };
  }
  const repoDir = join(root, 'git', sha(g.repo));
  if (!(await exists(join(repoDir, 'HEAD')))) {
    await mkdir(repoDir, { recursive: true });
    await git(['init', '--quiet', '--bare', repoDir]);
  }
  await git(['fetch', '--quiet', '--force', ...(g.depth ? [`--depth=${g.depth}`] : []), g.repo, g.ref ?? 'HEAD'], repoDir);
  const commit = (await git(['rev-parse', 'FETCH_HEAD^{commit}'], repoDir)).trim();
  const tree = join(trees, commit);
  if (!(await exists(tree))) {
    const { stdout } = await run('git', ['archive', '--format=tar', commit], { cwd: repoDir, encoding: 'buffer', maxBuffer: MAX_DOWNLOAD });
    const tmp = `${tree}.tmp-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    await mkdir(tmp, { recursive: true });
    await extractTar(stdout, tmp);
    await rename(tmp, tree).catch(async () => rm(tmp, { recursive: true, force: true }));
  }
  const dir = join(tree, g.subdir);
  if (!(await exists(dir))) throw new InputError('POLICY_SOURCE_NOT_FOUND', `policy source ${url}: no directory ${g.subdir} at ${commit}`, { value: url });
  return { dir, pinned: pinnedGitUrl(g, commit) };
}

async function download(url: string): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(60_000) });
  } catch (err) {
    throw new EnvironmentError('SOURCE_DOWNLOAD_FAILED', `downloading ${url} failed: ${errorMessage(err)}`, { value: url });
  }
  if (!res.ok) throw new EnvironmentError('SOURCE_DOWNLOAD_FAILED', `downloading ${url} failed: HTTP ${res.status}`, { value: url });
  const bytes = Buffer.from(await res.arrayBuffer());
  if (bytes.length > MAX_DOWNLOAD) throw new InputError('SOURCE_TOO_LARGE', `${url} is over ${MAX_DOWNLOAD} bytes`, { value: url });
  return bytes;
}

const isArchive = (name: string, bytes: Uint8Array): boolean => /\.(tar\.gz|tgz|tar)$/i.test(name) || (bytes[0] === 0x1f && bytes[1] === 0x8b);

async function fetchHttps(url: string, opts: FetchOptions): Promise<FetchedSource> {
  const target = url.replace(/^(https?)::/, '');
  const bytes = await download(target);
  const dir = join(opts.cacheDir, 'sources', 'https', sha(`${target}\n${createHash('sha256').update(bytes).digest('hex')}`));
  if (!(await exists(dir))) {
    const tmp = `${dir}.tmp-${process.pid}`;
    await mkdir(tmp, { recursive: true });
    const name = basename(new URL(target).pathname) || 'download';
    if (isArchive(name, bytes)) await extractTar(bytes, tmp);
    else await writeFile(join(tmp, name), bytes);
    await rename(tmp, dir).catch(async () => rm(tmp, { recursive: true, force: true }));
  }
  return { dir, pinned: url };
}

async function fetchOci(url: string, opts: FetchOptions): Promise<FetchedSource> {
  const ref = parseReference(url.replace(/^oci::/, '').replace(/^oci:\/\//, '').replace(/^https?:\/\//, ''));
  const client = new RegistryClient();
  const desc = await client.resolve(ref);
  const pinned = `oci::${formatReference({ ...ref, digest: undefined })}@${desc.digest}`;
  const dir = join(opts.cacheDir, 'sources', 'oci', desc.digest.replace(':', '-'));
  if (await exists(dir)) return { dir, pinned };
  const fetched = await client.getManifest(ref, desc.digest);
  if (!fetched || isIndex(fetched.manifest)) throw new InputError('POLICY_BUNDLE_INVALID', `${url}: not an image manifest (ORAS policy bundle expected)`, { value: url });
  const tmp = `${dir}.tmp-${process.pid}`;
  await mkdir(tmp, { recursive: true });
  for (const layer of fetched.manifest.layers) {
    const bytes = await client.getBlob(ref, layer, MAX_DOWNLOAD);
    const title = layer.annotations?.[TITLE];
    // ORAS packs a directory as a tar whose entries already carry the directory's name.
    if (layer.mediaType.includes('tar') || (!title && isArchive('', bytes))) await extractTar(bytes, tmp);
    else if (title) await writeFile(join(tmp, basename(title)), bytes);
  }
  await rename(tmp, dir).catch(async () => rm(tmp, { recursive: true, force: true }));
  return { dir, pinned };
}

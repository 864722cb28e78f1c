// Fetches policy and data sources into a content-addressed cache: local paths, git (the system
// git), https downloads (archives expanded) and OCI bundles (ORAS-style layers). Each URL is fetched
// once per run; pinned ones (commit sha, manifest digest) are reused across runs. Every URL is
// checked (`checkSource`) before anything is fetched.
import { writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { InputError } from '../../errors.ts';
import { RegistryClient } from '../../oci/client.ts';
import { formatReference, parseReference } from '../../oci/reference.ts';
import { isIndex } from '../../oci/types.ts';
import { TarBudget, extractTar } from '../../util/tar.ts';
import { exists, publish, sha256Hex } from './cache.ts';
import { classifySource, httpSourceUrl, type SourceKind } from './classify.ts';
import { download } from './download.ts';
import { fetchGit } from './git.ts';
import { parseGitUrl } from './git-url.ts';

const MAX_LAYER = 64 * 1024 * 1024;
const TITLE = 'org.opencontainers.image.title';

export interface FetchOptions {
  baseDir: string;
  cacheDir: string;
  /** The run's environment: git's, and the registry client's credentials. */
  env: NodeJS.ProcessEnv;
}

export interface CheckOptions {
  baseDir: string;
  /** The URL came from a policy configuration fetched from a remote source: it may not name local files. */
  remote?: boolean;
}

export interface FetchedSource {
  /** Local directory (or file) holding the source. */
  dir: string;
  /** The URL as the report shows it: git commit and OCI digest pinned. */
  pinned: string;
}

const inFlight = new Map<string, Promise<FetchedSource>>();

const localPath = (url: string, baseDir: string): string => resolve(baseDir, url.replace(/^file::/i, '').replace(/^file:\/\//i, ''));

/**
 * Classifies a source URL and checks everything about it that needs no network: scheme and transport,
 * git ref, depth and sub-directory. A remote configuration may not point at this machine's files.
 */
export async function checkSource(url: string, opts: CheckOptions): Promise<SourceKind> {
  const kind = classifySource(url, await exists(localPath(url, opts.baseDir)));
  const local = kind === 'file' || (kind === 'git' && parseGitUrl(url, opts.baseDir).protocol === 'file');
  if (opts.remote && local) {
    throw new InputError(
      'REMOTE_POLICY_LOCAL_SOURCE',
      `policy source ${url}: a policy configuration fetched from a remote source may not name local files or repositories`,
      {
        value: url,
      },
    );
  }
  if (kind === 'https') httpSourceUrl(url.replace(/^https?::/i, ''), url);
  return kind;
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
  const kind = await checkSource(url, opts);
  switch (kind) {
    case 'file': {
      const local = localPath(url, opts.baseDir);
      if (!(await exists(local))) {
        throw new InputError('POLICY_SOURCE_NOT_FOUND', `policy source ${url}: no such file or directory (${local})`, { value: url });
      }
      // ec's report names a local source `file::<path as given>` (conforma/go-gather v1.2.0
      // gather/file/file.go GetPinnedURL: one `file::`, then one `file://`, trimmed first).
      return { dir: local, pinned: `file::${url.replace(/^file::/, '').replace(/^file:\/\//, '')}` };
    }
    case 'git':
      return fetchGit(url, opts);
    case 'https':
      return fetchHttps(url, opts);
    case 'oci':
      return fetchOci(url, opts);
  }
}

const isArchive = (name: string, bytes: Uint8Array): boolean => /\.(tar\.gz|tgz|tar)$/i.test(name) || (bytes[0] === 0x1f && bytes[1] === 0x8b);

/** A file name from a URL path or a layer title: one plain component. */
function fileName(name: string, url: string): string {
  const base = basename(name);
  if (base === '' || base === '.' || base === '..' || base.includes('\\')) {
    throw new InputError('POLICY_BUNDLE_INVALID', `policy source ${url}: ${JSON.stringify(name)} is not a usable file name`, { value: url });
  }
  return base;
}

async function fetchHttps(url: string, opts: FetchOptions): Promise<FetchedSource> {
  const target = url.replace(/^https?::/i, '');
  const bytes = await download(target, url);
  const dir = join(opts.cacheDir, 'sources', 'https', sha256Hex(`${target}\n${sha256Hex(bytes)}`));
  await publish(dir, async (tmp) => {
    const name = basename(new URL(target).pathname) || 'download';
    if (isArchive(name, bytes)) await extractTar(bytes, tmp, { origin: `policy source ${url}` });
    else await writeFile(join(tmp, fileName(name, url)), bytes);
  });
  return { dir, pinned: url };
}

async function fetchOci(url: string, opts: FetchOptions): Promise<FetchedSource> {
  const ref = parseReference(
    url
      .replace(/^oci::/i, '')
      .replace(/^oci:\/\//i, '')
      .replace(/^https?:\/\//i, ''),
  );
  const client = new RegistryClient({ env: opts.env });
  const desc = await client.resolve(ref);
  const pinned = `oci::${formatReference({ ...ref, digest: undefined })}@${desc.digest}`;
  const dir = join(opts.cacheDir, 'sources', 'oci', desc.digest.replace(':', '-'));
  if (await exists(dir)) return { dir, pinned };
  const fetched = await client.getManifest(ref, desc.digest);
  if (!fetched || isIndex(fetched.manifest))
    throw new InputError('POLICY_BUNDLE_INVALID', `${url}: not an image manifest (ORAS policy bundle expected)`, { value: url });
  const layers = fetched.manifest.layers;
  // One budget for every layer: many small layers cannot add up to more than one large archive.
  const budget = new TarBudget(`policy source ${url}`);
  await publish(dir, async (tmp) => {
    for (const layer of layers) {
      budget.takeEntry();
      const bytes = await client.getBlob(ref, layer, Math.min(MAX_LAYER, budget.remainingBytes));
      const title = layer.annotations?.[TITLE];
      // ORAS packs a directory as a tar whose entries already carry the directory's name.
      if (layer.mediaType.includes('tar') || (!title && isArchive('', bytes))) await extractTar(bytes, tmp, { budget });
      else if (title) {
        budget.takeBytes(bytes.length);
        await writeFile(join(tmp, fileName(title, url)), bytes);
      }
    }
  });
  return { dir, pinned };
}

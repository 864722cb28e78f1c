// Policy source URLs, classified in go-gather's order (ec-cli.md §2.3). Pure.
import { InputError } from '../../errors.ts';

export type SourceKind = 'file' | 'git' | 'https' | 'oci';

const FORGES = /(^|[/.@])(github\.com|gitlab\.com|bitbucket\.org)([/:]|$)/;
const OCI_HOSTS = /^(quay\.io|[\w.-]+\.gcr\.io|gcr\.io|[\w.-]+\.pkg\.dev|[\w.-]+\.azurecr\.io|registry\.gitlab\.com|[\w.-]+\.dkr\.ecr\.[\w.-]+\.amazonaws\.com|localhost|127\.0\.0\.1|\[?::1\]?)(:\d+)?\//;

function insecure(url: string): InputError {
  return new InputError('INSECURE_SOURCE', `attempting to download from insecure source: ${url} (use https://)`, { value: url });
}

/** Loopback hosts may be reached over plain http (tests; ec refuses http everywhere). */
export function isLoopbackUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    return host === 'localhost' || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
}

/** `existsLocally`: the value names an existing local path (go-gather's file detector wins). */
export function classifySource(url: string, existsLocally: boolean): SourceKind {
  const forced = /^([a-z0-9]+)::(.*)$/.exec(url);
  if (forced) {
    const [, kind, rest] = forced as unknown as [string, string, string];
    if (kind === 'oci') return 'oci';
    if (kind === 'file') return 'file';
    if (rest.startsWith('http://') && !isLoopbackUrl(rest)) throw insecure(url);
    if (kind === 'git') return 'git';
    if (kind === 'http' || kind === 'https') return 'https';
    throw new InputError('UNKNOWN_SOURCE_TYPE', `unknown source type "${kind}::" in ${url}: use git::, oci::, file:: or an https:// URL`, { value: url });
  }
  if (url.startsWith('oci://')) return 'oci';
  if (url.startsWith('file://') || url.startsWith('/') || url.startsWith('./') || url.startsWith('../') || existsLocally) return 'file';
  if (url.startsWith('git://') || /^git@[^:]+:/.test(url) || /\.git($|\/\/|\?)/.test(url)) return 'git';
  if (url.startsWith('http://')) {
    if (!isLoopbackUrl(url)) throw insecure(url);
    return FORGES.test(url) ? 'git' : 'https';
  }
  if (url.startsWith('https://')) return FORGES.test(url) ? 'git' : 'https';
  if (FORGES.test(url)) return 'git';
  if (OCI_HOSTS.test(url)) return 'oci';
  return 'file';
}

export interface GitUrl {
  /** What `git clone` is given. */
  repo: string;
  /** Sub-directory after `//`. */
  subdir: string;
  ref?: string;
  depth?: number;
  /** `host/path` without scheme, for the pinned form. */
  display: string;
}

export function parseGitUrl(url: string): GitUrl {
  let rest = url.replace(/^git::/, '');
  const q = rest.indexOf('?');
  const query = new URLSearchParams(q === -1 ? '' : rest.slice(q + 1));
  if (q !== -1) rest = rest.slice(0, q);
  let ref = query.get('ref') ?? undefined;
  let subdir = '';
  if (ref?.includes('//')) {
    const [r, s] = ref.split('//', 2) as [string, string];
    ref = r;
    subdir = s;
  }
  const scheme = /^[a-z+]+:\/\//.exec(rest)?.[0] ?? '';
  const body = rest.slice(scheme.length);
  const sep = body.indexOf('//');
  if (sep !== -1) {
    subdir = subdir || body.slice(sep + 2);
  }
  let repoPath = sep === -1 ? body : body.slice(0, sep);
  let repo: string;
  if (scheme) repo = `${scheme}${repoPath}`;
  else if (/^git@[^:]+:/.test(repoPath)) repo = repoPath;
  else {
    if (!repoPath.endsWith('.git') && FORGES.test(repoPath)) repoPath = `${repoPath}.git`;
    repo = `https://${repoPath}`;
  }
  const depthText = query.get('depth');
  return {
    repo,
    subdir,
    ...(ref ? { ref } : {}),
    ...(depthText ? { depth: Number(depthText) } : {}),
    // ec prints https sources without the scheme; others keep it so the pinned URL still works.
    display: repo.replace(/^https:\/\//, '').replace(/^git@([^:]+):/, '$1/'),
  };
}

/** ec's pinned git form: `git::<host/path>//subdir?ref=<sha>`. */
export function pinnedGitUrl(g: GitUrl, sha: string): string {
  return `git::${g.display}${g.subdir ? `//${g.subdir}` : ''}?ref=${sha}`;
}

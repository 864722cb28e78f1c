// git policy sources: `git::<repo>//<subdir>?ref=<ref>&depth=<n>` parsed into what `git fetch` is
// given, every part checked first. Pure. A user-chosen value must never reach git as an option
// (`--upload-pack=…` runs a command) or pick a transport that runs one (`ext::`, `fd::`, unknown
// `scheme://` helpers): refs follow git-check-ref-format, every user value comes after `--`, and
// only https (plain http and git:// on loopback), ssh and local repositories are fetched.
import { isAbsolute, posix, resolve } from 'node:path';
import { InputError } from '../../errors.ts';
import type { PolicyErrorCode } from '../errors.ts';
import { FORGES, assertCleanSourceUrl, isLoopbackUrl, schemeOf } from './classify.ts';

/** The transports vouch lets git use, as git names them in `GIT_ALLOW_PROTOCOL`. */
export type GitProtocol = 'https' | 'http' | 'git' | 'ssh' | 'file';

export interface GitUrl {
  /** What `git fetch` is given after `--`. */
  repo: string;
  protocol: GitProtocol;
  /** Sub-directory after `//`, normalised, never leaving the tree. */
  subdir: string;
  ref?: string;
  depth?: number;
  /** `host/path` without scheme, for the pinned form. */
  display: string;
}

/** The options vouch itself passes to `git fetch`, before `--`. */
export const GIT_FETCH_OPTIONS = ['--quiet', '--force', '--no-tags'] as const;

const SCHEMES: Record<string, GitProtocol> = { https: 'https', http: 'http', git: 'git', ssh: 'ssh', 'git+ssh': 'ssh', 'ssh+git': 'ssh', file: 'file' };
const SCP = /^git@([A-Za-z0-9][A-Za-z0-9.-]*):(.+)$/;
const HEX = /^[0-9a-f]{7,64}$/i;
const FULL_SHA = /^([0-9a-f]{40}|[0-9a-f]{64})$/;
const REF_FORBIDDEN = /[\u0000-\u0020\u007f~^:?*[\\]/;

function invalid(code: PolicyErrorCode, url: string, why: string): InputError {
  return new InputError(code, `policy source ${url}: ${why}`, { value: url });
}

/** git-check-ref-format's rules for a ref name (one-level names allowed), or a hex commit id. */
export function isGitRefName(ref: string): boolean {
  if (HEX.test(ref)) return true;
  if (ref === '' || ref.length > 1024 || ref === '@' || /^[-+/]/.test(ref) || /[/.]$/.test(ref)) return false;
  if (REF_FORBIDDEN.test(ref) || ref.includes('..') || ref.includes('//') || ref.includes('@{')) return false;
  return ref.split('/').every((c) => !c.startsWith('.') && !c.endsWith('.lock'));
}

/** A full commit id (sha-1 or sha-256): immutable, so a cached tree needs no network. */
export const isFullSha = (ref: string | undefined): boolean => ref !== undefined && FULL_SHA.test(ref);
/** An abbreviated commit id: only found by fetching the branches and tags. */
const isAbbreviatedSha = (ref: string | undefined): boolean => ref !== undefined && HEX.test(ref) && !FULL_SHA.test(ref.toLowerCase());

function checkSubdir(subdir: string, url: string): string {
  if (subdir === '') return '';
  const norm = posix.normalize(subdir).replace(/\/+$/, '');
  if (subdir.startsWith('/') || subdir.includes('\\') || norm === '..' || norm.startsWith('../') || norm.split('/').includes('..')) {
    throw invalid('GIT_SUBDIR_INVALID', url, `the sub-directory ${JSON.stringify(subdir)} must stay inside the repository`);
  }
  return norm === '.' ? '' : norm;
}

function checkDepth(text: string | null, url: string): number | undefined {
  if (text === null) return undefined;
  if (!/^[1-9][0-9]{0,8}$/.test(text)) throw invalid('GIT_DEPTH_INVALID', url, `depth ${JSON.stringify(text)} must be a positive integer`);
  return Number(text);
}

function parseQuery(query: string, url: string): { ref?: string; depth: string | null } {
  const params = new URLSearchParams(query);
  for (const key of new Set(params.keys())) {
    if (key !== 'ref' && key !== 'depth')
      throw invalid('GIT_QUERY_INVALID', url, `unknown query parameter ${JSON.stringify(key)} (ref and depth are supported)`);
    if (params.getAll(key).length > 1) throw invalid('GIT_QUERY_INVALID', url, `query parameter ${key} is given more than once`);
  }
  const ref = params.get('ref') ?? '';
  return { ...(ref !== '' ? { ref } : {}), depth: params.get('depth') };
}

/** A remote host or user that git could hand to ssh or curl as an option. */
function checkRemote(repo: string, protocol: GitProtocol, url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(repo);
  } catch {
    throw invalid('SOURCE_URL_INVALID', url, `${JSON.stringify(repo)} is not a valid git URL`);
  }
  if (protocol === 'file') {
    if (parsed.hostname !== '') throw invalid('SOURCE_URL_INVALID', url, `${JSON.stringify(repo)}: file:// URLs name a local repository, without a host`);
    return;
  }
  if (parsed.hostname === '' || parsed.hostname.startsWith('-') || /^(-|%2d)/i.test(parsed.username)) {
    throw invalid('SOURCE_URL_INVALID', url, `${JSON.stringify(repo)} has no valid host`);
  }
  if ((protocol === 'http' || protocol === 'git') && !isLoopbackUrl(repo)) {
    throw new InputError('INSECURE_SOURCE', `attempting to download from insecure source: ${url} (use https:// or ssh)`, { value: url });
  }
}

/** Where the repository is, and over what. `baseDir` resolves relative local repositories. */
function locateRepo(body: string, scheme: string | undefined, url: string, baseDir: string): { repo: string; protocol: GitProtocol } {
  if (scheme !== undefined) {
    const protocol = SCHEMES[scheme];
    if (!protocol) throw invalid('GIT_TRANSPORT_REFUSED', url, `the git transport ${scheme}:// is not allowed (use https://, ssh:// or git@host:path)`);
    const repo = `${scheme}://${body}`;
    checkRemote(repo, protocol, url);
    return { repo, protocol };
  }
  const scp = SCP.exec(body);
  if (scp) {
    if (scp[2]!.startsWith('-')) throw invalid('SOURCE_URL_INVALID', url, `the repository path ${JSON.stringify(scp[2])} must not start with "-"`);
    return { repo: body, protocol: 'ssh' };
  }
  if (body.startsWith('/') || body.startsWith('./') || body.startsWith('../')) {
    const repo = isAbsolute(body) ? body : resolve(baseDir, body);
    return { repo, protocol: 'file' };
  }
  const repo = `https://${!body.endsWith('.git') && FORGES.test(body) ? `${body}.git` : body}`;
  checkRemote(repo, 'https', url);
  return { repo, protocol: 'https' };
}

export function parseGitUrl(url: string, baseDir: string = process.cwd()): GitUrl {
  assertCleanSourceUrl(url);
  let rest = url.replace(/^git::/i, '');
  const helper = /^([A-Za-z0-9][A-Za-z0-9+.-]*)::/.exec(rest);
  if (helper) throw invalid('GIT_TRANSPORT_REFUSED', url, `the git transport ${helper[1]!}:: is not allowed (it runs a command)`);
  const q = rest.indexOf('?');
  const query = parseQuery(q === -1 ? '' : rest.slice(q + 1), url);
  if (q !== -1) rest = rest.slice(0, q);
  let ref = query.ref;
  let subdir = '';
  if (ref?.includes('//')) {
    const [r, s] = ref.split('//', 2) as [string, string];
    ref = r === '' ? undefined : r;
    subdir = s;
  }
  if (ref !== undefined && !isGitRefName(ref)) {
    throw invalid('GIT_REF_INVALID', url, `ref ${JSON.stringify(ref)} is not a git branch, tag or commit name (git check-ref-format)`);
  }
  const scheme = schemeOf(rest);
  const body = scheme === undefined ? rest : rest.slice(rest.indexOf('://') + 3);
  // The first `//` after the host separates the sub-directory (`file:///abs` has none of its own).
  const sep = body.indexOf('//', 1);
  if (sep !== -1) subdir = subdir || body.slice(sep + 2);
  const { repo, protocol } = locateRepo(sep === -1 ? body : body.slice(0, sep), scheme, url, baseDir);
  const depth = checkDepth(query.depth, url);
  return {
    repo,
    protocol,
    subdir: checkSubdir(subdir, url),
    ...(ref !== undefined ? { ref } : {}),
    ...(depth !== undefined ? { depth } : {}),
    // ec prints https sources without the scheme; others keep it so the pinned URL still works.
    display: repo.replace(/^https:\/\//, '').replace(/^git@([^:]+):/, '$1/'),
  };
}

/**
 * `git fetch` arguments: vouch's fixed options, then `--`, then only the checked repository and refs.
 * The commit lands on a ref of this fetch's own (`into`), not FETCH_HEAD, so fetches of one repository
 * running at the same time cannot swap commits.
 */
export function gitFetchArgs(g: GitUrl, into: string): string[] {
  const abbreviated = isAbbreviatedSha(g.ref);
  const refspecs = abbreviated ? ['+refs/heads/*:refs/vouch/heads/*', '+refs/tags/*:refs/vouch/tags/*'] : [`+${g.ref ?? 'HEAD'}:${into}`];
  return ['fetch', ...GIT_FETCH_OPTIONS, ...(g.depth !== undefined && !abbreviated ? [`--depth=${g.depth}`] : []), '--', g.repo, ...refspecs];
}

/** The commit to archive after the fetch: the fetched ref, or the abbreviated id among what was fetched. */
export function gitCommitArgs(g: GitUrl, into: string): string[] {
  return ['rev-parse', '--verify', '--quiet', '--end-of-options', `${g.ref !== undefined && isAbbreviatedSha(g.ref) ? g.ref : into}^{commit}`];
}

/** The environment git runs in: no prompts, and only this source's transport (redirects included). */
export function gitEnv(protocol: GitProtocol, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, GIT_TERMINAL_PROMPT: '0', GIT_ALLOW_PROTOCOL: protocol, GIT_PROTOCOL_FROM_USER: '0' };
}

/** ec's pinned git form: `git::<host/path>//subdir?ref=<sha>`. */
export function pinnedGitUrl(g: GitUrl, sha: string): string {
  return `git::${g.display}${g.subdir ? `//${g.subdir}` : ''}?ref=${sha}`;
}

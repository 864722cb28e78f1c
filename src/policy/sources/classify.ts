// Policy source URLs, classified in go-gather's order (conforma/go-gather fa03c16efc90
// gather/*/, routed by conforma/cli a18338416237 internal/downloader/downloader.go). Pure. Schemes
// are compared case-insensitively and a URL with surrounding blanks or control characters is
// refused: the WHATWG URL parser (which fetch and git's curl apply) ignores them, so ` HTTP://host`
// would otherwise pass an `http://` prefix check and still be fetched over plain http.
import { InputError } from '../../errors.ts';

export type SourceKind = 'file' | 'git' | 'https' | 'oci';

export const FORGES = /(^|[/.@])(github\.com|gitlab\.com|bitbucket\.org)([/:]|$)/i;
const OCI_HOSTS =
  /^(quay\.io|[\w.-]+\.gcr\.io|gcr\.io|[\w.-]+\.pkg\.dev|[\w.-]+\.azurecr\.io|registry\.gitlab\.com|[\w.-]+\.dkr\.ecr\.[\w.-]+\.amazonaws\.com|localhost|127\.0\.0\.1|\[?::1\]?)(:\d+)?\//i;
/** go-getter's forced getter prefix: `git::`, `oci::`, … */
const FORCED = /^([A-Za-z0-9]+)::/;
/** `scheme://`, lower-cased by the caller. */
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;
const CONTROL = /[\u0000-\u001f\u007f]/;

function insecure(url: string): InputError {
  return new InputError('INSECURE_SOURCE', `attempting to download from insecure source: ${url} (use https://)`, { value: url });
}

/** The lower-cased `scheme` of `scheme://…`, if any. */
export function schemeOf(url: string): string | undefined {
  return SCHEME.exec(url)?.[1]?.toLowerCase();
}

/** Loopback hosts may be reached over plain http (tests; ec refuses http everywhere). Literal addresses only. */
export function isLoopbackUrl(url: string): boolean {
  let host: string;
  try {
    host = new URL(url).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  } catch {
    return false;
  }
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** A source URL must be one clean line: no surrounding blanks, no control characters. */
/** `scheme://userinfo@`: the userinfo of a URL, after an optional forced `kind::`. */
const USERINFO = /^(?:[A-Za-z0-9]+::)?\s*[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)@/;

/**
 * Refuses a source URL that carries credentials (`https://user:token@…`, `https://token@…`, an ssh
 * password): source URLs are printed in reports, logs and messages, so a secret must reach git
 * another way (a credential helper, ~/.git-credentials, an ssh key). An ssh user name alone is no
 * secret. The message shows the URL with its userinfo masked.
 */
function assertNoCredentials(url: string): void {
  const userinfo = USERINFO.exec(url)?.[1];
  if (userinfo === undefined) return;
  const ssh = /^(?:[A-Za-z0-9]+::)?\s*(?:git\+)?ssh:\/\//i.test(url);
  if (ssh && !userinfo.includes(':')) return;
  const masked = url.replace(USERINFO, (m, info: string) => m.replace(`${info}@`, '***@'));
  throw new InputError(
    'SOURCE_URL_CREDENTIALS',
    `policy source ${masked}: a source URL must not carry credentials (they would be printed in reports and logs); give them to git through a credential helper or ~/.git-credentials, or use an ssh key`,
    { value: masked },
  );
}

export function assertCleanSourceUrl(url: string): void {
  if (url === '' || url.trim() !== url || CONTROL.test(url)) {
    throw new InputError(
      'SOURCE_URL_INVALID',
      `policy source ${JSON.stringify(url)}: a source URL must not be empty, carry surrounding blanks or control characters`,
      {
        value: url,
      },
    );
  }
}

/**
 * What an https source is fetched from: an `https://` URL, or `http://` on a loopback host. Applied
 * to the source and to every redirect it answers with (`redirectedFrom`: the hop before).
 */
export function httpSourceUrl(url: string, source: string = url, redirectedFrom?: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputError('SOURCE_URL_INVALID', `policy source ${source}: ${JSON.stringify(url)} is not a URL`, { value: source });
  }
  if (parsed.protocol === 'https:') return parsed;
  if (parsed.protocol === 'http:') {
    if (isLoopbackUrl(url)) return parsed;
    throw insecure(redirectedFrom === undefined ? source : `${url} (policy source ${source} redirected there from ${redirectedFrom})`);
  }
  throw new InputError('SOURCE_URL_INVALID', `policy source ${source}: ${JSON.stringify(url)} is not an https:// URL`, { value: source });
}

/** `existsLocally`: the value names an existing local path (go-gather's file detector wins). */
export function classifySource(url: string, existsLocally: boolean): SourceKind {
  assertNoCredentials(url);
  assertCleanSourceUrl(url);
  const forced = FORCED.exec(url);
  if (forced) {
    const kind = forced[1]!.toLowerCase();
    const rest = url.slice(forced[0].length);
    assertCleanSourceUrl(rest);
    if (kind === 'oci') return 'oci';
    if (kind === 'file') return 'file';
    if (kind !== 'git' && kind !== 'http' && kind !== 'https') {
      throw new InputError('UNKNOWN_SOURCE_TYPE', `unknown source type "${kind}::" in ${url}: use git::, oci::, file:: or an https:// URL`, { value: url });
    }
    if (schemeOf(rest) === 'http' && !isLoopbackUrl(rest)) throw insecure(url);
    if (kind === 'git') return 'git';
    httpSourceUrl(rest, url);
    return 'https';
  }
  const scheme = schemeOf(url);
  if (scheme === 'oci') return 'oci';
  if (scheme === 'file' || url.startsWith('/') || url.startsWith('./') || url.startsWith('../') || existsLocally) return 'file';
  if (scheme === 'git' || /^git@[^:]+:/.test(url) || /\.git($|\/\/|\?)/.test(url)) return 'git';
  if (scheme === 'http') {
    if (!isLoopbackUrl(url)) throw insecure(url);
    return FORGES.test(url) ? 'git' : 'https';
  }
  if (scheme === 'https') return FORGES.test(url) ? 'git' : 'https';
  if (FORGES.test(url)) return 'git';
  if (OCI_HOSTS.test(url)) return 'oci';
  return 'file';
}

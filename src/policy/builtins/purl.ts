// The Rego builtins ec.purl.is_valid and ec.purl.parse, answering as ec does: conforma/cli
// a18338416237 internal/rego/purl/purl.go over github.com/package-url/packageurl-go v0.1.3
// (7cb81af9593b, packageurl.go FromString), which parses with Go's net/url and unescapes with
// url.PathUnescape/QueryUnescape. ec's contract is what packageurl-go does, also where that departs
// from the purl specification (kept, and listed in test/fixtures/README.md with the spec's suite):
// e.g. a `pkg:/` or `pkg://` prefix is accepted, a name in the path form is percent-decoded twice,
// and the first subpath segment may be "." or "..". Duplicate qualifier keys are refused, as
// packageurl-go refuses them (after dropping empty values). Percent-escapes that decode to invalid
// UTF-8 become U+FFFD byte by byte, as Go's JSON shows them. Never throws. Pure.
import { fromByteString, toByteString } from './go/bytes.ts';
import { goPathJoin, goToLower, goTrim } from './go/strings.ts';
import { parseURL, pathUnescape, queryUnescape } from './go/url.ts';

interface PurlQualifier {
  key: string;
  value: string;
}

/** What ec.purl.parse returns. */
export interface ParsedPurl {
  type: string;
  namespace: string;
  name: string;
  version: string;
  qualifiers: PurlQualifier[];
  subpath: string;
}

class PurlError extends Error {}

const TYPE = /^[A-Za-z.\-+][0-9A-Za-z.\-+]*$/;
const QUALIFIER_KEY = /^[A-Za-z.\-_][0-9A-Za-z.\-_]*$/;

const LOWER_NAMESPACE = new Set(['alpm', 'apk', 'bitbucket', 'composer', 'deb', 'github', 'golang', 'npm', 'rpm', 'qpkg']);
const LOWER_NAME = new Set(['alpm', 'apk', 'bitbucket', 'bitnami', 'composer', 'deb', 'github', 'golang', 'npm']);

function unescaped(result: ReturnType<typeof pathUnescape>): string {
  if (!result.ok) throw new PurlError(result.message);
  return result.value;
}

/** parseQualifiers: the query split on "&", each "key=value" query-unescaped, keys validated. */
function parseQualifiers(rawQuery: string): PurlQualifier[] {
  const out: PurlQualifier[] = [];
  for (const piece of rawQuery === '' ? [] : rawQuery.split('&')) {
    if (piece.includes(';')) throw new PurlError('invalid semicolon separator in query');
    if (piece === '') continue;
    const eq = piece.indexOf('=');
    const key = unescaped(queryUnescape(eq < 0 ? piece : piece.slice(0, eq)));
    if (!QUALIFIER_KEY.test(key)) throw new PurlError('invalid qualifier key');
    const value = unescaped(queryUnescape(eq < 0 ? '' : piece.slice(eq + 1)));
    out.push({ key: key.toLowerCase(), value });
  }
  return out;
}

/** Qualifiers.Normalize: empty values dropped, keys sorted, a repeated key refused. */
function normalizeQualifiers(qualifiers: PurlQualifier[]): PurlQualifier[] {
  const kept = qualifiers.filter((q) => q.value !== '').sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (let i = 1; i < kept.length; i++) if (kept[i - 1]!.key === kept[i]!.key) throw new PurlError('duplicate qualifier key');
  return kept;
}

/** separateNamespaceNameVersion: the last "/" ends the namespace, the last "@" starts the version. */
function splitPath(path: string): { namespace: string; name: string; version: string } {
  let namespace = '';
  let name = path;
  let version = '';
  const slash = name.lastIndexOf('/');
  if (slash !== -1) {
    namespace = unescaped(pathUnescape(name.slice(0, slash)));
    name = name.slice(slash + 1);
  }
  const at = name.lastIndexOf('@');
  if (at !== -1) {
    version = unescaped(pathUnescape(name.slice(at + 1)));
    name = name.slice(0, at);
  }
  name = unescaped(pathUnescape(name));
  if (name === '') throw new PurlError('purl is missing name');
  return { namespace, name, version };
}

function adjustName(type: string, name: string, qualifiers: PurlQualifier[]): string {
  if (LOWER_NAME.has(type)) return goToLower(name);
  if (type === 'pypi') return goToLower(name.replaceAll('_', '-'));
  if (type === 'mlflow') {
    const repository = qualifiers.find((q) => q.key === 'repository_url')?.value;
    if (repository !== undefined && !repository.includes('azureml') && repository.includes('databricks')) return goToLower(name);
  }
  return name;
}

function checkTypeRules(p: ParsedPurl): void {
  const channel = p.qualifiers.find((q) => q.key === 'channel');
  if (p.type === 'conan' && (p.namespace !== '' ? channel === undefined : channel !== undefined && channel.value !== '')) throw new PurlError('conan channel');
  if (p.type === 'swift' && (p.namespace === '' || p.version === '')) throw new PurlError('swift needs namespace and version');
  if (p.type === 'cran' && p.version === '') throw new PurlError('cran needs version');
}

/** packageurl.FromString; throws PurlError where it returns an error. */
function fromString(purl: string): ParsedPurl {
  const parsed = parseURL(toByteString(purl));
  if (!parsed.ok) throw new PurlError(parsed.message);
  const u = parsed.value;
  if (u.scheme !== 'pkg') throw new PurlError('purl scheme is not "pkg"');
  // pkg:/… and pkg://… have no opaque part: packageurl-go falls back to host + path.
  const rest = u.opaque !== '' ? u.opaque : goPathJoin(u.host, u.path).replace(/^\//, '');
  const slash = rest.indexOf('/');
  if (slash < 0) throw new PurlError('purl is missing type or name');
  const type = goToLower(fromByteString(rest.slice(0, slash)));
  const qualifiers = parseQualifiers(u.rawQuery);
  const { namespace, name, version } = splitPath(rest.slice(slash + 1));
  return normalize(type, namespace, name, version, qualifiers, u.fragment);
}

/** PackageURL.Normalize over byte strings, returning text. */
function normalize(type: string, namespace: string, name: string, version: string, rawQualifiers: PurlQualifier[], subpath: string): ParsedPurl {
  if (!TYPE.test(type)) throw new PurlError('invalid type');
  const qualifiers = normalizeQualifiers(rawQualifiers).map((q) => ({ key: q.key, value: fromByteString(q.value) }));
  if (subpath.split('/').some((s, i) => i !== 0 && (s === '.' || s === '..'))) throw new PurlError('invalid subpath');
  const ns = fromByteString(goTrim(namespace, '/'));
  const p: ParsedPurl = {
    type,
    namespace: LOWER_NAMESPACE.has(type) ? goToLower(ns) : ns,
    name: adjustName(type, fromByteString(name), qualifiers),
    version: type === 'huggingface' ? goToLower(fromByteString(version)) : fromByteString(version),
    qualifiers,
    subpath: fromByteString(goTrim(subpath, '/')),
  };
  checkTypeRules(p);
  return p;
}

function tryParse(purl: unknown): ParsedPurl | undefined {
  if (typeof purl !== 'string') return undefined;
  try {
    return fromString(purl);
  } catch (err) {
    if (err instanceof PurlError) return undefined;
    return undefined;
  }
}

/** ec.purl.is_valid(purl): whether packageurl-go parses it (false for a non-string, as ec). */
export function purlIsValid(purl: unknown): boolean {
  return tryParse(purl) !== undefined;
}

/** ec.purl.parse(purl): the parts, or undefined where ec answers nothing. */
export function purlParse(purl: unknown): ParsedPurl | undefined {
  return tryParse(purl);
}

export const purlBuiltins = {
  'ec.purl.is_valid': purlIsValid,
  'ec.purl.parse': purlParse,
} as const;

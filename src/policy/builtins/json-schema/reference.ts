// JSON References and Pointers as gojsonschema resolves them (xeipuuv/gojsonreference @ bd5ef7bd5415
// reference.go, xeipuuv/gojsonpointer @ 02993c407bfb pointer.go): a reference is a Go url.URL, its
// string form is Go's URL.String(), and its fragment, when it starts with "/", is a JSON Pointer
// into the document. Byte strings (see ../go/bytes.ts) inside, JavaScript strings outside. Pure.
import { fromByteString, toByteString } from '../go/bytes.ts';
import { parseURL, resolveReference, urlString, type GoURL, type Parsed } from '../go/url.ts';
import { isObject, type JsonValue } from './value.ts';

export interface JsonReference {
  url: GoURL;
  /** Pointer tokens (undecoded bytes); empty for the whole document, as for a non-pointer fragment. */
  tokens: string[];
}

/** gojsonreference.NewJsonReference; failures carry url.Parse's text. */
export function newReference(s: string): Parsed<JsonReference> {
  const parsed = parseURL(toByteString(s));
  if (!parsed.ok) return parsed;
  return { ok: true, value: fromURL(parsed.value) };
}

function fromURL(url: GoURL): JsonReference {
  const tokens = url.fragment.startsWith('/') ? url.fragment.slice(1).split('/') : [];
  return { url, tokens };
}

/** The reference's string form (also the key of gojsonschema's schema pools). */
export function referenceString(r: JsonReference): string {
  return fromByteString(urlString(r.url));
}

/** The reference without its fragment, as gojsonschema's `GetUrl().Fragment = ""` leaves it. */
export function withoutFragment(r: JsonReference): JsonReference {
  return { url: { ...r.url, fragment: '' }, tokens: r.tokens };
}

/** IsCanonical: an absolute URL with a host, or a file URL with an absolute path. */
export function isCanonical(r: JsonReference): boolean {
  const file = r.url.scheme === 'file';
  return file ? r.url.path.startsWith('/') : r.url.scheme !== '' && r.url.host !== '';
}

/** JsonReference.Inherits: `child` resolved against `parent` (whose own fragment is dropped). */
export function inherits(parent: JsonReference, child: JsonReference): Parsed<JsonReference> {
  const base = { ...parent.url, fragment: '', rawFragment: '' };
  const resolved = parseURL(urlString(resolveReference(base, child.url)));
  return resolved.ok ? { ok: true, value: fromURL(resolved.value) } : resolved;
}

/** Go's strconv.Atoi for an int64 (an optional sign, then decimal digits). */
function atoi(token: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(token)) return undefined;
  const n = BigInt(token);
  if (n > 9223372036854775807n || n < -9223372036854775808n) return undefined;
  return Number(n);
}

/** JsonPointer.Get over a document; failures carry gojsonpointer's text. */
export function getPointer(r: JsonReference, document: JsonValue): Parsed<JsonValue> {
  let node = document;
  for (const raw of r.tokens) {
    const token = fromByteString(raw);
    if (isObject(node)) {
      const key = token.replaceAll('~1', '/').replaceAll('~0', '~');
      const next = node.get(key);
      if (next === undefined) return { ok: false, message: `Object has no key '${key}'` };
      node = next;
    } else if (Array.isArray(node)) {
      const index = atoi(token);
      if (index === undefined) return { ok: false, message: `Invalid array index '${token}'` };
      if (index < 0 || index >= node.length) return { ok: false, message: `Out of bound array[0,${node.length}] index '${index}'` };
      node = node[index]!;
    } else return { ok: false, message: `Invalid token reference '${token}'` };
  }
  return { ok: true, value: node };
}

// The structured files `ec.oci.blob_files` and `ec.oci.image_files` return (conforma/cli
// a18338416237 internal/rego/oci/oci.go ociBlobFiles, internal/fetchers/oci/files/files.go): tar
// entries read as YAML or JSON, with ec's matching rules, and an image's layers flattened as
// go-containerregistry's mutate.Extract does (top layer first, whiteouts honoured). Archives are
// read within one budget (src/util/tar.ts: 128 MiB expanded, 10 000 entries); zstd, which ec also
// decompresses, is expanded under the same budget. Pure but for zlib.
import { posix } from 'node:path';
import { zstdDecompressSync } from 'node:zlib';
import yaml from 'js-yaml';
import { parseYamlDocument } from '../../config/document.ts';
import { InputError } from '../../errors.ts';
import { readTar, type TarBudget, type TarEntry } from '../../util/tar.ts';
import type { Json } from './shapes.ts';

const GZIP = [0x1f, 0x8b];
const ZSTD = [0x28, 0xb5, 0x2f, 0xfd];
/** ec skips tar entries over 500 MB (maxTarEntrySize); vouch's budget is smaller anyway. */
const MAX_ENTRY = 500 * 1024 * 1024;
const STRUCTURED = ['.yaml', '.yml', '.json'];
const WHITEOUT = '.wh.';

const startsWith = (bytes: Uint8Array, magic: number[]): boolean => magic.every((b, i) => bytes[i] === b);

/** go-containerregistry's compression.PeekCompression: what ec decompresses before reading a blob. */
export function isCompressed(bytes: Uint8Array): boolean {
  return startsWith(bytes, GZIP) || startsWith(bytes, ZSTD);
}

/** A layer's tar entries: gzip is expanded by readTar, zstd here, both within the budget. */
export function tarEntries(bytes: Uint8Array, budget: TarBudget): TarEntry[] {
  if (!startsWith(bytes, ZSTD)) return readTar(bytes, { budget });
  let expanded: Uint8Array;
  try {
    expanded = zstdDecompressSync(bytes, { maxOutputLength: Math.max(1, budget.remainingBytes) });
  } catch (err) {
    const tooLarge = (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    throw new InputError(
      tooLarge ? 'ARCHIVE_TOO_LARGE' : 'ARCHIVE_INVALID',
      `${budget.origin}: ${tooLarge ? `expands to more than ${budget.limits.maxBytes} bytes (the limit)` : 'not valid zstd'}`,
      {
        value: budget.origin,
      },
    );
  }
  return readTar(expanded, { budget });
}

function finite(value: unknown): boolean {
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(finite);
  if (value !== null && typeof value === 'object') return Object.values(value).every(finite);
  return true;
}

/**
 * sigs.k8s.io/yaml YAMLToJSON, as far as js-yaml's core schema goes: JSON, or one YAML document
 * (empty is null); undefined for what does not parse or has no JSON form (`.inf`, `.nan`).
 */
export function structuredContent(data: Uint8Array, origin: string): { value: unknown } | undefined {
  try {
    const value = parseYamlDocument(Buffer.from(data).toString('utf8'), origin, { syntaxCode: 'EC_FILE_SYNTAX', schema: yaml.CORE_SCHEMA }) ?? null;
    return finite(value) ? { value } : undefined;
  } catch {
    return undefined;
  }
}

/** `ec.oci.blob_files`: entries named exactly as one of `paths`; a later entry of the same name wins. */
export function blobFiles(entries: TarEntry[], paths: string[], origin: string): Json {
  const wanted = new Set(paths);
  const files: Json = {};
  for (const e of entries) {
    if (!wanted.has(e.path) || e.data.length > MAX_ENTRY) continue;
    const content = structuredContent(e.data, `${origin} ${e.path}`);
    if (content) files[e.path] = content.value;
  }
  return files;
}

/** Go's path.Clean. */
function goClean(p: string): string {
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/** Go's path.Dir. */
const goDir = (p: string): string => goClean(p.slice(0, p.lastIndexOf('/') + 1));

/** Go's path.Ext: from the last dot of the last element (".yaml" is its own extension). */
function goExt(p: string): string {
  const dot = p.lastIndexOf('.');
  return dot > p.lastIndexOf('/') ? p.slice(dot) : '';
}

const equalFold = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** ec's PathMatcher: a .yaml/.yml/.json file directly inside the directory `prefix`. */
function matchesPrefix(name: string, prefix: string): boolean {
  return equalFold(goDir(name), goClean(prefix)) && STRUCTURED.some((e) => equalFold(goExt(name), e));
}

/** Layers flattened top first, as mutate.Extract: what an upper layer has or deletes hides the rest. */
export class FlattenedImage {
  /** Name → whether it hides what is below it (files and whiteouts do, directories do not). */
  private readonly seen = new Map<string, boolean>();
  private readonly prefixes: string[];
  private readonly origin: string;
  readonly files: Json = {};

  constructor(prefixes: string[], origin: string) {
    this.prefixes = prefixes;
    this.origin = origin;
  }

  private hiddenByDirectory(name: string): boolean {
    for (let file = name; file !== '';) {
      const dir = posix.dirname(file);
      if (dir === file) break;
      if (this.seen.get(dir) === true) return true;
      file = dir;
    }
    return false;
  }

  /** The next layer down. */
  addLayer(entries: TarEntry[]): void {
    for (const e of entries) {
      const cleaned = goClean(e.path);
      const dir = posix.dirname(cleaned);
      let base = posix.basename(cleaned);
      const tombstone = base.startsWith(WHITEOUT);
      if (tombstone) base = base.slice(WHITEOUT.length);
      const name = e.type === 'dir' ? cleaned : goClean(`${dir}/${base}`);
      if (this.seen.has(name) || this.hiddenByDirectory(name)) continue;
      this.seen.set(name, tombstone || e.type !== 'dir');
      if (tombstone || !this.prefixes.some((p) => matchesPrefix(cleaned, p))) continue;
      const content = structuredContent(e.data, `${this.origin} ${cleaned}`);
      if (content) this.files[cleaned] = content.value;
    }
  }
}

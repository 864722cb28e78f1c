// Bounded reading and parsing of the YAML/JSON documents vouch is given (components.yaml, policy.yaml,
// rule data). js-yaml 4 has no alias limit: an alias is the anchored object itself, so a "billion
// laughs" file loads in milliseconds as a small graph and explodes later, when it is walked or
// serialised; `<<` merges copy keys at load time and can be made quadratic. So the text is size-limited,
// the keys aliases pull in are counted while loading, and the loaded graph is measured as if expanded.
import { open } from 'node:fs/promises';
import yaml from 'js-yaml';
import { InputError, errorMessage, type ErrorCode } from '../errors.ts';

export interface DocumentLimits {
  /** Bytes of text. */
  maxBytes: number;
  /** Entries (keys or items) the aliases of a document pull in, in total: bounds `<<` merge work. */
  maxAliasedEntries: number;
  /** The document's size with every alias expanded: nodes plus characters of keys and strings. */
  maxExpandedSize: number;
  /**
   * Without aliases a document's expanded size is about its length, so aliases may inflate it at most
   * this many times (but always up to `minExpandedSize`): a small file cannot become a large one.
   */
  maxInflation: number;
  minExpandedSize: number;
  /** Nesting of lists and maps. */
  maxDepth: number;
}

export const DOCUMENT_LIMITS: DocumentLimits = {
  maxBytes: 32 * 1024 * 1024,
  maxAliasedEntries: 100_000,
  maxExpandedSize: 64 * 1024 * 1024,
  maxInflation: 10,
  minExpandedSize: 1024 * 1024,
  maxDepth: 100,
};

export interface ParseOptions {
  /** The error code for text that does not parse (each caller keeps its own). */
  syntaxCode: ErrorCode;
  schema?: yaml.Schema;
  limits?: DocumentLimits;
}

function tooLarge(origin: string, what: string): InputError {
  return new InputError('DOCUMENT_TOO_LARGE', `${origin}: ${what}`, { value: origin });
}

/** Reads a file of at most `maxBytes`, never reading more than that whatever its size. */
export async function readTextFile(path: string, origin: string = path, maxBytes = DOCUMENT_LIMITS.maxBytes): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(1024 * 1024, maxBytes + 1 - length));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
      if (length > maxBytes) throw tooLarge(origin, `the file is larger than ${maxBytes} bytes (the limit)`);
    }
    return Buffer.concat(chunks, length).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** Parses YAML (or JSON, a subset) within the limits; every failure is an InputError naming `origin`. */
export function parseYamlDocument(text: string, origin: string, opts: ParseOptions): unknown {
  const limits = opts.limits ?? DOCUMENT_LIMITS;
  if (Buffer.byteLength(text, 'utf8') > limits.maxBytes) throw tooLarge(origin, `the document is larger than ${limits.maxBytes} bytes (the limit)`);
  let aliased = 0;
  const listener = (event: string, state: { kind: string | null; tag: string | null; result: unknown }): void => {
    // An alias node closes with no kind and no tag of its own (js-yaml 4 loader.js composeNode).
    if (event !== 'close' || state.kind !== null || state.tag !== null || typeof state.result !== 'object' || state.result === null) return;
    aliased += Array.isArray(state.result) ? state.result.length : Object.keys(state.result).length;
    if (aliased > limits.maxAliasedEntries) {
      throw new InputError(
        'DOCUMENT_ALIAS_LIMIT',
        `${origin}: YAML aliases pull in more than ${limits.maxAliasedEntries} entries (an alias or merge-key bomb?)`,
        {
          value: origin,
        },
      );
    }
  };
  let doc: unknown;
  try {
    doc = yaml.load(text, { ...(opts.schema ? { schema: opts.schema } : {}), listener: listener as unknown as yaml.LoadOptions['listener'] });
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(opts.syntaxCode, `${origin}: not valid JSON or YAML: ${errorMessage(err)}`, { value: origin, cause: err });
  }
  const maxSize = Math.min(limits.maxExpandedSize, Math.max(limits.minExpandedSize, limits.maxInflation * text.length));
  assertBoundedDocument(doc, origin, { ...limits, maxExpandedSize: maxSize });
  return doc;
}

/**
 * Refuses a loaded document that is cyclic, nested deeper than the limit, or larger than the limit once
 * every shared reference (alias) is expanded. Linear in the distinct nodes: sizes are memoised per object.
 */
export function assertBoundedDocument(doc: unknown, origin: string, limits: DocumentLimits = DOCUMENT_LIMITS): void {
  const sizes = new Map<object, number>();
  const inProgress = new Set<object>();
  const measure = (node: unknown, depth: number): number => {
    if (typeof node === 'string') return 1 + node.length;
    if (typeof node !== 'object' || node === null) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    if (inProgress.has(node))
      throw new InputError('DOCUMENT_CYCLE', `${origin}: the document refers to itself (a YAML alias inside its own anchor)`, { value: origin });
    if (depth > limits.maxDepth) throw tooLarge(origin, `the document is nested more than ${limits.maxDepth} levels deep (the limit)`);
    inProgress.add(node);
    let size = 1;
    const entries: [string, unknown][] = Array.isArray(node) ? node.map((v): [string, unknown] => ['', v]) : Object.entries(node);
    for (const [key, value] of entries) {
      size += key.length + measure(value, depth + 1);
      if (size > limits.maxExpandedSize)
        throw tooLarge(origin, `with its aliases expanded the document exceeds ${limits.maxExpandedSize} nodes and characters (the limit; a YAML alias bomb?)`);
    }
    inProgress.delete(node);
    sizes.set(node, size);
    return size;
  };
  measure(doc, 0);
}

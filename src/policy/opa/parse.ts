// Rego modules read by the real `opa parse` (the parser vouch trusts for source positions), reduced
// to an outline: the package, the imports, each rule head and each `with` chain, with rows, columns
// and exact source text. Outlines are cached by opa version and module text (a full AST is ~40× the
// source; the outline is small).
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { InputError, errorMessage } from '../../errors.ts';
import { makeDirectory, writeFileInside } from '../../util/files.ts';
import { jsonText } from '../../util/json-shapes.ts';
import { mapLimited } from '../../util/map-limited.ts';

const run = promisify(execFile);
const OUTLINE_FORMAT = 'vouch-rego-outline/v4';

/** A node's place: 1-based row, 1-based column counted in Unicode code points, its exact source text. */
export interface SourceSpan {
  row: number;
  col: number;
  text: string;
}

export interface RuleOutline {
  /** The head's name path up to its first non-constant part (`a.b[x] := 1` ⇒ ["a", "b"]). */
  ref: string[];
  /** Whether the head goes on past `ref` (`test_x[name] if …`: a partial object). */
  dynamicTail: boolean;
  /** Whether it is a function (has arguments). */
  function: boolean;
  /** The rule's own location (opa test reports it), and its first name's (a rename edits it). */
  at: SourceSpan;
  name: SourceSpan | undefined;
  /**
   * For `name := <literal>` with no body whose value is plain JSON (no sets, refs or calls; numbers
   * that a double holds exactly) of at least CONSTANT_MIN_TEXT characters: the value's place and JSON.
   */
  constant?: { at: SourceSpan; json: string };
}

export interface WithOutline {
  at: SourceSpan;
  /** The target as written (`data.x.y`, `lib.f`, `upper`); undefined when it is not a plain ref. */
  target: string[] | undefined;
  /** The value's place, and its kind when it is a collection built from local values (see localCollection). */
  value: { at: SourceSpan; collection?: 'array' | 'object' | 'set' } | undefined;
}

export interface ModuleOutline {
  path: string;
  text: string;
  package: string[];
  /** alias ⇒ the imported `data`/`input` path (`import data.lib` ⇒ lib ⇒ ["data", "lib"]). */
  imports: Record<string, string[]>;
  rules: RuleOutline[];
  /** Every `with` chain, wherever it is (rule bodies, comprehensions, `every`, other `with` values). */
  chains: WithOutline[][];
}

interface AstTerm {
  type: string;
  value: unknown;
  location?: SourceSpan;
}

interface AstRule {
  head: { name?: string; ref?: AstTerm[]; args?: unknown[]; key?: unknown; value?: AstTerm; location?: SourceSpan };
  body?: { generated?: boolean }[];
  else?: unknown;
  default?: boolean;
  location?: SourceSpan;
}

interface AstModule {
  package: { path: AstTerm[] };
  imports?: { path: AstTerm; alias?: string }[];
  rules?: AstRule[];
}

/** Constants smaller than this are not worth describing (the outline is cached). */
const CONSTANT_MIN_TEXT = 512;

function isAstModule(v: unknown): v is AstModule {
  const pkg = (v as { package?: { path?: unknown } } | null)?.package;
  return typeof v === 'object' && v !== null && Array.isArray(pkg?.path);
}

function decoded(span: SourceSpan | undefined): SourceSpan | undefined {
  return span ? { row: span.row, col: span.col, text: Buffer.from(span.text, 'base64').toString('utf8') } : undefined;
}

/** The constant prefix of a ref (`data.lib["x"][y]` ⇒ ["data", "lib", "x"]), and whether it goes on. */
function groundPrefix(terms: AstTerm[]): { path: string[]; rest: boolean } {
  const path: string[] = [];
  for (const [i, t] of terms.entries()) {
    if ((i === 0 ? t.type !== 'var' : t.type !== 'string') || typeof t.value !== 'string') return { path, rest: true };
    path.push(t.value);
  }
  return { path, rest: false };
}

function refOf(term: AstTerm): string[] | undefined {
  if (term.type === 'var' && typeof term.value === 'string') return [term.value];
  if (term.type !== 'ref' || !Array.isArray(term.value)) return undefined;
  const { path, rest } = groundPrefix(term.value as AstTerm[]);
  return rest ? undefined : path;
}

/** A literal term as JSON text, or undefined when it is not plain JSON (sets, refs, calls, duplicate keys, inexact numbers). */
function literalJson(term: AstTerm): string | undefined {
  switch (term.type) {
    case 'null':
      return 'null';
    case 'boolean':
    case 'string':
      return JSON.stringify(term.value);
    case 'number': {
      const text = decoded(term.location)?.text ?? '';
      const n = Number(text);
      return /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text) && Number.isFinite(n) && (Number.isSafeInteger(n) || String(n) === text)
        ? JSON.stringify(n)
        : undefined;
    }
    case 'array': {
      const items = (term.value as AstTerm[]).map(literalJson);
      return items.every((i) => i !== undefined) ? `[${items.join(',')}]` : undefined;
    }
    case 'object': {
      const keys = new Set<unknown>();
      const parts: string[] = [];
      for (const [k, v] of term.value as [AstTerm, AstTerm][]) {
        const value = literalJson(v);
        if (k.type !== 'string' || keys.has(k.value) || value === undefined) return undefined;
        keys.add(k.value);
        parts.push(`${JSON.stringify(k.value)}:${value}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      return undefined;
  }
}

function constantOf(rule: AstRule, ground: boolean): RuleOutline['constant'] {
  const { head, body } = rule;
  if (!ground || rule.default || rule.else || (head.args ?? []).length > 0 || head.key !== undefined || !head.value) return undefined;
  if (!body || body.length !== 1 || body[0]!.generated !== true) return undefined;
  const at = decoded(head.value.location);
  if (!at || at.text.length < CONSTANT_MIN_TEXT) return undefined;
  const json = literalJson(head.value);
  return json === undefined ? undefined : { at, json };
}

/** Whether a term reads a local variable or calls a function (refs rooted at `data`/`input` do not). */
function readsLocals(term: unknown): boolean {
  if (Array.isArray(term)) return term.some(readsLocals);
  if (typeof term !== 'object' || term === null) return false;
  const t = term as AstTerm;
  if (t.type === 'var') return true;
  if (t.type === 'call') return true;
  if (t.type === 'ref' && Array.isArray(t.value)) {
    const [head, ...rest] = t.value as AstTerm[];
    const rooted = head?.type === 'var' && (head.value === 'data' || head.value === 'input');
    return !rooted || rest.some(readsLocals);
  }
  return Object.values(t).some(readsLocals);
}

const COLLECTIONS: Record<string, 'array' | 'object' | 'set'> = {
  array: 'array',
  arraycomprehension: 'array',
  object: 'object',
  objectcomprehension: 'object',
  set: 'set',
  setcomprehension: 'set',
};

/**
 * The kind of a `with` value that is a collection built from local values or calls
 * (`[_referrer(…)]`, `[m]`): as a function mock's value OPA's wasm planner reads such a value from
 * the wrong scope (see with-rewrite.ts). Undefined for anything else.
 */
function localCollection(value: AstTerm): 'array' | 'object' | 'set' | undefined {
  const kind = COLLECTIONS[value.type];
  return kind && readsLocals(value.value) ? kind : undefined;
}

/** Every `with` chain under `node`, outer chains before the ones nested in their values. */
function collectChains(node: unknown, out: WithOutline[][]): void {
  if (Array.isArray(node)) {
    for (const n of node) collectChains(n, out);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const withs = (node as { with?: unknown }).with;
  if (Array.isArray(withs) && withs.length > 0 && 'terms' in node) {
    out.push(
      (withs as { target: AstTerm; value: AstTerm; location: SourceSpan }[]).map((w) => {
        const at = decoded(w.value.location);
        const collection = localCollection(w.value);
        return { at: decoded(w.location)!, target: refOf(w.target), value: at ? { at, ...(collection ? { collection } : {}) } : undefined };
      }),
    );
  }
  for (const v of Object.values(node)) collectChains(v, out);
}

function outlineOf(path: string, text: string, ast: AstModule): ModuleOutline {
  const imports: Record<string, string[]> = {};
  for (const imp of ast.imports ?? []) {
    const p = refOf(imp.path);
    if (p && (p[0] === 'data' || p[0] === 'input')) imports[imp.alias || p[p.length - 1]!] = p;
  }
  const rules: RuleOutline[] = [];
  for (const r of ast.rules ?? []) {
    const head = r.head;
    const { path: ref, rest } = head.ref ? groundPrefix(head.ref) : { path: head.name ? [head.name] : [], rest: false };
    const at = decoded(r.location ?? head.location);
    if (ref.length === 0 || !at) continue;
    const constant = constantOf(r, !rest);
    rules.push({
      ref,
      dynamicTail: rest,
      function: (head.args ?? []).length > 0,
      at,
      name: decoded(head.ref?.[0]?.location),
      ...(constant ? { constant } : {}),
    });
  }
  const chains: WithOutline[][] = [];
  collectChains(ast.rules ?? [], chains);
  return { path, text, package: ast.package.path.slice(1).map((t) => String(t.value)), imports, rules, chains };
}

export interface ParseOptions {
  opa: string;
  /** opa's version: part of the cache key (another opa may place nodes differently). */
  opaVersion: string;
  cacheDir?: string;
  signal?: AbortSignal;
  concurrency?: number;
}

/** opa's JSON error list as opa prints it in text (`1 error occurred: p.rego:7: rego_parse_error: …`), or the text as is. */
function parseErrors(detail: string, path: string): string {
  let list: unknown;
  try {
    list = (JSON.parse(detail) as { errors?: unknown }).errors;
  } catch {
    return detail;
  }
  if (!Array.isArray(list) || list.length === 0) return detail;
  const lines = (list as { message?: unknown; code?: unknown; location?: { row?: unknown } }[]).map(
    (e) => `${path}:${jsonText(e.location?.row, '?')}: ${jsonText(e.code, 'rego_error')}: ${jsonText(e.message)}`,
  );
  return `${lines.length} error${lines.length === 1 ? '' : 's'} occurred:\n${lines.join('\n')}`;
}

async function parseOne(f: { path: string; text: string }, copy: string, opts: ParseOptions): Promise<ModuleOutline> {
  await writeFile(copy, f.text);
  let stdout: string;
  try {
    ({ stdout } = await run(opts.opa, ['parse', '--format', 'json', '--json-include', 'locations,-comments', copy], {
      maxBuffer: 1024 * 1024 * 1024,
      ...(opts.signal ? { signal: opts.signal } : {}),
    }));
  } catch (err) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    const e = err as { stderr?: string; stdout?: string };
    const detail = `${e.stderr ?? ''}${e.stdout ?? ''}`.trim() || errorMessage(err);
    throw new InputError('POLICY_COMPILE', `policy compilation error:\n${parseErrors(detail, f.path).split(copy).join(f.path)}`, { value: f.path });
  }
  const ast: unknown = JSON.parse(stdout);
  if (!isAstModule(ast)) throw new InputError('POLICY_COMPILE', `opa parse gave no module for ${f.path}`, { value: f.path });
  return outlineOf(f.path, f.text, ast);
}

/**
 * Each module's outline. A syntax error is the policy author's: an InputError naming the file (opa
 * names our temporary copy; the original path is put back).
 */
export async function parseModules(files: { path: string; text: string }[], opts: ParseOptions): Promise<ModuleOutline[]> {
  const work = await mkdtemp(join(tmpdir(), 'vouch-parse-'));
  const cache = opts.cacheDir ? join(opts.cacheDir, 'outlines') : undefined;
  if (cache) await makeDirectory(cache);
  try {
    return await mapLimited(files, opts.concurrency ?? 2, async (f, i) => {
      const key = createHash('sha256').update(`${OUTLINE_FORMAT}\n${opts.opaVersion}\n${f.text}`).digest('hex');
      if (cache) {
        try {
          const cached = JSON.parse(await readFile(join(cache, `${key}.json`), 'utf8')) as Omit<ModuleOutline, 'path' | 'text'>;
          return { ...cached, path: f.path, text: f.text };
        } catch {
          // not parsed yet
        }
      }
      const outline = await parseOne(f, join(work, `${i}.rego`), opts);
      if (cache) {
        const { path: _p, text: _t, ...rest } = outline;
        // A temporary file of its own: two modules with the same text in one call write the same key.
        await writeFileInside(cache, `${key}.json`, JSON.stringify(rest));
      }
      return outline;
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

// Works around two OPA wasm planner bugs with `with` (docs/upstream/opa-wasm-with-chain.md):
//
// 1. In `x with f as m with data.y as v`, a `data`/`input` mock placed after a function or builtin
//    mock is lost (the planner takes the target's root from the unfiltered chain, so the mock lands in
//    `input`). Each chain is reordered so that every `data`/`input` target comes before the first
//    function/builtin target, keeping the relative order within each group. The two groups never
//    target the same thing and all modifiers of one chain apply together: the meaning is unchanged.
// 2. A function mock whose value is a collection built from local values or calls
//    (`with ec.oci.image_referrers as [_referrer(d)]`, `with f as [m]`) is planned inside the mocked
//    function's body, where those locals do not exist: evaluation reads garbage or fails. The value
//    is wrapped in an identity call of its kind (`array.concat(v, [])`, `object.union(v, {})`,
//    `union({v})`): the compiler then evaluates the call before the expression, as it does for every
//    call in a `with` value, and the mock gets a plain variable, which the planner handles.
//
// The rewrite works on `opa parse` locations and edits only the chain's own text: each modifier's
// exact source (`with T as V`) moves between the modifiers' slots; everything between them (spaces,
// newlines, comments) stays where it was. A chain spans as many lines after as before, so every rule
// and test keeps its row.
import { VouchError } from '../../errors.ts';
import type { ModuleOutline, SourceSpan, WithOutline } from './parse.ts';

/** What the modules define, for telling a mocked user function from a mocked document. */
export interface RewriteScope {
  /** Full paths (JSON of ["data", …]) of every user function. */
  functions: Set<string>;
  /** Per package (JSON of its path), the first segment of each rule's name. */
  ruleNames: Map<string, Set<string>>;
}

type Group = 'document' | 'function';

interface Span {
  start: number;
  end: number;
}

interface Modifier extends Span {
  /** The value's span and the identity call to wrap it in (function mocks of local collections). */
  wrap?: Span & { kind: 'array' | 'object' | 'set' };
}

interface Chain extends Span {
  modifiers: Modifier[];
  /** The modifiers' new order (indexes into `modifiers`). */
  order: number[];
}

const WRAPPERS = {
  array: ['array.concat(', ', [])'],
  object: ['object.union(', ', {})'],
  set: ['union({', '})'],
} as const;

export function rewriteScope(modules: ModuleOutline[]): RewriteScope {
  const functions = new Set<string>();
  const ruleNames = new Map<string, Set<string>>();
  for (const m of modules) {
    const key = JSON.stringify(m.package);
    const names = ruleNames.get(key) ?? new Set<string>();
    ruleNames.set(key, names);
    for (const rule of m.rules) {
      names.add(rule.ref[0]!);
      if (rule.function) functions.add(JSON.stringify(['data', ...m.package, ...rule.ref]));
    }
  }
  return { functions, ruleNames };
}

/**
 * A `with` target resolved as OPA's compiler resolves it (the `data`/`input` roots, then import
 * aliases, then rules of the module's own package); anything else is a builtin. A `data` path is a
 * function mock when it names a user function. Undefined for a target that is not a plain ref.
 */
function targetGroup(target: string[] | undefined, m: ModuleOutline, scope: RewriteScope): Group | undefined {
  if (!target) return undefined;
  const [head, ...rest] = target as [string, ...string[]];
  let full: string[];
  if (head === 'data' || head === 'input') full = target;
  else if (Object.hasOwn(m.imports, head)) full = [...m.imports[head]!, ...rest];
  else if (scope.ruleNames.get(JSON.stringify(m.package))?.has(head)) full = ['data', ...m.package, ...target];
  else return 'function';
  if (full[0] === 'input') return 'document';
  return scope.functions.has(JSON.stringify(full)) ? 'function' : 'document';
}

/** JS string index of each row's first character (row 1 at index 0). */
export function rowStarts(text: string): number[] {
  const starts = [0, 0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Where a node is in `text`, from its row and code-point column, checked against its own source text. */
export function spanOf(text: string, starts: number[], at: SourceSpan, path: string): Span {
  let index = starts[at.row];
  for (let c = 1; index !== undefined && c < at.col && index < text.length; c++) index += (text.codePointAt(index) ?? 0) > 0xffff ? 2 : 1;
  if (index === undefined || text.slice(index, index + at.text.length) !== at.text) {
    throw new VouchError(
      'REGO_LOCATION_MISMATCH',
      `${path}:${at.row}:${at.col}: opa parse placed ${JSON.stringify(at.text.slice(0, 40))} where the source holds something else; is this opa version supported?`,
      {
        value: `${path}:${at.row}`,
      },
    );
  }
  return { start: index, end: index + at.text.length };
}

function chainOf(withs: WithOutline[], m: ModuleOutline, starts: number[], scope: RewriteScope): Chain {
  const groups = withs.map((w) => targetGroup(w.target, m, scope));
  const modifiers = withs.map((w, i): Modifier => {
    const span = spanOf(m.text, starts, w.at, m.path);
    const kind = groups[i] === 'function' ? w.value?.collection : undefined;
    return kind ? { ...span, wrap: { ...spanOf(m.text, starts, w.value!.at, m.path), kind } } : span;
  });
  const keys = [...groups.keys()];
  const order = groups.includes(undefined) ? keys : keys.filter((i) => groups[i] === 'document').concat(keys.filter((i) => groups[i] === 'function'));
  return { start: modifiers[0]!.start, end: modifiers[modifiers.length - 1]!.end, modifiers, order };
}

/** A modifier's text, its value wrapped when it has to be, chains nested in it rendered. */
function renderModifier(text: string, m: Modifier, chains: Chain[]): string {
  if (!m.wrap) return render(text, m.start, m.end, chains);
  const [open, close] = WRAPPERS[m.wrap.kind];
  return `${text.slice(m.start, m.wrap.start)}${open}${render(text, m.wrap.start, m.wrap.end, chains)}${close}${text.slice(m.wrap.end, m.end)}`;
}

/** `text[a, b)` with every chain inside it reordered (chains nested in a modifier's value included). */
function render(text: string, a: number, b: number, chains: Chain[]): string {
  const inside = chains.filter((c) => c.start >= a && c.end <= b);
  const top = inside.filter((c) => !inside.some((o) => o !== c && o.start <= c.start && o.end >= c.end)).sort((x, y) => x.start - y.start);
  let out = '';
  let pos = a;
  for (const c of top) {
    out += text.slice(pos, c.start);
    // The chains strictly inside this one (a one-modifier chain spans exactly its modifier).
    const nested = inside.filter((o) => o !== c);
    const rendered = c.modifiers.map((m) => renderModifier(text, m, nested));
    c.order.forEach((from, slot) => {
      out += rendered[from]!;
      const next = c.modifiers[slot + 1];
      if (next) out += text.slice(c.modifiers[slot]!.end, next.start);
    });
    pos = c.end;
  }
  return out + text.slice(pos, b);
}

/** Whether a chain may need a rewrite: several modifiers, or a value the wasm planner may mishandle. */
function mayNeedRewrite(chain: WithOutline[]): boolean {
  return chain.length > 1 || chain.some((w) => w.value?.collection);
}

/** The module's text with its `with` chains rewritten; the very same string when nothing changes. */
export function rewriteWithOrder(m: ModuleOutline, scope: RewriteScope): string {
  const needed = m.chains.filter(mayNeedRewrite);
  if (needed.length === 0) return m.text;
  const starts = rowStarts(m.text);
  const chains = needed.map((c) => chainOf(c, m, starts, scope));
  if (!chains.some((c) => c.order.some((from, slot) => from !== slot) || c.modifiers.some((mod) => mod.wrap))) return m.text;
  return render(m.text, 0, m.text.length, chains);
}

/** Whether a module may hold a `with` modifier at all (each one starts with the keyword). */
export function mayUseWith(text: string): boolean {
  return /\bwith\b/.test(codeOnly(text));
}

/**
 * A module's text with comments and string contents blanked: the word `with` in a comment or a
 * message is not the keyword (most modules of a policy say "with" only there, and parsing them all
 * costs an `opa parse` each). Unsure cases keep the text: a false positive only costs a parse.
 */
function codeOnly(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '#') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (ch === '`') {
      const end = text.indexOf('`', i + 1);
      if (end < 0) return text;
      out += '""';
      i = end + 1;
    } else if (ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      if (text[j] !== '"') return text;
      out += '""';
      i = j + 1;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/**
 * Rewrites a policy's modules. Only modules that may use `with` are parsed, plus the others when a
 * chain has to tell user functions from documents (they can be defined in any module).
 */
export async function rewriteWithChains<F extends { path: string; text: string }>(files: F[], parse: (files: F[]) => Promise<ModuleOutline[]>): Promise<F[]> {
  const candidates = files.filter((f) => mayUseWith(f.text));
  if (candidates.length === 0) return files;
  const parsed = await parse(candidates);
  if (!parsed.some((m) => m.chains.some(mayNeedRewrite))) return files;
  const scope = rewriteScope([...parsed, ...(await parse(files.filter((f) => !mayUseWith(f.text))))]);
  const rewritten = parsed.map((m) => rewriteWithOrder(m, scope));
  return files.map((f) => {
    const i = candidates.indexOf(f);
    return i === -1 ? f : { ...f, text: rewritten[i]! };
  });
}

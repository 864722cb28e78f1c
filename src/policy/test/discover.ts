// The test cases of a policy, found as `opa test` finds them (OPA v1/tester/runner.go at commit
// 01c474da: `shouldRun`, `ruleName`, `rewriteDuplicateTestNames`): every rule whose name path has a
// segment starting with `test_` (run) or `todo_test_` (skipped), in any module. A name defined more
// than once in a package is one test per definition, the later ones named `name#01`, `name#02`, …;
// wasm evaluates a name as a whole, so those definitions are renamed in the source before compiling.
import { InputError } from '../../errors.ts';
import { compileRe2, Re2SyntaxError, Re2UnsupportedError } from '../../util/re2.ts';
import type { ModuleOutline, RuleOutline } from '../opa/parse.ts';
import { rowStarts, spanOf } from '../opa/with-rewrite.ts';

export const TEST_PREFIX = 'test_';
export const SKIP_PREFIX = 'todo_test_';

export interface TestCase {
  /** `data.lib.sets_test` */
  package: string;
  /** `test_x`, `test_x#01`, `a.test_x`: what opa test prints after the package. */
  name: string;
  /** The wasm entrypoint (`lib/sets_test/test_x`); none for a skipped test or a test function. */
  entrypoint?: string;
  file: string;
  row: number;
  kind: 'test' | 'skip' | 'function';
  /** `test_x[case] if …`: each case is a sub-result. */
  partial: boolean;
}

export interface Discovered {
  tests: TestCase[];
  /** The modules, with repeated test names renamed (texts unchanged otherwise). */
  modules: ModuleOutline[];
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A ref as OPA prints it: `data.lib["x-y"].z`. */
export function refString(path: string[]): string {
  return path.map((s, i) => (i === 0 ? s : IDENT.test(s) ? `.${s}` : `[${JSON.stringify(s)}]`)).join('');
}

/** The rule's name path up to its first test-prefixed segment; undefined when it is not a test. */
function testRef(rule: RuleOutline): string[] | undefined {
  const i = rule.ref.findIndex((s) => s.startsWith(TEST_PREFIX) || s.startsWith(SKIP_PREFIX));
  return i === -1 ? undefined : rule.ref.slice(0, i + 1);
}

function runFilter(pattern: string | undefined): ((name: string) => boolean) | undefined {
  if (pattern === undefined || pattern === '') return undefined;
  try {
    const re = compileRe2(pattern);
    return (name) => re.test(name);
  } catch (err) {
    if (err instanceof Re2SyntaxError || err instanceof Re2UnsupportedError) {
      throw new InputError('TEST_RUN_PATTERN', `--run: ${JSON.stringify(pattern)} is not a regular expression vouch can run: ${err.message}`, {
        value: pattern,
      });
    }
    throw err;
  }
}

/** A name no module uses, for the n-th repeat of `name` (opa prints `name#0n`). */
function repeatName(name: string, n: number, taken: Set<string>): string {
  let candidate = `${name}__vouch_repeat_${n}`;
  while (taken.has(candidate)) candidate += '_';
  taken.add(candidate);
  return candidate;
}

/** The tests to run (filtered by --run, a Go/RE2 pattern over `data.pkg.name`), in module and rule order. */
export function discoverTests(modules: ModuleOutline[], run?: string): Discovered {
  const matches = runFilter(run);
  const counts = new Map<string, number>();
  const taken = new Set(modules.flatMap((m) => m.rules.map((r) => r.ref[0]!)));
  const tests: TestCase[] = [];
  const out: ModuleOutline[] = [];
  for (const m of modules) {
    const renames: { rule: RuleOutline; to: string }[] = [];
    for (const rule of m.rules) {
      const ref = testRef(rule);
      if (!ref) continue;
      const pkg = refString(['data', ...m.package]);
      const key = `${pkg}\u0000${JSON.stringify(ref)}`;
      const seen = counts.get(key) ?? 0;
      counts.set(key, seen + 1);
      const last = ref[ref.length - 1]!;
      let name = refString(ref);
      let entryRef = ref;
      if (seen > 0 && !last.startsWith(SKIP_PREFIX)) {
        name = refString([...ref.slice(0, -1), `${last}#${String(seen).padStart(2, '0')}`]);
        // Only a one-segment name (`test_x if …`) can be renamed in place; a repeated `a.test_x`
        // stays one test, as wasm sees it.
        if (ref.length === 1 && rule.name?.text === last) {
          const to = repeatName(last, seen, taken);
          renames.push({ rule, to });
          entryRef = [to];
        } else continue;
      }
      if (matches && !matches(`${pkg}.${name}`)) continue;
      const kind = last.startsWith(SKIP_PREFIX) ? 'skip' : rule.function ? 'function' : 'test';
      tests.push({
        package: pkg,
        name,
        ...(kind === 'test' ? { entrypoint: [...m.package, ...entryRef].join('/') } : {}),
        file: m.path,
        row: rule.at.row,
        kind,
        partial: rule.dynamicTail,
      });
    }
    out.push(renames.length === 0 ? m : { ...m, text: renamed(m, renames) });
  }
  return { tests, modules: out };
}

/** The module's text with each rule's first name replaced (edits from the end, so offsets hold). */
function renamed(m: ModuleOutline, renames: { rule: RuleOutline; to: string }[]): string {
  const starts = rowStarts(m.text);
  const spans = renames.map(({ rule, to }) => ({ ...spanOf(m.text, starts, rule.name!, m.path), to })).sort((a, b) => b.start - a.start);
  return spans.reduce((text, s) => text.slice(0, s.start) + s.to + text.slice(s.end), m.text);
}

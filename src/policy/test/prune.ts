// The modules one test package's build needs: every module that is not a test file, the package's
// own modules, and any other test file whose package an included module may name (its last segment
// appears in the text: `data.lib.helpers_test`, `import data.lib` then `lib.helpers_test.x`). Leaving
// the other packages' tests out halves what opa compiles per package, and a test file's edit
// recompiles its own package only (each build is cached by the modules it holds). Over-inclusion is
// harmless; a dynamic reference into another test package (`data.lib[name]`) is the one thing it
// cannot see. Pure.
import type { ModuleOutline } from '../opa/parse.ts';

const isTestFile = (m: ModuleOutline): boolean => m.path.endsWith('_test.rego');

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Which modules' texts name what: each module's identifiers, computed once for every package. */
export function nameIndex(modules: ModuleOutline[]): Map<ModuleOutline, Set<string>> {
  return new Map(modules.map((m) => [m, new Set(m.text.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [])]));
}

export function modulesFor(pkg: string[], modules: ModuleOutline[], names: Map<ModuleOutline, Set<string>> = nameIndex(modules)): ModuleOutline[] {
  const key = JSON.stringify(pkg);
  const included = new Set(modules.filter((m) => !isTestFile(m) || JSON.stringify(m.package) === key));
  const mentions = (m: ModuleOutline, word: string): boolean => (IDENT.test(word) ? names.get(m)!.has(word) : m.text.includes(word));
  for (let grew = true; grew;) {
    grew = false;
    for (const m of modules) {
      if (included.has(m) || m.package.length === 0) continue;
      const last = m.package[m.package.length - 1]!;
      if ([...included].some((i) => mentions(i, last))) {
        included.add(m);
        grew = true;
      }
    }
  }
  return modules.filter((m) => included.has(m));
}
